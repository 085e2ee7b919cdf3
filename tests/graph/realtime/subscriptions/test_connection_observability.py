"""WebSocket connections and their subscriptions, logged (connect, subscribe, complete, close) and measured."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.exceptions import ConnectionClosed

from domain.settings import Settings
from tests.factories import make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server
from tests.graph.realtime.subscriptions.test_subscriptions import BOARD, award
from tests.logs import JsonLines, json_logs
from tests.metrics import scrape

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def logs(settings: Settings) -> Iterator[JsonLines]:
    with json_logs(settings) as lines:
        yield lines


async def logged(logs: JsonLines, event: str, count: int = 1) -> list[dict[str, Any]]:
    """The lines of `event` once there are `count` of them (the server logs as it notices the client left)."""
    for _ in range(200):
        found = logs.events(event)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {count} {event} lines in {logs.all()}")


async def test_a_subscription_logs_connect_subscribe_complete_and_close(
    server: Server, logs: JsonLines, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    viewer = await make_user(session, settings, now)
    await session.commit()

    async with GraphQLSocket.connected(server.ws_url, server.token(viewer, now)) as socket:
        operation = await socket.subscribe(BOARD)
        await socket.next(operation)
        await award(server, session, viewer, 10, now)
        await socket.next(operation)
        await socket.stop(operation)
        (complete,) = await logged(logs, "ws.complete")
    (closed,) = await logged(logs, "ws.close")

    (connect,) = logs.events("ws.connect")
    (subscribe,) = logs.events("ws.subscribe")
    request_id = connect["request_id"]
    assert [subscribe["request_id"], complete["request_id"], closed["request_id"]] == [request_id] * 3
    assert (subscribe["field"], subscribe["operation_name"]) == ("leaderboardUpdated", "Board")
    assert (complete["field"], complete["operation_type"], complete["user_id"]) == (
        "leaderboardUpdated",
        "subscription",
        viewer.id,
    )
    assert complete["error_codes"] == []
    assert complete["duration_ms"] > 0
    assert (closed["code"], closed["user_id"]) == (1000, viewer.id)
    assert not [line for line in logs.all() if "exception" in line]


async def test_a_refused_connection_logs_its_close_code(server: Server, logs: JsonLines) -> None:
    async with GraphQLSocket.open(server.ws_url, {"Authorization": "Bearer forged.token.value"}) as socket:
        with pytest.raises(ConnectionClosed):
            await socket.receive()

    (closed,) = await logged(logs, "ws.close")
    assert closed["code"] == 4403
    assert closed["user_id"] is None


async def test_a_subscription_refused_by_its_resolver_logs_the_code(server: Server, logs: JsonLines) -> None:
    async with GraphQLSocket.connected(server.ws_url) as socket:
        operation = await socket.subscribe("subscription { submissionGraded { id } }")
        message = await socket.for_operation(operation)

    assert message["type"] == "error"
    (complete,) = await logged(logs, "ws.complete")
    assert complete["error_codes"] == ["UNAUTHENTICATED"]
    assert "exception" not in complete


async def test_connections_subscriptions_and_messages_are_measured(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    viewer = await make_user(session, settings, now)
    await session.commit()
    before = await scrape(server.http)

    async with GraphQLSocket.connected(server.ws_url, server.token(viewer, now)) as socket:
        operation = await socket.subscribe(BOARD)
        await socket.next(operation)
        await award(server, session, viewer, 10, now)
        await socket.next(operation)
        during = await scrape(server.http)
        await socket.stop(operation)
    for _ in range(200):  # until the server has noticed the client left
        after = await scrape(server.http)
        if after.value("learnql_websocket_connections") == before.value("learnql_websocket_connections"):
            break
        await asyncio.sleep(0.01)

    field = {"field": "leaderboardUpdated"}
    assert during.value("learnql_websocket_connections") - before.value("learnql_websocket_connections") == 1
    assert (
        during.value("learnql_subscriptions_active", **field) - before.value("learnql_subscriptions_active", **field)
        == 1
    )
    assert after.value("learnql_subscriptions_active", **field) == before.value("learnql_subscriptions_active", **field)
    sent = after.value("learnql_subscription_messages_sent_total", **field)
    assert sent - before.value("learnql_subscription_messages_sent_total", **field) == 2
    closes = after.value("learnql_websocket_closes_total", code="1000")
    assert closes - before.value("learnql_websocket_closes_total", code="1000") == 1
    subscribed = {"operation": "Board", "type": "subscription"}
    assert (
        after.value("learnql_graphql_operation_duration_seconds_count", **subscribed)
        - before.value("learnql_graphql_operation_duration_seconds_count", **subscribed)
        == 1
    )
