"""Bulk import stores its new problems in one batch: mixed imports keep item order, a batch skips an
id taken meanwhile, and the number of SQL statements does not grow with the number of items."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from domain.content import importing
from domain.content.importing import ImportReport, import_problems
from domain.infra.database import session_factory
from domain.models import Option, Problem, ProblemTopic, Role, Topic, User
from domain.settings import Settings
from tests.domain.content.test_importing import count, item_errors, mcq
from tests.factories import make_lesson, make_user

TOPICS = ["bulk__first", "bulk__second", "bulk__third__deep"]


@pytest.fixture
async def instructor(session: AsyncSession, settings: Settings, now: datetime) -> User:
    return await make_user(session, settings, now, role=Role.INSTRUCTOR)


@pytest.fixture
async def lesson_id(session: AsyncSession, instructor: User, now: datetime) -> int:
    return await make_lesson(session, now, owner=instructor)


def numeric(id: str | None, **changes: Any) -> dict[str, Any]:
    item = {"type": "numeric", "question": "Bits in a GraphQL Int?", "answer": 32, **changes}
    return item if id is None else {"id": id, **item}


def mixed_items(n: int) -> list[dict[str, Any]]:
    """New items of every type, spread over three topic paths."""
    kinds: list[dict[str, Any]] = [
        mcq(),
        numeric(None, tolerance=0.5),
        {"type": "short", "question": "Deprecation directive?", "answer": "@deprecated", "accepted": ["x"]},
        {"type": "theory", "question": "Explain nullability.", "answer": "Errors bubble up.", "rubric": ["up"]},
    ]
    return [kinds[i % 4] | {"id": f"bulk-{i}", "topic": TOPICS[i % 3]} for i in range(n)]


Outcome = tuple[list[str | None], list[str | None], list[tuple[int, str | None, list[str], str]]]


def outcome(report: ImportReport) -> Outcome:
    """External ids created, updated, and the item errors."""
    return [p.external_id for p in report.created], [p.external_id for p in report.updated], item_errors(report)


async def topic_paths(session: AsyncSession, problems: Sequence[Problem]) -> list[str | None]:
    """The topic each problem is linked to (None: none)."""
    query = select(col(ProblemTopic.problem_id), col(Topic.path)).join(
        Topic, col(Topic.id) == col(ProblemTopic.topic_id)
    )
    linked: dict[int | None, str] = dict(
        (await session.execute(query.where(col(ProblemTopic.problem_id).in_([p.id for p in problems])))).all()
    )
    return [linked.get(p.id) for p in problems]


class StatementCounter:
    """The SQL statements an engine sends while counting (BEGIN and PRAGMA left out)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements: list[str] = []
        self._engine = engine

    def __enter__(self) -> StatementCounter:
        event.listen(self._engine.sync_engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith(("BEGIN", "PRAGMA")):
            self.statements.append(statement)

    def starting(self, prefix: str) -> int:
        return sum(1 for statement in self.statements if statement.lstrip().startswith(prefix))


def hide_from_lookup(monkeypatch: pytest.MonkeyPatch, external_ids: Sequence[str]) -> None:
    """Make the import's look-up of existing ids miss these, as if a concurrent import had stored
    them after the look-up: the batch INSERT then meets them."""
    lookup = importing._existing

    async def existing(session: AsyncSession, ids: Sequence[str]) -> dict[str, tuple[Any, Any]]:
        found = await lookup(session, ids)
        return {key: value for key, value in found.items() if key not in external_ids}

    monkeypatch.setattr(importing, "_existing", existing)


async def test_a_mixed_import_reports_created_updated_and_errors_in_item_order(
    session: AsyncSession,
    settings: Settings,
    instructor: User,
    lesson_id: int,
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a problem of ours in another lesson, one of a rival's course, one a concurrent import
    # stores while we run, and two problems already in the lesson
    rival = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other_lesson = await make_lesson(session, now, owner=instructor)
    await import_problems(session, instructor, other_lesson, [mcq("ours")], now)
    await import_problems(session, rival, await make_lesson(session, now, owner=rival), [mcq("theirs")], now)
    await import_problems(session, instructor, lesson_id, [mcq("raced"), numeric("kept")], now)
    hide_from_lookup(monkeypatch, ["raced"])
    items: list[Any] = [
        numeric("new-a"),
        mcq("ours", question="Which keyword declares an object type?"),
        numeric(None, answer="32"),
        numeric("new-a"),
        mcq("theirs"),
        mcq("raced"),
        numeric(None, topic="bulk__first"),
        "not an object",
        mcq("new-b", topic="bulk__second"),
        numeric(" new-a "),
    ]

    # when
    report = await import_problems(session, instructor, lesson_id, items, now)

    # then
    assert item_errors(report) == [
        (2, None, ["items", "2", "answer"], "WRONG_TYPE"),
        (3, "new-a", ["items", "3", "id"], "DUPLICATE_ID"),
        (4, "theirs", ["items", "4", "id"], "FORBIDDEN"),
        (5, "raced", ["items", "5", "id"], "EXTERNAL_ID_TAKEN"),
        (7, None, ["items", "7"], "WRONG_TYPE"),
        (9, "new-a", ["items", "9", "id"], "DUPLICATE_ID"),
    ]
    assert [p.external_id for p in report.created] == ["new-a", None, "new-b"]
    assert all(p.lesson_id == lesson_id for p in report.created)
    # after the lesson's two problems, in item order (the raced item held a place in the batch)
    assert [p.position for p in report.created] == [2, 4, 5]
    assert [(p.external_id, p.lesson_id, p.prompt) for p in report.updated] == [
        ("ours", other_lesson, "Which keyword declares an object type?")
    ]
    assert await topic_paths(session, report.created) == [None, "bulk__first", "bulk__second"]
    options = select(func.count()).where(col(Option.problem_id) == report.created[2].id)
    assert (await session.execute(options)).scalar_one() == 3
    assert await count(session, Problem) == 4 + 3


async def test_an_import_of_only_bad_or_known_items_stores_no_batch(
    session: AsyncSession, instructor: User, lesson_id: int, engine: AsyncEngine, now: datetime
) -> None:
    await import_problems(session, instructor, lesson_id, [mcq("known")], now)

    with StatementCounter(engine) as counter:
        report = await import_problems(session, instructor, lesson_id, [mcq("known"), {"id": "bad"}], now)

    assert item_errors(report) == [
        (1, "bad", ["items", "1", "question"], "REQUIRED"),
        (1, "bad", ["items", "1", "type"], "REQUIRED"),
    ]
    assert [p.external_id for p in report.updated] == ["known"]
    assert report.created == []
    assert counter.starting("INSERT INTO problems") == 0


@pytest.mark.parametrize("items", [20, 200])
async def test_new_items_cost_the_same_statements_whatever_their_number(
    items: int, session: AsyncSession, instructor: User, lesson_id: int, engine: AsyncEngine, now: datetime
) -> None:
    with StatementCounter(engine) as counter:
        report = await import_problems(session, instructor, lesson_id, mixed_items(items), now)

    assert item_errors(report) == []
    assert len(report.created) == items
    assert [p.position for p in report.created] == list(range(items))
    # the lesson (with its course) and the existing ids; per distinct topic path its known prefixes
    # and the topic, plus one INSERT per new segment (bulk, first, second, third, deep); then the
    # batch: known topics, the last position, problems, options, topic links. No SAVEPOINT per item.
    assert len(counter.statements) == 2 + 3 * 2 + 5 + 5, counter.statements
    assert counter.starting("INSERT INTO problems") == 1
    assert counter.starting("SAVEPOINT") == 0
    assert await count(session, Problem) == items
    assert await count(session, ProblemTopic) == items


async def test_concurrent_imports_of_overlapping_batches_store_each_id_once(
    engine: AsyncEngine, settings: Settings, now: datetime
) -> None:
    factory = session_factory(engine, write=True)
    async with factory() as session:
        owner = await make_user(session, settings, now, role=Role.INSTRUCTOR)
        lesson = await make_lesson(session, now, owner=owner)
        await session.commit()
    postgres = engine.dialect.name == "postgresql"
    ready = asyncio.Barrier(2)

    async def run(items: list[dict[str, Any]]) -> ImportReport:
        async with factory() as session:
            await session.execute(select(func.count()).select_from(Problem))
            if postgres:  # SQLite writers queue at BEGIN; PostgreSQL ones really race
                await ready.wait()
            report = await import_problems(session, owner, lesson, items, now)
            await session.commit()
            return report

    one, many = await asyncio.gather(run([mcq("raced")]), run([numeric("before"), mcq("raced"), numeric(None)]))

    def taken(index: int) -> tuple[int, str | None, list[str], str]:
        return (index, "raced", ["items", str(index), "id"], "EXTERNAL_ID_TAKEN")

    one_first: Outcome = (["raced"], [], [])
    many_first: Outcome = (["before", "raced", None], [], [])
    expected: list[tuple[Outcome, Outcome]]
    if postgres:  # the later batch skips the id the other took and reports it
        expected = [(one_first, (["before", None], [], [taken(1)])), (([], [], [taken(0)]), many_first)]
    else:  # the later import finds the id and updates it
        expected = [(one_first, (["before", None], ["raced"], [])), (([], ["raced"], []), many_first)]
    assert (outcome(one), outcome(many)) in expected
    async with factory() as session:
        assert await count(session, Problem) == 3
