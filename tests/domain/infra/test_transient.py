"""Transient failures: real ones, provoked on PostgreSQL, SQLite and Redis, are recognised; others
are not; retry_transient reruns only what may rerun, a bounded number of times."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from domain.infra.transient import Cause, Transient, backoff, classify, is_transient, retry_transient

pytestmark = pytest.mark.timeout(30)


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def pg(postgres_database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(postgres_database)
    yield engine
    await engine.dispose()


async def provoke_deadlock(engine: AsyncEngine) -> BaseException:
    """Two transactions take two advisory locks in opposite order; PostgreSQL aborts one of them."""
    first_locked, second_locked = asyncio.Event(), asyncio.Event()

    async def side(mine: int, theirs: int, locked: asyncio.Event, other: asyncio.Event) -> None:
        async with engine.begin() as connection:
            await connection.execute(text("SET LOCAL deadlock_timeout = '100ms'"))  # found sooner than 1 s
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": mine})
            locked.set()
            await other.wait()
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": theirs})

    base = os.getpid() * 10
    results = await asyncio.gather(
        side(base + 1, base + 2, first_locked, second_locked),
        side(base + 2, base + 1, second_locked, first_locked),
        return_exceptions=True,
    )
    errors = [result for result in results if isinstance(result, BaseException)]
    assert len(errors) == 1
    return errors[0]


async def test_a_real_deadlock_is_transient_contention(pg: AsyncEngine) -> None:
    error = await provoke_deadlock(pg)

    assert isinstance(error, DBAPIError)
    assert classify(error) == Transient("database", Cause.CONTENTION)
    assert classify(error).retry_after == 1  # type: ignore[union-attr]


async def test_a_real_serialization_failure_is_transient_contention(pg: AsyncEngine) -> None:
    async with pg.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS transient_probe (id int PRIMARY KEY, n int)"))
        await connection.execute(text("TRUNCATE transient_probe"))
        await connection.execute(text("INSERT INTO transient_probe VALUES (1, 0)"))
    try:
        async with pg.connect() as reader, pg.connect() as writer:
            await reader.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            await reader.execute(text("SELECT n FROM transient_probe"))  # the snapshot is taken here
            await writer.execute(text("UPDATE transient_probe SET n = 1 WHERE id = 1"))
            await writer.commit()
            with pytest.raises(DBAPIError) as raised:
                await reader.execute(text("UPDATE transient_probe SET n = 2 WHERE id = 1"))
    finally:
        async with pg.begin() as connection:
            await connection.execute(text("DROP TABLE transient_probe"))

    assert classify(raised.value) == Transient("database", Cause.CONTENTION)


async def test_a_refused_connection_is_a_database_outage() -> None:
    engine = create_async_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test")
    try:
        with pytest.raises(ConnectionRefusedError) as raised:
            async with engine.connect():
                pass
    finally:
        await engine.dispose()

    transient = classify(raised.value)
    assert transient == Transient("database", Cause.OUTAGE)
    assert transient is not None
    assert transient.retry_after == 5


async def test_a_connection_killed_under_a_session_is_a_database_outage(pg: AsyncEngine) -> None:
    async with pg.connect() as victim, pg.connect() as killer:
        pid = (await victim.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as raised:
            await victim.execute(text("SELECT 1"))

    assert classify(raised.value) == Transient("database", Cause.OUTAGE)


async def test_a_locked_sqlite_database_is_transient_contention(tmp_path: Path) -> None:
    engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'locked.db'}", connect_args={"timeout": 0})
    try:
        async with engine.connect() as holder, engine.connect() as other:
            await holder.exec_driver_sql("BEGIN IMMEDIATE")
            with pytest.raises(DBAPIError) as raised:
                await other.exec_driver_sql("BEGIN IMMEDIATE")
            await holder.rollback()
    finally:
        await engine.dispose()

    assert classify(raised.value) == Transient("database", Cause.CONTENTION)


async def test_an_unreachable_redis_is_a_redis_outage() -> None:
    client = Redis(host="127.0.0.1", port=closed_port(), retry=Retry(NoBackoff(), 0))  # fail at once
    try:
        with pytest.raises(Exception) as raised:  # noqa: PT011  (which class is what is under test)
            await client.ping()
    finally:
        await client.aclose()

    assert classify(raised.value) == Transient("redis", Cause.OUTAGE)


async def test_bugs_and_constraint_violations_are_not_transient(pg: AsyncEngine) -> None:
    async with pg.connect() as connection:
        await connection.execute(text("CREATE TEMP TABLE t (id int PRIMARY KEY)"))
        with pytest.raises(IntegrityError) as raised:
            await connection.execute(text("INSERT INTO t VALUES (1), (1)"))

    assert classify(raised.value) is None
    assert not is_transient(ValueError("a bug"))
    assert not is_transient(TimeoutError())  # asyncio's deadlines are not the database's


async def test_a_transient_failure_is_retried_until_it_succeeds(pg: AsyncEngine) -> None:
    deadlock = await provoke_deadlock(pg)
    runs: list[int] = []

    async def unit() -> str:
        runs.append(len(runs) + 1)
        if len(runs) == 1:
            raise deadlock
        return "done"

    assert await retry_transient(unit, attempts=3, base_delay=0.001) == "done"
    assert runs == [1, 2]


async def test_retries_are_bounded_and_the_last_failure_is_raised(pg: AsyncEngine) -> None:
    deadlock = await provoke_deadlock(pg)
    runs = 0

    async def unit() -> None:
        nonlocal runs
        runs += 1
        raise deadlock

    with pytest.raises(DBAPIError):
        await retry_transient(unit, attempts=3, base_delay=0.001)
    assert runs == 3


async def test_a_unit_that_may_not_rerun_or_fails_for_good_runs_once(pg: AsyncEngine) -> None:
    deadlock = await provoke_deadlock(pg)
    runs = 0

    async def transient_unit() -> None:
        nonlocal runs
        runs += 1
        raise deadlock

    async def buggy_unit() -> None:
        nonlocal runs
        runs += 1
        raise ValueError("a bug")

    with pytest.raises(DBAPIError):  # say, its commit was sent: the outcome is unknown
        await retry_transient(transient_unit, attempts=3, base_delay=0.001, can_rerun=lambda _: False)
    with pytest.raises(ValueError, match="a bug"):
        await retry_transient(buggy_unit, attempts=3, base_delay=0.001)
    assert runs == 2


def test_backoff_grows_exponentially_up_to_the_cap_with_half_of_it_random() -> None:
    assert [backoff(n, 0.05, 1.0, rng=lambda: 0.0) for n in (1, 2, 3)] == [0.025, 0.05, 0.1]
    assert [backoff(n, 0.05, 1.0, rng=lambda: 1.0) for n in (1, 2, 3)] == [0.05, 0.1, 0.2]
    assert backoff(10, 0.05, 1.0, rng=lambda: 1.0) == 1.0
