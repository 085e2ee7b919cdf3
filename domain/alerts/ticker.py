"""The alerts sweep in the API process, for the embedded default (no arq worker to run its cron job).

Started in the app's lifespan when jobs run in-process: every LEARNQL_ALERTS_SWEEP_MINUTES it runs
`runs.sweep`, the same function arq's cron job runs (workers/settings.py). Two processes sweeping at
once do no harm: an open episode is never opened twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain import outbox
from domain.alerts import runs
from domain.infra.periodic import Periodic

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
        # not at start-up: a restart loop must not sweep each time
        self._periodic = Periodic("learnql-alerts-sweep", self.sweep, interval_minutes * 60.0, log, wait_first=True)

    def start(self) -> None:
        self._periodic.start()

    async def close(self) -> None:
        await self._periodic.close()

    async def sweep(self) -> int:
        return len(await runs.sweep(self._readers, self._writers, self._sinks, self._clock()))
