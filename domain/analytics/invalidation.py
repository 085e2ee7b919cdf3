"""Which cached analytics a transaction made stale, released to the cache only once it commits.

Services call `mark_dirty(session, classes=..., students=...)` next to the write that changes a
grade or a class's membership. The scopes wait in `session.info` until the transaction commits (a
rollback drops them); whoever owns the transaction bumps them after the commit: the GraphQL
context's `commit()` (`take` + `cache.bump`), a worker with `flush(session, cache)`.
Bumping after the commit matters: bumped earlier, a concurrent reader could cache the old data
under the new version.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.infra.cache import Cache

_PENDING = "learnql.analytics.pending"
_COMMITTED = "learnql.analytics.committed"


def class_scope(class_id: int) -> str:
    return f"class:{class_id}"


def student_scope(user_id: int) -> str:
    return f"student:{user_id}"


def mark_dirty(session: AsyncSession, *, classes: Iterable[int] = (), students: Iterable[int] = ()) -> None:
    info = session.info
    if _PENDING not in info:
        info[_PENDING] = set()
        event.listen(session.sync_session, "after_commit", _promote)
        event.listen(session.sync_session, "after_rollback", _discard)
    pending: set[str] = info[_PENDING]
    pending.update(class_scope(key) for key in classes)
    pending.update(student_scope(key) for key in students)


def _promote(session: Session, *_: Any) -> None:
    pending: set[str] = session.info.get(_PENDING, set())
    session.info.setdefault(_COMMITTED, set()).update(pending)
    pending.clear()


def _discard(session: Session, *_: Any) -> None:
    session.info.get(_PENDING, set()).clear()


def committed_scopes(session: AsyncSession) -> set[str]:
    """Scopes made stale by committed transactions and not taken yet (a peek, for tests)."""
    return set(session.info.get(_COMMITTED, set()))


def take(session: AsyncSession) -> set[str]:
    """The scopes made stale by the transactions committed since the last take; call after `commit()`."""
    taken: set[str] = session.info.pop(_COMMITTED, set())
    return taken


async def flush(session: AsyncSession, cache: Cache) -> None:
    """Invalidate what the session's committed transactions changed (for workers; call after `commit()`)."""
    scopes = take(session)
    if scopes:
        await cache.bump(scopes)
