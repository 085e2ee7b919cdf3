"""The in-process job runner: the same retry rule as arq, duplicates dropped, drained on demand; and the sweep."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from arq.worker import Retry
from sqlalchemy.ext.asyncio import AsyncSession

from domain.infra.job_queue import Enqueue, InProcessJobQueue, Periodic
from domain.jobs import records as jobs
from domain.models import Job, JobKind, JobStatus
from domain.settings import Settings
from tests.factories import make_user
from workers.jobs import STALLED, jobs_sweep
from workers.runtime import Runtime

pytestmark = pytest.mark.timeout(30)


def runner(calls: list[tuple[int, int]], fail_tries: int = 0, *, autostart: bool = True) -> InProcessJobQueue:
    async def job(ctx: dict[str, Any], job_id: int) -> None:
        calls.append((job_id, ctx["job_try"]))
        if ctx["job_try"] <= fail_tries:
            raise Retry(defer=0.01)

    async def context() -> dict[str, Any]:
        return {"runtime": None}

    functions = {"job_run": job, "evaluation_run": job, "generation_run": job}
    return InProcessJobQueue(functions, context, max_tries=3, autostart=autostart)


async def test_a_job_asking_for_a_retry_runs_again_with_the_next_try_number() -> None:
    calls: list[tuple[int, int]] = []
    queue = runner(calls, fail_tries=1)

    assert await queue.enqueue(Enqueue("job_run", 7)) is True
    await queue.drain()

    assert calls == [(7, 1), (7, 2)]


async def test_retries_stop_after_max_tries() -> None:
    calls: list[tuple[int, int]] = []
    queue = runner(calls, fail_tries=10)

    await queue.enqueue(Enqueue("job_run", 7))
    await queue.drain()

    assert calls == [(7, 1), (7, 2), (7, 3)]


async def test_a_request_already_queued_is_dropped_and_waits_for_drain_without_autostart() -> None:
    calls: list[tuple[int, int]] = []
    queue = runner(calls, autostart=False)

    first = await queue.enqueue(Enqueue("job_run", 1))
    duplicate = await queue.enqueue(Enqueue("job_run", 1))
    waiting = [request.job_id for request in queue.waiting]
    await queue.drain()

    assert (first, duplicate, waiting) == (True, False, [1])
    assert calls == [(1, 1)]


async def test_periodic_functions_run_every_interval_once_started_and_stop_at_close() -> None:
    ticks: list[str] = []
    reached = asyncio.Event()

    async def tick(ctx: dict[str, Any]) -> None:
        ticks.append(ctx["runtime"] or "ctx")
        if len(ticks) == 3:
            reached.set()

    async def context() -> dict[str, Any]:
        return {"runtime": None}

    idle = InProcessJobQueue({}, context, autostart=False, periodic=[Periodic("tick", tick, 0.001)])
    queue = InProcessJobQueue({}, context, periodic=[Periodic("tick", tick, 0.001)])

    idle.start_periodic()  # without autostart (the tests' runner) nothing runs on its own
    queue.start_periodic()
    await asyncio.wait_for(reached.wait(), timeout=5)
    await queue.close()
    await idle.close()
    stopped = len(ticks)
    await asyncio.sleep(0.01)

    assert ticks[:3] == ["ctx", "ctx", "ctx"]
    assert len(ticks) == stopped


async def test_an_unknown_function_is_refused_and_send_only_logs_it() -> None:
    queue = runner([])

    with pytest.raises(LookupError):
        await queue.enqueue(Enqueue("nope_run", 1))
    await queue.send([Enqueue("nope_run", 1)])  # logged, not raised: the row stays QUEUED for the sweep
    await queue.close()


async def test_the_sweep_resends_lost_requests_and_fails_jobs_whose_worker_died(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime]
) -> None:
    user = await make_user(session, settings, now)
    earlier = now - timedelta(hours=2)
    rows = {
        "lost": Job(kind=JobKind.EVALUATION, status=JobStatus.QUEUED, created_by=user.id, created_at=earlier),
        "fresh": Job(kind=JobKind.EVALUATION, status=JobStatus.QUEUED, created_by=user.id, created_at=now),
        "dead": Job(kind=JobKind.GENERATION, status=JobStatus.RUNNING, created_by=user.id, created_at=earlier),
        "alive": Job(kind=JobKind.GENERATION, status=JobStatus.RUNNING, created_by=user.id, created_at=now),
    }
    for name, row in rows.items():
        row.input_hash, row.updated_at = name, row.created_at
    session.add_all(rows.values())
    await session.commit()
    runtime = make_runtime(settings)
    runtime.backends.jobs = queue = runner([], autostart=False)

    swept = await jobs_sweep({"runtime": runtime})

    states = {name: (await session.get(Job, row.id, populate_existing=True)) for name, row in rows.items()}
    await session.commit()
    assert swept == 2
    assert [request.job_id for request in queue.waiting] == [rows["lost"].id]
    assert {name: job.status for name, job in states.items() if job} == {
        "lost": "QUEUED",
        "fresh": "QUEUED",
        "dead": "FAILED",
        "alive": "RUNNING",
    }
    assert states["dead"].error == STALLED  # type: ignore[union-attr]
    assert jobs.FUNCTIONS[JobKind.EVALUATION] == "evaluation_run"
