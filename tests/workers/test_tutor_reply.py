"""The tutor_reply job: streams a reply with the local provider and with a scripted OpenAI-compatible
server, coalesces its deltas, stops when cancelled, keeps partial text on failure, charges once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.infra.job_queue import Enqueue
from domain.models import Answer, Problem, ProblemKind, Submission, TutorMessage, User
from domain.realtime.dispatch import tutor_channel
from domain.settings import Settings
from domain.tutor import replies, threads
from domain.tutor.threads import AskInput
from tests.effects import committed
from tests.factories import make_course, make_user
from tests.workers.conftest import ChatServer, openai_settings
from workers.ai.local import LocalProvider
from workers.ai.openai import OpenAIProvider
from workers.jobs import jobs_sweep
from workers.runtime import Runtime
from workers.tutor import UNAVAILABLE, tutor_reply


async def _learner_and_problem(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, Problem]:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE,))
    await session.commit()
    return learner, fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]


async def _ask(
    session: AsyncSession, settings: Settings, now: datetime, user: User, problem: Problem, key: str, text: str = "Why?"
) -> threads.Asked:
    asked = await threads.ask(session, user, AskInput(text, key, problem_id=problem.id), settings, now)
    await session.commit()
    return asked


async def _answer(session: AsyncSession, user: User, problem: Problem, option_id: int, now: datetime) -> None:
    submission = Submission(
        user_id=user.id,  # type: ignore[arg-type]
        problem_id=problem.id,
        idempotency_key="answer",
        request_hash="h",
        score=0.0,
        max_score=1.0,
        created_at=now,
    )
    session.add(submission)
    await session.flush()
    answer = Answer(
        submission_id=submission.id,  # type: ignore[arg-type]
        user_id=user.id,  # type: ignore[arg-type]
        problem_id=problem.id,  # type: ignore[arg-type]
        option_ids=[option_id],
        correct=False,
        score=0.0,
    )
    session.add(answer)
    await session.commit()


async def _row(session: AsyncSession, message_id: int) -> TutorMessage:
    """The message as it is now, read in a transaction of its own (SQLite's write lock is released)."""
    row = await session.get(TutorMessage, message_id, populate_existing=True)
    assert row is not None
    session.expunge(row)
    await session.commit()
    return row


async def test_a_reply_is_written_by_the_local_provider_and_a_second_run_does_nothing(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime]
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    asked = await _ask(session, settings, now, learner, problem, "m1", "Give me a hint")
    runtime = make_runtime(settings)

    first = await tutor_reply({"runtime": runtime}, asked.reply.id)
    second = await tutor_reply({"runtime": runtime}, asked.reply.id)
    reply = await _row(session, asked.reply.id or 0)

    assert (first, second) == ("succeeded", "nothing to do")
    assert reply.status == "COMPLETE"
    assert reply.text.startswith('You asked: "Give me a hint". The problem asks: SINGLE_CHOICE question')
    assert "hint rather than the answer" in reply.text
    assert reply.completion_tokens == len(reply.text.split(" "))
    assert reply.prompt_tokens > 0


async def test_a_resend_with_the_same_client_message_id_returns_the_same_messages_and_queues_nothing(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    first = await _ask(session, settings, now, learner, problem, "same")
    queued_first = committed(session, Enqueue)
    again = await _ask(session, settings, now, learner, problem, "same")
    queued_again = committed(session, Enqueue)

    assert again.replayed
    assert not first.replayed
    assert (again.message.id, again.reply.id, again.thread.id) == (first.message.id, first.reply.id, first.thread.id)
    assert [(q.function, q.job_id, q.key) for q in queued_first] == [
        ("tutor_reply", first.reply.id, f"learnql:tutor-reply:{first.reply.id}")
    ]
    assert queued_again == []


async def test_deltas_are_coalesced_and_the_final_event_holds_the_whole_text(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime]
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    asked = await _ask(session, settings, now, learner, problem, "m1")
    tuned = settings.model_copy(update={"tutor_publish_interval_ms": 100})
    runtime = make_runtime(tuned, LocalProvider(stream_delay=0.005))
    received: list[dict[str, Any]] = []

    async with runtime.backends.realtime.broker.subscribe(
        tutor_channel(asked.thread.id or 0), maxsize=1000
    ) as messages:

        async def collect() -> None:
            async for message in messages:
                assert isinstance(message, dict)
                received.append(message)
                if message["done"]:
                    return

        collecting = asyncio.create_task(collect())
        await tutor_reply({"runtime": runtime}, asked.reply.id)
        await asyncio.wait_for(collecting, 5)
    reply = await _row(session, asked.reply.id or 0)
    words = len(reply.text.split(" "))

    assert received[-1]["done"] is True
    assert received[-1]["text"] == reply.text
    assert received[-1]["status"] == "COMPLETE"
    assert 2 <= len(received) < words / 2  # a few events, not one per word
    texts = [item["text"] for item in received]
    assert all(later.startswith(earlier) for earlier, later in zip(texts, texts[1:], strict=False))


async def test_a_cancelled_reply_stops_and_keeps_what_was_written(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime]
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    asked = await _ask(session, settings, now, learner, problem, "m1")
    tuned = settings.model_copy(update={"tutor_publish_interval_ms": 20, "tutor_save_interval_ms": 20})
    runtime = make_runtime(tuned, LocalProvider(stream_delay=0.04))
    running = asyncio.create_task(tutor_reply({"runtime": runtime}, asked.reply.id))
    for _ in range(200):
        await asyncio.sleep(0.02)
        if (await _row(session, asked.reply.id or 0)).text:
            break
    stopped = await threads.cancel(session, learner, asked.thread.id or 0, now)
    await session.commit()
    outcome = await asyncio.wait_for(running, 10)
    reply = await _row(session, asked.reply.id or 0)

    assert stopped is not None
    assert outcome == "cancelled"
    assert reply.status == "CANCELLED"
    assert reply.text
    assert "Hint:" not in reply.text  # the end of the reply was never written
    assert await threads.cancel(session, learner, asked.thread.id or 0, now) is None


async def test_the_answer_key_reaches_the_provider_only_after_the_learner_answered(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime], chat: ChatServer
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    configured = openai_settings(settings, chat)
    runtime = make_runtime(configured, OpenAIProvider(configured))
    before = await _ask(session, settings, now, learner, problem, "m1", "What is the answer?")
    await tutor_reply({"runtime": runtime}, before.reply.id)
    prompt_before = chat.script.requests[-1]["messages"][0]["content"]
    await _answer(session, learner, problem, await _wrong_option(session, problem), now)
    after = await threads.ask(
        session, learner, AskInput("Why was I wrong?", "m2", thread_id=before.thread.id), settings, now
    )
    await session.commit()
    await tutor_reply({"runtime": runtime}, after.reply.id)
    last = chat.script.requests[-1]["messages"]
    reply = await _row(session, after.reply.id or 0)

    assert "why SINGLE_CHOICE" not in prompt_before
    assert "Correct answer" not in prompt_before
    assert "option 0" in prompt_before  # the options themselves are shown
    assert "Correct answer: option 0" in last[0]["content"]
    assert "Explanation: why SINGLE_CHOICE" in last[0]["content"]
    assert [m["role"] for m in last] == ["system", "user", "assistant", "user"]
    assert (
        reply.text
        == "Let us look at your question: Why was I wrong? Think about what the lesson says, one step at a time."
    )
    assert reply.status == "COMPLETE"
    assert reply.cost > 0


async def _wrong_option(session: AsyncSession, problem: Problem) -> int:
    from domain.content import catalog

    options = (await catalog.options_by_problem(session, [problem.id or 0]))[problem.id or 0]
    return next(o.id for o in options if not o.correct and o.id is not None)


async def test_a_stream_that_breaks_off_fails_keeps_its_text_and_is_charged_once(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime], chat: ChatServer
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    configured = openai_settings(settings, chat)
    runtime = make_runtime(configured, OpenAIProvider(configured))
    chat.script.plan("key-a", "break")
    asked = await _ask(session, settings, now, learner, problem, "m1")

    outcome = await tutor_reply({"runtime": runtime}, asked.reply.id)
    failed = await _row(session, asked.reply.id or 0)
    cost = failed.cost
    again = await tutor_reply({"runtime": runtime}, asked.reply.id)
    after = await _row(session, asked.reply.id or 0)

    assert outcome == "failed"
    assert failed.status == "FAILED"
    assert failed.text == "Let us look"
    assert failed.error is not None
    assert "broke off" in failed.error
    assert cost > 0
    assert again == "nothing to do"
    assert (after.cost, after.text, chat.script.calls(task="chat")) == (cost, "Let us look", 1)


async def test_failures_before_the_first_token_are_retried_then_fail_clearly(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime], chat: ChatServer
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    configured = openai_settings(settings, chat, ai_max_retries=1)
    runtime = make_runtime(configured, OpenAIProvider(configured))
    chat.script.plan("key-a", "500", "ok", "500", "500")
    recovered = await _ask(session, settings, now, learner, problem, "m1")
    await tutor_reply({"runtime": runtime}, recovered.reply.id)
    down = await threads.ask(session, learner, AskInput("Again?", "m2", thread_id=recovered.thread.id), settings, now)
    await session.commit()
    await tutor_reply({"runtime": runtime}, down.reply.id)

    first, second = await _row(session, recovered.reply.id or 0), await _row(session, down.reply.id or 0)

    assert first.status == "COMPLETE"
    assert (second.status, second.text, second.error) == ("FAILED", "", UNAVAILABLE)
    assert chat.script.calls(task="chat") == 4


async def test_a_reply_stopped_by_a_dead_worker_is_failed_not_written_twice(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime]
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    asked = await _ask(session, settings, now, learner, problem, "m1")
    row = await session.get(TutorMessage, asked.reply.id)
    assert row is not None
    row.text = "Half a repl"  # what an earlier run saved before its worker died
    await session.commit()

    outcome = await tutor_reply({"runtime": make_runtime(settings)}, asked.reply.id)
    reply = await _row(session, asked.reply.id or 0)

    assert outcome == "failed"
    assert (reply.status, reply.text) == ("FAILED", "Half a repl")


async def test_the_sweep_fails_a_reply_left_streaming_and_the_thread_takes_questions_again(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime]
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    stale = now - timedelta(seconds=settings.job_timeout_seconds + 120)
    asked = await _ask(session, settings, stale, learner, problem, "m1")  # its request was lost
    fresh = await _ask(session, settings, now, learner, await _other_problem(session, now), "m2")

    swept = await jobs_sweep({"runtime": make_runtime(settings)})
    stalled, running = await _row(session, asked.reply.id or 0), await _row(session, fresh.reply.id or 0)
    follow_up = await threads.ask(session, learner, AskInput("Again", "m3", thread_id=asked.thread.id), settings, now)

    assert swept == 0  # no job rows
    assert (stalled.status, stalled.error) == ("FAILED", replies.STALLED)
    assert running.status == "STREAMING"
    assert follow_up.reply.status == "STREAMING"


async def _other_problem(session: AsyncSession, now: datetime) -> Problem:
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await session.commit()
    return fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]


async def test_a_stop_announced_on_commit_ends_the_reply_without_waiting_for_a_save(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime]
) -> None:
    learner, problem = await _learner_and_problem(session, settings, now)
    asked = await _ask(session, settings, now, learner, problem, "m1")
    # one save (the first text) and then none for a minute: only the stop channel can tell the job
    tuned = settings.model_copy(update={"tutor_publish_interval_ms": 20, "tutor_save_interval_ms": 60_000})
    runtime = make_runtime(tuned, LocalProvider(stream_delay=0.04))
    running = asyncio.create_task(tutor_reply({"runtime": runtime}, asked.reply.id))
    for _ in range(200):
        await asyncio.sleep(0.02)
        if (await _row(session, asked.reply.id or 0)).text:
            break
    async with runtime.unit_of_work() as own:  # commits, then publishes the stop (domain/outbox.py)
        stopped = await threads.cancel(own, learner, asked.thread.id or 0, now)
    outcome = await asyncio.wait_for(running, 10)
    reply = await _row(session, asked.reply.id or 0)

    assert stopped is not None
    assert outcome == "cancelled"
    assert reply.status == "CANCELLED"
    assert reply.text
    assert "Hint:" not in reply.text  # the end of the reply was never written
