"""tutorReply(threadId): a thread's replies as they are written.

The stream listens on the thread's channel first and then reads the latest reply from its row, so
a client that (re)connects in the middle of a reply gets the text so far at once and the rest live,
with nothing lost in between. Every event published carries the whole text so far; the `delta` of
each event sent is computed here, per subscriber, from what this subscriber was sent before. Lost
messages (a Redis reconnect) are made good by reading the row again.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

import strawberry
from strawberry.types import Info

from domain.errors import NotFound
from domain.infra.broker import Gap
from domain.models import TutorMessage as MessageRow
from domain.models import TutorMessageStatus
from domain.realtime import events
from domain.realtime.dispatch import tutor_channel
from domain.realtime.events import TutorReply
from domain.tutor import threads
from graph import ids
from graph.context import Context
from graph.tutor.types import TutorReplyEvent

FINISHED = {s.value for s in TutorMessageStatus} - {TutorMessageStatus.STREAMING.value}


def from_row(row: MessageRow) -> TutorReply:
    assert row.id is not None
    done = row.status in FINISHED
    return TutorReply(
        row.thread_id, row.id, row.text, row.status, done, row.prompt_tokens, row.completion_tokens, row.cost
    )


class Sent:
    """What one subscriber was sent of each reply: only news goes out, as a delta."""

    def __init__(self) -> None:
        self._state: dict[int, tuple[str, str]] = {}  # message id -> (text, status)

    def news(self, reply: TutorReply) -> TutorReplyEvent | None:
        text, status = self._state.get(reply.message_id, ("", ""))
        if status in FINISHED and not (reply.done and len(reply.text) > len(text)):
            return None  # finished already; only a final text that grew (a stop racing the job) is news
        if not reply.done and (len(reply.text) <= len(text)) and status == reply.status:
            return None  # older than what was sent (a row saved before the last live event)
        delta = reply.text[len(text) :] if reply.text.startswith(text) else reply.text
        self._state[reply.message_id] = (reply.text, reply.status)
        return TutorReplyEvent.from_domain(reply, delta)


async def _replies(context: Context, thread_id: int) -> AsyncIterator[TutorReplyEvent]:
    broker = context.services.realtime.broker
    size = context.settings.subscription_queue_size
    sent = Sent()

    async def from_database() -> TutorReplyEvent | None:
        row = await context.run(threads.latest_reply, thread_id)
        await context.release()
        return sent.news(from_row(row)) if row is not None else None

    async with broker.subscribe(tutor_channel(thread_id), maxsize=size) as messages:
        first = await from_database()
        if first is not None:
            yield first
        async for message in messages:
            event = await from_database() if isinstance(message, Gap) else sent.news(events.decode_tutor(message))
            if event is not None:
                yield event


@strawberry.type
class TutorSubscription:
    @strawberry.subscription(
        description="The replies of one of your tutor threads as they are written: at once the latest reply as "
        "it stands (its text so far, or its final state), then every change, a few times a second. Filter by "
        "`messageId`; the event with `done: true` is a reply's final state."
    )
    async def tutor_reply(
        self, info: Info[Context, Any], thread_id: strawberry.ID
    ) -> AsyncGenerator[TutorReplyEvent, None]:
        context = info.context
        viewer = await context.require_viewer()
        key = ids.decode(thread_id, "TutorThread", ["threadId"])
        try:
            await context.run(threads.thread_of, viewer, key)
        except NotFound:
            raise NotFound("No such tutor thread.", field=["threadId"]) from None
        await context.release()
        return _replies(context, key)  # type: ignore[return-value]
