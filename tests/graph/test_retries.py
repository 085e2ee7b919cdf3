"""Transient failures through the real app: a deadlock inside a mutation reruns it, a lost pooled
connection reruns the query, an unreachable database is HTTP 503 + UNAVAILABLE + Retry-After with
one log line per state change, and /ready names each backend's state."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from domain.accounts import auth
from domain.clock import utcnow
from domain.infra.budget import MemoryBudget
from domain.infra.database import session_factory
from domain.models import ProblemKind, ReviewLog, User
from domain.settings import Settings
from graph.context import Services
from graph.ids import encode
from learnql.composition import create_app
from tests.conftest import Database
from tests.factories import make_course, make_review_card, make_user
from tests.gate import Gate, closed_port
from tests.graph.conftest import Api
from tests.services import POSTGRES_URL, require

pytestmark = pytest.mark.timeout(60)

REVIEW = """
mutation Review($input: ReviewCardInput!) {
  reviewCard(input: $input) { replayed errors { code message } review { id } }
}"""
VIEWER = "{ viewer { id displayName } }"
SECRET = "test-secret-0123456789abcdef0123456789"


@pytest.fixture
async def gated(postgres_database: str) -> AsyncIterator[tuple[Gate, httpx.AsyncClient, Services, User]]:
    """An app whose PostgreSQL sits behind a `Gate` (shut at first), and a learner to log in as."""
    require("PostgreSQL", POSTGRES_URL, 5432)
    direct = create_async_engine(postgres_database)
    settings = Settings(database_url=postgres_database, jwt_secret=SECRET, demo_content=False, jobs_autostart=False)
    async with session_factory(direct, write=True)() as session:
        learner = await make_user(session, settings, utcnow())
        await session.commit()
    await direct.dispose()
    gate = Gate()
    gated_url = postgres_database.replace("127.0.0.1:5432", f"127.0.0.1:{gate.port}")
    app = create_app(settings.model_copy(update={"database_url": gated_url}))
    services: Services = app.state.services
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        http.headers["Authorization"] = f"Bearer {auth.issue_token(settings, learner, utcnow())}"
        yield gate, http, services, learner
    await gate.shut()
    await services.jobs.close()
    await services.engine.dispose()


def health_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The state changes logged, without their details ("database: up -> down")."""
    messages = [record.getMessage() for record in caplog.records if record.name == "learnql.health"]
    return [message.split(" (")[0].split(" after")[0] for message in messages]


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.exc_info]


async def test_an_unreachable_database_is_503_unavailable_logged_once_and_named_by_ready(
    gated: tuple[Gate, httpx.AsyncClient, Services, User], caplog: pytest.LogCaptureFixture
) -> None:
    gate, http, services, learner = gated
    caplog.set_level(logging.INFO)

    responses = [await http.post("/graphql", json={"query": VIEWER}) for _ in range(5)]
    ready = await http.get("/ready")

    assert [response.status_code for response in responses] == [503] * 5
    assert {response.headers["Retry-After"] for response in responses} == {"5"}
    body = responses[0].json()
    assert body["data"] == {"viewer": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["extensions"]["retryable"] is True
    assert error["extensions"]["retryAfter"] == 5
    assert "Connect call failed" not in error["message"]  # no driver text for clients
    assert ready.status_code == 503
    assert ready.headers["Retry-After"] == "5"
    assert ready.json() == {"status": "unavailable", "database": "down"}
    assert health_lines(caplog) == ["database: up -> down"]
    assert tracebacks(caplog) == []
    assert services.health.database.failures >= 5
    assert services.health.database.outages == 1

    await gate.open()
    back = await http.post("/graphql", json={"query": VIEWER})
    ready = await http.get("/ready")

    assert back.status_code == 200
    assert back.json()["data"] == {"viewer": {"id": encode("User", learner.id), "displayName": learner.display_name}}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "up"}
    assert health_lines(caplog) == ["database: up -> down", "database: down -> up"]


async def test_a_lost_pooled_connection_is_retried_inside_the_server(
    gated: tuple[Gate, httpx.AsyncClient, Services, User], caplog: pytest.LogCaptureFixture
) -> None:
    gate, http, services, learner = gated
    await gate.open()
    assert (await http.post("/graphql", json={"query": VIEWER})).status_code == 200  # a connection is pooled
    caplog.set_level(logging.INFO)

    gate.cut()  # the pooled connection dies under the app, new connections still work
    response = await http.post("/graphql", json={"query": VIEWER})

    assert response.status_code == 200
    assert response.json()["data"]["viewer"]["id"] == encode("User", learner.id)
    assert services.health.database.failures == 1  # the first run failed, the rerun did not
    assert tracebacks(caplog) == []


