"""A real FastAPI app over the test database, driven through HTTP (httpx's ASGI transport)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.accounts import auth
from domain.models import User
from domain.settings import Settings
from graph.context import Services
from learnql.composition import create_app


@dataclass
class Api:
    """Posts GraphQL operations as a client would."""

    http: httpx.AsyncClient
    settings: Settings
    app: FastAPI

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        """The data of an operation that must not fail."""
        body = await self.post(query, variables, token)
        assert "errors" not in body, body.get("errors")
        result: dict[str, Any] = body["data"]
        return result

    def token(self, user: User, now: datetime) -> str:
        return auth.issue_token(self.settings, user, now)

    def set_clock(self, now: datetime) -> None:
        services: Services = self.app.state.services
        services.clock = lambda: now


@pytest.fixture
async def api(settings: Settings, engine: AsyncEngine, now: datetime) -> AsyncIterator[Api]:
    app = create_app(settings, engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        client = Api(http, settings, app)
        client.set_clock(now)
        yield client
    await app.state.services.jobs.close()  # in-process jobs (free-text evaluation) finish before the engine goes
