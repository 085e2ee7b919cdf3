"""The job backlog as operators watch it: jobs waiting and running by kind, and how long the oldest
waiting one has waited (the Prometheus gauges of graph/observability/exposition.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.models import Job, JobStatus


@dataclass(frozen=True)
class Backlog:
    counts: dict[tuple[str, str], int]  # (kind, status) -> jobs, for QUEUED and RUNNING
    oldest_queued_seconds: float  # 0 when nothing waits


async def backlog(session: AsyncSession, now: datetime) -> Backlog:
    waiting = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
    rows = await session.execute(
        select(col(Job.kind), col(Job.status), func.count(), func.min(col(Job.created_at)))
        .where(col(Job.status).in_(waiting))
        .group_by(col(Job.kind), col(Job.status))
    )
    counts: dict[tuple[str, str], int] = {}
    oldest = 0.0
    for kind, status, count, first in rows.all():
        counts[(kind, status)] = int(count)
        if status == JobStatus.QUEUED.value and first is not None:
            oldest = max(oldest, (now - first).total_seconds())
    return Backlog(counts, oldest)
