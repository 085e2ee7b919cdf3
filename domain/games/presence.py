"""Who of a game's players is connected: a count of their open `gameUpdated` streams on every API
process, kept in the player's row so that the host sees the same on every process.

A stream adds one when it starts and takes one away when it ends (the socket closed, the client
stopped it, the game ended), each in a transaction of its own; the host's feed is told when a
player's count crosses zero. A reconnect is just a new stream. Known limit: a process that dies
without ending its streams leaves its players counted until they reconnect and leave again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from domain import outbox
from domain.games.models import GamePlayer
from domain.realtime.events import GameChange, GameChanged
from domain.unit_of_work import unit_of_work

log = logging.getLogger("learnql.games")


async def shift(session: AsyncSession, player_id: int, delta: int) -> int | None:
    """Add `delta` (+1 or -1) to the player's open streams, never below zero; the new count (None: no
    such player). The host hears of it when the player comes or goes."""
    count = col(GamePlayer.connections) + delta
    row = (
        await session.execute(
            update(GamePlayer)
            .where(col(GamePlayer.id) == player_id)
            .values(connections=case((count < 0, 0), else_=count))
            .returning(col(GamePlayer.game_id), col(GamePlayer.connections))
            .execution_options(synchronize_session=False)
        )
    ).one_or_none()
    if row is None:
        return None
    game_id, connections = row
    if (delta > 0 and connections == 1) or (delta < 0 and connections == 0):
        outbox.record(session, GameChanged(game_id, GameChange.PRESENCE))
    return int(connections)


async def _shift_alone(
    writers: async_sessionmaker[AsyncSession], sinks: outbox.Sinks, player_id: int, delta: int
) -> None:
    async with unit_of_work(writers, sinks) as session:
        await shift(session, player_id, delta)


@asynccontextmanager
async def connected(
    writers: async_sessionmaker[AsyncSession], sinks: outbox.Sinks, player_id: int
) -> AsyncIterator[None]:
    """The player counts as connected while the block runs (one stream)."""
    await _shift_alone(writers, sinks, player_id, +1)
    try:
        yield
    finally:
        # The stream usually ends by cancellation (the socket closed): the shielded write still runs.
        try:
            await asyncio.shield(_shift_alone(writers, sinks, player_id, -1))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("marking player %s disconnected failed", player_id)
