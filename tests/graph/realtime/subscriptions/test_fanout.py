"""Fan-out to many subscribers: shared executions for identical public selections, and a slow reader
that skips to the newest state without holding anyone up."""

from __future__ import annotations

import asyncio
import socket
import time
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from domain import outbox
from domain.models import User
from domain.realtime.leaderboards import Scope
from domain.settings import Settings
from graph.ids import encode
from tests.factories import give_xp, make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server, app_for, serve

pytestmark = pytest.mark.timeout(30)

PUBLIC = "subscription { leaderboardUpdated(scope: {kind: ALL_TIME}) { entries { rank xp user { id displayName } } } }"
EMAILS = "subscription { leaderboardUpdated(scope: {kind: ALL_TIME}) { entries { user { id email } } } }"
BIG = """
subscription { leaderboardUpdated(scope: {kind: ALL_TIME}, first: 100) {
  entries { rank xp user { id displayName role xp timezone } }
} }"""


async def award(server: Server, session: AsyncSession, user: User, amount: int, now: datetime) -> float:
    await give_xp(session, user, amount, now)
    await session.commit()
    committed = time.monotonic()
    await outbox.flush(outbox.take(session), server.services)
    return committed


async def test_identical_public_subscriptions_share_one_execution_and_private_fields_do_not(
    server: Server, session: AsyncSession, settings: Settings, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = await make_user(session, settings, now), await make_user(session, settings, now)
    await session.commit()
    executions: list[object] = []
    execute = StrawberryGraphQLCoreExecutionContext.execute_operation

    def counted(self: StrawberryGraphQLCoreExecutionContext, serially: bool | None = None) -> Any:
        if getattr(self.root_value, "shared_results", None) is not None:
            executions.append(self.root_value)
        return execute(self, serially)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_operation", counted)
    async with (
        GraphQLSocket.connected(server.ws_url, server.token(alice, now)) as as_alice,
        GraphQLSocket.connected(server.ws_url, server.token(bob, now)) as as_bob,
        GraphQLSocket.connected(server.ws_url) as first,
        GraphQLSocket.connected(server.ws_url) as second,
        GraphQLSocket.connected(server.ws_url) as third,
    ):
        private = [(s, await s.subscribe(EMAILS)) for s in (as_alice, as_bob)]
        public = [(s, await s.subscribe(PUBLIC)) for s in (first, second, third)]
        for s, operation in private + public:
            await s.next(operation)
        executions.clear()
        await award(server, session, alice, 10, now)
        seen_by_alice, seen_by_bob = [await s.next(operation) for s, operation in private]
        public_views = [await s.next(operation) for s, operation in public]

    assert len(executions) == 3  # once for the three public subscribers, once per private one
    alice_entry = {"user": {"id": encode("User", alice.id), "email": alice.email}}
    assert seen_by_alice["leaderboardUpdated"]["entries"] == [alice_entry]
    assert seen_by_bob["leaderboardUpdated"]["entries"] == [{"user": {"id": encode("User", alice.id), "email": None}}]
    assert public_views[0] == public_views[1] == public_views[2]
    assert public_views[0]["leaderboardUpdated"]["entries"][0]["xp"] == 10


STEPS = 30


def narrow_listener() -> socket.socket:
    """A listening socket whose connections get a tiny kernel send buffer (accepted sockets inherit it),
    so a client that stops reading soon blocks the server's writes to it, as on a slow network."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    listener.bind(("127.0.0.1", 0))
    return listener


def narrow_client(url: str) -> socket.socket:
    """A client socket with a tiny receive buffer: not reading soon stops the server's writes."""
    host, port = url.removeprefix("ws://").split("/")[0].split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    sock.setblocking(False)
    return sock


async def test_a_slow_subscriber_skips_to_the_newest_state_and_delays_no_one(
    realtime_settings: Settings, engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    team = [await make_user(session, settings, now) for _ in range(100)]
    for user in team:
        await give_xp(session, user, 1000, now)
    await session.commit()
    outbox.take(session)  # the server starts after this commit and reads it from the database
    delays = []

    async with (
        serve(app_for(realtime_settings, engine, now), realtime_settings, narrow_listener()) as server,
        GraphQLSocket.connected(server.ws_url, sock=narrow_client(server.ws_url), max_queue=1) as slow,
        GraphQLSocket.connected(server.ws_url) as fast,
    ):
        slow_operation, fast_operation = await slow.subscribe(BIG), await fast.subscribe(BIG)
        await slow.next(slow_operation), await fast.next(fast_operation)
        for step in range(STEPS):  # the slow client reads nothing meanwhile
            committed = await award(server, session, team[step % 100], 1 + step, now)
            await fast.next(fast_operation, within=5)
            delays.append(time.monotonic() - committed)
            await asyncio.sleep(0.05)
        watches = server.services.live.boards[Scope.all_time()].watches
        skipped = max(watch.skipped for watch in watches)
        slow_updates = []
        while True:
            data = await slow.next(slow_operation, within=5)
            slow_updates.append(data)
            if data["leaderboardUpdated"]["entries"][0]["xp"] == 1000 + STEPS:
                break

    assert skipped > 0  # the server dropped states the slow client could not take in time
    assert len(slow_updates) < STEPS  # it skipped to the newest state instead of replaying every one
    assert max(delays[-20:]) < 1.0  # meanwhile the fast client was served as usual
