"""Learning records: submissions and answers, XP events and lesson progress."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, SmallInteger, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.models.base import UTCDateTime


class SubmissionStatus(StrEnum):
    PENDING = "PENDING"
    GRADED = "GRADED"


class Submission(SQLModel, table=True):
    """One attempt at a lesson or a single problem; (user, idempotency key) is unique."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_submissions_user_idempotency_key"),
        Index("ix_submissions_user_created", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    lesson_id: int | None = Field(default=None, foreign_key="lessons.id", index=True)
    problem_id: int | None = Field(default=None, foreign_key="problems.id", index=True)
    idempotency_key: str = Field(sa_type=String(255))
    request_hash: str = Field(sa_type=String(64))
    status: str = Field(default=SubmissionStatus.GRADED.value, sa_type=String(20))
    score: float | None = Field(default=None)
    max_score: float = Field(default=0.0)
    xp_awarded: int = Field(default=0)
    created_at: datetime = Field(sa_type=UTCDateTime)
    graded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Answer(SQLModel, table=True):
    __tablename__ = "answers"
    __table_args__ = (
        Index("ix_answers_submission", "submission_id", "id"),
        # a learner's answers to a problem; with the submission, their first one is one index entry
        # (catalog.answered_problems)
        Index("ix_answers_user_problem_submission", "user_id", "problem_id", "submission_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submissions.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    problem_id: int = Field(foreign_key="problems.id")
    option_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    number: float | None = Field(default=None)
    text: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default=SubmissionStatus.GRADED.value, sa_type=String(20))
    correct: bool | None = Field(default=None)
    score: float | None = Field(default=None)
    feedback: str | None = Field(default=None, sa_type=Text)
    # Reported by the client, optional (domain/learning/answer_checks.py bounds them).
    duration_ms: int | None = Field(default=None)
    confidence: int | None = Field(default=None, sa_type=SmallInteger)


class XpEvent(SQLModel, table=True):
    """An XP award; the unique (user, reason, ref) makes every award happen at most once."""

    __tablename__ = "xp_events"
    __table_args__ = (
        UniqueConstraint("user_id", "reason", "ref", name="uq_xp_events_user_reason_ref"),
        Index("ix_xp_events_created", "created_at"),
        # Leaderboards: weekly and per-course sums per user, read from the index alone.
        Index("ix_xp_events_created_user_amount", "created_at", "user_id", "amount"),
        Index("ix_xp_events_course_user_amount", "course_id", "user_id", "amount"),
        # A user's XP events newest first (User.xpEvents), a keyset page without a sort.
        Index("ix_xp_events_user_created", "user_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    reason: str = Field(sa_type=String(20))
    ref: str = Field(sa_type=String(100))
    amount: int
    course_id: int | None = Field(default=None, foreign_key="courses.id")  # the course the XP was earned in
    created_at: datetime = Field(sa_type=UTCDateTime)


class LessonProgress(SQLModel, table=True):
    __tablename__ = "lesson_progress"
    __table_args__ = (Index("ix_lesson_progress_lesson", "lesson_id"),)

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    lesson_id: int = Field(foreign_key="lessons.id", primary_key=True)
    best_score: float = Field(default=0.0)
    attempts: int = Field(default=0)
    completed: bool = Field(default=False)
    last_submitted_at: datetime = Field(sa_type=UTCDateTime)
