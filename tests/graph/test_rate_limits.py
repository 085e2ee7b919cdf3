"""Rate limits through HTTP: login throttling (a UserError), refused requests (429 + Retry-After), client
addresses behind trusted proxies only, login timing, and counts shared by API processes through Redis."""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.services import drop_keys
from domain.models import Job, Problem, ProblemKind, Role, Submission, User
from domain.settings import Settings
from graph.ids import encode
from learnql.composition import create_app
from tests.factories import make_course, make_user
from tests.graph.conftest import Api
from tests.graph.content.test_authoring_api import IMPORT
from tests.graph.jobs.test_jobs import GENERATE, authoring, generate_input
from tests.graph.learning.test_submissions import SUBMIT, count, lesson_input
from tests.services import REDIS_URL, require

REGISTER = "mutation($input: RegisterInput!) { register(input: $input) { token errors { code } } }"
LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { field code message retryAfter } } }"
PASSWORD = "password-123"  # tests/factories.make_user's


@asynccontextmanager
async def limited(
    settings: Settings, engine: AsyncEngine, now: datetime, peer: str = "127.0.0.1", **changes: Any
) -> AsyncIterator[Api]:
    """An API with these settings, called from `peer`."""
    app = create_app(settings.model_copy(update=changes), engine)
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        api = Api(http, app.state.services.settings, app)
        api.set_clock(now)
        yield api
    await app.state.services.jobs.close()
    await app.state.services.limiter.close()


