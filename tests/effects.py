"""The effects a session's committed transactions left in the outbox (domain/outbox.py), by kind.

Each call takes every committed effect (as the boundary would) and returns those of one kind.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from domain import outbox

T = TypeVar("T")


def committed(session: AsyncSession, kind: type[T] | tuple[type[T], ...]) -> list[T]:
    return [effect for effect in outbox.take(session) if isinstance(effect, kind)]


def stale_scopes(session: AsyncSession) -> set[str]:
    return {scope for stale in committed(session, outbox.Stale) for scope in stale.scopes}
