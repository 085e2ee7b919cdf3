"""Per-request context: one database session (created on first use), the loaders and the viewer.

A mutation's session is its unit of work: graph/transactions.py commits it once the mutation fields
have run (and the outbox flushes), or rolls it back; nothing else commits it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from domain.accounts.auth import decode_token
from domain.backends import Backends, InProcessJobs
from domain.errors import Unauthenticated
from domain.models import Role, User
from domain.unit_of_work import complete
from graph.persisted_queries import MemoryQueryStore, QueryStore
from graph.realtime.live import LiveBoards

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from datetime import datetime

    from graph.loaders import Loaders

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(kw_only=True)
class Services(Backends):
    """What lives as long as the API process: its backends (domain/backends.py; the composition root,
    learnql/composition.py, makes them), the persisted queries and this process's live leaderboards."""

    queries: QueryStore = field(default_factory=MemoryQueryStore)
    live: LiveBoards = field(init=False)  # this process's live leaderboards, fed by the broker

    def __post_init__(self, in_process_jobs: InProcessJobs | None) -> None:
        super().__post_init__(in_process_jobs)
        clock = lambda: self.clock()  # noqa: E731  (tests swap the clock after start)
        self.live = LiveBoards(self.realtime, self.readers, clock, self.settings.leaderboard_update_interval_ms)


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
        self.writes_kept = False  # a mutation field succeeded: its writes commit with the operation...
        self.writes_failed = False  # ...unless one raised: then nothing of the operation is written
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

    async def end_unit_of_work(self) -> None:
        """Commit a mutation's writes and flush the outbox when a mutation field kept them and none
        raised, else roll them back; the session ends either way. Only graph/transactions.py calls it,
        once per operation, after every resolver has run."""
        async with self._lock:
            session, self._session = self._session, None
            if session is None:
                return
            try:
                if self.writes_kept and not self.writes_failed:
                    await complete(session, self.services)
            finally:
                await session.close()  # rolls back what was not committed
        self.forget_loaded()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def release(self) -> None:
        """End the session and forget loaded rows: long-lived (WebSocket) contexts call it between
        events, a mutation before slow work that needs no transaction (reading an upload). Inside a
        SAVEPOINT (one of several mutation fields) the session holds the other fields' writes: it stays."""
        if self._session is not None:
            async with self._lock:
                if self._session is not None and self._session.in_nested_transaction():
                    return
                await self.close()
        self.forget_loaded()

    def forget_loaded(self) -> None:
        """New loaders: rows load afresh (after a release, or a rolled-back savepoint expired some)."""
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

    async def is_staff(self) -> bool:
        user = await self.viewer()
        return user is not None and user.role in {
            Role.INSTRUCTOR.value,
            Role.ADMIN.value,
        }


def context_of(info: Info[Context, Any]) -> Context:
    return info.context
