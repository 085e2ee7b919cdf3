"""Abandoned games end by themselves: a lobby or a reveal nobody has moved on for `idle` (no host
action, no transition: answers only come in while a question is open, and an open question closes at
its deadline), or any unfinished game older than `max_age`.

The ticker (ticker.py) finds them and ends each in a transaction of its own with the lifecycle's
conditional UPDATEs, so a game expires exactly once however many processes race, and never after a
host's action that moved it on in the meantime (the UPDATE expects the state and question it read).
A lobby is CANCELLED; a game under way is FINISHED like `endGame` (the open question scored, XP
awarded), and its subscribers are told through the outbox like after any transition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.games.lifecycle import _cancel, _close_question, _finish
from domain.games.models import OPEN_STATES, Game, GameState

IDLE_STATES = (GameState.LOBBY.value, GameState.REVEAL.value)


class Expiry(StrEnum):
    IDLE = "idle"
    AGE = "age"


@dataclass(frozen=True)
class ExpiryRule:
    idle: timedelta  # a lobby or a reveal without any action for this long ends
    max_age: timedelta  # any unfinished game this old ends

    def reason(self, game: Game, now: datetime) -> Expiry | None:
        """Why the game should end now, or None while it is alive."""
        if game.state not in {state.value for state in OPEN_STATES}:
            return None
        if game.created_at <= now - self.max_age:
            return Expiry.AGE
        last = game.last_action_at or game.created_at
        if game.state in IDLE_STATES and last <= now - self.idle:
            return Expiry.IDLE
        return None


async def expired_games(session: AsyncSession, rule: ExpiryRule, now: datetime, limit: int = 100) -> list[int]:
    """Ids of the open games `rule` ends now, oldest first."""
    rows = await session.execute(
        select(col(Game.id))
        .where(
            or_(
                and_(col(Game.state).in_(IDLE_STATES), col(Game.last_action_at) <= now - rule.idle),
                and_(col(Game.state).in_([s.value for s in OPEN_STATES]), col(Game.created_at) <= now - rule.max_age),
            )
        )
        .order_by(col(Game.id))
        .limit(limit)
    )
    return [game_id or 0 for game_id in rows.scalars()]


async def expire(session: AsyncSession, game_id: int, rule: ExpiryRule, now: datetime) -> Expiry | None:
    """End the game if `rule` says so; the reason when this caller ended it, None otherwise."""
    game = await session.get(Game, game_id, populate_existing=True)
    if game is None:
        return None
    reason = rule.reason(game, now)
    if reason is None:
        return None
    if game.state == GameState.LOBBY.value:
        return reason if await _cancel(session, game, now) else None
    if game.state == GameState.QUESTION.value and not await _close_question(session, game, now):
        return None
    return reason if await _finish(session, game, GameState.REVEAL, now) else None
