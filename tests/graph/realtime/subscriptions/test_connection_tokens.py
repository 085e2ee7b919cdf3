"""WebSocket connections follow the token rules of HTTP when they connect: ended tokens and deactivated
accounts are refused at connection_init (4403), on both backends."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.exceptions import ConnectionClosed

from domain.accounts import activation, tokens
from domain.settings import Settings
from tests.factories import make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server

pytestmark = pytest.mark.timeout(30)

MY_BOARD = "subscription { leaderboardUpdated(scope: {kind: ALL_TIME}) { viewerEntry { rank } } }"


async def refusal(server: Server, token: str) -> tuple[int, str]:
    async with GraphQLSocket.open(server.ws_url, {"Authorization": f"Bearer {token}"}) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.receive()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_a_logged_out_token_is_refused_at_connection_init_and_another_is_not(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    await session.commit()
    ended, other = server.token(user, now), server.token(user, now)
    await server.data("mutation { logout { errors { code } } }", token=ended)

    assert await refusal(server, ended) == (4403, "Forbidden")
    async with GraphQLSocket.connected(server.ws_url, other) as socket:
        operation = await socket.subscribe(MY_BOARD)
        assert "leaderboardUpdated" in await socket.next(operation)


async def test_tokens_ended_everywhere_or_of_a_deactivated_account_are_refused_at_connection_init(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    everywhere = await make_user(session, settings, now)
    deactivated = await make_user(session, settings, now, email="gone@example.org")
    await session.commit()
    everywhere_token, deactivated_token = server.token(everywhere, now), server.token(deactivated, now)
    await tokens.end_all(session, everywhere)
    await activation.deactivate(session, "gone@example.org", now)
    await session.commit()

    assert await refusal(server, everywhere_token) == (4403, "Forbidden")
    assert await refusal(server, deactivated_token) == (4403, "Forbidden")
