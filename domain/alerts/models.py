"""Instructor alerts: one row per episode of a (class, student, kind), the class's thresholds, and mutes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, text
from sqlmodel import Field, SQLModel

from domain.models.base import UTCDateTime

_OPEN_SQL = "closed_at IS NULL"


class InstructorAlert(SQLModel, table=True):
    """An episode: opened when a rule starts to hold for a student of a class, closed when it clears.

    At most one open episode per (class, student, kind), enforced by a partial unique index: two
    evaluations racing to open the same episode insert one row, and the next episode may open only
    after this one closed."""

    __tablename__ = "instructor_alerts"
    __table_args__ = (
        Index(
            "uq_instructor_alerts_open",
            "class_id",
            "student_id",
            "kind",
            unique=True,
            postgresql_where=text(_OPEN_SQL),
            sqlite_where=text(_OPEN_SQL),
        ),
        Index("ix_instructor_alerts_class_created", "class_id", "created_at", "id"),
        Index("ix_instructor_alerts_student_id", "student_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="classes.id", ondelete="CASCADE")
    student_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(sa_type=String(20))
    reason: str = Field(sa_type=String(300))
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class ClassAlertSettings(SQLModel, table=True):
    """A class's own thresholds; a class without a row uses the defaults (domain/alerts/rules.py)."""

    __tablename__ = "class_alert_settings"

    class_id: int = Field(foreign_key="classes.id", primary_key=True, ondelete="CASCADE")
    kinds: list[str] = Field(default_factory=list, sa_type=JSON)  # the rules that raise alerts
    low_mean: float
    min_grades: int
    declining_slope_per_week: float
    declining_change_30_days: float
    failing_streak: int
    failing_score: float
    inactive_days: int
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class AlertMute(SQLModel, table=True):
    """The class's staff muted this student's alerts: no new alert is raised for them in the class."""

    __tablename__ = "alert_mutes"

    class_id: int = Field(foreign_key="classes.id", primary_key=True, ondelete="CASCADE")
    student_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    muted_by: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    muted_at: datetime = Field(sa_type=UTCDateTime)
