"""Production setup: the API queues jobs in Redis and a real arq worker process (`arq
workers.settings.WorkerSettings`, burst mode) runs them against PostgreSQL. Each test has its own
queue and key prefix. A worker killed half-way (SIGKILL) leaves its job to the next worker, which
finishes it without duplicate problems or XP."""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
from arq import create_pool
from arq.connections import RedisSettings
from arq.jobs import Job as ArqJob
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.texts import lesson_text
from domain.accounts import auth
from domain.infra.job_queue import ArqJobQueue, Enqueue
from domain.models import Job, Problem, ProblemKind, Role, Submission, XpEvent
from domain.realtime.dispatch import submissions_channel
from domain.settings import Settings
from graph.context import Services
from graph.ids import encode
from learnql.composition import create_app
from tests.conftest import Database
from tests.factories import make_course, make_user
from tests.services import REDIS_URL, require
from tests.workers.conftest import ChatServer, openai_settings, run_burst_worker, start_worker, worker_env

pytestmark = pytest.mark.timeout(120)

GENERATE = """
mutation($input: GenerateProblemsInput!) { generateProblems(input: $input) { job { id } errors { code } } }"""
SUBMIT = """
mutation($input: SubmitAnswersInput!) { submitAnswers(input: $input) { errors { code } submission { id status } } }"""


@dataclass
class Production:
    settings: Settings
    env: dict[str, str]
    http: httpx.AsyncClient
    services: Services

    def token(self, user: Any, now: datetime) -> str:
        return auth.issue_token(self.settings, user, now)

    async def data(self, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
        )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]

    async def worker(self, *, burst: bool = True, **env: str) -> asyncio.subprocess.Process:
        return await start_worker(self.env | env, burst=burst)

    async def run_worker(self, **env: str) -> str:
        return await run_burst_worker(self.env | env)

    async def result(self, job_id: str) -> Any:
        """What arq recorded for the job (the job function's return value)."""
        pool = await create_pool(RedisSettings.from_dsn(REDIS_URL))
        try:
            key = f"{self.settings.redis_prefix}learnql:job:{job_id}"
            info = await ArqJob(key, pool, _queue_name=self.settings.jobs_queue).result_info()
        finally:
            await pool.aclose()
        assert info is not None
        return info.success, info.result, info.job_try


async def drop_keys(prefix: str) -> None:
    redis = Redis.from_url(REDIS_URL)
    try:
        for pattern in (f"{prefix}*", f"arq:*:{prefix}*"):
            keys = [key async for key in redis.scan_iter(match=pattern, count=1000)]
            if keys:
                await redis.delete(*keys)
    finally:
        await redis.aclose()


@pytest.fixture
async def production(
    database: Database, settings: Settings, engine: AsyncEngine, now: datetime
) -> AsyncIterator[Production]:
    if database.backend != "postgresql":
        pytest.skip("the arq worker runs with the production backends (PostgreSQL + Redis)")
    require("Redis", REDIS_URL, 6379)
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    configured = settings.model_copy(update={"redis_url": REDIS_URL, "redis_prefix": prefix})
    env = worker_env(configured)
    app = create_app(configured, engine)
    services: Services = app.state.services
    services.clock = lambda: now
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield Production(configured, env, http, services)
    await services.jobs.close()
    await services.realtime.close()
    await drop_keys(prefix)


async def count(session: AsyncSession, model: type, *where: Any) -> int:
    result = (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()
    await session.commit()
    return int(result)


async def test_the_api_queues_in_redis_and_the_worker_grades_free_text(
    production: Production, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,))
    await session.commit()
    problem = fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]
    answers = [{"problemId": encode("Problem", problem.id), "text": "It batches the keys into one query."}]
    variables = {
        "input": {"lessonId": encode("Lesson", fixture.lessons[0].id), "idempotencyKey": "k", "answers": answers}
    }

    async with production.services.realtime.broker.subscribe(submissions_channel(learner.id)) as graded:  # type: ignore[arg-type]
        submitted = await production.data(SUBMIT, variables, production.token(learner, now))
        log = await production.run_worker()
        message = await asyncio.wait_for(anext(graded), timeout=10)

    submission = (await session.execute(select(Submission))).scalar_one()
    await session.commit()
    assert submitted["submitAnswers"]["submission"]["status"] == "PENDING"
    assert (submission.status, submission.score, submission.xp_awarded) == ("GRADED", 1.0, 20)
    assert message == {"user": learner.id, "submission": submission.id}  # over Redis pub/sub, from the worker
    assert await production.result("1") == (True, "succeeded", 1)
    assert "evaluation_run" in log


