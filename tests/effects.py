"""The outbox in tests (domain/outbox.py): what a session's committed transactions left in it, by
kind (`committed` takes every committed effect, as a boundary would, and returns those of one kind),
and sinks that note in one log when a flush reaches each backend."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from domain import outbox
from domain.infra.cache import MemoryCache
from domain.infra.job_queue import Enqueue, InProcessJobQueue
from domain.realtime.events import Event

T = TypeVar("T")


def committed(session: AsyncSession, kind: type[T] | tuple[type[T], ...]) -> list[T]:
    return [effect for effect in outbox.take(session) if isinstance(effect, kind)]


def stale_scopes(session: AsyncSession) -> set[str]:
    return {scope for stale in committed(session, outbox.Stale) for scope in stale.scopes}


@dataclass
class Sinks:
    """A real memory cache and in-process job queue, and an event sink, each noting in one shared log
    when a flush reaches it."""

    log: list[tuple[str, Any]] = field(default_factory=list)
    cache: MemoryCache = field(init=False)
    realtime: Dispatch = field(init=False)
    jobs: InProcessJobQueue = field(init=False)

    def __post_init__(self) -> None:
        self.cache = LoggedCache(self.log)
        self.realtime = Dispatch(self.log)
        self.jobs = LoggedQueue(self.log)


class LoggedCache(MemoryCache):
    def __init__(self, log: list[tuple[str, Any]]) -> None:
        super().__init__()
        self.log = log

    async def bump(self, scopes: Collection[str]) -> None:
        self.log.append(("cache", set(scopes)))
        await super().bump(scopes)


class Dispatch:
    def __init__(self, log: list[tuple[str, Any]]) -> None:
        self.log = log

    async def dispatch(self, committed: Sequence[Event]) -> None:
        self.log.append(("events", list(committed)))

    async def forget(self, user_ids: Collection[int]) -> None:
        self.log.append(("forgotten", set(user_ids)))


class LoggedQueue(InProcessJobQueue):
    def __init__(self, log: list[tuple[str, Any]]) -> None:
        async def context() -> dict[str, Any]:
            return {}

        async def nothing(ctx: dict[str, Any], job_id: int) -> None:
            return None

        super().__init__({"evaluation_run": nothing, "generation_run": nothing}, context, autostart=False)
        self.log = log

    async def enqueue(self, request: Enqueue) -> bool:
        self.log.append(("jobs", request))
        return await super().enqueue(request)
