"""The outbox follows the transaction: every kind of effect is released by a commit, dropped by a
rollback or a rolled-back savepoint, kept through a released savepoint, and flushed in one order."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domain import outbox
from domain.infra.job_queue import Enqueue
from domain.outbox import Effect, Stale
from domain.realtime.events import JobProgress, JobStatus, SubmissionGraded, XpAwarded
from tests.effects import LoggedCache, Sinks

AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
EFFECTS: dict[str, Effect] = {  # one effect of every kind the outbox carries
    "xp awarded": XpAwarded(1, 20, AT, 3),
    "submission graded": SubmissionGraded(1, 7),
    "job progress": JobProgress(5, 1, JobStatus.RUNNING, 0.5, AT),
    "stale cache scopes": Stale.of(["class:1", "student:1"]),
    "job request": Enqueue("evaluation_run", 5),
}


@pytest.fixture(params=list(EFFECTS))
def effect(request: pytest.FixtureRequest) -> Effect:
    return EFFECTS[request.param]


async def begin(session: AsyncSession) -> None:
    await session.execute(text("SELECT 1"))  # the transaction starts with the first statement


async def test_an_effect_is_released_only_once_its_transaction_commits(session: AsyncSession, effect: Effect) -> None:
    await begin(session)
    outbox.record(session, effect)
    before_commit = outbox.take(session)

    await session.commit()

    assert before_commit == []
    assert outbox.take(session) == [effect]
    assert outbox.take(session) == []  # taken once


async def test_a_rolled_back_transaction_drops_its_effects(session: AsyncSession, effect: Effect) -> None:
    await begin(session)
    outbox.record(session, effect)

    await session.rollback()
    await session.commit()  # a later, empty transaction releases nothing of it

    assert outbox.take(session) == []


async def test_a_session_closed_without_commit_drops_its_effects(session: AsyncSession, effect: Effect) -> None:
    await begin(session)
    outbox.record(session, effect)

    await session.close()

    assert outbox.take(session) == []


async def test_a_rolled_back_savepoint_drops_only_its_own_effects(session: AsyncSession, effect: Effect) -> None:
    before = SubmissionGraded(2, 1)
    after = Stale.of(["student:2"])
    await begin(session)
    outbox.record(session, before)
    savepoint = await session.begin_nested()
    outbox.record(session, effect)
    await savepoint.rollback()
    outbox.record(session, after)

    await session.commit()

    assert outbox.take(session) == [before, after]


async def test_a_released_savepoint_keeps_its_effects_for_the_commit(session: AsyncSession, effect: Effect) -> None:
    await begin(session)
    async with session.begin_nested():
        outbox.record(session, effect)
    released = outbox.take(session)

    await session.commit()

    assert released == []  # a savepoint's release is no commit
    assert outbox.take(session) == [effect]


async def test_a_savepoint_rolled_back_inside_a_released_one_drops_only_the_inner_effects(
    session: AsyncSession, effect: Effect
) -> None:
    outer = SubmissionGraded(3, 1)
    await begin(session)
    async with session.begin_nested():
        outbox.record(session, outer)
        inner = await session.begin_nested()
        outbox.record(session, effect)
        await inner.rollback()

    await session.commit()

    assert outbox.take(session) == [outer]


async def test_a_released_savepoint_still_goes_when_the_whole_transaction_rolls_back(
    session: AsyncSession, effect: Effect
) -> None:
    await begin(session)
    async with session.begin_nested():
        outbox.record(session, effect)

    await session.rollback()

    assert outbox.take(session) == []


# -- flushing ------------------------------------------------------------------------------------


async def test_committed_effects_flush_cache_first_then_events_then_jobs(session: AsyncSession) -> None:
    sinks = Sinks()
    await begin(session)
    for effect in reversed(EFFECTS.values()):  # recorded jobs first, cache scopes last
        outbox.record(session, effect)
    await session.commit()

    await outbox.flush(outbox.take(session), sinks)

    assert sinks.log == [
        ("cache", {"class:1", "student:1"}),
        ("events", [EFFECTS["job progress"], EFFECTS["submission graded"], EFFECTS["xp awarded"]]),
        ("jobs", Enqueue("evaluation_run", 5)),
    ]
    assert (await sinks.cache.lookup("any", "class:1")).version == 1
    assert [request.job_id for request in sinks.jobs.waiting] == [5]


async def test_a_failing_effect_is_logged_in_one_line_and_the_others_still_go(
    session: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenCache(LoggedCache):
        async def bump(self, scopes: Collection[str]) -> None:
            raise ConnectionError("cache unreachable")

    sinks = Sinks()
    sinks.cache = BrokenCache(sinks.log)
    await begin(session)
    for effect in EFFECTS.values():
        outbox.record(session, effect)
    await session.commit()

    with caplog.at_level(logging.ERROR, logger="learnql.outbox"):
        await outbox.flush(outbox.take(session), sinks)

    assert [kind for kind, _ in sinks.log] == ["events", "jobs"]
    [line] = [record for record in caplog.records if record.name == "learnql.outbox"]
    assert line.getMessage() == "after commit, cache invalidation failed: ConnectionError('cache unreachable')"
    assert line.exc_info is None
