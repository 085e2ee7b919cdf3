"""Answers over HTTP as the GraphQL-over-HTTP spec has them: media type, status and body by Accept."""

from __future__ import annotations

from datetime import datetime

import pytest
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.settings import Settings
from graph.http import OTHER_METHODS
from graph.http_responses import GRAPHQL_RESPONSE, JSON, negotiate, request_error_status
from tests.factories import make_user
from tests.graph.conftest import Api
from tests.graph.test_rate_limits import REGISTER, limited, sign_up

MODERN = {"Accept": f"{GRAPHQL_RESPONSE}, {JSON};q=0.9"}
PARSE_FAILURE = "{ viewer { id }"
VALIDATION_FAILURE = "{ nope }"
COERCION_FAILURE = ("query ($first: Int) { courses(first: $first) { totalCount } }", {"first": "ten"})


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/json", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, {JSON}", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE};q=0, */*", JSON),
        (f"{GRAPHQL_RESPONSE};charset=utf-8", GRAPHQL_RESPONSE),
        ("text/html", JSON),
    ],
)
def test_the_media_type_follows_the_accept_header(accept: str | None, expected: str) -> None:
    assert negotiate(accept) == expected


def test_only_a_result_without_data_and_without_field_errors_is_a_request_error() -> None:
    located = GraphQLError("bad field", path=["viewer"])
    masked = GraphQLError("bug", extensions={"code": "INTERNAL_SERVER_ERROR"})

    assert request_error_status(None, [GraphQLError("Syntax Error")]) == 400
    assert request_error_status(None, [masked]) == 500
    assert request_error_status(None, [located]) is None
    assert request_error_status({"viewer": None}, [GraphQLError("x")]) is None
    assert request_error_status(None, []) is None


@pytest.mark.parametrize(
    ("query", "variables"),
    [(PARSE_FAILURE, None), (VALIDATION_FAILURE, None), COERCION_FAILURE],
    ids=["parse", "validation", "coercion"],
)
async def test_a_request_that_never_ran_is_a_400_without_data_for_modern_clients(
    query: str, variables: dict[str, object] | None, api: Api
) -> None:
    response = await api.http.post("/graphql", json={"query": query, "variables": variables}, headers=MODERN)

    assert response.status_code == 400
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    body = response.json()
    assert "data" not in body
    assert len(body["errors"]) == 1


@pytest.mark.parametrize(
    ("query", "variables"),
    [(PARSE_FAILURE, None), (VALIDATION_FAILURE, None), COERCION_FAILURE],
    ids=["parse", "validation", "coercion"],
)
async def test_legacy_clients_keep_200_and_application_json(
    query: str, variables: dict[str, object] | None, api: Api
) -> None:
    response = await api.http.post("/graphql", json={"query": query, "variables": variables})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(JSON)
    body = response.json()
    assert body["data"] is None
    assert len(body["errors"]) == 1


async def test_an_error_during_execution_stays_200_with_data_for_modern_clients(api: Api) -> None:
    response = await api.http.post(
        "/graphql", json={"query": "{ viewer { id } studentAnalytics { count } }"}, headers=MODERN
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert body["data"] is None  # studentAnalytics is non-null: its UNAUTHENTICATED error nulls the root
    assert [error["extensions"]["code"] for error in body["errors"]] == ["UNAUTHENTICATED"]
    assert body["errors"][0]["path"] == ["studentAnalytics"]


async def test_a_successful_query_is_served_in_the_accepted_media_type(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now, email="modern@example.org")
    await session.commit()

    response = await api.http.post(
        "/graphql",
        json={"query": "{ viewer { displayName } }"},
        headers={**MODERN, "Authorization": f"Bearer {api.token(user, now)}"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json()["data"] == {"viewer": {"displayName": user.display_name}}


@pytest.mark.parametrize("accept", [None, GRAPHQL_RESPONSE])
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_other_methods_are_a_405_in_json(method: str, accept: str | None, api: Api) -> None:
    headers = {"Accept": accept} if accept else {}

    response = await api.http.request(method, "/graphql", headers=headers)

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.headers["content-type"].startswith(accept or JSON)
    assert response.json() == {"errors": [{"message": OTHER_METHODS}]}


@pytest.mark.parametrize("operation_name", [{"a": 1}, ["a"], 7])
async def test_an_operation_name_that_is_not_a_string_is_a_400(operation_name: object, api: Api) -> None:
    response = await api.http.post(
        "/graphql", json={"query": "{ __typename }", "operationName": operation_name}, headers=MODERN
    )

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "operationName" in response.json()["errors"][0]["message"]


async def test_a_request_error_is_json_in_the_accepted_media_type(api: Api) -> None:
    response = await api.http.post(
        "/graphql", content=b"{not json", headers={**MODERN, "Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json() == {"errors": [{"message": "Unable to parse request body as JSON"}]}


async def test_a_rate_limited_request_keeps_its_429_for_modern_clients(
    settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    async with limited(settings, engine, now, limit_register_per_ip="1 per hour") as api:
        for n in range(2):
            response = await api.http.post(
                "/graphql", json={"query": REGISTER, "variables": sign_up(f"modern{n}@example.org")}, headers=MODERN
            )

    assert response.status_code == 429
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert int(response.headers["Retry-After"]) > 0
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == ["RATE_LIMITED"]
