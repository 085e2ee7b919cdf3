"""The backends of a process, chosen from its settings in one place.

| concern | embedded default | with LEARNQL_REDIS_URL |
|---|---|---|
| analytics cache | in-process LRU with TTL | Redis |
| pub/sub broker | in-process broadcast | Redis pub/sub |
| leaderboard store | SQL aggregation | Redis sorted sets |
| job queue | an in-process runner, when the entry point provides one | arq on Redis |

(The database is whatever LEARNQL_DATABASE_URL names: a SQLite file or PostgreSQL.)

`Backends` holds them for the life of a process, with the engine, the session factories and the
clock; it is where a process's units of work open (`unit_of_work()`) and where their outbox flushes
(it is the outbox's `Sinks`). The API's `Services` (graph/context.py) extends it; a worker's
`Runtime` (workers/runtime.py) and the CLI use it as it is. Which functions an in-process job runner
runs is not chosen here: the entry point hands in the runner (learnql/composition.py passes
workers/in_process.py's), so domain/ imports neither graph/ nor workers/, and graph/ never imports
workers/.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import InitVar, dataclass, field
from datetime import datetime
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.clock import utcnow
from domain.infra.broker import Broker, InProcessBroker, RedisBroker
from domain.infra.cache import Cache, MemoryCache, RedisCache
from domain.infra.database import create_engine, session_factory
from domain.infra.health import Dependency, Health
from domain.infra.job_queue import ArqJobQueue, JobQueue
from domain.infra.leaderboard_store import LeaderboardStore, RedisLeaderboardStore, SqlLeaderboardStore
from domain.realtime.dispatch import Realtime
from domain.settings import Settings
from domain.unit_of_work import unit_of_work

InProcessJobs = Callable[["Backends"], JobQueue]
"""Builds the in-process job runner over a process's backends (the embedded default's job queue)."""


def open_cache(settings: Settings) -> Cache:
    if settings.redis_url:
        return RedisCache.from_url(settings.redis_url)
    return MemoryCache(settings.analytics_cache_max_entries)


def open_broker(settings: Settings, redis: Dependency | None = None) -> Broker:
    if settings.redis_url:
        return RedisBroker(settings.redis_url, settings.redis_prefix, redis)
    return InProcessBroker()


def open_leaderboard_store(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], clock: Callable[[], datetime]
) -> LeaderboardStore:
    if settings.redis_url:
        store = RedisLeaderboardStore(settings.redis_url, settings.redis_prefix, clock)
        store.bind(sessions)  # it rebuilds missing boards from the database
        return store
    return SqlLeaderboardStore()


def open_realtime(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    clock: Callable[[], datetime],
    redis: Dependency | None = None,
) -> Realtime:
    """The broker and the leaderboard store; `redis` hears of Redis failures (domain/infra/health.py)."""
    store = open_leaderboard_store(settings, sessions, clock)
    return Realtime(settings, sessions, clock, open_broker(settings, redis), store, redis)


def open_job_queue(settings: Settings, in_process: Callable[[], JobQueue] | None) -> JobQueue | None:
    """arq with Redis; else the in-process runner if the process has one. None: requests are not sent
    from this process (its jobs stay QUEUED until a process with a queue sends them again)."""
    if settings.redis_url:
        return ArqJobQueue(settings.redis_url, settings.jobs_queue, settings.redis_prefix)
    return in_process() if in_process is not None else None


@dataclass(kw_only=True)
class Backends:
    """What a process shares between its units of work."""

    settings: Settings
    engine: AsyncEngine
    clock: Callable[[], datetime] = utcnow
    owns_engine: bool = False  # disposed of by `close`
    in_process_jobs: InitVar[InProcessJobs | None] = None
    readers: async_sessionmaker[AsyncSession] = field(init=False)
    writers: async_sessionmaker[AsyncSession] = field(init=False)
    cache: Cache = field(init=False)
    realtime: Realtime = field(init=False)
    jobs: JobQueue | None = field(init=False)
    health: Health = field(default_factory=Health)  # database and Redis as last seen (domain/infra/health.py)

    def __post_init__(self, in_process_jobs: InProcessJobs | None) -> None:
        self.readers = session_factory(self.engine)
        self.writers = session_factory(self.engine, write=True)
        clock: Callable[[], datetime] = lambda: self.clock()  # noqa: E731  (tests swap the clock after start)
        self.cache = open_cache(self.settings)
        self.realtime = open_realtime(self.settings, self.readers, clock, self.health.redis)
        runner = None if in_process_jobs is None else lambda: in_process_jobs(self)
        self.jobs = open_job_queue(self.settings, runner)
        if self.jobs is not None:
            self.jobs.redis = self.health.redis

    @classmethod
    def open(cls, settings: Settings) -> Self:
        """A process's own backends over a new engine (a worker, a CLI command)."""
        return cls(settings=settings, engine=create_engine(settings), owns_engine=True)

    def now(self) -> datetime:
        return self.clock()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with self.readers() as session:
            yield session

    def unit_of_work(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A write session that commits when the block ends (then the outbox flushes) or rolls back."""
        return unit_of_work(self.writers, self)

    async def close(self) -> None:
        """Jobs in flight finish (the in-process runner), then connections close."""
        if self.jobs is not None:
            await self.jobs.close()
        await self.realtime.close()
        await self.cache.close()
        if self.owns_engine:
            await self.engine.dispose()
