"""Tutor threads on both databases: concurrent duplicate sends, the daily token budget, deletion,
and what the tutor cost summed per user and per course."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.errors import NotFound, RateLimited
from domain.infra.database import session_factory
from domain.models import Problem, ProblemKind, TutorMessage, TutorThread, User
from domain.settings import Settings
from domain.tutor import replies, threads
from domain.tutor.threads import AskInput
from tests.factories import make_course, make_user


async def _setup(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, Problem]:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,))
    await session.commit()
    return learner, fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]


async def _count(session: AsyncSession, model: type[TutorMessage] | type[TutorThread]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_concurrent_sends_of_one_message_store_it_once(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem = await _setup(session, settings, now)
    factory = session_factory(engine, write=True)

    async def send() -> threads.Asked:
        async with factory() as own:
            asked = await threads.ask(own, learner, AskInput("Hint?", "dup", problem_id=problem.id), settings, now)
            await own.commit()
            return asked

    outcomes = await asyncio.gather(*(send() for _ in range(4)))

    assert len({asked.message.id for asked in outcomes}) == 1
    assert len({asked.reply.id for asked in outcomes}) == 1
    assert sorted(asked.replayed for asked in outcomes) == [False, True, True, True]
    assert await _count(session, TutorMessage) == 2


async def test_a_spent_daily_token_budget_refuses_new_messages_until_a_day_has_passed(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem = await _setup(session, settings, now)
    tight = settings.model_copy(update={"tutor_tokens_per_user_per_day": 100})
    asked = await threads.ask(session, learner, AskInput("Hint?", "m1", problem_id=problem.id), tight, now)
    await replies.finish(session, asked.reply.id or 0, "A reply.", replies.Usage(80, 30, 1), tight, now)
    await session.commit()
    more = AskInput("More?", "m2", thread_id=asked.thread.id)

    with pytest.raises(RateLimited) as refused:
        await threads.ask(session, learner, more, tight, now)
    await session.rollback()
    await session.refresh(learner)
    allowed = await threads.ask(session, learner, more, tight, now + timedelta(days=1, seconds=1))

    assert refused.value.retry_after == 86400
    assert not allowed.replayed


async def test_deleting_a_thread_removes_its_messages_and_its_reply_job_finds_nothing(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problem = await _setup(session, settings, now)
    stranger = await make_user(session, settings, now)
    asked = await threads.ask(session, learner, AskInput("Hint?", "m1", problem_id=problem.id), settings, now)
    await session.commit()

    with pytest.raises(NotFound):
        await threads.remove(session, stranger, asked.thread.id or 0)
    await threads.remove(session, learner, asked.thread.id or 0)
    await session.commit()

    assert await _count(session, TutorMessage) == 0
    assert await _count(session, TutorThread) == 0
    assert await replies.prepare(session, asked.reply.id or 0, settings) is None


async def test_cost_is_summed_per_user_and_per_course(session: AsyncSession, settings: Settings, now: datetime) -> None:
    learner, problem = await _setup(session, settings, now)
    other = await make_user(session, settings, now)
    priced = settings.model_copy(
        update={"ai_price_per_1k_prompt_tokens": 1.0, "ai_price_per_1k_completion_tokens": 2.0}
    )
    for user, key in ((learner, "a"), (other, "b")):
        asked = await threads.ask(session, user, AskInput("Hint?", key, problem_id=problem.id), priced, now)
        await replies.finish(session, asked.reply.id or 0, "Reply.", replies.Usage(1000, 500, 1), priced, now)
    await session.commit()
    course_id = (await session.get(TutorThread, asked.thread.id)).course_id  # type: ignore[union-attr]

    mine = await threads.usage(session, user_id=learner.id)
    course = await threads.usage(session, course_id=course_id)
    elsewhere = await threads.usage(session, course_id=course_id + 1)

    assert mine == threads.Usage(1, 1000, 500, 2.0)
    assert course == threads.Usage(2, 2000, 1000, 4.0)
    assert elsewhere == threads.Usage(0, 0, 0, 0.0)
