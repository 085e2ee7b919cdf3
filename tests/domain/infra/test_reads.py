"""The driver-connection reads (domain/infra/reads.py) answer what the ORM session answers, on both databases."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.content import catalog
from domain.infra import driver
from domain.infra.reads import KeyedRead, KeyFilter, Query
from domain.models import Course, ProblemKind, ProblemStatus
from tests.conftest import Database
from tests.factories import make_course

KINDS = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC, ProblemKind.MULTIPLE_CHOICE)


async def test_listing_rows_match_the_orm_rows_in_order_and_see_the_sessions_own_writes(
    session: AsyncSession, now: datetime
) -> None:
    built = await make_course(session, now, lessons=3, kinds=KINDS)  # flushed, not committed
    lesson_ids = [lesson.id or 0 for lesson in built.lessons]
    draft = built.problems[lesson_ids[1]][0]
    draft.status = ProblemStatus.DRAFT.value
    await session.flush()

    published = await catalog.problem_rows_by_lesson(session, [*lesson_ids, lesson_ids[0], 10**6], False)
    everything = await catalog.problem_rows_by_lesson(session, lesson_ids, True)
    orm = await catalog.problems_by_lesson(session, lesson_ids, include_drafts=True)

    assert {key: [row.id for row in rows] for key, rows in everything.items()} == {
        key: [problem.id for problem in problems] for key, problems in orm.items()
    }
    assert [row.id for row in published[lesson_ids[1]]] == [p.id for p in orm[lesson_ids[1]] if p.id != draft.id]
    assert published[lesson_ids[0]][0].kind == ProblemKind.SINGLE_CHOICE.value
    assert published[lesson_ids[0]][0].lesson_id == lesson_ids[0]

    problem_ids = [p.id or 0 for problems in built.problems.values() for p in problems]
    options = await catalog.option_rows_by_problem(session, problem_ids)
    orm_options = await catalog.options_by_problem(session, problem_ids)
    assert {key: [(o.id, o.text, o.correct) for o in rows] for key, rows in options.items()} == {
        key: [(o.id, o.text, o.correct) for o in rows] for key, rows in orm_options.items()
    }
    assert len(options) == 6  # the two choice problems of each of the 3 lessons


async def test_each_read_is_told_to_the_listeners(session: AsyncSession, now: datetime) -> None:
    built = await make_course(session, now, lessons=2, kinds=KINDS)
    heard: list[str] = []
    driver.listeners.append(heard.append)
    try:
        await catalog.problem_rows_by_lesson(session, [lesson.id or 0 for lesson in built.lessons], False)
    finally:
        driver.listeners.remove(heard.append)
    expected = 1 if session.get_bind().dialect.driver == "asyncpg" else 0  # SQLite runs on the session
    assert len(heard) == expected


def _created(match: KeyFilter) -> Query:
    return select(col(Course.id), col(Course.created_at)).where(match(col(Course.id)))


async def test_a_column_the_driver_cannot_return_as_is_is_refused_on_postgresql(
    session: AsyncSession, now: datetime, database: Database
) -> None:
    built = await make_course(session, now, kinds=())
    read = KeyedRead(_created)
    if database.backend != "postgresql":
        rows = await read.rows(session, [built.course.id or 0])
        assert rows[0].created_at == now
        return
    with pytest.raises(TypeError, match="created_at"):
        await read.rows(session, [built.course.id or 0])
