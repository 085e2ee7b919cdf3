"""Live games of one API process: one coalescing feed per watched game, shared by its subscribers.

A feed listens to the game's broker channel (`game:<id>`, fed by every process's commits). A change
marks it dirty; a dirty feed re-reads the game (domain/games/views.py: a handful of queries however
many players) at once if it has been quiet for the update interval, else when the interval is over,
so 1,000 answers in a second cost about ten reads and the last read shows the final state. Answer
and presence changes only concern the host (live counts, who is connected): players are offered a
new snapshot only when the state or the roster moved. A watcher keeps just the newest snapshot it has not taken: a slow client skips
states, and never delays the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.games.views import GameView, load_view, with_new_answers
from domain.infra.broker import Gap
from domain.realtime.dispatch import Realtime, game_channel
from domain.realtime.events import HOST_ONLY_CHANGES, GameChange

log = logging.getLogger("learnql.games")


class GameWatch:
    """One subscriber of a game; `host` watchers also get answer-count updates."""

    __slots__ = ("_closed", "_latest", "_waiter", "game_id", "host", "skipped")

    def __init__(self, game_id: int, host: bool) -> None:
        self.game_id = game_id
        self.host = host
        self.skipped = 0
        self._latest: GameView | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False

    def offer(self, view: GameView) -> None:
        if self._latest is not None:
            self.skipped += 1
        self._latest = view
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def close(self) -> None:
        self._closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def __aiter__(self) -> GameWatch:
        return self

    async def __anext__(self) -> GameView:
        while self._latest is None:
            if self._closed:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        view, self._latest = self._latest, None
        return view


class GameFeed:
    def __init__(self, hub: GameFeeds, game_id: int) -> None:
        self.hub = hub
        self.game_id = game_id
        self.watches: set[GameWatch] = set()
        self.snapshot: GameView | None = None
        self.reads = 0
        self.light_reads = 0  # of which: only new answers read (with_new_answers)
        self._dirty = asyncio.Event()
        self._everyone = True  # the pending change concerns players too (not only answer counts)
        self._answers_only = False  # every pending change is a new answer: the roster and scores are as read
        self._fresh: set[GameWatch] = set()  # new watchers: they wait for a read that started after they came
        self._listening = asyncio.Event()
        self._listener = asyncio.create_task(self._listen(), name=f"learnql-game-{game_id}-listen")
        self._task = asyncio.create_task(self._run(), name=f"learnql-game-{game_id}")

    def mark_dirty(self, everyone: bool, *, answers_only: bool = False) -> None:
        self._answers_only = (self._answers_only or not self._dirty.is_set()) and answers_only
        self._everyone = self._everyone or everyone
        self._dirty.set()

    def add(self, watch: GameWatch) -> None:
        """A new watcher gets a read of its own first, not the cached snapshot: a player reconnecting
        right after answering must see their answer (its event may still be on its way)."""
        self.watches.add(watch)
        self._fresh.add(watch)
        self._answers_only = False
        self._dirty.set()

    async def ready(self) -> None:
        await self._listening.wait()

    async def close(self) -> None:
        for task in (self._task, self._listener):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for watch in self.watches:
            watch.close()

    async def _listen(self) -> None:
        broker = self.hub.realtime.broker
        while True:
            try:
                async with broker.subscribe(game_channel(self.game_id), maxsize=1024) as messages:
                    self._listening.set()
                    self.mark_dirty(everyone=True)  # whatever happened before we listened
                    async for message in messages:
                        if isinstance(message, Gap) or messages.dropped:
                            messages.dropped = 0
                            self.mark_dirty(everyone=True)
                        else:
                            change = message.get("change")
                            self.mark_dirty(change not in HOST_ONLY_CHANGES, answers_only=change == GameChange.ANSWERS)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("listening to game %s failed; retrying", self.game_id)
                await asyncio.sleep(1.0)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            everyone, self._everyone = self._everyone, False
            answers_only, self._answers_only = self._answers_only, False
            fresh, self._fresh = self._fresh, set()
            started = loop.time()
            try:
                view = await self._read(answers_only)
            except Exception:
                log.exception("reading game %s failed; retrying", self.game_id)
                self.mark_dirty(everyone)
                self._fresh |= fresh
                await asyncio.sleep(1.0)
                continue
            self.reads += 1
            if view is not None:
                self.snapshot = view
                for watch in list(self.watches):
                    if everyone or watch.host or watch in fresh:
                        watch.offer(view)
            await asyncio.sleep(max(0.0, self.hub.interval - (loop.time() - started)))

    async def _read(self, answers_only: bool) -> GameView | None:
        """The game now: only its new answers added to the last read when nothing else changed."""
        async with self.hub.sessions() as session:
            if answers_only and self.snapshot is not None:
                view = await with_new_answers(session, self.snapshot, self.hub.clock())
                if view is not None:
                    self.light_reads += 1
                    return view
            return await load_view(session, self.game_id, self.hub.clock())


class GameFeeds:
    """The process's game feeds, created while watched and closed when the last watcher leaves."""

    def __init__(
        self,
        realtime: Realtime,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        interval_ms: int,
    ) -> None:
        self.realtime = realtime
        self.sessions = sessions
        self.clock = clock
        self.interval = interval_ms / 1000
        self.feeds: dict[int, GameFeed] = {}
        self._closed = False

    async def watch(self, game_id: int, *, host: bool) -> GameWatch:
        """Snapshots of the game for one subscriber, the current one first; pair with `unwatch`."""
        if self._closed:
            raise RuntimeError("the server is shutting down")
        feed = self.feeds.get(game_id)
        if feed is None:
            feed = self.feeds[game_id] = GameFeed(self, game_id)
        watch = GameWatch(game_id, host)
        feed.add(watch)
        await feed.ready()
        return watch

    async def unwatch(self, watch: GameWatch) -> None:
        watch.close()
        feed = self.feeds.get(watch.game_id)
        if feed is not None:
            feed.watches.discard(watch)
            if not feed.watches:
                del self.feeds[watch.game_id]
                await feed.close()

    async def close(self) -> None:
        self._closed = True
        feeds, self.feeds = list(self.feeds.values()), {}
        for feed in feeds:
            await feed.close()