async def call(
    api: Api, query: str, variables: dict[str, Any], token: str | None = None, forwarded: str | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    return await api.http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def sign_up(email: str) -> dict[str, Any]:
    return {"input": {"email": email, "password": PASSWORD, "displayName": "Ada"}}


def credentials(email: str, password: str = PASSWORD) -> dict[str, Any]:
    return {"input": {"email": email, "password": password}}


def assert_rate_limited(response: httpx.Response) -> int:
    """The answer of a refused request; returns its Retry-After."""
    body = response.json()
    assert response.status_code == 429
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    wait = int(response.headers["Retry-After"])
    assert error["extensions"]["retryAfter"] == wait
    assert f"try again in {wait} seconds" in error["message"]
    return wait


async def test_register_past_its_limit_is_refused_with_429_and_creates_no_account(
    settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    async with limited(settings, engine, now, limit_register_per_ip="2 per hour") as api:
        accepted = [await call(api, REGISTER, sign_up(f"user{n}@example.org")) for n in range(2)]
        refused = await call(api, REGISTER, sign_up("user3@example.org"))

    assert [r.status_code for r in accepted] == [200, 200]
    assert all(r.json()["data"]["register"]["errors"] == [] for r in accepted)
    assert 0 < assert_rate_limited(refused) <= 3600
    assert await count(engine, User) == 2


async def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(
    settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    async with limited(settings, engine, now, limit_register_per_ip="2 per hour") as api:
        responses = [
            await call(api, REGISTER, sign_up(f"user{n}@example.org"), forwarded=f"203.0.113.{n}") for n in range(3)
        ]

    assert [r.status_code for r in responses] == [200, 200, 429]


async def test_a_trusted_proxy_names_the_client_and_spoofed_entries_before_it_do_not_count(
    settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    async with limited(
        settings, engine, now, peer="10.0.0.2", trusted_proxies=["10.0.0.0/24"], limit_register_per_ip="2 per hour"
    ) as api:
        one = [
            await call(api, REGISTER, sign_up(f"a{n}@example.org"), forwarded=f"198.51.100.{n}, 203.0.113.1")
            for n in range(3)
        ]
        other = await call(api, REGISTER, sign_up("b@example.org"), forwarded="203.0.113.2, 10.0.0.7")

    assert [r.status_code for r in one] == [200, 200, 429]  # all counted for 203.0.113.1
    assert other.status_code == 200


async def test_failed_logins_throttle_the_account_with_the_same_answer_whether_it_exists(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    await make_user(session, settings, now, email="ada@example.org")
    await session.commit()
    limit = 10  # the default limit_login_failures_per_account

    for email in ("ada@example.org", "nobody@example.org"):
        failures = [await call(api, LOGIN, credentials(email, "wrong")) for _ in range(limit)]
        assert {e["code"] for r in failures for e in r.json()["data"]["login"]["errors"]} == {"INVALID_CREDENTIALS"}
    known = await call(api, LOGIN, credentials("ada@example.org"))  # the right password, too late
    unknown = await call(api, LOGIN, credentials("nobody@example.org"))

    for response in (known, unknown):
        assert response.status_code == 200  # a UserError of the payload, not a refused request
        login = response.json()["data"]["login"]
        [error] = login["errors"]
        assert login["token"] is None
        assert (error["field"], error["code"]) == (None, "LOGIN_THROTTLED")
        assert 0 < error["retryAfter"] <= 15 * 60
        assert error["message"] == f"Too many failed logins; try again in {error['retryAfter']} seconds."


async def test_a_login_for_an_unknown_email_takes_as_long_as_a_wrong_password(
    session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    # A hash cost in the range of production's (the test run's own is nearly free).
    costly = settings.model_copy(update={"password_time_cost": 2, "password_memory_kib": 19456})
    await make_user(session, costly, now, email="ada@example.org")
    await session.commit()

    async def timed(email: str) -> float:
        start = time.perf_counter()
        response = await call(api, LOGIN, credentials(email, "wrong password"))
        elapsed = time.perf_counter() - start
        assert response.json()["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
        return elapsed

    async with limited(costly, engine, now) as api:
        await timed("warm-up@example.org")  # the dummy hash is made on first use
        known, unknown = [], []
        for n in range(5):  # interleaved, so that drift in machine load hits both alike
            known.append(await timed("ada@example.org"))
            unknown.append(await timed(f"nobody{n}@example.org"))

    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 <= ratio <= 2, (known, unknown)


async def test_generating_problems_is_limited_per_user(
    session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    author, lesson = await authoring(session, settings, now)
    async with limited(settings, engine, now, limit_generate_problems_per_user="1 per hour") as api:
        token = api.token(author, now)
        first = await call(api, GENERATE, generate_input(lesson), token)
        second = await call(api, GENERATE, generate_input(lesson, count=3), token)

    assert first.json()["data"]["generateProblems"]["errors"] == []
    assert_rate_limited(second)
    assert await count(engine, Job) == 1


async def test_importing_problems_is_limited_per_user(
    session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    author, lesson = await authoring(session, settings, now)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    item = {"id": "q1", "type": "numeric", "question": "6*7?", "answer": 42}
    variables = {"input": {"lessonId": encode("Lesson", lesson.id), "items": [item]}}
    async with limited(settings, engine, now, limit_import_problems_per_user="1 per hour") as api:
        first = await call(api, IMPORT, variables, api.token(author, now))
        second = await call(api, IMPORT, variables, api.token(author, now))
        someone_else = await call(api, IMPORT, variables, api.token(other, now))

    assert first.json()["data"]["importProblems"]["errors"] == []
    assert_rate_limited(second)
    assert someone_else.status_code == 200  # another user's own budget (refused for not owning the course)
    assert await count(engine, Problem) == 1


async def test_submissions_that_queue_ai_evaluation_are_limited_per_user(
    session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    free_text = await make_course(session, now)  # one problem of every kind, free text included
    graded_at_once = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await session.commit()
    numeric = {"problemId": encode("Problem", graded_at_once.problems[graded_at_once.lessons[0].id][0].id)}  # type: ignore[index]
    async with limited(settings, engine, now, limit_ai_evaluations_per_user="1 per hour") as api:
        token = api.token(learner, now)
        first = await call(api, SUBMIT, lesson_input(free_text, "key-1"), token)
        second = await call(api, SUBMIT, lesson_input(free_text, "key-2"), token)
        replay = await call(api, SUBMIT, lesson_input(free_text, "key-1"), token)
        without_free_text = await call(
            api, SUBMIT, lesson_input(graded_at_once, "key-3", [numeric | {"number": 42}]), token
        )

    assert first.json()["data"]["submitAnswers"]["errors"] == []
    assert_rate_limited(second)
    assert replay.json()["data"]["submitAnswers"]["replayed"] is True
    assert without_free_text.json()["data"]["submitAnswers"]["errors"] == []
    assert await count(engine, Submission) == 2


async def test_api_processes_sharing_redis_share_login_throttling(
    session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    require("Redis", REDIS_URL, 6379)
    await make_user(session, settings, now, email="ada@example.org")
    await session.commit()
    shared = settings.model_copy(
        update={
            "redis_url": REDIS_URL,
            "redis_prefix": f"learnql-test-{uuid.uuid4().hex[:12]}:",
            "limit_login_failures_per_account": "2 per 15 minutes",
        }
    )
    try:
        async with limited(shared, engine, now) as first, limited(shared, engine, now) as second:
            codes = []
            for api in (first, second, first, second):
                response = await call(api, LOGIN, credentials("ada@example.org", "wrong"))
                codes.append(response.json()["data"]["login"]["errors"][0]["code"])
    finally:
        await drop_keys(REDIS_URL, shared.redis_prefix)

    assert codes == ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "LOGIN_THROTTLED", "LOGIN_THROTTLED"]
