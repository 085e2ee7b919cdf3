"""Asking the tutor, stopping a reply, deleting a thread, and reading threads and messages.

`ask` stores the learner's message at once, with its TUTOR reply as an empty STREAMING message, and
asks for the `tutor_reply` job through the outbox (domain/outbox.py), sent once the transaction
commits. The send is idempotent by the client's
message id, enforced by the (user, client_message_id) unique constraint: a retry (or a concurrent
duplicate) gets the message stored first and its reply, and nothing new is queued or counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import keyset, outbox, policies
from domain.errors import Conflict, IdempotencyKeyReused, Invalid, NotFound, RateLimited
from domain.infra.database import dialect_insert
from domain.infra.job_queue import Enqueue
from domain.keyset import Window
from domain.models import (
    Course,
    Lesson,
    Problem,
    Submission,
    TutorMessage,
    TutorMessageStatus,
    TutorRole,
    TutorThread,
    User,
)
from domain.realtime import events
from domain.settings import Settings

REPLY_FUNCTION = "tutor_reply"
MAX_CLIENT_MESSAGE_ID = 100
FINISHED = (TutorMessageStatus.COMPLETE.value, TutorMessageStatus.FAILED.value, TutorMessageStatus.CANCELLED.value)


@dataclass(frozen=True)
class AskInput:
    message: str
    client_message_id: str
    problem_id: int | None = None
    thread_id: int | None = None
    submission_id: int | None = None


@dataclass(frozen=True)
class Asked:
    thread: TutorThread
    message: TutorMessage  # the learner's
    reply: TutorMessage  # the tutor's, STREAMING until the job is done
    replayed: bool  # an earlier send with this client message id


def check_message(text: str, settings: Settings) -> str:
    """The message without surrounding blanks: not empty, at most `tutor_max_message_chars`."""
    cleaned = text.strip()
    if not cleaned:
        raise Invalid("Write a message.", field=["message"], code="REQUIRED")
    if len(cleaned) > settings.tutor_max_message_chars:
        limit = settings.tutor_max_message_chars
        raise Invalid(f"The message is longer than {limit} characters.", field=["message"], code="TOO_LONG")
    return cleaned


def check_client_message_id(value: str) -> str:
    if not value.strip() or len(value) > MAX_CLIENT_MESSAGE_ID:
        message = f"Send a clientMessageId of 1 to {MAX_CLIENT_MESSAGE_ID} characters, new for every message."
        raise Invalid(message, field=["clientMessageId"], code="REQUIRED")
    return value


# -- reading -------------------------------------------------------------------------------------


async def thread_of(session: AsyncSession, viewer: User | None, thread_id: int) -> TutorThread:
    """The viewer's thread; someone else's looks like a missing one."""
    thread = await session.get(TutorThread, thread_id)
    if thread is None or not policies.can_view_tutor_thread(viewer, thread):
        raise NotFound("No such tutor thread.", field=["threadId"])
    return thread


async def threads_page(session: AsyncSession, user_id: int, window: Window) -> list[TutorThread]:
    """The user's threads, most recently active first (domain/keyset.py: `size + 1` rows)."""
    query = select(TutorThread).where(col(TutorThread.user_id) == user_id)
    return list(
        (await session.execute(keyset.page(query, col(TutorThread.updated_at), col(TutorThread.id), window))).scalars()
    )


async def count_threads(session: AsyncSession, user_id: int) -> int:
    query = select(func.count()).select_from(TutorThread).where(col(TutorThread.user_id) == user_id)
    return int(await session.scalar(query) or 0)


@dataclass(frozen=True)
class MessagePageKey:
    """One thread's page: `first + 1` messages after message id `after`, in the order written."""

    thread_id: int
    first: int
    after: int | None


async def message_pages(
    session: AsyncSession, keys: Sequence[MessagePageKey]
) -> dict[MessagePageKey, list[TutorMessage]]:
    """Pages of many threads (a list of threads asking for their messages): one statement per
    distinct `after` in the batch, which is one for a plain nested query."""
    groups: dict[int | None, list[MessagePageKey]] = defaultdict(list)
    for key in keys:
        groups[key.after].append(key)
    pages: dict[MessagePageKey, list[TutorMessage]] = {}
    for after, group in groups.items():
        id_ = col(TutorMessage.id)
        ranked = select(
            id_.label("message_id"),
            func.row_number().over(partition_by=col(TutorMessage.thread_id), order_by=id_).label("rank"),
        ).where(col(TutorMessage.thread_id).in_({key.thread_id for key in group}))
        if after is not None:
            ranked = ranked.where(id_ > after)
        numbered = ranked.subquery()
        query = (
            select(TutorMessage)
            .join(numbered, numbered.c.message_id == id_)
            .where(numbered.c.rank <= max(key.first for key in group) + 1)
            .order_by(col(TutorMessage.thread_id), id_)
            .execution_options(populate_existing=True)  # a reply streams into rows this session may hold
        )
        by_thread: dict[int, list[TutorMessage]] = defaultdict(list)
        for message in (await session.execute(query)).scalars():
            by_thread[message.thread_id].append(message)
        for key in group:
            pages[key] = by_thread[key.thread_id][: key.first + 1]
    return pages


