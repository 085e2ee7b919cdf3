"""What job functions share (arq's `ctx["runtime"]`): settings, sessions, the AI provider, and the
after-commit hand-off to subscribers, the analytics cache and the job queue.

A worker process opens its own (`Runtime.open`); the in-process runner of the API uses the API's
engine, broker and cache (`Runtime.embedded`), so its events reach the API's own subscribers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.analytics import invalidation
from domain.clock import utcnow
from domain.infra.cache import Cache, create_cache
from domain.infra.database import create_engine, session_factory
from domain.infra.job_queue import ArqJobQueue, JobQueue, Lane, create_job_queue
from domain.jobs import records as jobs
from domain.realtime import events
from domain.realtime.dispatch import Realtime
from domain.settings import Settings
from workers.ai import Provider, create_provider


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    realtime: Realtime
    cache: Cache
    provider: Provider
    queue: JobQueue | None = None
    clock: Callable[[], datetime] = utcnow
    owned: bool = False  # opened by a worker process: close everything on shutdown
    readers: async_sessionmaker[AsyncSession] = field(init=False)
    writers: async_sessionmaker[AsyncSession] = field(init=False)

    def __post_init__(self) -> None:
        self.readers = session_factory(self.engine)
        self.writers = session_factory(self.engine, write=True)

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        """A worker process's own connections (Redis pub/sub and cache when configured)."""
        engine = create_engine(settings)
        realtime = Realtime(settings, session_factory(engine), utcnow)
        queue = (
            ArqJobQueue(settings.redis_url, settings.jobs_queue, settings.redis_prefix, job_lanes(settings))
            if settings.redis_url
            else None
        )
        return cls(settings, engine, realtime, create_cache(settings), create_provider(settings), queue, owned=True)

    @classmethod
    def embedded(cls, services: Any) -> Runtime:
        """Inside the API process (graph.context.Services): its engine, broker, cache, clock and queue."""
        clock: Callable[[], datetime] = lambda: services.clock()  # noqa: E731  (tests swap the clock)
        settings: Settings = services.settings
        provider = create_provider(settings)
        return cls(settings, services.engine, services.realtime, services.cache, provider, services.jobs, clock)

    def now(self) -> datetime:
        return self.clock()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        async with self.readers() as session:
            yield session

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncSession]:
        """A write transaction; `commit` it, or it is rolled back."""
        async with self.writers() as session:
            yield session

    async def commit(self, session: AsyncSession) -> None:
        """Commit, then hand the committed events, stale analytics and queued jobs on."""
        await session.commit()
        await self.realtime.dispatch(events.take(session))
        await invalidation.flush(session, self.cache)
        requests = jobs.take(session)
        if requests and self.queue is not None:
            await self.queue.send(requests)

    async def close(self) -> None:
        await self.provider.close()
        if self.owned:
            if self.queue is not None:
                await self.queue.close()
            await self.realtime.close()
            await self.cache.close()
            await self.engine.dispose()


def api_job_queue(services: Any) -> JobQueue:
    """The API process's queue: arq with LEARNQL_REDIS_URL, else the in-process runner, which runs
    the same job functions with a Runtime over the API's own engine, broker and cache."""
    from workers.jobs import FUNCTIONS

    settings: Settings = services.settings
    embedded: list[Runtime] = []

    async def context() -> dict[str, Any]:
        if not embedded:
            embedded.append(Runtime.embedded(services))
        return {"runtime": embedded[0]}

    async def closed() -> None:
        for runtime in embedded:
            await runtime.close()

    return create_job_queue(
        settings.redis_url,
        settings.jobs_queue,
        FUNCTIONS,
        context,
        key_prefix=settings.redis_prefix,
        max_tries=settings.job_max_tries,
        on_close=closed,
        autostart=settings.jobs_autostart,
        lanes=job_lanes(settings),
    )


def job_lanes(settings: Settings) -> dict[str, Lane]:
    """Tutor replies stream for seconds while mostly waiting for the provider: a lane of their own."""
    return {"tutor_reply": Lane(settings.tutor_queue, settings.tutor_concurrency)}
