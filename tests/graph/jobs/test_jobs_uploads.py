"""generateProblems with a PDF sent as a GraphQL multipart upload: good documents and every kind of bad one."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.pdfs import damaged_pdf, encrypted_pdf, image_only_pdf, text_pdf
from bench.texts import lesson_text
from domain.accounts import auth
from domain.models import Job, Lesson, Role, User
from domain.settings import Settings
from graph.app import REQUEST_OVERHEAD
from graph.ids import encode
from learnql.composition import create_app
from tests.factories import make_course, make_user
from tests.graph.conftest import Api
from tests.graph.jobs.test_jobs import JOB, queue

GENERATE = """
mutation Generate($input: GenerateProblemsInput!) {
  generateProblems(input: $input) { job { id status } errors { field code message } }
}"""


async def upload(
    api: Api, token: str, lesson: Lesson, document: bytes, name: str = "lesson.pdf", **changes: Any
) -> dict[str, Any]:
    """A multipart request as GraphQL clients send it (graphql-multipart-request-spec)."""
    variables = {"input": {"lessonId": encode("Lesson", lesson.id), "document": None, "count": 4} | changes}
    form = {
        "operations": json.dumps({"query": GENERATE, "variables": variables}),
        "map": json.dumps({"0": ["variables.input.document"]}),
    }
    files = {"0": (name, document, "application/pdf")}
    response = await api.http.post("/graphql", data=form, files=files, headers={"Authorization": f"Bearer {token}"})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    payload: dict[str, Any] = body["data"]["generateProblems"]
    return payload


async def authoring(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, Lesson]:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, kinds=())
    await session.commit()
    return author, course.lessons[0]


async def job_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(Job))).scalar_one())


async def test_a_pdf_upload_is_read_and_turned_into_draft_problems(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author, lesson = await authoring(session, settings, now)
    token = api.token(author, now)
    pages = lesson_text().split("\n\n")

    result = await upload(api, token, lesson, text_pdf([" ".join(pages[:9]), " ".join(pages[9:])]))
    await queue(api).drain()
    job = (await api.data(JOB, {"id": result["job"]["id"]}, token))["job"]

    assert result["errors"] == []
    assert result["job"]["status"] == "QUEUED"
    assert (job["status"], len(job["problems"])) == ("SUCCEEDED", 4)
    assert (
        job["problems"][0]["prompt"]
        == "Which term does the text describe as “the sum of the values divided by their count”?"
    )


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (b"PK\x03\x04 this is a zip file, not a PDF", "NOT_A_PDF"),
        (b"", "REQUIRED"),
        (damaged_pdf(), "INVALID_PDF"),
        (encrypted_pdf([lesson_text()]), "ENCRYPTED_PDF"),
        (image_only_pdf(), "NO_TEXT"),
        (text_pdf(["   "]), "NO_TEXT"),
    ],
)
async def test_unusable_documents_are_user_errors_and_store_nothing(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine, document: bytes, code: str
) -> None:
    author, lesson = await authoring(session, settings, now)

    result = await upload(api, api.token(author, now), lesson, document)

    assert [(e["field"], e["code"]) for e in result["errors"]] == [(["document"], code)]
    assert result["job"] is None
    assert await job_count(engine) == 0


async def test_a_document_over_the_size_limit_is_refused_before_it_is_read_whole(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    author, lesson = await authoring(session, settings, now)
    limit = settings.upload_max_bytes = 100_000  # the app reads this settings object
    oversized = text_pdf([lesson_text()]) + b"%" * 1_000_000  # a PDF with a comment padding it past the limit

    result = await upload(api, api.token(author, now), lesson, oversized)

    assert [(e["field"], e["code"]) for e in result["errors"]] == [(["document"], "TOO_LARGE")]
    assert result["errors"][0]["message"] == f"The document is larger than {limit} bytes."
    assert await job_count(engine) == 0


async def test_text_and_a_document_together_are_refused(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    author, lesson = await authoring(session, settings, now)

    result = await upload(api, api.token(author, now), lesson, text_pdf([lesson_text()]), sourceText="Also text.")

    assert [(e["field"], e["code"]) for e in result["errors"]] == [(["document"], "REQUIRED")]
    assert await job_count(engine) == 0


async def test_bad_parameters_are_reported_before_the_document_is_read(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author, lesson = await authoring(session, settings, now)

    result = await upload(api, api.token(author, now), lesson, damaged_pdf(), count=500)

    assert [(e["field"], e["code"]) for e in result["errors"]] == [(["count"], "OUT_OF_RANGE")]


async def test_a_request_far_over_the_limit_is_answered_413_before_its_body_is_read(
    settings: Settings, engine: AsyncEngine, session: AsyncSession, now: datetime
) -> None:
    settings.upload_max_bytes = 100_000
    app = create_app(settings, engine)  # the body limit is fixed when the app is made
    author, lesson = await authoring(session, settings, now)
    received: list[int] = []

    async def counting(scope: Any, receive: Any, send: Any) -> None:
        async def counted() -> Any:
            message = await receive()
            received.append(len(message.get("body", b"")))
            return message

        await app(scope, counted, send)

    variables = {"input": {"lessonId": encode("Lesson", lesson.id), "document": None, "count": 4}}
    form = {
        "operations": json.dumps({"query": GENERATE, "variables": variables}),
        "map": json.dumps({"0": ["variables.input.document"]}),
    }
    oversized = text_pdf([lesson_text()]) + b"%" * (settings.upload_max_bytes + REQUEST_OVERHEAD)
    token = auth.issue_token(settings, author, now)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=counting), base_url="http://test") as http:
        response = await http.post(
            "/graphql",
            data=form,
            files={"0": ("lesson.pdf", oversized, "application/pdf")},
            headers={"Authorization": f"Bearer {token}"},
        )

    assert response.status_code == 413
    assert response.text == "Content Too Large"
    assert sum(received) == 0  # refused on its Content-Length, nothing read
    assert await job_count(engine) == 0
