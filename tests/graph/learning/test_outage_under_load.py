"""PostgreSQL goes away while learners submit: every client that retries with its idempotency key
ends with exactly one submission, the XP books balance (nothing lost, nothing doubled), and the API
recovers without a restart.

Two kinds of outage: a private PostgreSQL server (tests/pg_cluster.py) stopped with a fast shutdown
and started again, twice (sessions end with 57P01, then connections are refused); and the network
(a `Gate`, a TCP forwarder, shut then cut: refused, then dropped connections as in a failover)."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel import col

from domain.accounts import auth
from domain.clock import utcnow
from domain.infra.database import session_factory
from domain.infra.migrations import upgrade
from domain.models import ProblemKind, Submission, User, XpEvent
from domain.settings import Settings
from graph.context import Services
from graph.ids import encode
from learnql.composition import create_app
from tests.factories import CourseFixture, make_course, make_user
from tests.gate import Gate
from tests.pg_cluster import Cluster, binaries

pytestmark = pytest.mark.timeout(90)

SUBMIT = """
mutation Lesson($input: SubmitAnswersInput!) {
  submitAnswers(input: $input) { replayed errors { code } submission { id xpAwarded } }
}"""
KINDS = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC, ProblemKind.SHORT_TEXT)
LEARNERS = 6
LESSONS = 4
SECRET = "test-secret-0123456789abcdef0123456789"


class Outage(Protocol):
    url: str  # what the API connects to
    direct_url: str  # the same database, for the test's own setup and checks

    async def first(self) -> None: ...  # PostgreSQL goes away and comes back
    async def second(self) -> None: ...


class Stop:
    """A private PostgreSQL server, stopped and started."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.url = self.direct_url = cluster.url

    async def first(self) -> None:
        await asyncio.to_thread(self.cluster.stop)
        await asyncio.sleep(0.3)
        await asyncio.to_thread(self.cluster.start)

    async def second(self) -> None:
        await self.first()


class Network:
    """The shared test server behind a gate: shut for a while, then every open connection cut."""

    def __init__(self, gate: Gate, database_url: str) -> None:
        self.gate = gate
        self.direct_url = database_url
        self.url = database_url.replace(":5432", f":{gate.port}")

    async def first(self) -> None:
        await self.gate.shut()
        await asyncio.sleep(0.3)
        await self.gate.open()

    async def second(self) -> None:
        self.gate.cut()


@dataclass
class Setup:
    outage: Outage
    http: httpx.AsyncClient
    fixture: CourseFixture
    learners: list[User]
    tokens: dict[int, str]
    engine: AsyncEngine


@pytest.fixture(params=["stop", "network"])
async def outage(request: pytest.FixtureRequest, postgres_database: str) -> AsyncIterator[Outage]:
    if request.param == "network":
        gate = Gate()
        await gate.open()
        yield Network(gate, postgres_database)
        await gate.shut()
        return
    if binaries() is None:
        if os.environ.get("LEARNQL_REQUIRE_SERVICES") == "1":
            pytest.fail("PostgreSQL's server programs (initdb, pg_ctl) are required")
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    with Cluster.in_temporary_folder() as cluster:
        await asyncio.to_thread(cluster.create)
        await asyncio.to_thread(cluster.start)
        try:
            await asyncio.to_thread(upgrade, cluster.url)
            yield Stop(cluster)
        finally:
            await asyncio.to_thread(cluster.stop)


@pytest.fixture
async def setup(outage: Outage) -> AsyncIterator[Setup]:
    direct = create_async_engine(outage.direct_url, poolclass=NullPool)  # no pooled connection to lose
    settings = Settings(database_url=outage.direct_url, jwt_secret=SECRET, demo_content=False, jobs_autostart=False)
    now = utcnow()
    async with session_factory(direct, write=True)() as session:
        learners = [await make_user(session, settings, now) for _ in range(LEARNERS)]
        fixture = await make_course(session, now, lessons=LESSONS, kinds=KINDS)
        await session.commit()
    app = create_app(settings.model_copy(update={"database_url": outage.url}))
    services: Services = app.state.services
    tokens = {user.id: auth.issue_token(settings, user, now) for user in learners if user.id is not None}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield Setup(outage, http, fixture, learners, tokens, direct)
    if services.jobs is not None:
        await services.jobs.close()
    await services.engine.dispose()
    await direct.dispose()


