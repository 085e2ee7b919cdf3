"""A step run every so often in a task of its own, for as long as a process lives (the game ticker,
the in-process job runner's periodic jobs): started in the app's lifespan, cancelled when it ends. A step that fails is logged
and tried again at the next turn; it never ends the loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable


class Periodic:
    def __init__(
        self,
        name: str,
        step: Callable[[], Awaitable[object]],
        interval: float,
        log: logging.Logger,
        *,
        wait_first: bool,
    ) -> None:
        self.name = name
        self.interval = interval  # seconds; 0 or less: never started
        self._step = step
        self._log = log
        self._wait_first = wait_first  # a sweep that must not run at each start of a restart loop
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None and self.interval > 0:
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        if self._wait_first:
            await asyncio.sleep(self.interval)
        while True:
            try:
                await self._step()
            except asyncio.CancelledError:
                raise
            except Exception:
                self._log.exception("%s failed; retrying at the next turn", self.name)
            await asyncio.sleep(self.interval)
