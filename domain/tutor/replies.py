"""The reply side, for the `tutor_reply` job: what to ask the provider, saving the text as it grows,
and finishing the reply once (its usage charged once, whatever the number of runs).

A reply is STREAMING until it is finished; `save` writes the text so far only while it still is, so
a job learns from its next save that the learner stopped it (CANCELLED) or deleted the thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox, policies
from domain.content import catalog
from domain.jobs.records import Usage
from domain.models import (
    Answer,
    Lesson,
    Problem,
    TutorMessage,
    TutorMessageStatus,
    TutorRole,
    TutorThread,
    User,
)
from domain.realtime import events
from domain.settings import Settings
from domain.tutor import prompt
from domain.tutor.prompt import Turn, TutorRequest

ANSWERS_SHOWN = 5  # the learner's latest answers to the problem in the prompt
MAX_ERROR = 500
STREAMING = TutorMessageStatus.STREAMING.value


@dataclass(frozen=True)
class Prepared:
    thread_id: int
    message_id: int
    request: TutorRequest
    resumed: bool  # an earlier run wrote part of this reply already (its worker died)


async def prepare(session: AsyncSession, message_id: int, settings: Settings) -> Prepared | None:
    """What to ask for this reply; None when it is finished or gone (nothing to do). Four statements:
    the learner waits for the first words while this runs."""
    where = (
        select(TutorMessage, TutorThread, User, Problem, Lesson)
        .join(TutorThread, col(TutorThread.id) == col(TutorMessage.thread_id))
        .join(User, col(User.id) == col(TutorThread.user_id))
        .join(Problem, col(Problem.id) == col(TutorThread.problem_id))
        .join(Lesson, col(Lesson.id) == col(Problem.lesson_id))
        .where(col(TutorMessage.id) == message_id)
        .execution_options(populate_existing=True)
    )
    found = (await session.execute(where)).one_or_none()
    if found is None:
        return None
    reply, thread, owner, problem, lesson = found
    if reply.status != STREAMING or reply.role != TutorRole.TUTOR.value:
        return None
    options = (await catalog.options_by_problem(session, [thread.problem_id])).get(thread.problem_id, [])
    answered_query = (
        select(Answer)
        .where(col(Answer.user_id) == owner.id, col(Answer.problem_id) == problem.id)
        .order_by(col(Answer.id).desc())
        .limit(ANSWERS_SHOWN)
    )
    answers = list(reversed((await session.execute(answered_query)).scalars().all()))
    # The key only once the owner has answered (staff always): policies.can_see_answer_key.
    reveal = policies.can_see_answer_key(owner, answered=bool(answers))
    grounding = prompt.ground(
        problem, options, lesson, answers, reveal=reveal, lesson_chars=settings.tutor_lesson_chars
    )
    earlier = await session.execute(
        select(col(TutorMessage.role), col(TutorMessage.text))
        .where(col(TutorMessage.thread_id) == thread.id, col(TutorMessage.id) < message_id)
        .order_by(col(TutorMessage.id))
    )
    turns = [Turn(TutorRole(role), text) for role, text in earlier if text]
    kept, dropped = prompt.keep_recent(turns, settings.tutor_history_turns)
    request = TutorRequest(grounding, kept, dropped, settings.tutor_max_reply_tokens)
    return Prepared(thread.id or 0, message_id, request, resumed=bool(reply.text))


async def save(session: AsyncSession, message_id: int, text: str, now: datetime) -> bool:
    """Write the text so far; False when the reply is no longer STREAMING (stopped, or deleted)."""
    changed = await session.execute(
        update(TutorMessage)
        .where(col(TutorMessage.id) == message_id, col(TutorMessage.status) == STREAMING)
        .values(text=text, updated_at=now)
    )
    return bool(changed.rowcount)  # type: ignore[attr-defined]


async def finish(
    session: AsyncSession,
    message_id: int,
    text: str,
    usage: Usage,
    settings: Settings,
    now: datetime,
    *,
    error: str | None = None,
) -> TutorMessage | None:
    """COMPLETE (or FAILED with `error`) a STREAMING reply; a CANCELLED one keeps that status and gets
    the text written up to the stop. The usage is charged once: a reply that has it keeps it."""
    query = select(TutorMessage).where(col(TutorMessage.id) == message_id).with_for_update()
    reply = (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()
    if reply is None:
        return None
    if reply.status == STREAMING:
        reply.status = TutorMessageStatus.FAILED.value if error is not None else TutorMessageStatus.COMPLETE.value
        reply.error = None if error is None else error[:MAX_ERROR]
    elif reply.status != TutorMessageStatus.CANCELLED.value:
        return reply  # finished by an earlier run
    if len(text) >= len(reply.text):
        reply.text = text
    if not (reply.prompt_tokens or reply.completion_tokens or reply.cost):
        reply.prompt_tokens, reply.completion_tokens = usage.prompt_tokens, usage.completion_tokens
        reply.cost = round(usage.cost(settings), 8)
    reply.updated_at = now
    await session.flush()
    assert reply.id is not None
    outbox.record(
        session,
        events.TutorReply(
            reply.thread_id,
            reply.id,
            reply.text,
            reply.status,
            True,
            reply.prompt_tokens,
            reply.completion_tokens,
            reply.cost,
        ),
    )
    return reply


STALLED = "The reply stopped: no sign of life from its worker; ask again."


async def fail_stalled(session: AsyncSession, settings: Settings, now: datetime, idle_before: datetime) -> int:
    """FAIL replies STREAMING without a save since `idle_before` (their request or worker was lost),
    keeping their text, so that the thread takes questions again. For the workers' sweep."""
    query = (
        select(col(TutorMessage.id))
        .where(col(TutorMessage.status) == STREAMING, col(TutorMessage.updated_at) < idle_before)
        .order_by(col(TutorMessage.id))
        .limit(1000)
    )
    stalled = [message_id for message_id in (await session.execute(query)).scalars() if message_id is not None]
    for message_id in stalled:
        row = await session.get(TutorMessage, message_id)
        if row is not None:
            await finish(session, message_id, row.text, Usage(), settings, now, error=STALLED)
    return len(stalled)
