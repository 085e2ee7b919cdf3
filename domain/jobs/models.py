"""Background jobs (AI generation and evaluation) and the cache of AI results."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlmodel import Field, SQLModel

from domain.models.base import UTCDateTime
from domain.realtime.events import JobStatus

__all__ = ["AiCacheEntry", "Job", "JobKind", "JobStatus"]


class JobKind(StrEnum):
    GENERATION = "GENERATION"
    EVALUATION = "EVALUATION"
    REVIEW_PARAMETERS = "REVIEW_PARAMETERS"


class Job(SQLModel, table=True):
    """One unit of background work. `dedupe_key` (unique while set) makes a repeated request find the
    same job; a FAILED job gives its key up when the same work is requested again."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_status_updated", "status", "updated_at"),
        Index("ix_jobs_created_by_created", "created_by", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(sa_type=String(20))
    status: str = Field(default=JobStatus.QUEUED.value, sa_type=String(20))
    dedupe_key: str | None = Field(default=None, sa_type=String(200), unique=True)
    input_hash: str = Field(sa_type=String(64), index=True)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    source_text: str | None = Field(default=None, sa_type=Text)
    lesson_id: int | None = Field(default=None, foreign_key="lessons.id", index=True)
    progress: float = Field(default=0.0)
    attempts: int = Field(default=0)
    error: str | None = Field(default=None, sa_type=Text)
    prompt_tokens: int = Field(default=0)
    completion_tokens: int = Field(default=0)
    cost: float = Field(default=0.0)
    provider_calls: int = Field(default=0)
    cache_hits: int = Field(default=0)
    result: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_by: int = Field(foreign_key="users.id", ondelete="CASCADE")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AiCacheEntry(SQLModel, table=True):
    """A provider's answer to one request, by a hash of everything the answer depends on."""

    __tablename__ = "ai_cache"

    key: str = Field(sa_type=String(64), primary_key=True)
    kind: str = Field(sa_type=String(20))
    value: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime)
