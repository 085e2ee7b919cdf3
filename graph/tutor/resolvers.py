"""TutorQuery (tutorUsage), TutorMutation (askTutor, cancelTutorReply, deleteTutorThread) and the
viewer's threads (User.tutorThreads)."""

from __future__ import annotations

from functools import partial
from typing import Any

import strawberry
from strawberry.types import Info

from domain.errors import DomainError
from domain.keyset import Window
from domain.tutor import threads
from graph import ids
from graph.context import Context
from graph.errors import UserError
from graph.pagination import Connection, decode_position, empty_connection, page_size
from graph.tutor.inputs import AskTutorInput, TutorThreadIdInput
from graph.tutor.types import (
    THREAD_CURSOR,
    AskTutorPayload,
    DeleteTutorThreadPayload,
    TutorMessage,
    TutorThread,
    TutorThreadPayload,
    TutorUsage,
    threads_connection,
)


async def user_tutor_threads(
    info: Info[Context, Any], user_id: int, first: int | None, after: str | None
) -> Connection[TutorThread]:
    """A user's threads, most recently active first: the viewer's own only (others see none)."""
    context = info.context
    size = page_size(first, context.settings.max_page_size)
    start = decode_position(after, kind=THREAD_CURSOR)
    viewer = await context.viewer()
    if viewer is None or viewer.id != user_id:
        return empty_connection()
    rows = await context.run(threads.threads_page, user_id, Window(size, start))
    return threads_connection(rows, size, after, partial(context.run, threads.count_threads, user_id))


@strawberry.type
class TutorQuery:
    @strawberry.field(
        description="What the tutor's replies cost: in a course (its instructor, or an admin), or without "
        "`courseId` the viewer's own."
    )
    async def tutor_usage(self, info: Info[Context, Any], course_id: strawberry.ID | None = None) -> TutorUsage:
        context = info.context
        viewer = await context.require_viewer()
        if course_id is None:
            return TutorUsage.from_domain(await context.run(threads.usage, user_id=viewer.id))
        course = await context.run(threads.course_for_usage, viewer, ids.decode(course_id, "Course", ["courseId"]))
        return TutorUsage.from_domain(await context.run(threads.usage, course_id=course.id))


@strawberry.type
class TutorMutation:
    @strawberry.mutation(
        description="Ask the AI tutor about a problem (a new thread) or continue a thread. Your message is stored "
        "at once; the reply is written in the background: follow it with `tutorReply(threadId)`. Before you "
        "have answered the problem the tutor does not know the answer and only gives hints. Limits: messages "
        "per hour and tokens per day per user (RATE_LIMITED), one reply at a time per thread (CONFLICT)."
    )
    async def ask_tutor(self, info: Info[Context, Any], input: AskTutorInput) -> AskTutorPayload:
        context = info.context
        viewer = await context.require_viewer()

        async def spend() -> None:
            await context.limiter.acquire("tutor_messages_per_user", str(viewer.id), "tutor messages")

        try:
            asked = await context.run(threads.ask, viewer, input.to_domain(), context.settings, context.now(), spend)
        except DomainError as error:
            return AskTutorPayload(errors=UserError.from_domain(error))
        return AskTutorPayload(
            thread=TutorThread.from_model(asked.thread),
            message=TutorMessage.from_model(asked.message),
            reply=TutorMessage.from_model(asked.reply),
            replayed=asked.replayed,
        )

    @strawberry.mutation(
        description="Stop the reply the tutor is writing in this thread; what it wrote so far is kept (CANCELLED)."
    )
    async def cancel_tutor_reply(self, info: Info[Context, Any], input: TutorThreadIdInput) -> TutorThreadPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            thread_id = input.key()
            stopped = await context.run(threads.cancel, viewer, thread_id, context.now())
            thread = await context.run(threads.thread_of, viewer, thread_id)
        except DomainError as error:
            return TutorThreadPayload(errors=UserError.from_domain(error))
        message = TutorMessage.from_model(stopped) if stopped is not None else None
        return TutorThreadPayload(thread=TutorThread.from_model(thread), message=message)

    @strawberry.mutation(description="Delete one of your tutor threads and its messages (a reply being written stops).")
    async def delete_tutor_thread(
        self, info: Info[Context, Any], input: TutorThreadIdInput
    ) -> DeleteTutorThreadPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            await context.run(threads.remove, viewer, input.key())
        except DomainError as error:
            return DeleteTutorThreadPayload(errors=UserError.from_domain(error))
        return DeleteTutorThreadPayload(deleted_thread_id=input.thread_id)
