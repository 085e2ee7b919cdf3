"""Bulk inserts (domain/infra/bulk.py) store what the ORM would store, in one statement, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.infra import driver
from domain.infra.bulk import BulkInsert
from domain.models import LearningEvent, User
from domain.settings import Settings
from tests.conftest import Database
from tests.factories import make_user

EVENTS = BulkInsert(LearningEvent.__table__)  # type: ignore[attr-defined]


async def test_rows_come_back_as_the_orm_reads_them_with_json_nulls_and_utc_times(
    session: AsyncSession, settings: Settings, now: datetime, database: Database
) -> None:
    user = await make_user(session, settings, now)
    paris = now.astimezone(timezone(timedelta(hours=1)))  # stored as the same instant, read back in UTC
    rows = [
        {
            "user_id": user.id,
            "type": "XP_AWARDED",
            "occurred_at": paris + timedelta(seconds=index),
            "course_id": None if index else 7,
            "lesson_id": None,
            "problem_id": index,
            "payload": {"amount": index, "ref": "problem:1", "text": "é \\\" '\n", "nested": [1.5, None, True]},
        }
        for index in range(3)
    ]
    heard: list[str] = []
    driver.listeners.append(heard.append)
    try:
        await EVENTS.run(session, rows)
        await EVENTS.run(session, [])  # nothing to insert: no statement
    finally:
        driver.listeners.remove(heard.append)

    stored = (await session.execute(select(LearningEvent).order_by(col(LearningEvent.id)))).scalars().all()
    assert [(e.problem_id, e.course_id, e.lesson_id, e.payload) for e in stored] == [
        (row["problem_id"], row["course_id"], None, row["payload"]) for row in rows
    ]
    assert [e.occurred_at for e in stored] == [now.astimezone(UTC) + timedelta(seconds=i) for i in range(3)]
    assert all(e.occurred_at.tzinfo == UTC for e in stored)
    # PostgreSQL: one statement on the driver's connection, told to the listeners; SQLite: through the session
    assert len(heard) == (1 if database.backend == "postgresql" else 0)


def test_the_columns_are_every_column_but_the_generated_key() -> None:
    assert "id" not in EVENTS.columns
    assert EVENTS.columns[:2] == ["user_id", "type"]


async def test_the_driver_connection_is_kept_for_a_transaction_and_asked_again_for_the_next(
    session: AsyncSession, database: Database
) -> None:
    first = await driver.asyncpg_connection(session)
    assert await driver.asyncpg_connection(session) == first  # the same transaction: kept
    assert (first[1] is not None) == (database.backend == "postgresql")
    await session.commit()
    after = await driver.asyncpg_connection(session)  # a new transaction: asked again, not the old one
    assert after[0] is not first[0]
    assert after[0].sync_connection is (await session.connection()).sync_connection


async def test_rows_can_ride_on_another_statement_whose_result_comes_back(
    session: AsyncSession, settings: Settings, now: datetime, database: Database
) -> None:
    user = await make_user(session, settings, now)
    await session.commit()
    rows = [
        {
            "user_id": user.id,
            "type": "XP_AWARDED",
            "occurred_at": now,
            "course_id": None,
            "lesson_id": None,
            "problem_id": index,
            "payload": {"amount": 10, "reason": "answer", "ref": f"problem:{index}"},
        }
        for index in range(2)
    ]
    users = User.__table__  # type: ignore[attr-defined]
    raise_xp = update(users).where(users.c.id == user.id).values(xp=users.c.xp + 20).returning(users.c.xp)
    heard: list[str] = []
    driver.listeners.append(heard.append)
    try:
        assert (await EVENTS.run_with(session, rows, raise_xp)).scalar_one() == user.xp + 20
        assert (await EVENTS.run_with(session, [], raise_xp)).scalar_one() == user.xp + 40  # no rows: the statement
    finally:
        driver.listeners.remove(heard.append)
    await session.commit()

    stored = (await session.execute(select(LearningEvent).order_by(col(LearningEvent.id)))).scalars().all()
    assert [(e.user_id, e.problem_id, e.payload, e.occurred_at) for e in stored] == [
        (user.id, row["problem_id"], row["payload"], now.astimezone(UTC)) for row in rows
    ]
    assert heard == []  # never a statement of its own on the driver's connection (SQLite: through the session)
