"""Spaced repetition: review cards scheduled with FSRS, the log of every review, per-learner settings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Float, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.models.base import UTCDateTime


class CardState(StrEnum):
    """NEW: answered once, never reviewed; the others are the FSRS states of a reviewed card."""

    NEW = "NEW"
    LEARNING = "LEARNING"
    REVIEW = "REVIEW"
    RELEARNING = "RELEARNING"


class ReviewCard(SQLModel, table=True):
    """One card per (user, problem), holding exactly what `fsrs.Card` needs to resume scheduling."""

    __tablename__ = "review_cards"
    __table_args__ = (
        UniqueConstraint("user_id", "problem_id", name="uq_review_cards_user_problem"),
        Index("ix_review_cards_user_due", "user_id", "due"),
        Index("ix_review_cards_problem", "problem_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    problem_id: int = Field(foreign_key="problems.id", ondelete="CASCADE")
    state: str = Field(default=CardState.NEW.value, sa_type=String(20))
    step: int | None = Field(default=None)
    stability: float | None = Field(default=None, sa_type=Float)
    difficulty: float | None = Field(default=None, sa_type=Float)
    due: datetime = Field(sa_type=UTCDateTime)
    last_review: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reps: int = Field(default=0)
    lapses: int = Field(default=0)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ReviewLog(SQLModel, table=True):
    """One review of a card, with the card's state before and after; (user, idempotency key) is unique.

    Reviews made through `submitAnswer` have no idempotency key (the submission's key guards them) and
    point at their submission instead."""

    __tablename__ = "review_logs"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_review_logs_user_idempotency_key"),
        Index("ix_review_logs_user_reviewed", "user_id", "reviewed_at"),
        Index("ix_review_logs_card_reviewed", "card_id", "reviewed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="review_cards.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    rating: int
    reviewed_at: datetime = Field(sa_type=UTCDateTime)
    elapsed_seconds: int | None = Field(default=None)
    duration_ms: int | None = Field(default=None)
    idempotency_key: str | None = Field(default=None, sa_type=String(255))
    request_hash: str | None = Field(default=None, sa_type=String(64))
    submission_id: int | None = Field(default=None, foreign_key="submissions.id", ondelete="SET NULL")
    state_before: str = Field(sa_type=String(20))
    stability_before: float | None = Field(default=None, sa_type=Float)
    difficulty_before: float | None = Field(default=None, sa_type=Float)
    state_after: str = Field(sa_type=String(20))
    step_after: int | None = Field(default=None)
    stability_after: float = Field(sa_type=Float)
    difficulty_after: float = Field(sa_type=Float)
    due_after: datetime = Field(sa_type=UTCDateTime)
    xp_awarded: int = Field(default=0)


class ReviewSettings(SQLModel, table=True):
    """A learner's scheduling preferences; without a row the defaults of domain/review_settings.py apply."""

    __tablename__ = "review_settings"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    desired_retention: float = Field(sa_type=Float)
    maximum_interval: int
    new_cards_per_day: int
    reviews_per_day: int
    learning_steps: list[int] = Field(default_factory=list, sa_type=JSON)
    relearning_steps: list[int] = Field(default_factory=list, sa_type=JSON)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ReviewParameters(SQLModel, table=True):
    """A learner's last FSRS fit (domain/reviews/personal.py): the log losses of the default and the
    fitted parameters on their held-out reviews, and the parameters the scheduler uses for them when
    the fit was better (`parameters`; null: the defaults)."""

    __tablename__ = "review_parameters"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    parameters: list[float] | None = Field(default=None, sa_type=JSON)
    fitted_parameters: list[float] = Field(default_factory=list, sa_type=JSON)
    default_log_loss: float = Field(sa_type=Float)
    fitted_log_loss: float = Field(sa_type=Float)
    review_count: int
    fitted_at: datetime = Field(sa_type=UTCDateTime)
