"""TutorThread, TutorMessage, TutorReplyEvent, the payloads and the usage totals."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from functools import partial
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from domain import models as m
from domain import policies
from domain.realtime.events import TutorReply
from domain.tutor import threads
from graph import ids
from graph.content.types import Problem
from graph.context import Context
from graph.errors import UserError
from graph.nodes import EncodedNode
from graph.pagination import (
    Connection,
    Count,
    Cursor,
    connection,
    decode_cursor,
    encode_cursor,
    encode_position,
    page_size,
)

THREAD_CURSOR = "t"  # (updated at, id), newest first
MESSAGE_CURSOR = "m"  # the id, oldest first


@strawberry.enum(description="Who wrote a tutor message.")
class TutorRole(Enum):
    LEARNER = "LEARNER"
    TUTOR = "TUTOR"


@strawberry.enum(description="Where a tutor message is.")
class TutorMessageStatus(Enum):
    STREAMING = strawberry.enum_value("STREAMING", description="The tutor is writing it (follow `tutorReply`).")
    COMPLETE = strawberry.enum_value("COMPLETE", description="Written in full.")
    FAILED = strawberry.enum_value("FAILED", description="The provider failed; the text written so far is kept.")
    CANCELLED = strawberry.enum_value("CANCELLED", description="Stopped by the learner; the text so far is kept.")


@strawberry.type(description="One message of a tutor thread.")
class TutorMessage(EncodedNode):
    id: relay.NodeID[int]
    role: TutorRole
    text: str
    status: TutorMessageStatus
    created_at: datetime
    error: str | None = strawberry.field(description="Why a FAILED reply failed.")
    prompt_tokens: int = strawberry.field(description="Tokens the provider read for this reply (0 for learners).")
    completion_tokens: int = strawberry.field(description="Tokens the provider wrote.")
    cost: float = strawberry.field(description="What the reply cost at the configured prices per 1,000 tokens.")

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[TutorMessage | None]:
        """Visible to the owner of its thread."""
        viewer = await info.context.viewer()
        found: list[TutorMessage | None] = []
        for key in node_ids:
            row = await info.context.run(_message, int(key)) if key.isdigit() else None
            thread = await info.context.run(_thread, row.thread_id) if row is not None else None
            visible = thread is not None and policies.can_view_tutor_thread(viewer, thread)
            found.append(cls.from_model(row) if row is not None and visible else None)
        return found

    @classmethod
    def from_model(cls, row: m.TutorMessage) -> TutorMessage:
        assert row.id is not None
        return cls(
            id=row.id,
            role=TutorRole(row.role),
            text=row.text,
            status=TutorMessageStatus(row.status),
            created_at=row.created_at,
            error=row.error,
            prompt_tokens=row.prompt_tokens,
            completion_tokens=row.completion_tokens,
            cost=row.cost,
        )


@strawberry.type(description="A conversation with the AI tutor about one problem; only its owner sees it.")
class TutorThread(EncodedNode):
    id: relay.NodeID[int]
    created_at: datetime
    updated_at: datetime = strawberry.field(description="When the last message was sent.")
    row: strawberry.Private[m.TutorThread]

    @classmethod
    def from_model(cls, row: m.TutorThread) -> TutorThread:
        assert row.id is not None
        return cls(id=row.id, created_at=row.created_at, updated_at=row.updated_at, row=row)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[TutorThread | None]:
        viewer = await info.context.viewer()
        found: list[TutorThread | None] = []
        for key in node_ids:
            row = await info.context.run(_thread, int(key)) if key.isdigit() else None
            visible = row is not None and policies.can_view_tutor_thread(viewer, row)
            found.append(cls.from_model(row) if row is not None and visible else None)
        return found

    @strawberry.field
    async def problem(self, info: Info[Context, Any]) -> Problem:
        row = await info.context.loaders.problem_by_id.load(self.row.problem_id)
        assert row is not None
        return Problem.from_model(row)

    @strawberry.field(description="The messages in the order they were written.")
    async def messages(
        self, info: Info[Context, Any], first: int | None = None, after: Cursor = None
    ) -> Connection[TutorMessage]:
        context = info.context
        size = page_size(first, context.settings.max_page_size)
        cursor = decode_cursor(after, 1, kind=MESSAGE_CURSOR)
        key = threads.MessagePageKey(self.id, size, cursor[0] if cursor else None)
        rows = await context.loaders.message_page_by_thread.load(key)
        return connection(
            rows,
            size,
            after,
            lambda row: encode_cursor(row.id or 0, kind=MESSAGE_CURSOR),
            TutorMessage.from_model,
            total=partial(context.loaders.message_count_by_thread.load, self.id),
        )


async def _message(session: Any, message_id: int) -> m.TutorMessage | None:
    row: m.TutorMessage | None = await session.get(m.TutorMessage, message_id)
    return row


async def _thread(session: Any, thread_id: int) -> m.TutorThread | None:
    row: m.TutorThread | None = await session.get(m.TutorThread, thread_id)
    return row


def threads_connection(
    rows: list[m.TutorThread], first: int, after: str | None, total: Count
) -> Connection[TutorThread]:
    def cursor(row: m.TutorThread) -> str:
        return encode_position(row.updated_at, row.id, kind=THREAD_CURSOR)

    return connection(rows, first, after, cursor, TutorThread.from_model, total=total)


@strawberry.type(
    description="A tutor reply as it is written. `text` is the whole reply so far, `delta` what is new since the "
    "previous event of this message on this subscription; the event with `done: true` is its final state."
)
class TutorReplyEvent:
    message_id: strawberry.ID
    delta: str
    text: str
    status: TutorMessageStatus
    done: bool
    prompt_tokens: int
    completion_tokens: int
    cost: float

    @classmethod
    def from_domain(cls, reply: TutorReply, delta: str) -> TutorReplyEvent:
        return cls(
            message_id=strawberry.ID(ids.encode("TutorMessage", reply.message_id)),
            delta=delta,
            text=reply.text,
            status=TutorMessageStatus(reply.status),
            done=reply.done,
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
            cost=reply.cost,
        )


@strawberry.type
class AskTutorPayload:
    thread: TutorThread | None = None
    message: TutorMessage | None = strawberry.field(default=None, description="Your message, as stored.")
    reply: TutorMessage | None = strawberry.field(
        default=None, description="The tutor's reply: STREAMING at first; follow it with `tutorReply(threadId)`."
    )
    replayed: bool = strawberry.field(
        default=False, description="True when this clientMessageId was sent before: nothing new was stored or asked."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TutorThreadPayload:
    thread: TutorThread | None = None
    message: TutorMessage | None = strawberry.field(
        default=None, description="The reply that was stopped (null when none was being written)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteTutorThreadPayload:
    deleted_thread_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="What the tutor's replies cost.")
class TutorUsage:
    messages: int = strawberry.field(description="Tutor replies counted.")
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cost: float = strawberry.field(description="At the configured prices per 1,000 tokens.")

    @classmethod
    def from_domain(cls, usage: threads.Usage) -> TutorUsage:
        total = usage.prompt_tokens + usage.completion_tokens
        return cls(
            messages=usage.messages,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            total_tokens=total,
            cost=usage.cost,
        )
