"""Transient failures of a backend, recognised in one place, and a bounded retry with jitter.

A failure is transient when the same work may succeed if it simply runs again:

- **contention** on the database: deadlock (SQLSTATE 40P01), serialization failure (40001), a lock
  not available (55P03), SQLite's "database is locked";
- an **outage** of the database: the connection refused, lost or invalidated (SQLAlchemy's
  `DBAPIError.connection_invalidated`, SQLSTATE class 08), the server shutting down or starting up
  (57P01-57P03), too many connections (53300), an `OSError` from the driver's socket;
- an **outage** of Redis: redis-py's `ConnectionError` / `TimeoutError`.

Everything else is a bug or an expected error and is not retried. `retry_transient` reruns a unit of
work on a transient failure; the caller says whether the unit can rerun (it must not have sent a
commit: its outcome is then unknown).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from redis import exceptions as redis_errors
from sqlalchemy.exc import DBAPIError

T = TypeVar("T")

CONTENTION_STATES = frozenset({"40001", "40P01", "55P03"})
OUTAGE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})  # and the whole class 08 (connection exception)
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
MAX_CHAIN = 8  # how deep to look through .orig and __cause__


class Cause(StrEnum):
    CONTENTION = "contention"
    OUTAGE = "outage"


@dataclass(frozen=True)
class Transient:
    """What failed (`dependency`: database or redis), why, and how long a client should wait."""

    dependency: str
    cause: Cause

    @property
    def retry_after(self) -> int:
        """Seconds: contention clears at once, an outage takes a while."""
        return 1 if self.cause == Cause.CONTENTION else 5


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending = [error]
    while pending and len(seen) < MAX_CHAIN:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        # SQLAlchemy's wrapper -> the driver's exception (`orig`, and `raise ... from`). Not __context__:
        # an error raised while handling an unrelated one is not caused by it.
        for nested in (getattr(current, "orig", None), current.__cause__):
            if isinstance(nested, BaseException):
                pending.append(nested)


def _one(error: BaseException) -> Transient | None:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return Transient("database", Cause.OUTAGE)
    if isinstance(error, redis_errors.ConnectionError | redis_errors.TimeoutError):
        return Transient("redis", Cause.OUTAGE)
    state = getattr(error, "sqlstate", None)  # asyncpg's exceptions and SQLAlchemy's adaptation of them
    if isinstance(state, str):
        if state in CONTENTION_STATES:
            return Transient("database", Cause.CONTENTION)
        if state in OUTAGE_STATES or state.startswith("08"):
            return Transient("database", Cause.OUTAGE)
        return None
    if isinstance(error, sqlite3.OperationalError) and str(error).startswith(SQLITE_BUSY):
        return Transient("database", Cause.CONTENTION)
    # The driver's socket: connection refused or reset, host unknown. A bare TimeoutError is left out:
    # asyncio raises it for any deadline, not only the database's.
    if isinstance(error, OSError) and not isinstance(error, TimeoutError):
        return Transient("database", Cause.OUTAGE)
    return None


def classify(error: BaseException) -> Transient | None:
    """The transient failure behind `error` (looking through wrappers and causes), or None."""
    for link in _chain(error):
        found = _one(link)
        if found is not None:
            return found
    return None


def is_transient(error: BaseException) -> bool:
    return classify(error) is not None


def backoff(attempt: int, base_delay: float, max_delay: float, rng: Callable[[], float] = random.random) -> float:
    """Seconds before retry number `attempt` (1, 2, ...): exponential, capped, half of it random (so
    the two sides of a deadlock do not meet again in step)."""
    ceiling = min(max_delay, base_delay * 2.0 ** (attempt - 1))
    return ceiling / 2 + rng() * ceiling / 2


async def retry_transient(
    fn: Callable[[], Awaitable[T]],
    attempts: int = 3,
    base_delay: float = 0.05,
    *,
    max_delay: float = 1.0,
    can_rerun: Callable[[BaseException], bool] = lambda _: True,
) -> T:
    """`await fn()`, run again (up to `attempts` runs in all) while it fails transiently and
    `can_rerun(error)` says the failed run left nothing behind. The last failure is raised."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(1, attempts + 1):
        try:
            return await fn()
        except Exception as error:
            if attempt >= attempts or not is_transient(error) or not can_rerun(error):
                raise
        await asyncio.sleep(backoff(attempt, base_delay, max_delay))
    raise AssertionError("unreachable: the last attempt returns or raises")