async def message_counts(session: AsyncSession, thread_ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(col(TutorMessage.thread_id), func.count())
        .where(col(TutorMessage.thread_id).in_(set(thread_ids)))
        .group_by(col(TutorMessage.thread_id))
    )
    return {thread_id: int(count) for thread_id, count in await session.execute(query)}


async def latest_reply(session: AsyncSession, thread_id: int) -> TutorMessage | None:
    query = (
        select(TutorMessage)
        .where(col(TutorMessage.thread_id) == thread_id, col(TutorMessage.role) == TutorRole.TUTOR.value)
        .order_by(col(TutorMessage.id).desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def tokens_spent(session: AsyncSession, user_id: int, since: datetime) -> tuple[int, datetime | None]:
    """Tokens of the user's tutor replies since `since`, and when the oldest of them was written."""
    query = select(
        func.coalesce(func.sum(col(TutorMessage.prompt_tokens) + col(TutorMessage.completion_tokens)), 0),
        func.min(col(TutorMessage.created_at)),
    ).where(
        col(TutorMessage.user_id) == user_id,
        col(TutorMessage.role) == TutorRole.TUTOR.value,
        col(TutorMessage.created_at) >= since,
    )
    spent, oldest = (await session.execute(query)).one()
    return int(spent), oldest


# -- asking --------------------------------------------------------------------------------------


async def _replayed(session: AsyncSession, viewer: User, request: AskInput, text: str) -> Asked | None:
    """The earlier send with this client message id, when there was one; a different message under the
    same id is refused (IDEMPOTENCY_KEY_REUSED)."""
    query = select(TutorMessage).where(
        col(TutorMessage.user_id) == viewer.id, col(TutorMessage.client_message_id) == request.client_message_id
    )
    message = (await session.execute(query)).scalar_one_or_none()
    if message is None:
        return None
    assert message.id is not None
    thread = await session.get(TutorThread, message.thread_id)
    assert thread is not None
    same_place = (request.thread_id in (None, thread.id)) and (request.problem_id in (None, thread.problem_id))
    if message.text != text or not same_place:
        raise IdempotencyKeyReused(
            "This clientMessageId was used for another message; use a new one for every message.",
            field=["clientMessageId"],
        )
    reply = (
        await session.execute(select(TutorMessage).where(col(TutorMessage.reply_to_id) == message.id))
    ).scalar_one()
    return Asked(thread, message, reply, replayed=True)


async def _new_thread(session: AsyncSession, viewer: User, request: AskInput, now: datetime) -> TutorThread:
    if request.problem_id is None:
        raise Invalid("Send the problemId to start a thread, or the threadId to continue one.", field=["problemId"])
    problem = await session.get(Problem, request.problem_id)
    lesson = await session.get(Lesson, problem.lesson_id) if problem is not None else None
    if problem is None or lesson is None or not policies.can_ask_tutor(viewer, problem, lesson):
        raise NotFound("No such problem.", field=["problemId"])
    if request.submission_id is not None:
        submission = await session.get(Submission, request.submission_id)
        if (
            submission is None
            or not policies.can_view_submission(viewer.id, submission)
            or submission.problem_id not in (None, problem.id)
            or submission.lesson_id not in (None, problem.lesson_id)
        ):
            raise NotFound("No such submission of yours about this problem.", field=["submissionId"])
    thread = TutorThread(
        user_id=viewer.id,  # type: ignore[arg-type]
        problem_id=problem.id,  # type: ignore[arg-type]
        submission_id=request.submission_id,
        course_id=lesson.course_id,
        created_at=now,
        updated_at=now,
    )
    session.add(thread)
    await session.flush()
    return thread


async def _check_budget(session: AsyncSession, viewer: User, settings: Settings, now: datetime) -> None:
    assert viewer.id is not None
    day = timedelta(days=1)
    spent, oldest = await tokens_spent(session, viewer.id, now - day)
    if spent >= settings.tutor_tokens_per_user_per_day:
        wait = max(1, int(((oldest or now) + day - now).total_seconds()))
        limit = settings.tutor_tokens_per_user_per_day
        raise RateLimited(f"The tutor's daily budget of {limit} tokens is spent; try again in {wait} seconds.", wait)


async def ask(
    session: AsyncSession,
    viewer: User,
    request: AskInput,
    settings: Settings,
    now: datetime,
    spend: Callable[[], Awaitable[None]] | None = None,
) -> Asked:
    """Store the learner's message and an empty STREAMING reply, and queue the reply job after commit.

    `spend` (the per-hour message limit) is called only for a message that is new."""
    assert viewer.id is not None
    text = check_message(request.message, settings)
    check_client_message_id(request.client_message_id)
    replay = await _replayed(session, viewer, request, text)
    if replay is not None:
        return replay
    if request.thread_id is not None:
        thread = await thread_of(session, viewer, request.thread_id)
        if request.problem_id not in (None, thread.problem_id):
            raise Invalid("This thread is about another problem.", field=["problemId"])
        current = await latest_reply(session, thread.id or 0)
        if current is not None and current.status == TutorMessageStatus.STREAMING.value:
            raise Conflict("The tutor is still answering; wait for it or stop it first.", field=["threadId"])
    else:
        thread = None
    await _check_budget(session, viewer, settings, now)
    if spend is not None:
        await spend()
    if thread is None:
        thread = await _new_thread(session, viewer, request, now)
    assert thread.id is not None
    inserted = (
        await session.execute(
            dialect_insert(session)(TutorMessage)
            .values(
                thread_id=thread.id,
                user_id=viewer.id,
                role=TutorRole.LEARNER.value,
                text=text,
                status=TutorMessageStatus.COMPLETE.value,
                client_message_id=request.client_message_id,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "client_message_id"])
            .returning(col(TutorMessage.id))
        )
    ).scalar_one_or_none()
    if inserted is None:  # a concurrent duplicate committed first: answer as its replay
        replay = await _replayed(session, viewer, request, text)
        assert replay is not None
        return replay
    message = await session.get(TutorMessage, inserted)
    assert message is not None
    reply = TutorMessage(
        thread_id=thread.id,
        user_id=viewer.id,
        role=TutorRole.TUTOR.value,
        status=TutorMessageStatus.STREAMING.value,
        reply_to_id=inserted,
        created_at=now,
        updated_at=now,
    )
    session.add(reply)
    thread.updated_at = now
    await session.flush()
    assert reply.id is not None
    outbox.record(session, Enqueue(REPLY_FUNCTION, reply.id, namespace="tutor-reply"))  # sent after commit
    return Asked(thread, message, reply, replayed=False)


# -- stopping and deleting -----------------------------------------------------------------------


async def cancel(session: AsyncSession, viewer: User, thread_id: int, now: datetime) -> TutorMessage | None:
    """Stop the reply being written, keeping its text so far; the job sees it at its next chunk. None
    when nothing was being written (stopping twice is not an error)."""
    thread = await thread_of(session, viewer, thread_id)
    reply = await latest_reply(session, thread_id)
    if reply is None or reply.status != TutorMessageStatus.STREAMING.value:
        return None
    changed = await session.execute(
        update(TutorMessage)
        .where(col(TutorMessage.id) == reply.id, col(TutorMessage.status) == TutorMessageStatus.STREAMING.value)
        .values(status=TutorMessageStatus.CANCELLED.value, updated_at=now)
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        return None
    await session.refresh(reply)
    assert reply.id is not None
    assert thread.id is not None
    outbox.record(session, events.TutorReply(thread.id, reply.id, reply.text, reply.status, True))
    return reply


async def remove(session: AsyncSession, viewer: User, thread_id: int) -> None:
    """Delete a thread and its messages; a reply still being written stops (its row is gone)."""
    thread = await thread_of(session, viewer, thread_id)
    await session.execute(
        delete(TutorMessage).where(col(TutorMessage.thread_id) == thread.id, col(TutorMessage.reply_to_id).is_not(None))
    )
    await session.execute(delete(TutorMessage).where(col(TutorMessage.thread_id) == thread.id))
    await session.delete(thread)
    await session.flush()


# -- usage ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    messages: int  # tutor replies
    prompt_tokens: int
    completion_tokens: int
    cost: float


async def usage(session: AsyncSession, *, course_id: int | None = None, user_id: int | None = None) -> Usage:
    """What the tutor's replies cost, in a course or for a user (or both)."""
    query = select(
        func.count(col(TutorMessage.id)),
        func.coalesce(func.sum(col(TutorMessage.prompt_tokens)), 0),
        func.coalesce(func.sum(col(TutorMessage.completion_tokens)), 0),
        func.coalesce(func.sum(col(TutorMessage.cost)), 0.0),
    ).where(col(TutorMessage.role) == TutorRole.TUTOR.value)
    if course_id is not None:
        query = query.join(TutorThread, col(TutorThread.id) == col(TutorMessage.thread_id)).where(
            col(TutorThread.course_id) == course_id
        )
    if user_id is not None:
        query = query.where(col(TutorMessage.user_id) == user_id)
    count, prompt, completion, cost = (await session.execute(query)).one()
    return Usage(int(count), int(prompt), int(completion), round(float(cost), 8))


async def course_for_usage(session: AsyncSession, viewer: User, course_id: int) -> Course:
    course = await session.get(Course, course_id)
    if course is None or not policies.can_view_tutor_usage(viewer, course):
        raise NotFound("No such course of yours.", field=["courseId"])
    return course
