"""One JSON log line per HTTP request, carrying the GraphQL operation it ran; request ids echoed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.content import catalog
from domain.settings import Settings
from tests.factories import make_course, make_user
from tests.graph.conftest import Api
from tests.logs import JsonLines, json_logs

COURSES = "query Courses { courses(first: 5) { edges { node { title } } } }"


@pytest.fixture
def logs(settings: Settings) -> Iterator[JsonLines]:
    with json_logs(settings) as lines:
        yield lines


async def test_a_request_logs_one_line_with_its_operation_and_echoes_the_request_id(
    api: Api, logs: JsonLines, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    await make_course(session, now)
    await session.commit()

    response = await api.http.post(
        "/graphql",
        json={"query": COURSES},
        headers={"X-Request-ID": "client-id-42", "Authorization": f"Bearer {api.token(learner, now)}"},
    )

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "client-id-42"
    (line,) = logs.all()
    assert line["event"] == "http.request"
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")
    assert line["request_id"] == "client-id-42"
    assert (line["method"], line["path"], line["status"]) == ("POST", "/graphql", 200)
    assert (line["operation_name"], line["operation_type"]) == ("Courses", "query")
    assert line["user_id"] == learner.id
    assert line["error_codes"] == []
    assert line["sql_statements"] >= 1
    assert line["duration_ms"] > 0
    assert line["query_hash"] is None


async def test_a_missing_or_unusable_request_id_is_replaced_by_a_fresh_one(api: Api, logs: JsonLines) -> None:
    plain = await api.http.get("/health")
    hostile = await api.http.get("/health", headers={"X-Request-ID": "a b\tc" + "x" * 200})

    ids = [plain.headers["x-request-id"], hostile.headers["x-request-id"]]
    assert all(len(value) == 32 for value in ids)
    assert ids[0] != ids[1]
    assert [line["request_id"] for line in logs.events("http.request")] == ids


async def test_expected_errors_log_their_codes_on_one_line_without_a_traceback(api: Api, logs: JsonLines) -> None:
    missing = await api.post('{ lesson(id: "not-an-id") { title } }')
    refused = await api.post(
        'mutation { login(input: {email: "nobody@example.com", password: "wrong-password"}) { token errors { code } } }'
    )
    anonymous = await api.post("{ reviewQueue { id } }")

    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert refused["data"]["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    lines = logs.all()
    assert [line["error_codes"] for line in lines] == [["NOT_FOUND"], ["INVALID_CREDENTIALS"], ["UNAUTHENTICATED"]]
    assert [line["operation_type"] for line in lines] == ["query", "mutation", "query"]
    assert not [line for line in lines if "exception" in line]


async def test_an_unexpected_error_logs_its_traceback_once_with_the_request_id(
    api: Api, logs: JsonLines, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(catalog, "courses_page", broken)  # a fault no client can cause

    response = await api.http.post("/graphql", json={"query": COURSES}, headers={"X-Request-ID": "fire-1"})

    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "fire-1"}
    assert "disk" not in error["message"]  # masked for the client
    tracebacks = [line for line in logs.all() if "exception" in line]
    assert len(tracebacks) == 1
    assert tracebacks[0]["request_id"] == "fire-1"
    assert tracebacks[0]["level"] == "error"
    assert "RuntimeError: the disk is on fire" in tracebacks[0]["exception"]
    (request,) = logs.events("http.request")
    assert request["error_codes"] == ["INTERNAL_SERVER_ERROR"]


async def test_a_persisted_query_logs_its_hash(api: Api, logs: JsonLines) -> None:
    digest = hashlib.sha256(COURSES.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}

    registered = await api.http.post("/graphql", json={"query": COURSES, "extensions": extensions})
    replayed = await api.http.post("/graphql", json={"extensions": extensions})

    assert "errors" not in registered.json()
    assert "errors" not in replayed.json()
    assert [line["query_hash"] for line in logs.events("http.request")] == [digest, digest]
    assert [line["operation_name"] for line in logs.events("http.request")] == ["Courses", "Courses"]