def _answers(fixture: CourseFixture, lesson_index: int) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for problem in fixture.problems[fixture.lessons[lesson_index].id]:  # type: ignore[index]
        answer: dict[str, Any] = {"problemId": encode("Problem", problem.id)}
        if problem.kind == ProblemKind.SINGLE_CHOICE.value:
            right = next(o for o in fixture.options[problem.id] if o.correct)  # type: ignore[index]
            answer["optionIds"] = [encode("Option", right.id)]
        elif problem.kind == ProblemKind.NUMERIC.value:
            answer["number"] = 42.0
        else:
            answer["text"] = "DataLoader"
        answers.append(answer)
    return answers


class Outcomes(Counter[str]):
    """What the clients saw; `written(n)` waits until n submissions were written."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = asyncio.Condition()

    async def add(self, outcome: str) -> None:
        async with self._changed:
            self[outcome] += 1
            self._changed.notify_all()

    async def written(self, n: int) -> None:
        async with self._changed:
            await self._changed.wait_for(lambda: self["written"] >= n)


async def _submit_until_answered(setup: Setup, user: User, lesson_index: int, outcomes: Outcomes) -> int:
    """Submit one lesson, retrying with the same key while the API is unavailable; the XP awarded."""
    lesson = setup.fixture.lessons[lesson_index]
    variables = {
        "input": {
            "lessonId": encode("Lesson", lesson.id),
            "idempotencyKey": f"outage-{user.id}-{lesson.id}",
            "answers": _answers(setup.fixture, lesson_index),
        }
    }
    headers = {"Authorization": f"Bearer {setup.tokens[user.id]}"}  # type: ignore[index]
    for _ in range(200):
        response = await setup.http.post("/graphql", json={"query": SUBMIT, "variables": variables}, headers=headers)
        body = response.json()
        if response.status_code == 503:
            assert body["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
            await outcomes.add("unavailable")
            await asyncio.sleep(0.02)
            continue
        assert response.status_code == 200, body
        payload = body["data"]["submitAnswers"]
        assert payload["errors"] == []
        await outcomes.add("replayed" if payload["replayed"] else "written")
        return int(payload["submission"]["xpAwarded"])
    raise AssertionError("the API never came back")


async def _outages(outage: Outage, outcomes: Outcomes) -> None:
    """Two outages while submissions are in flight: a stop, then a failover that cuts connections."""
    await outcomes.written(3)
    await outage.first()
    await outcomes.written(10)
    await outage.second()


async def test_submissions_retried_through_an_outage_are_stored_once_with_balanced_xp(setup: Setup) -> None:
    outcomes = Outcomes()

    async def learner_session(user: User) -> list[int]:
        return [await _submit_until_answered(setup, user, lesson, outcomes) for lesson in range(LESSONS)]

    awarded, _ = await asyncio.gather(
        asyncio.gather(*(learner_session(user) for user in setup.learners)), _outages(setup.outage, outcomes)
    )

    ids = [user.id for user in setup.learners]
    async with setup.engine.connect() as connection:
        stored = (
            await connection.execute(
                select(col(Submission.user_id), func.count())
                .where(col(Submission.user_id).in_(ids))
                .group_by(col(Submission.user_id))
            )
        ).all()
        xp: dict[int | None, int] = dict(
            (await connection.execute(select(col(User.id), col(User.xp)).where(col(User.id).in_(ids)))).all()
        )
        events: dict[int | None, int] = dict(
            (
                await connection.execute(
                    select(col(XpEvent.user_id), func.sum(col(XpEvent.amount)))
                    .where(col(XpEvent.user_id).in_(ids))
                    .group_by(col(XpEvent.user_id))
                )
            ).all()
        )
    assert outcomes["unavailable"] > 0  # the outage was felt by clients
    assert outcomes["written"] + outcomes["replayed"] == LEARNERS * LESSONS
    assert dict(stored) == dict.fromkeys(ids, LESSONS)  # nothing lost, nothing doubled
    for user, amounts in zip(setup.learners, awarded, strict=True):
        assert xp[user.id] == events[user.id] == sum(amounts) > 0  # the books balance
