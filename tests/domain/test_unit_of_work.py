"""A unit of work commits when its block ends, then flushes its outbox; it rolls back and flushes
nothing when the block raises; an effect failing after the commit leaves the commit standing."""

from __future__ import annotations

from collections.abc import Collection

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import outbox
from domain.infra.database import session_factory
from domain.infra.job_queue import Enqueue
from domain.models import Topic
from domain.outbox import Stale
from domain.unit_of_work import unit_of_work
from tests.effects import LoggedCache, Sinks


async def topics(engine: AsyncEngine) -> list[str]:
    async with session_factory(engine)() as session:
        return list((await session.execute(select(Topic.path).order_by(Topic.path))).scalars())


async def test_a_block_that_ends_commits_then_flushes_its_effects(engine: AsyncEngine) -> None:
    sinks = Sinks()
    async with unit_of_work(session_factory(engine, write=True), sinks) as session:
        session.add(Topic(path="algebra", name="Algebra"))
        outbox.record(session, Stale.of(["class:1"]))
        await session.flush()
        during = list(sinks.log)

    assert during == []
    assert sinks.log == [("cache", {"class:1"})]
    assert await topics(engine) == ["algebra"]


async def test_a_block_that_raises_rolls_back_and_flushes_nothing(engine: AsyncEngine) -> None:
    sinks = Sinks()

    async def failing_step() -> None:
        async with unit_of_work(session_factory(engine, write=True), sinks) as session:
            session.add(Topic(path="algebra", name="Algebra"))
            outbox.record(session, Stale.of(["class:1"]))
            await session.flush()
            raise LookupError("a step failed")

    with pytest.raises(LookupError, match="a step failed"):
        await failing_step()

    assert sinks.log == []
    assert await topics(engine) == []


async def test_an_effect_failing_after_the_commit_does_not_undo_or_fail_the_unit(engine: AsyncEngine) -> None:
    class BrokenCache(LoggedCache):
        async def bump(self, scopes: Collection[str]) -> None:
            raise ConnectionError("cache unreachable")

    sinks = Sinks()
    sinks.cache = BrokenCache(sinks.log)
    async with unit_of_work(session_factory(engine, write=True), sinks) as session:
        session.add(Topic(path="algebra", name="Algebra"))
        outbox.record(session, Stale.of(["class:1"]))
        outbox.record(session, Enqueue("evaluation_run", 9))

    assert sinks.log == [("jobs", Enqueue("evaluation_run", 9))]
    assert await topics(engine) == ["algebra"]
