"""Analytics behind the cache: check access, serve the cached value of the current version, or
compute it in SQL and store it for that version (see invalidation.py for when versions move).

The version is read before anything else touches the database: on SQLite a read transaction's
snapshot starts at its first statement, so data read after the version is at least as new as it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics import class_stats, student
from domain.analytics.class_stats import ClassAnalytics
from domain.analytics.invalidation import class_scope, student_scope
from domain.analytics.student import StudentAnalytics
from domain.classes import membership
from domain.infra.cache import Cache

T = TypeVar("T")

_CLASS: TypeAdapter[ClassAnalytics] = TypeAdapter(ClassAnalytics)
_STUDENT: TypeAdapter[StudentAnalytics] = TypeAdapter(StudentAnalytics)


@dataclass(frozen=True)
class Cached(Generic[T]):
    value: T
    hit: bool


async def _cached(
    cache: Cache,
    scope: str,
    ttl: float,
    adapter: TypeAdapter[T],
    check: Callable[[], Awaitable[None]],
    compute: Callable[[], Awaitable[T]],
) -> Cached[T]:
    key = f"analytics:{scope}"
    lookup = await cache.lookup(key, scope)
    await check()
    if lookup.value is not None:
        return Cached(adapter.validate_json(lookup.value), hit=True)
    value = await compute()
    await cache.store(key, lookup.version, adapter.dump_json(value), ttl)
    return Cached(value, hit=False)


async def class_analytics(
    session: AsyncSession, cache: Cache, viewer_id: int, class_id: int, now: datetime, ttl: float
) -> Cached[ClassAnalytics]:
    """A class's analytics for its instructor (or an admin); Forbidden for anyone else."""
    return await _cached(
        cache,
        class_scope(class_id),
        ttl,
        _CLASS,
        lambda: membership.check_class_access(session, viewer_id, class_id),
        lambda: class_stats.compute(session, class_id, now),
    )


async def student_analytics(
    session: AsyncSession, cache: Cache, viewer_id: int, user_id: int, now: datetime, ttl: float
) -> Cached[StudentAnalytics]:
    """A student's analytics for themselves, their instructors and admins; Forbidden for anyone else."""
    return await _cached(
        cache,
        student_scope(user_id),
        ttl,
        _STUDENT,
        lambda: membership.check_student_access(session, viewer_id, user_id),
        lambda: student.compute(session, user_id, now),
    )
