"""Live leaderboards of one API process: one coalescing board per watched scope, shared by its watchers.

Every process listens to the `xp` channel once. An award marks the boards it touches dirty; a dirty
board recomputes at once if it has been quiet for the update interval, else when the interval is
over (leading and trailing edge), so a burst of 1,000 awards in a second costs about ten
recomputations and the last one always shows the final state. One recomputation reads the store
once for all watchers of the board, whatever their number.

A watcher holds only the newest snapshot it has not taken yet: a slow subscriber skips states
instead of queueing them, and never delays the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.content import catalog
from domain.infra import metrics
from domain.infra.broker import Gap
from domain.models import User
from domain.realtime import events, leaderboards
from domain.realtime.dispatch import XP_CHANNEL, Realtime
from domain.realtime.leaderboards import Board, Scope, ScopeKind, Standing

log = logging.getLogger("learnql.live")


@dataclass(eq=False)
class Snapshot:
    """A board as computed once for all its watchers, with the users it names."""

    board: Board
    first: int  # the longest board any watcher asked for
    viewers: dict[int, Standing | None]
    users: dict[int, User]
    views: dict[Any, Any] = field(default_factory=dict)  # what consumers derived from it, computed once

    def state(self, first: int, viewer_id: int | None) -> tuple[Any, ...]:
        """What one watcher sees: it is sent an update only when this changes."""
        key = ("state", first, viewer_id)
        found = self.views.get(key)
        if found is None:
            entries = tuple((s.user_id, s.xp) for s in self.board.entries[:first])
            viewer = self.viewers.get(viewer_id) if viewer_id is not None else None
            found = self.views[key] = (self.board.scope, entries, viewer)
        return found


class Watch:
    """One subscriber of a board: only the newest snapshot not yet taken is kept."""

    __slots__ = ("_closed", "_latest", "_state", "_waiter", "first", "scope", "skipped", "viewer_id")

    def __init__(self, scope: Scope, first: int, viewer_id: int | None) -> None:
        self.scope = scope
        self.first = first
        self.viewer_id = viewer_id
        self.skipped = 0
        self._latest: Snapshot | None = None
        self._state: tuple[Any, ...] | None = None
        self._waiter: asyncio.Future[None] | None = None  # created only while the subscriber waits
        self._closed = False

    def offer(self, snapshot: Snapshot) -> None:
        state = snapshot.state(self.first, self.viewer_id)
        if state == self._state:
            return
        if self._latest is not None:
            self.skipped += 1
            metrics.LEADERBOARD_SKIPPED.inc()
        self._state = state
        self._latest = snapshot
        self._wake()

    def close(self) -> None:
        self._closed = True
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def __aiter__(self) -> Watch:
        return self

    async def __anext__(self) -> Snapshot:
        while self._latest is None:
            if self._closed:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        snapshot, self._latest = self._latest, None
        return snapshot


class LiveBoard:
    def __init__(self, hub: LiveBoards, scope: Scope) -> None:
        self.hub = hub
        self.scope = scope
        self.watches: set[Watch] = set()
        self.members: frozenset[int] | None = None  # CLASS boards: who counts, as of the last computation
        self.snapshot: Snapshot | None = None
        self.updates = 0
        self._dirty = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=f"learnql-board-{scope.kind}-{scope.key}")

    def mark_dirty(self) -> None:
        self._dirty.set()

    def add(self, watch: Watch) -> None:
        self.watches.add(watch)
        snapshot = self.snapshot
        if (
            snapshot is not None
            and snapshot.first >= watch.first
            and (watch.viewer_id is None or watch.viewer_id in snapshot.viewers)
        ):
            watch.offer(snapshot)  # the current state at once
        else:
            self.mark_dirty()

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        for watch in self.watches:
            watch.close()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            started = loop.time()
            try:
                snapshot = await self._compute()
            except Exception:
                log.exception("computing the %s leaderboard failed; retrying", self.scope.kind)
                self._dirty.set()
                await asyncio.sleep(1.0)
                continue
            self.snapshot = snapshot
            self.updates += 1
            for watch in list(self.watches):
                watch.offer(snapshot)
            await asyncio.sleep(max(0.0, self.hub.interval - (loop.time() - started)))

    async def _compute(self) -> Snapshot:
        hub = self.hub
        scope = self.scope.resolve(hub.clock())
        first = max((watch.first for watch in self.watches), default=1)
        viewer_ids = sorted({watch.viewer_id for watch in self.watches if watch.viewer_id is not None})
        async with hub.sessions() as session:
            if scope.kind == ScopeKind.CLASS:
                self.members = await leaderboards.class_members(session, scope.id)
            entries = await hub.realtime.store.top(session, scope, first)
            on_board = {entry.user_id: entry for entry in entries}
            missing = [user_id for user_id in viewer_ids if user_id not in on_board]
            found = await hub.realtime.store.standings(session, scope, missing) if missing else {}
            viewers = {user_id: on_board.get(user_id) or found.get(user_id) for user_id in viewer_ids}
            user_ids = {entry.user_id for entry in entries} | {s.user_id for s in found.values()}
            users = await catalog.users_by_id(session, sorted(user_ids))
        return Snapshot(Board(scope, entries, None, hub.clock()), first, viewers, users)


class LiveBoards:
    """The process's live boards, created while watched and closed when the last watcher leaves."""

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
        self.boards: dict[Scope, LiveBoard] = {}
        self._listener: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._closed = False

    async def watch(self, scope: Scope, first: int, viewer_id: int | None) -> Watch:
        """Snapshots of `scope` for one subscriber: the current one first, then every change it can see.

        Pair with `unwatch` (in a `finally`)."""
        if self._closed:
            raise RuntimeError("the server is shutting down")
        await self._listen()
        watch = Watch(scope, first, viewer_id)
        board = self.boards.get(scope)
        if board is None:
            board = self.boards[scope] = LiveBoard(self, scope)
        board.add(watch)
        return watch

    async def unwatch(self, watch: Watch) -> None:
        watch.close()
        board = self.boards.get(watch.scope)
        if board is not None:
            board.watches.discard(watch)
            if not board.watches:
                del self.boards[watch.scope]
                await board.close()

    async def _listen(self) -> None:
        if self._listener is None or self._listener.done():
            self._listening.clear()
            self._listener = asyncio.create_task(self._read(), name="learnql-live-boards")
        await self._listening.wait()

    async def _read(self) -> None:
        broker = self.realtime.broker
        queue_size = max(1024, self.realtime.settings.subscription_queue_size)
        while not self._closed:
            try:
                async with broker.subscribe(XP_CHANNEL, maxsize=queue_size) as messages:
                    self._listening.set()
                    async for message in messages:
                        if isinstance(message, Gap) or messages.dropped:
                            messages.dropped = 0
                            for board in self.boards.values():
                                board.mark_dirty()
                        if not isinstance(message, Gap):
                            self._on_awards(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("listening for XP awards failed; retrying")
                await asyncio.sleep(1.0)

    def _on_awards(self, message: dict[str, Any]) -> None:
        awards = [events.decode_xp(item) for item in message.get("awards", [])]
        now = self.clock()
        for board in self.boards.values():
            if any(leaderboards.touches(award, board.scope, now, board.members) for award in awards):
                board.mark_dirty()

    async def close(self) -> None:
        """Ends every watch (their subscriptions complete) and stops listening."""
        self._closed = True
        boards, self.boards = list(self.boards.values()), {}
        for board in boards:
            await board.close()
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
