"""The Job type: a background job (AI generation or evaluation), visible to whoever started it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from domain import models as m
from domain import policies
from domain.realtime.events import JobProgress
from graph.content.types import Lesson, Problem
from graph.context import Context
from graph.errors import UserError
from graph.learning.types import Submission
from graph.nodes import EncodedNode, load_nodes


@strawberry.enum(description="Where a background job is.")
class JobStatus(Enum):
    QUEUED = strawberry.enum_value("QUEUED", description="Waiting for a worker (also between retries).")
    RUNNING = strawberry.enum_value("RUNNING", description="A worker is on it.")
    SUCCEEDED = strawberry.enum_value("SUCCEEDED", description="Done; see its results.")
    FAILED = strawberry.enum_value("FAILED", description="Given up; `error` says why.")


@strawberry.enum(description="What a job does.")
class JobKind(Enum):
    GENERATION = strawberry.enum_value("GENERATION", description="Problems generated from a text or a PDF.")
    EVALUATION = strawberry.enum_value("EVALUATION", description="Free-text answers graded by the AI provider.")
    REVIEW_PARAMETERS = strawberry.enum_value(
        "REVIEW_PARAMETERS", description="The viewer's FSRS parameters fitted to their review log (reviewStats)."
    )


@strawberry.type(
    description="A background job. `status`, `progress` and `error` are as of the moment the job was read "
    "(in `jobProgress`: as of the update); the other fields are read when asked for."
)
class Job(EncodedNode):
    id: relay.NodeID[int]
    status: JobStatus
    progress: float = strawberry.field(description="Share of the work done, 0..1.")
    error: str | None = strawberry.field(
        description="Why the job failed, or why the last try did while it waits to be retried."
    )
    updated_at: datetime
    row: strawberry.Private[m.Job | None] = None

    @classmethod
    def from_model(cls, job: m.Job) -> Job:
        assert job.id is not None
        return cls(
            id=job.id,
            status=JobStatus(job.status),
            progress=job.progress,
            error=job.error,
            updated_at=job.updated_at,
            row=job,
        )

    @classmethod
    def from_event(cls, event: JobProgress) -> Job:
        return cls(
            id=event.job_id,
            status=JobStatus(event.status.value),
            progress=event.progress,
            error=event.error,
            updated_at=event.at,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[Job | None]:
        """Whoever started a job, the author of its lesson's course and admins see it (`can_view_job`)."""
        viewer = await info.context.viewer()
        jobs = await load_nodes(info.context.loaders.job_by_id, node_ids, cls.from_model)
        visible = await asyncio.gather(*(may_view(info.context, viewer, job.row) for job in jobs if job is not None))
        shown = iter(visible)
        return [job if job is not None and next(shown) else None for job in jobs]

    async def _row(self, info: Info[Context, Any]) -> m.Job:
        if self.row is None:
            self.row = await info.context.loaders.job_by_id.load(self.id)
        assert self.row is not None
        return self.row

    @strawberry.field
    async def kind(self, info: Info[Context, Any]) -> JobKind:
        return JobKind((await self._row(info)).kind)

    @strawberry.field(description="How many times a worker started it (retries after failures included).")
    async def attempts(self, info: Info[Context, Any]) -> int:
        return (await self._row(info)).attempts

    @strawberry.field(description="Tokens the AI provider read, over every request of every attempt.")
    async def prompt_tokens(self, info: Info[Context, Any]) -> int:
        return (await self._row(info)).prompt_tokens

    @strawberry.field(description="Tokens the AI provider wrote.")
    async def completion_tokens(self, info: Info[Context, Any]) -> int:
        return (await self._row(info)).completion_tokens

    @strawberry.field
    async def total_tokens(self, info: Info[Context, Any]) -> int:
        row = await self._row(info)
        return row.prompt_tokens + row.completion_tokens

    @strawberry.field(description="What the tokens cost at the configured prices per 1,000 tokens.")
    async def cost(self, info: Info[Context, Any]) -> float:
        return (await self._row(info)).cost

    @strawberry.field(description="Requests answered by the AI provider (0 when everything came from the cache).")
    async def provider_calls(self, info: Info[Context, Any]) -> int:
        return (await self._row(info)).provider_calls

    @strawberry.field(
        description="Parts served from the cache instead of the provider: chunks of text (generation) or "
        "answers (evaluation: an identical answer to the same problem was judged before)."
    )
    async def cache_hits(self, info: Info[Context, Any]) -> int:
        return (await self._row(info)).cache_hits

    @strawberry.field
    async def created_at(self, info: Info[Context, Any]) -> datetime:
        return (await self._row(info)).created_at

    @strawberry.field
    async def started_at(self, info: Info[Context, Any]) -> datetime | None:
        return (await self._row(info)).started_at

    @strawberry.field
    async def finished_at(self, info: Info[Context, Any]) -> datetime | None:
        return (await self._row(info)).finished_at

    @strawberry.field(description="GENERATION: the lesson that receives the problems.")
    async def lesson(self, info: Info[Context, Any]) -> Lesson | None:
        lesson_id = (await self._row(info)).lesson_id
        lesson = await info.context.loaders.lesson_by_id.load(lesson_id) if lesson_id is not None else None
        return Lesson.from_model(lesson) if lesson is not None else None

    @strawberry.field(description="GENERATION: how many problems were asked for.")
    async def requested_count(self, info: Info[Context, Any]) -> int | None:
        row = await self._row(info)
        return int(row.params["count"]) if row.kind == m.JobKind.GENERATION else None

    @strawberry.field(
        description="GENERATION: the DRAFT problems created (fewer than requested when the text did not "
        "yield enough valid ones); publish them with `updateProblem(input: {status: PUBLISHED})`."
    )
    async def problems(self, info: Info[Context, Any]) -> list[Problem]:
        ids = [int(key) for key in ((await self._row(info)).result or {}).get("problemIds", [])]
        rows = await info.context.loaders.problem_by_id.load_many(ids)
        return [Problem.from_model(row) for row in rows if row is not None]

    @strawberry.field(description="GENERATION: how many generated problems failed validation and were dropped.")
    async def rejected_count(self, info: Info[Context, Any]) -> int:
        return int(((await self._row(info)).result or {}).get("rejected", 0))

    @strawberry.field(description="EVALUATION: the submissions whose free-text answers it grades.")
    async def submissions(self, info: Info[Context, Any]) -> list[Submission]:
        row = await self._row(info)
        ids = [int(key) for key in row.params.get("submissionIds", [])]
        rows = await info.context.loaders.submission_by_id.load_many(ids)
        viewer_id = info.context.viewer_id
        return [Submission.from_model(s) for s in rows if s is not None and policies.can_view_submission(viewer_id, s)]


async def job_course(context: Context, job: m.Job) -> m.Course | None:
    """The course of the job's lesson, through the request's loaders; None for a job without a lesson."""
    if job.lesson_id is None:
        return None
    lesson = await context.loaders.lesson_by_id.load(job.lesson_id)
    return await context.loaders.course_by_id.load(lesson.course_id) if lesson is not None else None


async def may_view(context: Context, viewer: m.User | None, job: m.Job | None) -> bool:
    """`policies.can_view_job`, asked without the course first: the lookup only where it can matter."""
    if job is None:
        return False
    if policies.can_view_job(viewer, job):
        return True
    return policies.can_view_job(viewer, job, course=await job_course(context, job))


@strawberry.type
class JobPayload:
    job: Job | None = None
    deduplicated: bool = strawberry.field(
        default=False,
        description="True when the same request (same lesson, source and parameters) was made before: "
        "this is that job, and nothing new was queued.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)
