"""The alerts sweep in the API process, for the embedded default (no arq worker to run its cron job).

Started in the app's lifespan when jobs run in-process: every LEARNQL_ALERTS_SWEEP_MINUTES it runs
`runs.sweep`, the same function arq's cron job runs (workers/settings.py). Two processes sweeping at
once do no harm: an open episode is never opened twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain import outbox
from domain.alerts import runs

log = logging.getLogger("learnql.alerts")


class AlertSweeper:
    def __init__(
        self,
        readers: async_sessionmaker[AsyncSession],
        writers: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        sinks: outbox.Sinks,
        interval_minutes: int,
    ) -> None:
        self._readers, self._writers, self._clock, self._sinks = readers, writers, clock, sinks
        self.interval = interval_minutes * 60.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None and self.interval > 0:
            self._task = asyncio.create_task(self._run(), name="learnql-alert-sweeper")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)  # not at start-up: a restart loop must not sweep each time
            try:
                await runs.sweep(self._readers, self._writers, self._sinks, self._clock())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the alerts sweep failed; trying again next time")
