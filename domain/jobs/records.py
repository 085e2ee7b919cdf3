"""Job records: what was asked, where it is (QUEUED, RUNNING, SUCCEEDED, FAILED), what it cost.

A job row is created inside the transaction that asks for the work, and the request to run it goes
to the outbox (domain/outbox.py), which sends it only once that transaction commits (Polar's rule),
so a worker never looks for a row that is not there yet. Rows are found again by `dedupe_key`, so asking
twice for the same work returns the same job. Every change of status or progress records a
`JobProgress` event, published to `jobProgress` subscribers after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox
from domain.infra.database import dialect_insert
from domain.infra.job_queue import Enqueue
from domain.infra.locks import no_key_update
from domain.models import Job, JobKind
from domain.realtime import events
from domain.realtime.events import JobStatus
from domain.settings import Settings

FUNCTIONS = {
    JobKind.GENERATION: "generation_run",
    JobKind.EVALUATION: "evaluation_run",
    JobKind.REVIEW_PARAMETERS: "review_parameters_fit",
}
FINAL = (JobStatus.SUCCEEDED.value, JobStatus.FAILED.value)
MAX_ERROR = 2000


@dataclass(frozen=True)
class Usage:
    """Tokens a provider reported, and how many requests it took."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.requests + other.requests,
        )

    def cost(self, settings: Settings) -> float:
        """In the currency of the configured prices per 1,000 tokens."""
        return (
            self.prompt_tokens * settings.ai_price_per_1k_prompt_tokens
            + self.completion_tokens * settings.ai_price_per_1k_completion_tokens
        ) / 1000


# -- sending after commit ------------------------------------------------------------------------


def defer(session: AsyncSession, job: Job) -> None:
    """Send the job to the queue once this transaction commits (a rollback forgets it)."""
    assert job.id is not None
    outbox.record(session, Enqueue(FUNCTIONS[JobKind(job.kind)], job.id))


# -- the record ----------------------------------------------------------------------------------


def _announce(session: AsyncSession, job: Job, at: datetime) -> None:
    assert job.id is not None
    status = JobStatus(job.status)
    outbox.record(session, events.JobProgress(job.id, job.created_by, status, job.progress, at, job.error))


