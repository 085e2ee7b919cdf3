"""Limits on arguments hold over the WebSocket too: subscriptions and operations sent there."""

from __future__ import annotations

import pytest

from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize(
    "query",
    [
        'subscription { jobProgress(jobId: "Sm9iOjE\\u0000") { id } }',
        'subscription { leaderboardUpdated(scope: {kind: COURSE, id: "x\\u0000"}) { entries { xp } } }',
        'mutation { login(input: {email: "a@b.org", password: "p\\u0000"}) { token } }',
    ],
)
async def test_a_nul_character_over_the_websocket_is_refused(query: str, server: Server) -> None:
    async with GraphQLSocket.connected(server.ws_url) as socket:
        operation = await socket.subscribe(query)
        message = await socket.for_operation(operation)

    assert message["type"] == "next"
    assert message["payload"]["data"] is None
    assert [error["extensions"]["code"] for error in message["payload"]["errors"]] == ["INVALID_CHARACTER"]
