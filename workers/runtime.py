"""What job functions share (arq's `ctx["runtime"]`): the process's backends and the AI provider.

A worker process opens its own (`Runtime.open`); the in-process runner of the API runs over the
API's backends (workers/in_process.py), so its events reach the API's own subscribers. Every write
of a job is a unit of work of its own (`unit_of_work()`), committed when its block ends.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.backends import Backends
from domain.infra.job_queue import JobQueue
from domain.settings import Settings
from workers.ai import Provider, create_provider


@dataclass
class Runtime:
    backends: Backends
    provider: Provider
    owned: bool = False  # a worker process's own backends: closed with the runtime

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        """A worker process's own connections (Redis queue, pub/sub and cache when configured)."""
        return cls(Backends.open(settings), create_provider(settings), owned=True)

    @property
    def settings(self) -> Settings:
        return self.backends.settings

    @property
    def jobs(self) -> JobQueue | None:
        return self.backends.jobs

    def now(self) -> datetime:
        return self.backends.now()

    def reading(self) -> AbstractAsyncContextManager[AsyncSession]:
        return self.backends.reading()

    def unit_of_work(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A write transaction: committed when the block ends, then its events, cache scopes and job
        requests are handed on; rolled back when it raises."""
        return self.backends.unit_of_work()

    async def close(self) -> None:
        await self.provider.close()
        if self.owned:
            await self.backends.close()
