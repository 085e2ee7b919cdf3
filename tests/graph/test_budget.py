"""Per-client budgets through HTTP: 429 with Retry-After and RATE_LIMITED when spent, per user or IP,
in memory on the embedded default and shared through Redis by every API process in production."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.services import drop_keys
from domain.settings import Settings
from learnql.composition import create_app
from tests.conftest import Database
from tests.factories import make_user
from tests.graph.conftest import Api
from tests.services import REDIS_URL, require

TINY = "{ courses(first: 1) { edges { node { id } } } }"  # costs 3


@pytest.fixture
async def settings(settings: Settings, database: Database) -> AsyncIterator[Settings]:
    """A budget of 10 points refilled at 1 point a second; on Redis with PostgreSQL (production)."""
    changes: dict[str, object] = {"budget_maximum": 10, "budget_restore_rate": 1.0, "max_query_cost": 10}
    if database.backend == "postgresql":
        require("Redis", REDIS_URL, 6379)
        changes |= {"redis_url": REDIS_URL, "redis_prefix": f"learnql-test-{uuid.uuid4().hex[:12]}:"}
    configured = settings.model_copy(update=changes)
    yield configured
    if configured.redis_url:
        await drop_keys(configured.redis_url, configured.redis_prefix)


async def test_a_spent_budget_answers_429_with_retry_after_and_rate_limited(api: Api) -> None:
    spent = [(await api.http.post("/graphql", json={"query": TINY})).json() for _ in range(3)]

    refused = await api.http.post("/graphql", json={"query": TINY})

    assert [body["extensions"]["cost"]["budget"]["remaining"] for body in spent] == [7, 4, 1]
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "2"  # 2 points missing at 1 point a second
    body = refused.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 2, "cost": 3}
    assert "retry in 2 s" in error["message"]
    assert body["extensions"]["cost"] == {
        "requested": 3,
        "budget": {"maximum": 10, "remaining": 1, "restoreRate": 1.0},
    }


async def test_a_user_spends_their_own_budget_not_their_address(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()
    for _ in range(3):
        await api.post(TINY)  # the address's budget: 1 point left

    mine = await api.post(TINY, token=api.token(learner, now))
    anonymous = await api.http.post("/graphql", json={"query": TINY})

    assert mine["extensions"]["cost"]["budget"]["remaining"] == 7
    assert anonymous.status_code == 429


async def test_a_query_over_the_cost_limit_takes_nothing_from_the_budget(api: Api) -> None:
    costly = await api.post("{ courses(first: 5) { edges { node { id } } } }")  # 11 > 10

    assert costly["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert costly["extensions"]["cost"]["budget"]["remaining"] == 10


async def test_api_processes_share_budgets_through_redis_in_production(
    settings: Settings, engine: AsyncEngine, database: Database, api: Api
) -> None:
    if database.backend != "postgresql":
        pytest.skip("the embedded default runs one process: its budgets live in it")
    other = create_app(settings, engine)  # a second API process with the same Redis
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=other), base_url="http://test") as http:
        for _ in range(3):
            await api.post(TINY)
        refused = await http.post("/graphql", json={"query": TINY})
    await other.state.services.budget.close()
    await other.state.services.jobs.close()

    assert refused.status_code == 429
