"""Per-request context: one database session (created on first use), the loaders and the viewer."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from domain.accounts.auth import decode_token
from domain.analytics import invalidation
from domain.clock import utcnow
from domain.errors import Unauthenticated
from domain.infra.budget import BudgetStore, create_budget
from domain.infra.cache import Cache, create_cache
from domain.infra.database import session_factory
from domain.infra.job_queue import Enqueue, JobQueue
from domain.jobs import records as jobs
from domain.models import User
from domain.realtime import events
from domain.realtime.dispatch import Realtime
from domain.settings import Settings
from graph.persisted_queries import MemoryQueryStore, QueryStore
from graph.realtime.live import LiveBoards
from workers.runtime import api_job_queue

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from graph.loaders import Loaders

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Services:
    """What lives as long as the app: settings, the engine and the clock."""

    settings: Settings
    engine: AsyncEngine
    clock: Callable[[], datetime] = utcnow
    queries: QueryStore = field(default_factory=MemoryQueryStore)
    readers: Any = field(init=False)
    writers: Any = field(init=False)
    cache: Cache = field(init=False)  # analytics cache: Redis with LEARNQL_REDIS_URL, else in-process
    realtime: Realtime = field(init=False)  # pub/sub broker and leaderboard store (Redis with LEARNQL_REDIS_URL)
    live: LiveBoards = field(init=False)  # this process's live leaderboards, fed by the broker
    jobs: JobQueue = field(init=False)  # arq with LEARNQL_REDIS_URL, else an in-process runner
    budget: BudgetStore = field(init=False)  # per-client query budgets (graph/budget.py): Redis or in-process

    def __post_init__(self) -> None:
        self.readers = session_factory(self.engine)
        self.writers = session_factory(self.engine, write=True)
        self.cache = create_cache(self.settings)
        clock = lambda: self.clock()  # noqa: E731  (tests swap the clock after start)
        self.realtime = Realtime(self.settings, self.readers, clock)
        self.live = LiveBoards(self.realtime, self.readers, clock, self.settings.leaderboard_update_interval_ms)
        self.jobs = api_job_queue(self)
        self.budget = create_budget(self.settings)


class Context(BaseContext):
    def __init__(
        self,
        services: Services,
        authorization: str | None,
        request_id: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.settings = services.settings
        self.request_id = request_id or uuid.uuid4().hex
        self.write = False  # set for mutations before any resolver runs
        self._authorization = authorization
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        return self.services.clock()

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            factory = self.services.writers if self.write else self.services.readers
            self._session = factory()
        return self._session

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        """The session, for one coroutine at a time: loaders' batches may otherwise overlap."""
        async with self._lock:
            yield self.session

    async def run(self, function: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async with self.db() as session:
            return await function(session, *args, **kwargs)

    async def commit(self) -> None:
        committed: list[events.Event] = []
        requests: list[Enqueue] = []
        stale: set[str] = set()
        async with self._lock:
            if self._session is not None:
                await self._session.commit()
                committed = events.take(self._session)
                requests = jobs.take(self._session)
                stale = invalidation.take(self._session)
        await self.services.cache.bump(stale)  # analytics of the classes and students whose grades changed
        await self.services.realtime.dispatch(committed)  # only now: Redis never runs ahead of the database
        await self.services.jobs.send(requests)  # and workers never look for rows that are not there yet

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def release(self) -> None:
        """End the session and forget loaded rows; long-lived (WebSocket) contexts call it between events."""
        if self._session is not None:
            async with self._lock:
                await self.close()
        self.__dict__.pop("loaders", None)

    def authenticate(self, authorization: str | None) -> None:
        """Use these credentials from now on (a WebSocket's connection_init payload)."""
        self._authorization = authorization
        self.__dict__.pop("viewer_id", None)

    @cached_property
    def loaders(self) -> Loaders:
        from graph.loaders import Loaders

        return Loaders(self)

    @cached_property
    def viewer_id(self) -> int | None:
        """The user the bearer token speaks for; a bad or expired token is an error, not anonymity."""
        header = (self._authorization or "").strip()
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Send the token as `Authorization: Bearer <token>`.")
        return decode_token(self.settings, token.strip(), self.now())

    async def viewer(self) -> User | None:
        viewer_id = self.viewer_id
        if viewer_id is None:
            return None
        user = await self.loaders.user_by_id.load(viewer_id)
        if user is None:
            raise Unauthenticated("The account of this token no longer exists.")
        return user

    async def require_viewer(self) -> User:
        user = await self.viewer()
        if user is None:
            raise Unauthenticated("Log in to do this.")
        return user


def context_of(info: Info[Context, Any]) -> Context:
    return info.context
