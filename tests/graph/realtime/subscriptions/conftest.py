"""A real uvicorn server in the test's event loop: the embedded default on SQLite (in-process broker,
SQL leaderboards) and the production backends on PostgreSQL (Redis broker and sorted sets, with a key
prefix of its own so parallel runs never meet)."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.services import drop_keys
from domain.accounts import auth
from domain.models import User
from domain.settings import Settings
from graph.context import Services
from learnql.composition import create_app
from tests.conftest import Database
from tests.services import REDIS_URL, require

INTERVAL_MS = 50


@dataclass
class Server:
    app: FastAPI
    settings: Settings
    http: httpx.AsyncClient
    ws_url: str

    @property
    def services(self) -> Services:
        services: Services = self.app.state.services
        return services

    def token(self, user: User, now: datetime) -> str:
        return auth.issue_token(self.settings, user, now)

    async def data(self, query: str, variables: dict[str, object] | None = None, token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]


@pytest.fixture
def now() -> datetime:
    """The real time: Redis expires weekly boards by the wall clock."""
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def realtime_settings(settings: Settings, database: Database) -> AsyncIterator[Settings]:
    changes: dict[str, object] = {"leaderboard_update_interval_ms": INTERVAL_MS}
    if database.backend == "postgresql":
        require("Redis", REDIS_URL, 6379)
        changes |= {"redis_url": REDIS_URL, "redis_prefix": f"learnql-test-{uuid.uuid4().hex[:12]}:"}
    configured = settings.model_copy(update=changes)
    yield configured
    if configured.redis_url:
        await drop_keys(configured.redis_url, configured.redis_prefix)


@asynccontextmanager
async def serve(app: FastAPI, settings: Settings, sock: socket.socket | None = None) -> AsyncIterator[Server]:
    """Run `app` on uvicorn in this event loop (on `sock` when given) until the block ends."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", ws_per_message_deflate=False)
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve(sockets=[sock] if sock is not None else None))
    while not instance.started:
        if task.done():
            await task
        await asyncio.sleep(0.01)
    port = instance.servers[0].sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            yield Server(app, settings, http, f"ws://127.0.0.1:{port}/graphql")
    finally:
        instance.should_exit = True
        await asyncio.wait_for(task, 10)


def app_for(settings: Settings, engine: AsyncEngine, now: datetime) -> FastAPI:
    app = create_app(settings, engine)
    services: Services = app.state.services
    services.clock = lambda: now
    return app


@pytest.fixture
async def server(realtime_settings: Settings, engine: AsyncEngine, now: datetime) -> AsyncIterator[Server]:
    async with serve(app_for(realtime_settings, engine, now), realtime_settings) as running:
        yield running
