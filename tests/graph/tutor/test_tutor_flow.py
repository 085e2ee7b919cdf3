"""The tutor over HTTP and real WebSockets: ask, a streamed reply, reconnecting midway, stopping it,
resending, and bad input, with the local provider (in-process on SQLite, an arq worker on Redis with
PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.relay import GlobalID

from domain.models import ProblemKind, Role
from domain.realtime.dispatch import tutor_channel
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server
from tests.graph.realtime.subscriptions.test_subscriptions import wait_for_subscribers, wait_until
from tests.graph.tutor.conftest import jobs_running

pytestmark = pytest.mark.timeout(120)

ASK = """
mutation($input: AskTutorInput!) {
  askTutor(input: $input) {
    thread { id } message { id role text status } reply { id role status } replayed errors { code field }
  }
}"""
CANCEL = """
mutation($input: TutorThreadIdInput!) {
  cancelTutorReply(input: $input) { thread { id } message { id status text } errors { code } }
}"""
REPLIES = """
subscription($threadId: ID!) { tutorReply(threadId: $threadId) { messageId delta text status done completionTokens } }
"""
MESSAGES = """
query { viewer { tutorThreads(first: 5) { edges { node { id problem { id }
  messages(first: 10) { edges { node { role text status } } } } } } } }
"""


async def _learner_and_problem(session: AsyncSession, settings: Settings, now: datetime) -> tuple[Any, str]:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE,))
    await session.commit()
    problem = fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]
    return learner, encode("Problem", problem.id)  # type: ignore[arg-type]


async def _ask(server: Server, token: str, **input: Any) -> dict[str, Any]:
    """askTutor's payload (GraphQL errors fail the test)."""
    payload: dict[str, Any] = (await server.data(ASK, {"input": input}, token))["askTutor"]
    return payload


async def _until_done(socket: GraphQLSocket, operation: str) -> list[dict[str, Any]]:
    events = []
    while True:
        event = (await socket.next(operation, within=30))["tutorReply"]
        events.append(event)
        if event["done"]:
            return events


async def _reply_row(server: Server, token: str) -> dict[str, Any]:
    threads = (await server.data(MESSAGES, token=token))["viewer"]["tutorThreads"]["edges"]
    reply: dict[str, Any] = threads[0]["node"]["messages"]["edges"][1]["node"]
    return reply


def _thread_key(thread_id: str) -> int:
    return int(GlobalID.from_id(thread_id).node_id)


