"""Subscriptions and the limits: the subscribe cost comes out of the budget, a too costly subscription
is refused, and a connection runs at most LEARNQL_MAX_SUBSCRIPTIONS_PER_CONNECTION operations."""

from __future__ import annotations

import pytest

from domain.settings import Settings
from tests.graph.realtime.subscriptions.client import LEGACY_WS, TRANSPORT_WS, GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server

pytestmark = pytest.mark.timeout(30)

BOARD = """
subscription Board($first: Int) {
  leaderboardUpdated(scope: {kind: ALL_TIME}, first: $first) { entries { rank xp user { id } } }
}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # a slow refill, so that what a subscription took is still missing when the next one looks
    return settings.model_copy(update={"max_subscriptions_per_connection": 2, "budget_restore_rate": 0.01})


async def test_a_subscription_pays_its_cost_once_when_it_subscribes(server: Server) -> None:
    async with GraphQLSocket.connected(server.ws_url) as socket:
        first = await socket.for_operation(await socket.subscribe(BOARD, {"first": 10}))
        second = await socket.for_operation(await socket.subscribe(BOARD, {"first": 5}))

    assert first["type"] == "next"
    assert first["payload"]["extensions"]["cost"]["requested"] == 1 + 10 * 2
    assert second["payload"]["extensions"]["cost"] == {
        "requested": 1 + 5 * 2,
        "budget": {"maximum": 100_000, "remaining": 100_000 - 21 - 11, "restoreRate": 0.01},
    }


async def test_a_too_costly_subscription_is_refused_with_an_error_message(server: Server) -> None:
    async with GraphQLSocket.connected(server.ws_url) as socket:
        operation = await socket.subscribe(BOARD, {"first": 30_000})
        refused = await socket.for_operation(operation)

    assert refused["type"] == "error"
    [error] = refused["payload"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 60_001, "limit": 50_000}


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_one_operation_past_the_per_connection_limit_is_refused_with_a_clear_error(
    server: Server, protocol: str
) -> None:
    async with GraphQLSocket.connected(server.ws_url, protocol=protocol) as socket:
        running = [await socket.subscribe(BOARD, {"first": 3}) for _ in range(2)]
        for operation in running:
            await socket.next(operation)
        extra = await socket.subscribe(BOARD, {"first": 3})
        refused = await socket.for_operation(extra)
        await socket.stop(running[0])
        replacement = await socket.subscribe(BOARD, {"first": 3})
        accepted = await socket.for_operation(replacement)

    assert refused["type"] == "error"
    payload = refused["payload"]
    error = payload[0] if isinstance(payload, list) else payload
    assert error["extensions"] == {"code": "TOO_MANY_SUBSCRIPTIONS", "limit": 2}
    assert "already runs 2 operations" in error["message"]
    assert accepted["type"] in {"next", "data"}  # a freed place can be taken again
