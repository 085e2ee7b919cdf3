"""The tutor on an OpenAI-compatible streaming endpoint (the scripted chat server) over real WebSockets:
a reply streamed in full, one that breaks off midway, and the per-hour message limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.realtime.dispatch import tutor_channel
from domain.settings import Settings
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server, app_for, serve
from tests.graph.realtime.subscriptions.test_subscriptions import wait_for_subscribers
from tests.graph.tutor.conftest import jobs_running
from tests.graph.tutor.test_tutor_flow import MESSAGES, REPLIES, _ask, _learner_and_problem, _thread_key, _until_done
from tests.workers.conftest import ChatServer

pytestmark = pytest.mark.timeout(120)


async def _stream(server: Server, token: str, problem_id: str, key: str) -> list[dict[str, object]]:
    asked = await _ask(server, token, problemId=problem_id, message="Why is it wrong?", clientMessageId=key)
    thread_id = asked["thread"]["id"]
    async with GraphQLSocket.connected(server.ws_url, token) as socket:
        operation = await socket.subscribe(REPLIES, {"threadId": thread_id})
        await wait_for_subscribers(server, tutor_channel(_thread_key(thread_id)), 1)
        async with jobs_running(server):
            return await _until_done(socket, operation)


async def test_a_streamed_chat_completion_reaches_the_subscriber_in_parts(
    openai_server: Server, chat: ChatServer, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem_id = await _learner_and_problem(session, settings, now)

    events = await _stream(openai_server, openai_server.token(learner, now), problem_id, "c1")

    final = events[-1]
    assert final["status"] == "COMPLETE"
    assert final["text"] == (
        "Let us look at your question: Why is it wrong? Think about what the lesson says, one step at a time."
    )
    assert len(events) >= 3
    assert "".join(str(event["delta"]) for event in events) == final["text"]
    assert chat.script.requests[-1]["stream"] is True


async def test_a_provider_breaking_off_midway_ends_the_reply_failed_with_its_partial_text(
    openai_server: Server, chat: ChatServer, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem_id = await _learner_and_problem(session, settings, now)
    chat.script.plan("key-a", "break")
    token = openai_server.token(learner, now)

    events = await _stream(openai_server, token, problem_id, "c1")
    threads = (await openai_server.data(MESSAGES, token=token))["viewer"]["tutorThreads"]["edges"]

    assert (events[-1]["status"], events[-1]["text"], events[-1]["done"]) == ("FAILED", "Let us look", True)
    reply = threads[0]["node"]["messages"]["edges"][1]["node"]
    assert (reply["status"], reply["text"]) == ("FAILED", "Let us look")
    assert chat.script.calls(task="chat") == 1  # not retried after the first token


@asynccontextmanager
async def _limited(settings: Settings, engine: AsyncEngine, now: datetime) -> AsyncIterator[Server]:
    limited = settings.model_copy(update={"limit_tutor_messages_per_user": "1 per hour"})
    async with serve(app_for(limited, engine, now), limited) as running:
        yield running


async def test_messages_past_the_hourly_limit_are_refused_and_a_resend_is_free(
    realtime_settings: Settings, engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem_id = await _learner_and_problem(session, settings, now)
    async with _limited(realtime_settings, engine, now) as server:
        token = server.token(learner, now)
        first = await _ask(server, token, problemId=problem_id, message="Hint?", clientMessageId="c1")
        resent = await _ask(server, token, problemId=problem_id, message="Hint?", clientMessageId="c1")
        refused = await server.http.post(
            "/graphql",
            json={
                "query": "mutation($i: AskTutorInput!) { askTutor(input: $i) { errors { code } } }",
                "variables": {"i": {"problemId": problem_id, "message": "More?", "clientMessageId": "c2"}},
            },
            headers={"Authorization": f"Bearer {token}"},
        )

    assert first["errors"] == []
    assert resent["replayed"] is True
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
