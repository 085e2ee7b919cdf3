"""JobQuery (job) and JobMutation (generateProblems)."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import strawberry
from strawberry.types import Info

from domain import models as m
from domain.ai import generation
from domain.ai.documents import is_pdf, pdf_text
from domain.content import courses as authoring
from domain.errors import DomainError, Invalid, InvalidErrors
from domain.jobs import history
from domain.keyset import Window
from domain.models import ProblemKind
from graph import ids
from graph.context import Context
from graph.errors import UserError
from graph.jobs.inputs import GenerateProblemsInput
from graph.jobs.types import Job, JobKind, JobPayload, JobStatus
from graph.pagination import Connection, Cursor, decode_position, encode_position, page_request, requested

JOB_CURSOR = "j"

READ_SIZE = 64 * 1024


async def read_upload(upload: Any, limit: int, field: list[str]) -> bytes:
    """The uploaded bytes, read in chunks: refused as soon as they pass `limit` or do not start like a PDF."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(READ_SIZE):
        if not chunks and not is_pdf(chunk):
            raise Invalid("The document is not a PDF.", field=field, code="NOT_A_PDF")
        size += len(chunk)
        if size > limit:
            raise Invalid(f"The document is larger than {limit} bytes.", field=field, code="TOO_LARGE")
        chunks.append(chunk)
    if not chunks:
        raise Invalid("The document is empty.", field=field, code="REQUIRED")
    return b"".join(chunks)


async def _source(info: Info[Context, Any], input: GenerateProblemsInput) -> tuple[str, str]:
    """The text to generate from and the input field it came from; PDFs are read off the event loop."""
    if (input.source_text is None) == (input.document is None):
        message = "Send exactly one of `sourceText` and `document`."
        raise Invalid(message, field=["sourceText" if input.document is None else "document"], code="REQUIRED")
    if input.document is None:
        assert input.source_text is not None
        return input.source_text, "sourceText"
    settings = info.context.settings
    data = await read_upload(input.document, settings.upload_max_bytes, ["document"])
    return await asyncio.to_thread(pdf_text, data, settings.pdf_max_pages, ["document"]), "document"


@strawberry.type
class JobQuery:
    @strawberry.field(description="A job you may see (who may: see `jobs`); null when unknown or not yours.")
    async def job(self, info: Info[Context, Any], id: strawberry.ID) -> Job | None:
        nodes = await Job.resolve_nodes(info=info, node_ids=[str(ids.decode(id, "Job", ["id"]))])
        return nodes[0]

    @strawberry.field(
        description="Jobs you may see, newest first: those you started; for instructors also those of the "
        "lessons of courses they author; for admins all. Filter by `kind`, `status` and `lessonId` "
        "(EVALUATION jobs belong to no lesson). Cursors stay valid while new jobs arrive."
    )
    async def jobs(
        self,
        info: Info[Context, Any],
        first: int | None = None,
        after: Cursor = None,
        kind: JobKind | None = None,
        status: JobStatus | None = None,
        lesson_id: strawberry.ID | None = None,
    ) -> Connection[Job]:
        context = info.context
        viewer = await context.require_viewer()
        request = page_request(first, after, None, None, context.settings.max_page_size)
        start = decode_position(request.cursor, kind=JOB_CURSOR)
        where = history.JobFilter(
            kind=m.JobKind(kind.name) if kind is not None else None,
            status=m.JobStatus(status.name) if status is not None else None,
            lesson_id=ids.decode(lesson_id, "Lesson", ["lessonId"]) if lesson_id is not None else None,
        )
        rows = await context.run(history.jobs_page, viewer, where, Window(request.size, start))
        return requested(
            rows,
            request,
            lambda job: encode_position(job.created_at, job.id, kind=JOB_CURSOR),
            Job.from_model,
            partial(context.run, history.count_jobs, viewer, where),
        )


@strawberry.type
class JobMutation:
    @strawberry.mutation(
        description="Generate problems for a lesson (its author or an admin) from a text or a PDF. Returns the "
        "job at once; follow it with `job(id)` or the `jobProgress` subscription. The problems are stored as "
        "DRAFTs for you to publish or change. The same lesson, source and parameters again return the "
        "same job (`deduplicated: true`); the same source and parameters for another lesson reuse the "
        "cached generation (no provider call)."
    )
    async def generate_problems(self, info: Info[Context, Any], input: GenerateProblemsInput) -> JobPayload:
        context = info.context
        try:
            viewer = await context.require_viewer()
            authoring.require_author(viewer)  # learners cannot make the server parse PDFs
            await context.limiter.acquire("generate_problems_per_user", str(viewer.id), "problem generations")
            lesson_id = ids.decode(input.lesson_id, "Lesson", ["lessonId"])
            kinds = None if input.kinds is None else tuple(ProblemKind(kind.value) for kind in input.kinds)
            _, errors = generation.check_parameters(input.count, kinds, context.settings)
            if errors:  # before reading a whole upload for nothing
                raise InvalidErrors(errors) if len(errors) > 1 else errors[0]
            if input.document is not None:
                await context.release()  # no open transaction (SQLite's write lock) while the PDF is read
            text, field = await _source(info, input)
            request = generation.GenerationInput(lesson_id, text, input.count, kinds, field)
            job, created = await context.run(generation.request, viewer, request, context.settings, context.now())
        except DomainError as error:
            return JobPayload(errors=UserError.from_domain(error))
        finally:
            upload: Any = input.document  # a Starlette UploadFile on FastAPI
            if upload is not None:  # its spooled temporary file: strawberry leaves it open
                await upload.close()
        return JobPayload(job=Job.from_model(job), deduplicated=not created)