async def create(
    session: AsyncSession,
    *,
    kind: JobKind,
    dedupe_key: str,
    input_hash: str,
    params: dict[str, Any],
    created_by: int,
    now: datetime,
    lesson_id: int | None = None,
    source_text: str | None = None,
) -> tuple[Job, bool]:
    """The job for `dedupe_key`: a new QUEUED one (True), or the one asked for before (False).

    A FAILED job gives up its key, so asking again after a failure starts afresh."""
    await session.execute(
        update(Job)
        .where(col(Job.dedupe_key) == dedupe_key, col(Job.status) == JobStatus.FAILED.value)
        .values(dedupe_key=None)
    )
    statement = (
        dialect_insert(session)(Job)
        .values(
            kind=kind.value,
            status=JobStatus.QUEUED.value,
            dedupe_key=dedupe_key,
            input_hash=input_hash,
            params=params,
            source_text=source_text,
            lesson_id=lesson_id,
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(col(Job.id))
    )
    job_id = (await session.execute(statement)).scalar_one_or_none()
    query = select(Job).where(col(Job.dedupe_key) == dedupe_key).execution_options(populate_existing=True)
    job = (await session.execute(query)).scalar_one()
    if job_id is not None:
        _announce(session, job, now)
        defer(session, job)
    elif job.status == JobStatus.QUEUED.value:
        defer(session, job)  # a lost request is sent again; the queue drops it if it is still there
    return job, job_id is not None


async def lock(session: AsyncSession, job_id: int) -> Job | None:
    """The job row, locked until commit (one finisher at a time); the last lock a transaction takes
    (domain/infra/locks.py)."""
    query = no_key_update(select(Job).where(col(Job.id) == job_id)).execution_options(populate_existing=True)
    return (await session.execute(query)).scalar_one_or_none()


async def start(session: AsyncSession, job_id: int, now: datetime) -> Job | None:
    """Mark the job RUNNING and count the attempt; None when it is finished (or gone): nothing to do."""
    job = await lock(session, job_id)
    if job is None or job.status in FINAL:
        return None
    job.status = JobStatus.RUNNING.value
    job.attempts += 1
    job.started_at = job.started_at or now
    job.updated_at = now
    _announce(session, job, now)
    await session.flush()
    return job


async def report(
    session: AsyncSession,
    job_id: int,
    now: datetime,
    settings: Settings,
    *,
    done: float | None = None,
    usage: Usage = Usage(),
    cache_hits: int = 0,
) -> None:
    """Add what one step spent and, with `done` (0..1), move the progress on (never backwards)."""
    job = await lock(session, job_id)
    if job is None or job.status in FINAL:
        return
    job.prompt_tokens += usage.prompt_tokens
    job.completion_tokens += usage.completion_tokens
    job.provider_calls += usage.requests
    job.cost = round(job.cost + usage.cost(settings), 8)
    job.cache_hits += cache_hits
    if done is not None:
        job.progress = max(job.progress, round(min(max(done, 0.0), 1.0), 4))
    job.updated_at = now
    _announce(session, job, now)
    await session.flush()


async def finish(
    session: AsyncSession, job: Job, now: datetime, *, result: dict[str, Any] | None = None, error: str | None = None
) -> None:
    """SUCCEEDED with `result`, or FAILED with `error`; the caller holds the row lock (`lock`)."""
    job.status = JobStatus.FAILED.value if error is not None else JobStatus.SUCCEEDED.value
    if error is None:
        job.progress = 1.0
        job.result = result
    job.error = None if error is None else error[:MAX_ERROR]
    job.finished_at = job.updated_at = now
    _announce(session, job, now)
    await session.flush()


async def retry_later(session: AsyncSession, job_id: int, error: str, now: datetime) -> None:
    """Back to QUEUED, with the reason, until the queue runs it again."""
    job = await lock(session, job_id)
    if job is None or job.status in FINAL:
        return
    job.status = JobStatus.QUEUED.value
    job.error = error[:MAX_ERROR]
    job.updated_at = now
    _announce(session, job, now)
    await session.flush()


async def fail(session: AsyncSession, job_id: int, error: str, now: datetime) -> None:
    job = await lock(session, job_id)
    if job is not None and job.status not in FINAL:
        await finish(session, job, now, error=error)


async def jobs_by_id(session: AsyncSession, ids: Sequence[int]) -> dict[int, Job]:
    if not ids:
        return {}
    rows = await session.execute(select(Job).where(col(Job.id).in_(set(ids))))
    return {job.id: job for job in rows.scalars() if job.id is not None}


async def overdue(session: AsyncSession, now: datetime, queued_for: timedelta, running_for: timedelta) -> list[Job]:
    """Jobs QUEUED for longer than `queued_for` (their request may be lost) and jobs RUNNING without a
    sign of life for longer than `running_for` (their worker died)."""
    query = select(Job).where(
        ((col(Job.status) == JobStatus.QUEUED.value) & (col(Job.updated_at) < now - queued_for))
        | ((col(Job.status) == JobStatus.RUNNING.value) & (col(Job.updated_at) < now - running_for))
    )
    return list((await session.execute(query.order_by(col(Job.id)).limit(1000))).scalars())


async def unfinished(session: AsyncSession) -> list[Enqueue]:
    """Requests for every QUEUED or RUNNING job, oldest first. For the in-process runner, which is
    the only one running jobs on the embedded default: at its start these are what the previous
    process left undone (stopped before the job ran, or during it; job functions resume)."""
    active = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
    found = await session.execute(select(Job).where(col(Job.status).in_(active)).order_by(col(Job.id)))
    return [Enqueue(FUNCTIONS[JobKind(job.kind)], job.id) for job in found.scalars() if job.id is not None]
