"""Subscriptions over HTTP streams (graph/streams.py), the finite cases in-process: what is refused and
how. Live streams, through real clients, are in tests/graph/test_http_live.py."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from graph.streams import FOREIGN_ORIGIN
from tests.graph.conftest import Api
from tests.graph.test_http_requests import client

SSE = {"Accept": "text/event-stream"}
MULTIPART = {"Accept": 'multipart/mixed;subscriptionSpec="1.0",application/json'}
OWN_FEED = "subscription { submissionGraded { id } }"


def events(text: str) -> list[tuple[str, Any]]:
    """(event, data) of each server-sent event."""
    found = []
    for block in text.split("\r\n\r\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\r\n") if ": " in line and not line.startswith(":"))
        if "event" in fields:
            found.append((fields["event"], json.loads(fields["data"]) if fields.get("data") else None))
    return found


async def test_an_anonymous_subscription_to_an_own_feed_is_unauthenticated_then_complete(api: Api) -> None:
    response = await api.http.post("/graphql", json={"query": OWN_FEED}, headers=SSE)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    [(first, result), (last, _)] = events(response.text)
    assert (first, last) == ("next", "complete")
    assert [error["extensions"]["code"] for error in result["errors"]] == ["UNAUTHENTICATED"]


async def test_an_invalid_token_is_refused_on_the_stream(api: Api) -> None:
    response = await api.http.post(
        "/graphql", json={"query": OWN_FEED}, headers={**SSE, "Authorization": "Bearer not.a.token"}
    )

    [(_, result), _] = events(response.text)
    assert [error["extensions"]["code"] for error in result["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("headers", [SSE, MULTIPART], ids=["sse", "multipart"])
async def test_a_query_on_a_stream_is_refused_as_not_supported(
    headers: dict[str, str], api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = await api.http.post("/graphql", json={"query": "{ __typename }"}, headers=headers)

    assert response.status_code == 200
    assert '"NOT_SUPPORTED"' in response.text
    assert "only subscriptions stream" in response.text
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []  # not logged as a bug


@pytest.mark.parametrize("headers", [SSE, MULTIPART], ids=["sse", "multipart"])
async def test_a_page_on_a_foreign_origin_may_not_open_a_stream(headers: dict[str, str], api: Api) -> None:
    response = await api.http.post(
        "/graphql", json={"query": OWN_FEED}, headers={**headers, "Origin": "https://evil.example"}
    )

    assert response.status_code == 403
    assert response.json() == {"errors": [{"message": FOREIGN_ORIGIN}]}


async def test_a_page_on_an_allowed_origin_may_open_a_stream(settings: Settings, engine: AsyncEngine) -> None:
    async with client(settings, engine, cors_origins=["https://app.example"]) as http:
        response = await http.post(
            "/graphql", json={"query": OWN_FEED}, headers={**SSE, "Origin": "https://app.example"}
        )

    assert response.status_code == 200
    assert [event for event, _ in events(response.text)] == ["next", "complete"]


async def test_an_invalid_subscription_on_a_stream_is_answered_with_its_validation_error(api: Api) -> None:
    response = await api.http.post("/graphql", json={"query": "subscription { nope }"}, headers=SSE)

    [(_, result), _] = events(response.text)
    assert "nope" in result["errors"][0]["message"]
