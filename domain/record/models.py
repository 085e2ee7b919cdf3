"""The learning record's table: one row per thing a learner did, never updated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlmodel import Field, SQLModel

from domain.models.base import UTCDateTime


class LearningEvent(SQLModel, table=True):
    """What a learner did (`type`), when, where in the content, and the details (`payload`, whose keys
    per type domain/record/kinds.py declares).

    Course, lesson and problem are plain ids, not foreign keys: the record is history and outlives
    edits to the content. The user is a foreign key with ON DELETE CASCADE: deleting an account
    deletes its record."""

    __tablename__ = "learning_events"
    __table_args__ = (
        # A user's events newest first (User.learningEvents), a keyset page without a sort; also the
        # scan of sessions and time spent.
        Index("ix_learning_events_user_occurred", "user_id", "occurred_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    type: str = Field(sa_type=String(30))
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    course_id: int | None = Field(default=None)
    lesson_id: int | None = Field(default=None)
    problem_id: int | None = Field(default=None)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
