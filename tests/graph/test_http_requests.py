"""What an HTTP request to /graphql may be: strict JSON objects, no CSRF-able forms, subscriptions only as streams."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.models import User
from domain.settings import Settings
from graph.http import NO_MUTATION_OVER_GET, NOT_AN_OBJECT, UNSAFE_MULTIPART, USE_A_STREAM
from learnql.composition import create_app
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import count

JSON = {"Content-Type": "application/json"}
REGISTER = (
    'mutation { register(input: {email: "get@example.org", password: "a-long-password", displayName: "G"}) { token } }'
)


@asynccontextmanager
async def client(settings: Settings, engine: AsyncEngine, **changes: object) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=changes), engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


def message(response: httpx.Response) -> str:
    """The message of a request-level error, which is JSON like any GraphQL answer."""
    assert response.headers["content-type"].startswith("application/json")
    errors = response.json()["errors"]
    assert len(errors) == 1
    return str(errors[0]["message"])


def nested(depth: int) -> bytes:
    return b'{"query": "{ viewer { id } }", "variables": {"a": ' + b"[" * depth + b"]" * depth + b"}}"


NOT_JSON = {
    "NaN": b'{"query": "{ viewer { id } }", "variables": {"a": NaN}}',
    "Infinity": b'{"query": "{ viewer { id } }", "variables": {"a": -Infinity}}',
    "1e309": b'{"query": "{ viewer { id } }", "variables": {"a": 1e309}}',
    "invalid UTF-8": b'{"query": "{ viewer { id } }", "variables": {"a": "\xff\xfe"}}',
    "truncated": b'{"query": "{ viewer { id }',
    "nested 100,000 deep": nested(100_000),
}


@pytest.mark.parametrize("orjson", [True, False], ids=["orjson", "stdlib"])
@pytest.mark.parametrize("case", list(NOT_JSON))
async def test_what_is_not_strict_json_is_a_400(
    case: str, orjson: bool, settings: Settings, engine: AsyncEngine
) -> None:
    async with client(settings, engine, orjson=orjson) as http:
        response = await http.post("/graphql", content=NOT_JSON[case], headers=JSON)

    assert response.status_code == 400
    assert message(response) == "Unable to parse request body as JSON"


@pytest.mark.parametrize("orjson", [True, False], ids=["orjson", "stdlib"])
async def test_a_10000_digit_number_is_a_400(orjson: bool, settings: Settings, engine: AsyncEngine) -> None:
    body = b'{"query": "{ viewer { id } }", "variables": {"a": ' + b"9" * 10_000 + b"}}"

    async with client(settings, engine, orjson=orjson) as http:
        response = await http.post("/graphql", content=body, headers=JSON)

    assert response.status_code == 400


@pytest.mark.parametrize("body", [b'"hello"', b"42", b"null", b"true"])
async def test_a_body_that_is_not_an_object_is_a_400(body: bytes, api: Api) -> None:
    response = await api.http.post("/graphql", content=body, headers=JSON)

    assert response.status_code == 400
    assert message(response) == NOT_AN_OBJECT


async def test_batched_requests_are_refused(api: Api) -> None:
    response = await api.http.post("/graphql", json=[{"query": "{ viewer { id } }"}] * 2)

    assert response.status_code == 400
    assert message(response) == "Batching is not enabled"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]
)
async def test_simple_content_types_are_refused_and_change_nothing(
    content_type: str, api: Api, engine: AsyncEngine
) -> None:
    response = await api.http.post(
        "/graphql", content=json.dumps({"query": REGISTER}), headers={"Content-Type": content_type}
    )

    assert response.status_code == 400
    assert message(response) == "Unsupported content type"
    assert await count(engine, User) == 0


async def test_mutations_over_get_are_refused_and_change_nothing(api: Api, engine: AsyncEngine) -> None:
    response = await api.http.get("/graphql", params={"query": REGISTER})

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert message(response) == NO_MUTATION_OVER_GET
    assert await count(engine, User) == 0


async def test_queries_over_get_still_work(api: Api) -> None:
    response = await api.http.get("/graphql", params={"query": "{ viewer { id } }"})

    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": None}


def multipart(query: str) -> dict[str, tuple[None, str]]:
    return {"operations": (None, json.dumps({"query": query, "variables": {}})), "map": (None, "{}")}


async def test_a_multipart_request_without_a_preflight_header_is_refused(api: Api, engine: AsyncEngine) -> None:
    response = await api.http.post("/graphql", files=multipart(REGISTER))

    assert response.status_code == 400
    assert message(response) == UNSAFE_MULTIPART
    assert await count(engine, User) == 0


@pytest.mark.parametrize("header", ["apollo-require-preflight", "x-apollo-operation-name", "authorization"])
async def test_a_multipart_request_with_a_preflight_header_is_served(header: str, api: Api) -> None:
    value = "Bearer x.y.z" if header == "authorization" else "true"

    response = await api.http.post("/graphql", files=multipart("{ __typename }"), headers={header: value})

    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


async def test_an_empty_preflight_header_does_not_count(api: Api) -> None:
    response = await api.http.post(
        "/graphql", files=multipart("{ __typename }"), headers={"apollo-require-preflight": " "}
    )

    assert response.status_code == 400


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_subscription_over_plain_http_says_to_use_a_stream(
    method: str, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    query = "subscription { submissionGraded { id } }"

    with caplog.at_level(logging.WARNING):
        if method == "POST":
            response = await api.http.post("/graphql", json={"query": query})
        else:
            response = await api.http.get("/graphql", params={"query": query})

    assert response.status_code == 400
    assert message(response) == USE_A_STREAM
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
