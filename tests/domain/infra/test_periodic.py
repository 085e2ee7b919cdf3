"""Periodic steps (the game ticker, the alerts sweep): they run again after a failure, wait first when
asked to, stop when closed, and never start with no interval."""

from __future__ import annotations

import asyncio
import logging

import pytest

from domain.infra.periodic import Periodic

log = logging.getLogger("tests.periodic")


async def test_a_failing_step_is_logged_and_run_again(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    third = asyncio.Event()

    async def step() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("boom")
        if len(calls) == 3:
            third.set()

    periodic = Periodic("test-step", step, 0.001, log, wait_first=False)
    periodic.start()
    await asyncio.wait_for(third.wait(), 10)
    await periodic.close()
    stopped_at = len(calls)
    await asyncio.sleep(0.01)

    assert len(calls) == stopped_at  # closed: no more steps
    assert [record.getMessage() for record in caplog.records] == ["test-step failed; retrying at the next turn"]


async def test_waiting_first_runs_no_step_before_one_interval() -> None:
    calls: list[int] = []

    async def step() -> None:
        calls.append(1)

    periodic = Periodic("test-step", step, 3600, log, wait_first=True)
    periodic.start()
    await asyncio.sleep(0)
    await periodic.close()

    assert calls == []


async def test_no_interval_starts_no_task() -> None:
    async def step() -> None:
        raise AssertionError("never runs")

    periodic = Periodic("test-step", step, 0, log, wait_first=False)
    periodic.start()

    assert periodic._task is None
    await periodic.close()
