"""The real-time side of a process: its pub/sub broker, its leaderboard store, and the dispatch of
committed events to both.

The outbox (domain/outbox.py) passes the events of a committed unit of work to `Realtime.dispatch`:
awards are counted into the leaderboard store first and announced afterwards, so a subscriber that
recomputes a board on the announcement sees them. Dispatch failures are logged, never raised: the
transaction has committed, and the database stays the source of truth (`learnql rebuild-leaderboards`).
A Redis outage is logged once by the `redis` Dependency (domain/infra/health.py), not once per commit.

Channels (namespaced by `LEARNQL_REDIS_PREFIX` on Redis):
- `xp`: `{"awards": [...]}` for every commit that awarded XP;
- `submissions:<user id>`: `{"user", "submission"}` when one of the user's submissions is graded;
- `job:<job id>`: `{"job", "user", "status", "progress", "at", "error"}` as a job moves on;
- `tutor:<thread id>`: `{"thread", "message", "text", "status", "done", "usage"}` as a reply is written
  (the reply job publishes its deltas here directly, coalesced; final states go through commits);
- `tutor-stop:<message id>`: the same event once more when a reply is stopped (CANCELLED), for the
  job writing it, which listens there rather than reading the row while it streams (workers/tutor.py).
- `game:<game id>`: `{"game", "change"}` as a live game moves on (graph/games/feeds.py coalesces).
- `alerts:<user id>`: `{"alert", "class", "staff", "kind"}` when an alert opens in a class the user
  teaches (domain/alerts/).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.infra.broker import Broker
from domain.infra.health import Dependency
from domain.infra.leaderboard_store import LeaderboardStore
from domain.infra.transient import classify
from domain.models import TutorMessageStatus
from domain.realtime import events
from domain.realtime.events import AlertRaised, Event, GameChanged, JobProgress, SubmissionGraded, TutorReply, XpAwarded
from domain.realtime.leaderboards import Board, Scope
from domain.settings import Settings

log = logging.getLogger("learnql.realtime")

XP_CHANNEL = "xp"


def submissions_channel(user_id: int) -> str:
    return f"submissions:{user_id}"


def job_channel(job_id: int) -> str:
    return f"job:{job_id}"


def tutor_channel(thread_id: int) -> str:
    return f"tutor:{thread_id}"


def tutor_stop_channel(message_id: int) -> str:
    return f"tutor-stop:{message_id}"


def game_channel(game_id: int) -> str:
    return f"game:{game_id}"


def alerts_channel(staff_id: int) -> str:
    return f"alerts:{staff_id}"


class Realtime:
    """The broker and the leaderboard store of a process (chosen in domain/backends.py)."""

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        broker: Broker,
        store: LeaderboardStore,
        redis: Dependency | None = None,
    ) -> None:
        self.settings = settings
        self._sessions = sessions
        self._clock = clock
        self.redis = redis or Dependency("redis")
        self.broker = broker
        self.store = store

    async def start(self) -> None:
        """Connect and rebuild missing leaderboards; optional, as everything also starts on first use."""
        await self.broker.start()
        await self.store.start(self._sessions, self._clock())

    async def close(self) -> None:
        await self.broker.close()
        await self.store.close()

    async def dispatch(self, committed: Sequence[Event]) -> None:
        """Update the stores and notify subscribers of events whose transaction has committed."""
        if not committed:
            return
        try:
            awards = [item for item in committed if isinstance(item, XpAwarded)]
            if awards:
                await self.store.apply(awards)
                await self.broker.publish(XP_CHANNEL, {"awards": [events.encode(award) for award in awards]})
            for item in committed:
                if isinstance(item, SubmissionGraded):
                    await self.broker.publish(submissions_channel(item.user_id), events.encode(item))
                elif isinstance(item, JobProgress):
                    await self.broker.publish(job_channel(item.job_id), events.encode(item))
                elif isinstance(item, TutorReply):
                    await self.broker.publish(tutor_channel(item.thread_id), events.encode(item))
                    if item.status == TutorMessageStatus.CANCELLED.value:
                        await self.broker.publish(tutor_stop_channel(item.message_id), events.encode(item))
                elif isinstance(item, GameChanged):
                    await self.broker.publish(game_channel(item.game_id), events.encode(item))
                elif isinstance(item, AlertRaised):
                    await self.broker.publish(alerts_channel(item.staff_id), events.encode(item))
        except Exception as error:
            transient = classify(error)
            if transient is not None and transient.dependency == "redis":
                self.redis.failed(error)
            else:
                log.exception("dispatching %d committed events failed", len(committed))
        else:
            if self.settings.redis_url:
                self.redis.succeeded()

    async def forget(self, user_ids: Collection[int]) -> None:
        """Drop deleted users from the leaderboard store; raised errors are the outbox's to log."""
        await self.store.forget(user_ids)

    async def board(self, session: AsyncSession, scope: Scope, n: int, viewer_id: int | None) -> Board:
        """The first `n` standings of a resolved scope and the viewer's own."""
        entries = await self.store.top(session, scope, n)
        viewer = None
        if viewer_id is not None:
            viewer = next((entry for entry in entries if entry.user_id == viewer_id), None)
            if viewer is None:
                viewer = (await self.store.standings(session, scope, [viewer_id])).get(viewer_id)
        return Board(scope, entries, viewer, self._clock())
