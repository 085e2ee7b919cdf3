"""Tutor threads and their messages.

A thread belongs to one user and is about one problem (optionally one of the user's submissions).
A LEARNER message is stored by `askTutor` at once; its TUTOR reply is stored in the same transaction
as STREAMING and filled in by the `tutor_reply` job, which also records what the reply cost. Two
constraints make a send idempotent: (user, client message id) is unique for learner messages, and a
learner message has at most one reply (`reply_to_id` unique).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.models.base import UTCDateTime


class TutorRole(StrEnum):
    LEARNER = "LEARNER"
    TUTOR = "TUTOR"


class TutorMessageStatus(StrEnum):
    STREAMING = "STREAMING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class TutorThread(SQLModel, table=True):
    """A conversation of one user about one problem; `course_id` is the problem's, kept for cost sums."""

    __tablename__ = "tutor_threads"
    __table_args__ = (Index("ix_tutor_threads_user_updated", "user_id", "updated_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    problem_id: int = Field(foreign_key="problems.id", ondelete="CASCADE", index=True)
    submission_id: int | None = Field(default=None, foreign_key="submissions.id", ondelete="SET NULL")
    course_id: int = Field(foreign_key="courses.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class TutorMessage(SQLModel, table=True):
    """One turn. Tutor replies carry their usage and cost, and `error` when they FAILED."""

    __tablename__ = "tutor_messages"
    __table_args__ = (
        UniqueConstraint("user_id", "client_message_id", name="uq_tutor_messages_user_client_message_id"),
        UniqueConstraint("reply_to_id", name="uq_tutor_messages_reply_to_id"),
        Index("ix_tutor_messages_thread_id", "thread_id", "id"),
        Index("ix_tutor_messages_user_created", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="tutor_threads.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")  # the thread's owner, for limits and sums
    role: str = Field(sa_type=String(10))
    text: str = Field(default="", sa_type=Text)
    status: str = Field(default=TutorMessageStatus.COMPLETE.value, sa_type=String(12))
    client_message_id: str | None = Field(default=None, sa_type=String(100))
    reply_to_id: int | None = Field(default=None, foreign_key="tutor_messages.id", ondelete="CASCADE")
    prompt_tokens: int = Field(default=0)
    completion_tokens: int = Field(default=0)
    cost: float = Field(default=0.0)
    error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
