"""WebSocket handshakes from browser pages: the Origin must be one the CORS policy allows (cross-site
WebSocket hijacking), checked before the connection is accepted; clients without an Origin are served."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from domain.settings import Settings
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import app_for, serve

pytestmark = pytest.mark.timeout(30)

APP = "https://app.example.org"


async def test_an_allowed_origin_and_a_client_without_one_connect(
    realtime_settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    settings = realtime_settings.model_copy(update={"cors_origins": [APP]})
    async with serve(app_for(settings, engine, now), settings) as server:
        async with GraphQLSocket.connected(server.ws_url, origin=Origin(APP)) as socket:
            operation = await socket.subscribe(
                "subscription { leaderboardUpdated(scope: {kind: ALL_TIME}) { entries { xp } } }"
            )
            assert (await socket.next(operation))["leaderboardUpdated"] == {"entries": []}
        async with GraphQLSocket.connected(server.ws_url):
            pass


@pytest.mark.parametrize("origin", ["https://evil.example", "http://localhost:5173", "null"])
async def test_another_origin_is_refused_with_403_before_the_handshake(
    origin: str, realtime_settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    settings = realtime_settings.model_copy(update={"cors_origins": [APP]})
    async with serve(app_for(settings, engine, now), settings) as server:
        with pytest.raises(InvalidStatus) as refused:
            async with GraphQLSocket.open(server.ws_url, origin=Origin(origin)):
                pass

    assert refused.value.response.status_code == 403


async def test_the_default_lets_local_pages_connect_only_on_the_embedded_default(
    realtime_settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    async with serve(app_for(realtime_settings, engine, now), realtime_settings) as server:
        if realtime_settings.production:
            with pytest.raises(InvalidStatus) as refused:
                async with GraphQLSocket.open(server.ws_url, origin=Origin("http://localhost:5173")):
                    pass
            assert refused.value.response.status_code == 403
        else:
            async with GraphQLSocket.connected(server.ws_url, origin=Origin("http://localhost:5173")):
                pass


async def test_a_page_of_the_api_s_own_origin_connects(
    realtime_settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    settings = realtime_settings.model_copy(update={"cors_origins": []})
    async with serve(app_for(settings, engine, now), settings) as server:
        own = server.ws_url.replace("ws://", "http://").removesuffix("/graphql")
        async with GraphQLSocket.connected(server.ws_url, origin=Origin(own)):
            pass