async def test_a_reply_streams_over_the_websocket_from_the_question_to_its_end(
    tutor_server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem_id = await _learner_and_problem(session, settings, now)
    token = tutor_server.token(learner, now)
    asked = await _ask(tutor_server, token, problemId=problem_id, message="Give me a hint", clientMessageId="c1")
    thread_id = asked["thread"]["id"]

    async with GraphQLSocket.connected(tutor_server.ws_url, token) as socket:
        operation = await socket.subscribe(REPLIES, {"threadId": thread_id})
        await wait_for_subscribers(tutor_server, tutor_channel(_thread_key(thread_id)), 1)
        async with jobs_running(tutor_server):
            events = await _until_done(socket, operation)
    threads = (await tutor_server.data(MESSAGES, token=token))["viewer"]["tutorThreads"]["edges"]

    assert asked["errors"] == []
    assert asked["message"] == {
        "id": asked["message"]["id"],
        "role": "LEARNER",
        "text": "Give me a hint",
        "status": "COMPLETE",
    }
    assert asked["reply"]["status"] == "STREAMING"
    final = events[-1]
    assert final["status"] == "COMPLETE"
    assert final["messageId"] == asked["reply"]["id"]
    assert "".join(event["delta"] for event in events) == final["text"]
    assert final["text"].startswith('You asked: "Give me a hint".')
    assert len(events) >= 3  # streamed in parts
    assert final["completionTokens"] == len(final["text"].split(" "))
    messages = [edge["node"] for edge in threads[0]["node"]["messages"]["edges"]]
    assert [(m["role"], m["status"]) for m in messages] == [("LEARNER", "COMPLETE"), ("TUTOR", "COMPLETE")]
    assert messages[1]["text"] == final["text"]
    assert threads[0]["node"]["problem"]["id"] == problem_id


async def test_a_client_reconnecting_midway_gets_the_text_so_far_and_then_the_rest(
    tutor_server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem_id = await _learner_and_problem(session, settings, now)
    token = tutor_server.token(learner, now)
    asked = await _ask(tutor_server, token, problemId=problem_id, message="Explain it", clientMessageId="c1")
    thread_id = asked["thread"]["id"]
    channel = tutor_channel(_thread_key(thread_id))

    async with jobs_running(tutor_server):
        async with GraphQLSocket.connected(tutor_server.ws_url, token) as first_socket:
            operation = await first_socket.subscribe(REPLIES, {"threadId": thread_id})
            seen_first = [(await first_socket.next(operation, within=30))["tutorReply"]]
            while not seen_first[-1]["text"]:
                seen_first.append((await first_socket.next(operation, within=30))["tutorReply"])
        await wait_until(lambda: tutor_server.services.realtime.broker.subscriber_count(channel) == 0)
        for _ in range(500):  # the text is saved to the row by now, or soon
            if (await _reply_row(tutor_server, token))["text"]:
                break
            await asyncio.sleep(0.01)
        async with GraphQLSocket.connected(tutor_server.ws_url, token) as second_socket:
            operation = await second_socket.subscribe(REPLIES, {"threadId": thread_id})
            seen_second = await _until_done(second_socket, operation)

    final = seen_second[-1]
    assert final["status"] == "COMPLETE"
    assert seen_second[0]["status"] == "STREAMING"  # joined while the reply was being written
    assert seen_second[0]["text"]  # the text so far, at once
    assert seen_second[0]["delta"] == seen_second[0]["text"]
    assert "".join(event["delta"] for event in seen_second) == final["text"]
    assert final["text"].startswith(seen_first[-1]["text"])


async def test_stopping_a_reply_ends_it_and_keeps_what_was_written(
    tutor_server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem_id = await _learner_and_problem(session, settings, now)
    token = tutor_server.token(learner, now)
    asked = await _ask(tutor_server, token, problemId=problem_id, message="Why?", clientMessageId="c1")
    thread_id = asked["thread"]["id"]

    async with GraphQLSocket.connected(tutor_server.ws_url, token) as socket:
        operation = await socket.subscribe(REPLIES, {"threadId": thread_id})
        await wait_for_subscribers(tutor_server, tutor_channel(_thread_key(thread_id)), 1)
        async with jobs_running(tutor_server):
            event = (await socket.next(operation, within=30))["tutorReply"]
            while not event["text"]:
                event = (await socket.next(operation, within=30))["tutorReply"]
            stopped = (await tutor_server.data(CANCEL, {"input": {"threadId": thread_id}}, token))["cancelTutorReply"]
            rest = await _until_done(socket, operation)
        again = (await tutor_server.data(CANCEL, {"input": {"threadId": thread_id}}, token))["cancelTutorReply"]
    threads = (await tutor_server.data(MESSAGES, token=token))["viewer"]["tutorThreads"]["edges"]
    reply = threads[0]["node"]["messages"]["edges"][1]["node"]

    assert stopped["errors"] == []
    assert stopped["message"]["status"] == "CANCELLED"
    assert rest[-1]["status"] == "CANCELLED"
    assert again == {"thread": {"id": thread_id}, "message": None, "errors": []}
    assert reply["status"] == "CANCELLED"
    assert reply["text"]
    assert "Hint:" not in reply["text"]  # generation stopped before the end of the reply


async def test_a_resent_message_is_stored_once_and_answered_once(
    tutor_server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem_id = await _learner_and_problem(session, settings, now)
    token = tutor_server.token(learner, now)

    first = await _ask(tutor_server, token, problemId=problem_id, message="Hint?", clientMessageId="same")
    again = await _ask(tutor_server, token, problemId=problem_id, message="Hint?", clientMessageId="same")
    other = await _ask(tutor_server, token, problemId=problem_id, message="Other", clientMessageId="same")
    async with jobs_running(tutor_server):
        pass
    threads = (await tutor_server.data(MESSAGES, token=token))["viewer"]["tutorThreads"]["edges"]

    assert again["replayed"] is True
    assert (again["message"]["id"], again["reply"]["id"], again["thread"]) == (
        first["message"]["id"],
        first["reply"]["id"],
        first["thread"],
    )
    assert other["errors"] == [{"code": "IDEMPOTENCY_KEY_REUSED", "field": ["clientMessageId"]}]
    assert len(threads) == 1
    assert len(threads[0]["node"]["messages"]["edges"]) == 2


async def test_bad_questions_are_refused_each_with_its_reason(
    tutor_server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem_id = await _learner_and_problem(session, settings, now)
    stranger = await make_user(session, settings, now)
    draft = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE,), published=False)
    await session.commit()
    draft_problem = encode("Problem", draft.problems[draft.lessons[0].id][0].id)  # type: ignore[index,arg-type]
    token, stranger_token = tutor_server.token(learner, now), tutor_server.token(stranger, now)
    thread = (await _ask(tutor_server, token, problemId=problem_id, message="Hi", clientMessageId="c1"))["thread"]

    empty = await _ask(tutor_server, token, problemId=problem_id, message="  ", clientMessageId="c2")
    long = (
        await tutor_server.http.post(
            "/graphql",
            json={
                "query": ASK,
                "variables": {"input": {"problemId": problem_id, "message": "x" * 2001, "clientMessageId": "c3"}},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    ).json()
    hidden = await _ask(tutor_server, token, problemId=draft_problem, message="Hi", clientMessageId="c4")
    busy = await _ask(tutor_server, token, threadId=thread["id"], message="More", clientMessageId="c5")
    foreign = await _ask(tutor_server, stranger_token, threadId=thread["id"], message="Hi", clientMessageId="c6")

    assert empty["errors"] == [{"code": "REQUIRED", "field": ["message"]}]
    # refused before execution, like every text over its declared maximum (graph/input_limits.py)
    assert [error["extensions"] for error in long["errors"]] == [{"code": "TOO_LONG", "field": ["input", "message"]}]
    assert long["data"] is None
    assert hidden["errors"] == [{"code": "NOT_FOUND", "field": ["problemId"]}]
    assert busy["errors"] == [{"code": "CONFLICT", "field": ["threadId"]}]  # the first reply is still STREAMING
    assert foreign["errors"] == [{"code": "NOT_FOUND", "field": ["threadId"]}]
    async with GraphQLSocket.connected(tutor_server.ws_url, stranger_token) as socket:
        operation = await socket.subscribe(REPLIES, {"threadId": thread["id"]})
        refused = await socket.for_operation(operation)
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_staff_read_what_the_tutor_cost_in_their_course_and_learners_their_own(
    tutor_server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, owner=instructor, kinds=(ProblemKind.SINGLE_CHOICE,))
    await session.commit()
    problem_id = encode("Problem", fixture.problems[fixture.lessons[0].id][0].id)  # type: ignore[index,arg-type]
    token = tutor_server.token(learner, now)
    await _ask(tutor_server, token, problemId=problem_id, message="Hint?", clientMessageId="c1")
    async with jobs_running(tutor_server):
        pass
    query = "query($c: ID) { tutorUsage(courseId: $c) { messages promptTokens completionTokens totalTokens cost } }"
    course_id = encode("Course", fixture.course.id)  # type: ignore[arg-type]

    staff = (await tutor_server.data(query, {"c": course_id}, tutor_server.token(instructor, now)))["tutorUsage"]
    own = (await tutor_server.data(query, {}, token))["tutorUsage"]
    refused = await tutor_server.http.post(
        "/graphql", json={"query": query, "variables": {"c": course_id}}, headers={"Authorization": f"Bearer {token}"}
    )

    assert staff == own
    assert staff["messages"] == 1
    assert staff["completionTokens"] > 0
    assert staff["totalTokens"] == staff["promptTokens"] + staff["completionTokens"]
    assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
