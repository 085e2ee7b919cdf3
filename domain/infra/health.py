"""The state of each backend a process depends on (database, Redis), as last observed.

During an outage every request fails the same way; logging each failure buried the log under
thousands of identical tracebacks (issue 20). Instead, whoever sees a backend fail or succeed tells
its `Dependency`, which logs one line when the state changes (up -> down, down -> up) and counts
the failures. Observers: the GraphQL error policy (every failed operation), the pool's "connect"
event (a new database connection: up), the real-time dispatch and broker and the job queue
(Redis), and the `/ready` probe, which also reports the states without driver text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from redis.asyncio import Redis
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("learnql.health")

State = Literal["up", "down"]
PROBE_TIMEOUT = 2.0  # seconds: a blackholed host must not hang the readiness probe


class Dependency:
    """One backend: its state, one log line per change, and counters (failures, outages, contention)."""

    def __init__(self, name: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.state: State = "up"
        self.failures = 0  # failed operations observed, over the process's life
        self.outages = 0  # up -> down changes
        self.contention = 0  # deadlocks and serialization failures (the backend is up; retried)
        self._clock = clock
        self._down_since = 0.0
        self._failures_at_down = 0

    @property
    def up(self) -> bool:
        return self.state == "up"

    def failed(self, error: BaseException) -> None:
        """An operation failed because the backend is unreachable."""
        self.failures += 1
        if self.state == "down":
            return
        self.state, self.outages = "down", self.outages + 1
        self._down_since, self._failures_at_down = self._clock(), self.failures - 1
        log.warning("%s: up -> down (%s: %s)", self.name, type(error).__name__, _first_line(error))

    def contended(self) -> None:
        """An operation lost a deadlock or a serialization conflict: counted, not a state change."""
        self.contention += 1

    def succeeded(self) -> None:
        """An operation reached the backend."""
        if self.state == "up":
            return
        self.state = "up"
        log.warning(
            "%s: down -> up after %.1f s, %d failed operations",
            self.name,
            self._clock() - self._down_since,
            self.failures - self._failures_at_down,
        )


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else ""


@dataclass
class Health:
    """The process's backends; `redis` stays up (and unreported) without LEARNQL_REDIS_URL."""

    database: Dependency = field(default_factory=lambda: Dependency("database"))
    redis: Dependency = field(default_factory=lambda: Dependency("redis"))

    def get(self, name: str) -> Dependency | None:
        return {"database": self.database, "redis": self.redis}.get(name)


def watch_engine(engine: AsyncEngine, database: Dependency) -> None:
    """A new pooled connection means the database answers again (connection failures are reported
    by whoever saw them: the pool raises them to its caller without an engine event)."""

    def connected(*_: Any) -> None:
        database.succeeded()

    event.listen(engine.sync_engine, "connect", connected)


async def probe_database(engine: AsyncEngine, database: Dependency) -> State:
    try:
        async with asyncio.timeout(PROBE_TIMEOUT), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means not ready; the reason goes to the log, once
        database.failed(error)
        return "down"
    database.succeeded()
    return "up"


async def probe_redis(client: Redis, redis: Dependency) -> State:
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            await client.ping()
    except Exception as error:
        redis.failed(error)
        return "down"
    redis.succeeded()
    return "up"
