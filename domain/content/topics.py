"""The topic tree: one shared tree of any depth; staff add to it, only admins rename or move topics."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import policies
from domain.content.courses import (
    MAX_NAME,
    MAX_PATH,
    MAX_TOPIC_DEPTH,
    SEGMENT,
    check_text,
    fail_if,
    invalid,
    require_author,
)
from domain.errors import Conflict, Forbidden, NotFound
from domain.infra.database import dialect_insert
from domain.models import Topic, User


@dataclass(frozen=True)
class TopicDraft:
    name: str
    parent_id: int | None = None


# -- topics --------------------------------------------------------------------------------------


def slugify_topic(name: str) -> str:
    """The path segment of a topic name: its letters and digits in lowercase snake_case."""
    return "_".join(re.findall(r"[a-z0-9]+", name.casefold()))


def topic_path_segments(path: str) -> list[str]:
    """The segments of a path like "backend__api__graphql"; Invalid (field ["path"]) if bad."""
    segments = path.split("__")
    if not 1 <= len(segments) <= MAX_TOPIC_DEPTH or len(path) > MAX_PATH:
        raise invalid(f"A topic path has 1 to {MAX_TOPIC_DEPTH} segments, {MAX_PATH} characters.", ["path"])
    if not all(SEGMENT.match(segment) for segment in segments):
        raise invalid("Topic path segments are lowercase snake_case (a-z, 0-9, single _) joined by __.", ["path"])
    return segments


def _check_path(path: str) -> None:
    if path.count("__") >= MAX_TOPIC_DEPTH or len(path) > MAX_PATH:
        raise invalid("The topic tree would grow too deep or too long.", ["parentId"])


async def ensure_topic_path(session: AsyncSession, path: str) -> Topic:
    """The topic at `path`, creating it and missing ancestors; safe against concurrent callers."""
    segments = topic_path_segments(path)
    prefixes = ["__".join(segments[: depth + 1]) for depth in range(len(segments))]
    query = select(col(Topic.path), col(Topic.id)).where(col(Topic.path).in_(prefixes))
    known = {row[0]: row[1] for row in await session.execute(query)}
    parent_id: int | None = None
    for prefix in prefixes:
        topic_id = known.get(prefix)
        if topic_id is None:
            name = prefix.rsplit("__", 1)[-1].replace("_", " ").title()
            statement = (
                dialect_insert(session)(Topic)
                .values(parent_id=parent_id, path=prefix, name=name)
                .on_conflict_do_nothing(index_elements=["path"])
                .returning(col(Topic.id))
            )
            topic_id = (await session.execute(statement)).scalar_one_or_none()
        if topic_id is None:  # another transaction has just created it
            found = select(col(Topic.id)).where(col(Topic.path) == prefix)
            topic_id = (await session.execute(found)).scalar_one()
        parent_id = topic_id
    leaf = await session.get(Topic, parent_id)
    assert leaf is not None
    return leaf


async def create_topic(session: AsyncSession, viewer: User, draft: TopicDraft) -> Topic:
    require_author(viewer)
    errors = check_text(draft.name, "name", MAX_NAME)
    if not errors and not slugify_topic(draft.name):
        errors.append(invalid("The name needs a letter or a digit.", ["name"]))
    fail_if(errors)
    prefix = ""
    if draft.parent_id is not None:
        parent = await session.get(Topic, draft.parent_id)
        if parent is None:
            raise NotFound("No such parent topic.", field=["parentId"])
        prefix = parent.path + "__"
    path = prefix + slugify_topic(draft.name)
    _check_path(path)
    statement = (
        dialect_insert(session)(Topic)
        .values(parent_id=draft.parent_id, path=path, name=draft.name.strip())
        .on_conflict_do_nothing(index_elements=["path"])
        .returning(col(Topic.id))
    )
    topic_id = (await session.execute(statement)).scalar_one_or_none()
    if topic_id is None:
        raise Conflict(f"Topic {path!r} exists.", field=["name"], code="TOPIC_EXISTS")
    topic = await session.get(Topic, topic_id)
    assert topic is not None
    return topic


async def update_topic(
    session: AsyncSession,
    viewer: User,
    topic_id: int,
    name: str | None = None,
    parent_id: int | None = None,
    *,
    to_root: bool = False,
) -> Topic:
    """Rename and/or move a topic (None: unchanged; `to_root`: make it top-level).

    The paths of the topic and everything below it follow; moving below itself is a CYCLE."""
    require_author(viewer)
    if not policies.can_edit_topic(viewer):
        raise Forbidden("Only admins may rename or move shared topics.")
    topic = await session.get(Topic, topic_id)
    if topic is None:
        raise NotFound("No such topic.", field=["topicId"])
    if name is not None:
        fail_if(check_text(name, "name", MAX_NAME))
        if not slugify_topic(name):
            raise invalid("The name needs a letter or a digit.", ["name"])
    parent = None
    if parent_id is not None and not to_root:
        parent = await session.get(Topic, parent_id)
        if parent is None:
            raise NotFound("No such parent topic.", field=["parentId"])
        if parent.id == topic.id or parent.path.startswith(topic.path + "__"):
            raise invalid("A topic cannot move below itself.", ["parentId"], "CYCLE")
    elif topic.parent_id is not None and not to_root:
        parent = await session.get(Topic, topic.parent_id)
    old = topic.path
    segment = slugify_topic(name) if name is not None else old.rsplit("__", 1)[-1]
    new = (parent.path + "__" if parent is not None else "") + segment
    if new != old:
        below = col(Topic.path).startswith(old + "__", autoescape=True)
        descendants = list((await session.execute(select(Topic).where(below))).scalars())
        for path in [new, *(new + d.path[len(old) :] for d in descendants)]:
            _check_path(path)
        taken = select(col(Topic.id)).where(col(Topic.path) == new)
        if (await session.execute(taken)).first() is not None:
            raise Conflict(f"Topic {new!r} exists.", field=["name"], code="TOPIC_EXISTS")
        for descendant in descendants:
            descendant.path = new + descendant.path[len(old) :]
        topic.path = new
    topic.parent_id = None if parent is None else parent.id
    if name is not None:
        topic.name = name.strip()
    await session.flush()
    return topic