async def test_a_duplicate_enqueue_is_a_no_op_and_the_worker_runs_the_job_once(
    production: Production, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, kinds=())
    await session.commit()
    variables = {"input": {"lessonId": encode("Lesson", course.lessons[0].id), "sourceText": lesson_text(), "count": 5}}
    created = await production.data(GENERATE, variables, production.token(author, now))
    queue = ArqJobQueue(REDIS_URL, production.settings.jobs_queue, production.settings.redis_prefix)

    again = await queue.enqueue(Enqueue("generation_run", 1))
    await production.run_worker()
    after_run = await queue.enqueue(Enqueue("generation_run", 1))
    await queue.close()

    job = (await session.execute(select(Job))).scalar_one()
    await session.commit()
    assert created["generateProblems"]["errors"] == []
    assert (again, after_run) == (False, False)
    assert (job.status, job.attempts, len(job.result["problemIds"])) == ("SUCCEEDED", 1, 5)  # type: ignore[index]
    assert await count(session, Problem) == 5
    assert await production.result("1") == (True, "succeeded", 1)


async def _kill_when(production: Production, session: AsyncSession, job_id: int, worker_env: dict[str, str]) -> None:
    """Start a worker, SIGKILL it once the job has committed some progress, and expire its lease."""
    process = await production.worker(burst=False, **worker_env)
    try:
        for _ in range(600):
            job = await session.get(Job, job_id, populate_existing=True)
            await session.commit()
            if job is not None and job.progress > 0:
                assert job.status == "RUNNING", "the job finished before the worker could be killed"
                break
            await asyncio.sleep(0.05)
        else:
            pytest.fail("the job made no progress")
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    # arq hands a job to another worker once its in-progress key expires (job timeout + 10 s): expire
    # them now, the job's and that of a sweep the worker may have been running at the time
    redis = Redis.from_url(REDIS_URL)
    try:
        pattern = f"arq:in-progress:*{production.settings.redis_prefix}*"
        held = [key async for key in redis.scan_iter(match=pattern, count=1000)]
        assert f"arq:in-progress:{production.settings.redis_prefix}learnql:job:{job_id}".encode() in held
        await redis.delete(*held)
    finally:
        await redis.aclose()


async def test_a_generation_worker_killed_half_way_is_finished_by_the_next_without_duplicates(
    production: Production, session: AsyncSession, settings: Settings, now: datetime, chat: ChatServer
) -> None:
    chat.script.latency = 0.3
    ai = openai_settings(settings, chat, ai_generation_batch_size=1, ai_concurrency=1)
    worker_env = {
        "LEARNQL_AI_PROVIDER": "openai",
        "LEARNQL_AI_BASE_URL": chat.url,
        "LEARNQL_AI_MODEL": ai.ai_model,
        "LEARNQL_AI_API_KEYS": "key-a",
        "LEARNQL_AI_GENERATION_BATCH_SIZE": "1",
        "LEARNQL_AI_CONCURRENCY": "1",
    }
    production.settings = production.services.settings = ai.model_copy(
        update={"redis_url": REDIS_URL, "redis_prefix": production.settings.redis_prefix}
    )
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, kinds=())
    await session.commit()
    variables = {"input": {"lessonId": encode("Lesson", course.lessons[0].id), "sourceText": lesson_text(), "count": 8}}
    await production.data(GENERATE, variables, production.token(author, now))

    await _kill_when(production, session, 1, worker_env)
    killed = await session.get(Job, 1, populate_existing=True)
    assert killed is not None
    state = (killed.status, killed.attempts, killed.provider_calls)
    await session.commit()
    await production.run_worker(**worker_env)

    job = await session.get(Job, 1, populate_existing=True)
    assert job is not None
    await session.commit()
    assert state[:2] == ("RUNNING", 1)
    assert (job.status, job.attempts, job.cache_hits) == ("SUCCEEDED", 2, state[2])
    assert await count(session, Problem) == 8
    assert chat.script.calls() <= 8 + 1  # chunks committed before the kill are not asked for again
    assert await production.result("1") == (True, "succeeded", 2)


async def test_an_evaluation_worker_killed_half_way_awards_xp_once(
    production: Production, session: AsyncSession, settings: Settings, now: datetime, chat: ChatServer
) -> None:
    chat.script.latency = 0.3
    worker_env = {
        "LEARNQL_AI_PROVIDER": "openai",
        "LEARNQL_AI_BASE_URL": chat.url,
        "LEARNQL_AI_API_KEYS": "key-a",
        "LEARNQL_AI_EVALUATION_BATCH_SIZE": "1",
        "LEARNQL_AI_CONCURRENCY": "1",
    }
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,) * 6)
    await session.commit()
    problems = fixture.problems[fixture.lessons[0].id]  # type: ignore[index]
    answers = [
        {"problemId": encode("Problem", p.id), "text": f"One query, batch number {i}."} for i, p in enumerate(problems)
    ]
    variables = {
        "input": {"lessonId": encode("Lesson", fixture.lessons[0].id), "idempotencyKey": "k", "answers": answers}
    }
    await production.data(SUBMIT, variables, production.token(learner, now))

    await _kill_when(production, session, 1, worker_env)
    await production.run_worker(**worker_env)

    submission = (await session.execute(select(Submission))).scalar_one()
    job = await session.get(Job, 1, populate_existing=True)
    await session.commit()
    assert job is not None
    assert (job.status, job.attempts) == ("SUCCEEDED", 2)
    assert (submission.status, submission.score, submission.xp_awarded) == ("GRADED", 6.0, 120)
    assert await count(session, XpEvent) == 6
    assert chat.script.calls() <= 6 + 1
