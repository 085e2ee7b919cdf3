"""jobProgress and submissionGraded over a real WebSocket while a job runs: in-process on SQLite, and from
a real arq worker process over Redis pub/sub on PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import GlobalID

from bench.texts import lesson_text
from domain.infra.job_queue import InProcessJobQueue
from domain.models import ProblemKind, Role
from domain.realtime.dispatch import job_channel, submissions_channel
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server
from tests.graph.realtime.subscriptions.test_subscriptions import wait_for_subscribers
from tests.workers.conftest import run_burst_worker, worker_env

pytestmark = pytest.mark.timeout(60)

PROGRESS = """
subscription($id: ID!) {
  jobProgress(jobId: $id) { id kind status progress attempts error problems { kind status } }
}"""
GENERATE = """
mutation($input: GenerateProblemsInput!) { generateProblems(input: $input) { job { id status } errors { code } } }"""


async def run_jobs(server: Server) -> None:
    """The in-process runner (SQLite), or a real arq worker process (PostgreSQL + Redis)."""
    if isinstance(server.services.jobs, InProcessJobQueue):
        await server.services.jobs.drain()
    else:
        await run_burst_worker(worker_env(server.settings))


async def updates_until_done(socket: GraphQLSocket, operation: str) -> list[dict[str, Any]]:
    received = []
    while True:
        message = await socket.for_operation(operation, within=30)
        if message["type"] == "complete":
            return received
        received.append(message["payload"]["data"]["jobProgress"])


async def test_job_progress_streams_each_step_to_the_author_until_it_succeeds(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, kinds=())
    await session.commit()
    token = server.token(author, now)
    variables = {"input": {"lessonId": encode("Lesson", course.lessons[0].id), "sourceText": lesson_text(), "count": 4}}
    created = (await server.data(GENERATE, variables, token))["generateProblems"]["job"]

    async with GraphQLSocket.connected(server.ws_url, token) as socket:
        operation = await socket.subscribe(PROGRESS, {"id": created["id"]})
        await wait_for_subscribers(server, job_channel(int(GlobalID.from_id(created["id"]).node_id)), 1)
        await run_jobs(server)
        updates = await updates_until_done(socket, operation)

    assert created["status"] == "QUEUED"
    assert [(u["status"], u["progress"]) for u in updates] == [("RUNNING", 0.0), ("RUNNING", 0.9), ("SUCCEEDED", 1.0)]
    assert {u["kind"] for u in updates} == {"GENERATION"}
    assert updates[-1]["attempts"] == 1
    assert [p["status"] for p in updates[-1]["problems"]] == ["DRAFT"] * 4


async def test_submission_graded_fires_when_the_worker_grades_free_text(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,))
    await session.commit()
    problem = fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]
    answers = [{"problemId": encode("Problem", problem.id), "text": "One query for a batch of keys."}]
    variables = {
        "input": {"lessonId": encode("Lesson", fixture.lessons[0].id), "idempotencyKey": "k", "answers": answers}
    }
    submit = "mutation($input: SubmitAnswersInput!) { submitAnswers(input: $input) { submission { id status } } }"
    token = server.token(learner, now)

    async with GraphQLSocket.connected(server.ws_url, token) as socket:
        operation = await socket.subscribe("subscription { submissionGraded { id status score xpAwarded } }")
        await wait_for_subscribers(server, submissions_channel(learner.id), 1)  # type: ignore[arg-type]
        submitted = (await server.data(submit, variables, token))["submitAnswers"]["submission"]
        await run_jobs(server)
        graded = await socket.next(operation, within=30)

    assert submitted["status"] == "PENDING"
    assert graded == {"submissionGraded": {"id": submitted["id"], "status": "GRADED", "score": 1.0, "xpAwarded": 20}}
