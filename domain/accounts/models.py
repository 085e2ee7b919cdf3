"""Accounts: learners, instructors and admins, with their XP and streak counters, and ended tokens."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, String
from sqlmodel import Field, SQLModel

from domain.models.base import UTCDateTime


class Role(StrEnum):
    LEARNER = "LEARNER"
    INSTRUCTOR = "INSTRUCTOR"
    ADMIN = "ADMIN"


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_type=String(320), unique=True)
    display_name: str = Field(sa_type=String(100))
    password_hash: str = Field(sa_type=String(255))
    role: str = Field(default=Role.LEARNER.value, sa_type=String(20))
    timezone: str = Field(default="UTC", sa_type=String(64))
    xp: int = Field(default=0)
    streak_current: int = Field(default=0)
    streak_best: int = Field(default=0)
    streak_last_day: date | None = Field(default=None)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # Tokens carry the version they were issued under; raising it ends every token of the account
    # (logoutEverywhere, changePassword, deactivation).
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RevokedToken(SQLModel, table=True):
    """A token ended by `logout` before its expiry; the row is useless (and purged) once it expires."""

    __tablename__ = "revoked_tokens"
    __table_args__ = (Index("ix_revoked_tokens_expires_at", "expires_at"),)

    jti: str = Field(sa_type=String(64), primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    expires_at: datetime = Field(sa_type=UTCDateTime)
