"""Presence over real WebSockets: a player's socket closing shows on the host's feed, a reconnect brings
them back. On PostgreSQL the host and the player use two API apps that share only Redis and the
database, so the change crosses through the broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.infra.database import session_factory
from domain.models import ProblemKind, Role
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server, app_for, serve

pytestmark = pytest.mark.timeout(60)

CREATE = "mutation($l: ID!) { createGame(input: {lessonId: $l}) { game { id pin } } }"
JOIN = 'mutation($p: String!) { joinGame(input: {pin: $p, nickname: "Gus"}) { playerToken } }'
HOST_FEED = """subscription($id: ID!) { gameHostUpdated(gameId: $id) { playerCount connectedCount
  standings { player { nickname connected } } } }"""
PLAYER_FEED = (
    "subscription($id: ID!) { gameUpdated(gameId: $id) { state connectedCount standings { player { connected } } } }"
)


@asynccontextmanager
async def _other(server: Server, engine: AsyncEngine, now: datetime) -> AsyncIterator[Server]:
    """A second API app when the deployment has a shared broker (Redis), else the same one."""
    if server.settings.redis_url is None:
        yield server
        return
    async with serve(app_for(server.settings, engine, now), server.settings) as other:
        yield other


async def test_the_host_sees_a_player_leave_when_their_socket_closes_and_return_when_they_reconnect(
    server: Server, engine: AsyncEngine, settings: Settings, now: datetime
) -> None:
    async with session_factory(engine, write=True)() as session:
        host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
        course = await make_course(session, now, owner=host, kinds=(ProblemKind.SINGLE_CHOICE,))
        await session.commit()
    host_token = server.token(host, now)
    game = (await server.data(CREATE, {"l": encode("Lesson", course.lessons[0].id)}, host_token))["createGame"]["game"]
    token = (await server.data(JOIN, {"p": game["pin"]}))["joinGame"]["playerToken"]

    async with _other(server, engine, now) as players_server, GraphQLSocket.connected(server.ws_url, host_token) as ws:
        feed = await ws.subscribe(HOST_FEED, {"id": game["id"]})
        first = await ws.until(feed, "gameHostUpdated", lambda g: True)
        assert (first["playerCount"], first["connectedCount"]) == (1, 0)
        assert first["standings"] == [{"player": {"nickname": "Gus", "connected": False}}]

        async with GraphQLSocket.connected(players_server.ws_url, token) as gus:
            own = await gus.subscribe(PLAYER_FEED, {"id": game["id"]})
            seen_by_player = (await gus.next(own, within=10))["gameUpdated"]
            here = await ws.until(feed, "gameHostUpdated", lambda g: g["connectedCount"] == 1)
            assert here["standings"] == [{"player": {"nickname": "Gus", "connected": True}}]
        gone = await ws.until(feed, "gameHostUpdated", lambda g: g["connectedCount"] == 0)
        assert gone["playerCount"] == 1  # disconnected is not left: the player is still in the game
        assert gone["standings"] == [{"player": {"nickname": "Gus", "connected": False}}]

        async with GraphQLSocket.connected(players_server.ws_url, token) as gus:
            await gus.subscribe(PLAYER_FEED, {"id": game["id"]})
            back = await ws.until(feed, "gameHostUpdated", lambda g: g["connectedCount"] == 1)
            assert back["standings"] == [{"player": {"nickname": "Gus", "connected": True}}]

    # Players see neither who is connected nor how many.
    assert seen_by_player["connectedCount"] is None
    assert seen_by_player["standings"] == [{"player": {"connected": None}}]