async def test_a_rerun_operation_takes_its_cost_from_the_budget_once(
    gated: tuple[Gate, httpx.AsyncClient, Services, User],
) -> None:
    gate, http, services, learner = gated
    services.budget = MemoryBudget(100_000, 0.001)  # refills next to nothing during the test
    await gate.open()
    first = await http.post("/graphql", json={"query": VIEWER})

    gate.cut()  # the second request's first run fails; its rerun succeeds
    second = await http.post("/graphql", json={"query": VIEWER})

    assert services.health.database.failures == 1
    assert first.json()["extensions"]["cost"]["budget"]["remaining"] == 99_999
    assert second.json()["extensions"]["cost"] == {
        "requested": 1,
        "budget": {"maximum": 100_000, "remaining": 99_998, "restoreRate": 0.001},
    }


async def test_a_deadlock_inside_a_mutation_is_retried_and_succeeds(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine, database: Database
) -> None:
    if database.backend != "postgresql":
        pytest.skip("SQLite runs one writer at a time: it cannot deadlock")
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    card = await make_review_card(session, learner, fixture.problems[fixture.lessons[0].id][0], now)  # type: ignore[index]
    await session.commit()
    services: Services = api.app.state.services
    variables = {"input": {"cardId": encode("ReviewCard", card.id), "rating": "GOOD", "idempotencyKey": "k"}}

    async with engine.connect() as rival, engine.connect() as observer:
        await observer.execution_options(isolation_level="AUTOCOMMIT")  # a fresh pg_stat_activity each time
        # The rival holds the card; reviewCard locks the learner, then waits for the card ...
        await rival.execute(text("SET deadlock_timeout = '10s'"))  # so that reviewCard is the one to detect it
        await rival.execute(text("SELECT id FROM review_cards WHERE id = :id FOR UPDATE"), {"id": card.id})
        review = asyncio.create_task(api.post(REVIEW, variables, api.token(learner, now)))
        await _until_a_lock_wait(observer)
        # ... and the rival asks for the learner: a cycle. PostgreSQL aborts reviewCard's first run.
        await rival.execute(text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": learner.id})
        await rival.rollback()
        body = await review

    assert "errors" not in body
    assert body["data"]["reviewCard"]["errors"] == []
    assert body["data"]["reviewCard"]["replayed"] is False
    assert services.health.database.contention == 1  # the deadlock happened, and the rerun succeeded
    async with engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(ReviewLog))).scalar_one() == 1


async def _until_a_lock_wait(connection: Any) -> None:
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(500):
        if (await connection.execute(query)).scalar_one():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("reviewCard never waited for the card's lock")


async def test_ready_names_an_unreachable_redis_without_driver_text(
    settings: Settings, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    app = create_app(settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{closed_port()}/0"}), engine)
    services: Services = app.state.services
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            answers = [await http.get("/ready") for _ in range(3)]
    finally:
        with contextlib.suppress(Exception):
            await services.realtime.close()
        await services.cache.close()

    assert [answer.status_code for answer in answers] == [503] * 3
    assert answers[0].json() == {"status": "unavailable", "database": "up", "redis": "down"}
    assert health_lines(caplog) == ["redis: up -> down"]
    assert tracebacks(caplog) == []


async def test_a_bug_is_still_internal_server_error_logged_with_its_traceback_and_not_rerun(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    learner = await make_user(session, settings, now)
    learner.timezone = "Not/AZone"  # corrupt the row behind the API's back: reading the streak fails
    session.add(learner)
    await session.commit()
    services: Services = api.app.state.services
    headers = {"Authorization": f"Bearer {api.token(learner, now)}"}

    response = await api.http.post("/graphql", json={"query": "{ viewer { streak { current } } }"}, headers=headers)

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "retryable" not in error["extensions"]
    assert "Retry-After" not in response.headers
    assert len(tracebacks(caplog)) == 1  # logged once, with its traceback: it ran once
    assert services.health.database.failures == services.health.database.contention == 0
