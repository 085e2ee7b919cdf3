"""instructorAlerts over a real WebSocket: alerts raised by the evaluation job reach the class's
instructor, in-process on SQLite, and from a real arq worker process over Redis pub/sub on PostgreSQL;
nobody else hears of them."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import ProblemKind, Role
from domain.realtime.dispatch import alerts_channel
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_class, make_course, make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server
from tests.graph.realtime.subscriptions.test_jobs_progress import run_jobs
from tests.graph.realtime.subscriptions.test_subscriptions import wait_for_subscribers

pytestmark = pytest.mark.timeout(120)

SUBSCRIBE = "subscription { instructorAlerts { kind open student { id } class { id } } }"
SUBMIT = "mutation($input: SubmitAnswersInput!) { submitAnswers(input: $input) { errors { code } } }"


async def before_pong(socket: GraphQLSocket, operation: str) -> list[dict[str, Any]]:
    """The operation's messages that arrive before the answer to a ping sent now (the alerts were
    published before the instructor received them, so one sent to this socket would come first)."""
    await socket.send({"type": "ping"})
    found = [message for message in socket._held if message.get("id") == operation]
    while True:
        message = json.loads(await asyncio.wait_for(socket.ws.recv(), 10))
        if message.get("type") == "pong":
            return found
        if message.get("id") == operation:
            found.append(message)


async def test_an_alert_raised_by_the_evaluation_job_reaches_the_classs_instructor_only(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE,))
    class_ = await make_class(session, instructor, now, courses=(fixture.course,), students=(learner,))
    await session.commit()
    lesson = fixture.lessons[0]
    [problem] = fixture.problems[lesson.id]  # type: ignore[index]
    wrong = next(option for option in fixture.options[problem.id] if not option.correct)  # type: ignore[index]
    answers = [{"problemId": encode("Problem", problem.id), "optionIds": [encode("Option", wrong.id)]}]

    async with (
        GraphQLSocket.connected(server.ws_url, server.token(instructor, now)) as socket,
        GraphQLSocket.connected(server.ws_url, server.token(other, now)) as outsider,
        GraphQLSocket.connected(server.ws_url, server.token(learner, now)) as student,
    ):
        operation = await socket.subscribe(SUBSCRIBE)
        foreign = await outsider.subscribe(SUBSCRIBE)
        own = await student.subscribe(SUBSCRIBE)
        for user in (instructor, other, learner):
            await wait_for_subscribers(server, alerts_channel(user.id), 1)  # type: ignore[arg-type]
        for attempt in range(3):
            variables = {
                "input": {"lessonId": encode("Lesson", lesson.id), "idempotencyKey": f"k{attempt}", "answers": answers}
            }
            assert (await server.data(SUBMIT, variables, server.token(learner, now)))["submitAnswers"]["errors"] == []
        await run_jobs(server)
        received = [(await socket.next(operation, within=30))["instructorAlerts"] for _ in range(2)]
        nothing = [await before_pong(outsider, foreign), await before_pong(student, own)]

    assert sorted(alert["kind"] for alert in received) == ["FAILING_STREAK", "LOW_MEAN"]
    assert {(alert["student"]["id"], alert["class"]["id"], alert["open"]) for alert in received} == {
        (encode("User", learner.id), encode("Class", class_.id), True)
    }
    assert nothing == [[], []]
