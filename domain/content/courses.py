"""Instructor content services: permissions, courses and lessons (topics and problems have their own modules).

Only instructors and admins author. An instructor changes only the courses they own and the lessons
and problems inside them; an admin changes anything. The rules are domain/policies.py's; this module
turns a refusal into Forbidden.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlmodel import col

from domain import policies
from domain.errors import Conflict, DomainError, Forbidden, Invalid, InvalidErrors, NotFound
from domain.infra.database import dialect_insert
from domain.models import Course, Lesson, ProblemKind, User

MAX_SLUG = 100
SLUG = re.compile(rf"^[a-z0-9-]{{1,{MAX_SLUG}}}$")
SEGMENT = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
MAX_TOPIC_DEPTH, MAX_PATH, MAX_NAME = 8, 400, 200
MAX_TITLE, MAX_DESCRIPTION, MAX_BODY = 200, 10_000, 200_000
MAX_PROMPT, MAX_TEXT, MAX_ENTRIES, MAX_TAGS, MAX_TAG = 10_000, 10_000, 20, 20, 50
MIN_OPTIONS, MAX_OPTIONS, MAX_EXTERNAL_ID = 2, 10, 200
CHOICE_KINDS = {ProblemKind.SINGLE_CHOICE, ProblemKind.MULTIPLE_CHOICE}


@dataclass(frozen=True)
class CourseDraft:
    slug: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class CoursePatch:
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class LessonDraft:
    course_id: int
    title: str
    body: str = ""
    position: int | None = None  # None: after the last lesson


@dataclass(frozen=True)
class LessonPatch:
    title: str | None = None
    body: str | None = None
    position: int | None = None


class Positioned(Protocol):
    position: int


def fail_if(errors: Sequence[DomainError]) -> None:
    if errors:
        raise errors[0] if len(errors) == 1 else InvalidErrors(errors)


def invalid(message: str, field: list[str], code: str = "INVALID") -> Invalid:
    return Invalid(message, field=field, code=code)


def check_text(value: str, field: str, limit: int, required: bool = True) -> list[Invalid]:
    if required and not value.strip():
        return [invalid(f"`{field}` must not be empty.", [field], "REQUIRED")]
    if len(value) > limit:
        return [invalid(f"`{field}` is over {limit} characters.", [field], "TOO_LONG")]
    return []


def check_position(position: int | None) -> list[Invalid]:
    if position is not None and position < 0:
        return [invalid("The position must be 0 or more.", ["position"])]
    return []


def place(siblings: list[Positioned], item: Positioned, index: int) -> None:
    """Put `item` at `index` among `siblings` (ordered, without `item`); renumber 0, 1, 2..."""
    siblings.insert(max(0, min(index, len(siblings))), item)
    for position, row in enumerate(siblings):
        if row.position != position:
            row.position = position


async def after_last(session: AsyncSession, position: Mapped[int], siblings: ColumnElement[bool]) -> int:
    last = (await session.execute(select(func.max(position)).where(siblings))).scalar()
    return 0 if last is None else last + 1


# -- permissions ---------------------------------------------------------------------------------


def require_author(viewer: User) -> None:
    if not policies.can_author_content(viewer):
        raise Forbidden("Only instructors and admins may author content.")


def check_can_author(viewer: User, course: Course) -> None:
    require_author(viewer)
    if not policies.can_author_course(viewer, course):
        raise Forbidden("Only the course's owner or an admin may change it.")


async def authorable_course(session: AsyncSession, viewer: User, course_id: int) -> Course:
    require_author(viewer)
    course = await session.get(Course, course_id)
    if course is None:
        raise NotFound("No such course.", field=["courseId"])
    check_can_author(viewer, course)
    return course


async def authorable_lesson(session: AsyncSession, viewer: User, lesson_id: int) -> tuple[Lesson, Course]:
    """The lesson and its course if the viewer may author them; Forbidden / NotFound otherwise."""
    require_author(viewer)
    query = (
        select(Lesson, Course).join(Course, col(Course.id) == col(Lesson.course_id)).where(col(Lesson.id) == lesson_id)
    )
    row = (await session.execute(query)).one_or_none()
    if row is None:
        raise NotFound("No such lesson.", field=["lessonId"])
    lesson, course = row
    check_can_author(viewer, course)
    return lesson, course


# -- courses and lessons -------------------------------------------------------------------------


async def create_course(session: AsyncSession, viewer: User, draft: CourseDraft, now: datetime) -> Course:
    require_author(viewer)
    slug = draft.slug.strip().lower()
    errors = check_text(draft.title, "title", MAX_TITLE)
    errors += check_text(draft.description, "description", MAX_DESCRIPTION, False)
    if not SLUG.match(slug):
        message = f"The slug has 1 to {MAX_SLUG} characters of a-z, 0-9 and -."
        errors.insert(0, invalid(message, ["slug"]))
    fail_if(errors)
    statement = (
        dialect_insert(session)(Course)
        .values(
            slug=slug,
            title=draft.title.strip(),
            description=draft.description.strip(),
            owner_id=viewer.id,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["slug"])
        .returning(col(Course.id))
    )
    course_id = (await session.execute(statement)).scalar_one_or_none()
    if course_id is None:
        raise Conflict("This slug is taken.", field=["slug"], code="SLUG_TAKEN")
    course = await session.get(Course, course_id)
    assert course is not None
    return course


async def update_course(session: AsyncSession, viewer: User, course_id: int, patch: CoursePatch) -> Course:
    course = await authorable_course(session, viewer, course_id)
    errors: list[Invalid] = []
    if patch.title is not None:
        errors += check_text(patch.title, "title", MAX_TITLE)
    if patch.description is not None:
        errors += check_text(patch.description, "description", MAX_DESCRIPTION, False)
    fail_if(errors)
    if patch.title is not None:
        course.title = patch.title.strip()
    if patch.description is not None:
        course.description = patch.description.strip()
    await session.flush()
    return course


async def _lessons_of(session: AsyncSession, course_id: int, but: int | None = None) -> list[Positioned]:
    query = select(Lesson).where(col(Lesson.course_id) == course_id)
    if but is not None:
        query = query.where(col(Lesson.id) != but)
    query = query.order_by(col(Lesson.position), col(Lesson.id))
    return list((await session.execute(query)).scalars())


async def create_lesson(session: AsyncSession, viewer: User, draft: LessonDraft, now: datetime) -> Lesson:
    """A new, unpublished lesson at `position` (None: after the last one)."""
    await authorable_course(session, viewer, draft.course_id)
    errors = check_text(draft.title, "title", MAX_TITLE)
    errors += check_text(draft.body, "body", MAX_BODY, False)
    fail_if(errors + check_position(draft.position))
    lesson = Lesson(
        course_id=draft.course_id, title=draft.title.strip(), body=draft.body, published=False, created_at=now
    )
    if draft.position is None:
        lesson.position = await after_last(session, col(Lesson.position), col(Lesson.course_id) == draft.course_id)
    else:
        place(await _lessons_of(session, draft.course_id), lesson, draft.position)
    session.add(lesson)
    await session.flush()
    return lesson


async def update_lesson(session: AsyncSession, viewer: User, lesson_id: int, patch: LessonPatch) -> Lesson:
    lesson, _ = await authorable_lesson(session, viewer, lesson_id)
    errors = check_position(patch.position)
    if patch.title is not None:
        errors += check_text(patch.title, "title", MAX_TITLE)
    if patch.body is not None:
        errors += check_text(patch.body, "body", MAX_BODY, False)
    fail_if(errors)
    if patch.title is not None:
        lesson.title = patch.title.strip()
    if patch.body is not None:
        lesson.body = patch.body
    if patch.position is not None:
        siblings = await _lessons_of(session, lesson.course_id, lesson_id)
        place(siblings, lesson, patch.position)
    await session.flush()
    return lesson


async def publish_lesson(session: AsyncSession, viewer: User, lesson_id: int, published: bool = True) -> Lesson:
    lesson, _ = await authorable_lesson(session, viewer, lesson_id)
    lesson.published = published
    await session.flush()
    return lesson
