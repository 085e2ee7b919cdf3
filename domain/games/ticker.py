"""The server's clock for live games: closes questions whose deadline has passed, in every API process.

Each process runs one ticker task (started in the app's lifespan). Every tick it reads the due open
questions and closes each in a transaction of its own through `lifecycle.close_due`, whose
conditional UPDATE lets exactly one closer win however many processes (and hosts) race for it. No
process owns a game, so when one crashes the others close its games' questions on their next tick:
the lease is the row itself.

At most every `EXPIRY_INTERVAL` seconds a tick also ends abandoned games (expiry.py), each in a
transaction of its own, exactly once for the same reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain import outbox
from domain.games import expiry, lifecycle
from domain.infra import metrics
from domain.infra.periodic import Periodic
from domain.unit_of_work import unit_of_work

log = logging.getLogger("learnql.games")

EXPIRY_INTERVAL = 5.0  # seconds between idle-game scans: expiry is counted in minutes


class GameTicker:
    def __init__(
        self,
        readers: async_sessionmaker[AsyncSession],
        writers: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        sinks: outbox.Sinks,
        interval_ms: int,
        expiry_rule: expiry.ExpiryRule | None = None,
    ) -> None:
        self._readers = readers
        self._writers = writers
        self._clock = clock
        self._sinks = sinks
        self.interval = interval_ms / 1000
        self.closed = 0  # questions this process closed: what tests and metrics count
        self.expired = 0  # games this process ended as abandoned
        self._expiry_rule = expiry_rule
        self._next_expiry = 0.0
        self._periodic = Periodic("learnql-game-ticker", self._step, self.interval, log, wait_first=False)

    def start(self) -> None:
        self._periodic.start()

    async def close(self) -> None:
        await self._periodic.close()

    async def _step(self) -> None:
        await self.tick()
        loop_time = asyncio.get_running_loop().time()
        if self._expiry_rule is not None and loop_time >= self._next_expiry:
            self._next_expiry = loop_time + EXPIRY_INTERVAL
            await self.expire()

    async def tick(self) -> int:
        """Close every due question once; returns how many this call closed."""
        now = self._clock()
        async with self._readers() as session:
            due = await lifecycle.due_questions(session, now)
        closed = 0
        for game_id, index in due:
            if await self.close_one(game_id, index, now):
                closed += 1
        return closed

    async def close_one(self, game_id: int, index: int, now: datetime) -> bool:
        async with unit_of_work(self._writers, self._sinks) as session:
            won = await lifecycle.close_due(session, game_id, index, now)
        if won:
            self.closed += 1
        return won

    async def expire(self) -> int:
        """End every abandoned game once; returns how many this call ended."""
        rule = self._expiry_rule
        if rule is None:
            return 0
        now = self._clock()
        async with self._readers() as session:
            found = await expiry.expired_games(session, rule, now)
        ended = 0
        for game_id in found:
            async with unit_of_work(self._writers, self._sinks) as session:
                reason = await expiry.expire(session, game_id, rule, now)
            if reason is not None:
                ended += 1
                metrics.GAMES_EXPIRED.labels(reason.value).inc()
                log.info("game %s ended as abandoned (%s)", game_id, reason.value)
        self.expired += ended
        return ended
