"""Where leaderboards are read from: SQL aggregation (the embedded default) or Redis sorted sets.

Both give the same boards (domain/leaderboards.py defines scopes and the ranking rule); the database
stays the source of truth and Redis is a derived index, rebuilt from it by `learnql
rebuild-leaderboards` and on start when missing.

Redis layout (all keys under the configured prefix):
- `lb:all`, `lb:week:<2026-W11>` (expires two weeks after the week ends), `lb:course:<id>`: sorted
  sets of users by XP, kept current by ZINCRBY as awards commit. CLASS boards read their members'
  scores from `lb:all` (ZMSCORE), so joining a class needs no Redis bookkeeping.
- Ties: members are `MEMBER_BASE - user_id` zero-padded to a fixed width. Redis orders equal scores
  by member, and ZREVRANGE / ZREVRANK reverse that order, so equal XP lists the lower user id first:
  exactly the SQL rule, with scores left as plain XP.
- `lb:ready`: set once a rebuild completed. While it is missing (a fresh or flushed Redis) reads fall
  back to SQL and one process rebuilds in the background.

While Redis cannot be reached, reads answer from SQL (counted in
`learnql_leaderboard_sql_fallbacks_total`, one log line per outage) and awards cannot be applied. A
process that failed to apply an award deletes `lb:ready` as soon as Redis answers again, so every
process reads SQL until one has rebuilt the boards: no award committed during the outage is missing
from Redis afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import abstractmethod
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from redis import exceptions as redis_errors
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.infra import metrics
from domain.realtime import leaderboards
from domain.realtime.events import XpAwarded
from domain.realtime.leaderboards import IsoWeek, Scope, ScopeKind, Standing

log = logging.getLogger("learnql.leaderboards")

MEMBER_WIDTH = 15
MEMBER_BASE = 999_999_999_999_999  # 10**MEMBER_WIDTH - 1
WEEK_RETENTION = timedelta(days=14)
_CHUNK = 5000
REDIS_DOWN = (redis_errors.ConnectionError, redis_errors.TimeoutError)


class LeaderboardStore(Protocol):
    """Reads take a session for what only the database knows (class members, the SQL fallback)."""

    @abstractmethod
    async def top(self, session: AsyncSession, scope: Scope, n: int) -> list[Standing]: ...

    @abstractmethod
    async def standings(self, session: AsyncSession, scope: Scope, user_ids: Sequence[int]) -> dict[int, Standing]: ...

    async def apply(self, awards: Sequence[XpAwarded]) -> None:
        """Count committed awards (nothing to do where boards are computed from the database)."""
        return None  # a default for implementations that need none

    async def forget(self, user_ids: Collection[int]) -> None:
        """Drop deleted users from derived boards (nothing to do where boards are computed from the database)."""
        return None  # a default for implementations that need none

    async def start(self, sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
        """Prepare at app start: rebuild derived data that is missing."""
        return None  # a default for implementations that need none

    async def rebuild(self, session: AsyncSession, now: datetime) -> int:
        """Recompute derived data from the database; returns the number of boards written."""
        return 0

    async def close(self) -> None:
        """Release connections."""
        return None  # a default for implementations that need none


class SqlLeaderboardStore(LeaderboardStore):
    """The embedded default: every read is one aggregate SQL statement."""

    async def top(self, session: AsyncSession, scope: Scope, n: int) -> list[Standing]:
        return await leaderboards.top(session, scope, n)

    async def standings(self, session: AsyncSession, scope: Scope, user_ids: Sequence[int]) -> dict[int, Standing]:
        return await leaderboards.standings(session, scope, user_ids)


def member(user_id: int) -> str:
    return f"{MEMBER_BASE - user_id:0{MEMBER_WIDTH}d}"


def user_of(value: bytes | str) -> int:
    return MEMBER_BASE - int(value)


class RedisLeaderboardStore(LeaderboardStore):
    def __init__(self, url: str, prefix: str, clock: Callable[[], datetime]) -> None:
        # Timeouts so that an unreachable Redis (packets dropped, not refused) turns into a SQL read.
        self._redis: Redis = Redis.from_url(url, socket_connect_timeout=2.0, socket_timeout=5.0)
        self._clock = clock
        self._prefix = f"{prefix}lb:"
        self._ready_key = f"{self._prefix}ready"
        self._lock_key = f"{self._prefix}rebuilding"
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._rebuilding: asyncio.Task[None] | None = None
        self._down = False  # the last Redis call failed (one log line per outage)
        self._missed = False  # an award could not be applied: the boards must be rebuilt

    # -- keys ---------------------------------------------------------------------------------------

    def key(self, scope: Scope) -> str:
        match scope.kind:
            case ScopeKind.ALL_TIME | ScopeKind.CLASS:
                return f"{self._prefix}all"
            case ScopeKind.WEEKLY:
                return f"{self._prefix}week:{scope.week}"
            case ScopeKind.COURSE:
                return f"{self._prefix}course:{scope.id}"

    def _served(self, scope: Scope, now: datetime) -> bool:
        """Whether Redis holds this board: all but weeks older than the previous one."""
        return scope.kind != ScopeKind.WEEKLY or scope.week >= IsoWeek.of(now).previous()

    # -- reads --------------------------------------------------------------------------------------

    async def top(self, session: AsyncSession, scope: Scope, n: int) -> list[Standing]:
        try:
            board = await self._top(session, scope, n)
        except REDIS_DOWN as error:
            self._unreachable(error)
            return await leaderboards.top(session, scope, n)
        self._down = False
        return board

    async def standings(self, session: AsyncSession, scope: Scope, user_ids: Sequence[int]) -> dict[int, Standing]:
        try:
            found = await self._standings(session, scope, user_ids)
        except REDIS_DOWN as error:
            self._unreachable(error)
            return await leaderboards.standings(session, scope, user_ids)
        self._down = False
        return found

    def _unreachable(self, error: BaseException) -> None:
        metrics.LEADERBOARD_SQL_FALLBACKS.inc()
        if not self._down:
            self._down = True
            log.warning("Redis cannot be reached (%s); leaderboards are read from the database", type(error).__name__)

    async def _reachable(self) -> None:
        """After an outage in which this process missed awards, make every process read SQL until a
        rebuild (deleting `lb:ready` is what they all look at)."""
        if self._missed:
            await self._redis.delete(self._ready_key)
            self._missed = False
            log.info("Redis is back; leaderboards are rebuilt from the database")

    async def _top(self, session: AsyncSession, scope: Scope, n: int) -> list[Standing]:
        await self._reachable()
        if scope.kind == ScopeKind.CLASS:
            return (await self._class_board(session, scope))[:n]
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.exists(self._ready_key)
            pipe.zrevrange(self.key(scope), 0, n - 1, withscores=True)
            ready, rows = await pipe.execute()
        if not ready or not self._served(scope, self._clock()):
            self._rebuild_soon(ready)
            return await leaderboards.top(session, scope, n)
        return [Standing(user_of(value), int(score), index + 1) for index, (value, score) in enumerate(rows)]

    async def _standings(self, session: AsyncSession, scope: Scope, user_ids: Sequence[int]) -> dict[int, Standing]:
        if not user_ids:
            return {}
        await self._reachable()
        if scope.kind == ScopeKind.CLASS:
            wanted = set(user_ids)
            return {s.user_id: s for s in await self._class_board(session, scope) if s.user_id in wanted}
        key = self.key(scope)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.exists(self._ready_key)
            for user_id in user_ids:
                pipe.zrevrank(key, member(user_id))
                pipe.zscore(key, member(user_id))
            ready, *replies = await pipe.execute()
        if not ready or not self._served(scope, self._clock()):
            self._rebuild_soon(ready)
            return await leaderboards.standings(session, scope, user_ids)
        found = {}
        for user_id, place, score in zip(user_ids, replies[::2], replies[1::2], strict=True):
            if place is not None and score is not None and score > 0:
                found[user_id] = Standing(user_id, int(score), int(place) + 1)
        return found

    async def _class_board(self, session: AsyncSession, scope: Scope) -> list[Standing]:
        members = sorted(await leaderboards.class_members(session, scope.id))
        if not members:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.exists(self._ready_key)
            pipe.zmscore(self.key(scope), [member(user_id) for user_id in members])
            ready, scores = await pipe.execute()
        if not ready:
            self._rebuild_soon(ready)
            return leaderboards.rank(await leaderboards.totals(session, scope))
        return leaderboards.rank([(user_id, int(score or 0)) for user_id, score in zip(members, scores, strict=True)])

    # -- writes -------------------------------------------------------------------------------------

    async def apply(self, awards: Sequence[XpAwarded]) -> None:
        """ZINCRBY each committed award into the boards it belongs to, in one round trip."""
        if not awards:
            return
        try:
            await self._reachable()
            await self._apply(awards)
        except REDIS_DOWN:
            self._missed = True
            raise

    async def _apply(self, awards: Sequence[XpAwarded]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for award in awards:
                name = member(award.user_id)
                week = IsoWeek.of(award.at)
                week_key = self.key(Scope.weekly(week))
                pipe.zincrby(self.key(Scope.all_time()), award.amount, name)
                pipe.zincrby(week_key, award.amount, name)
                pipe.expireat(week_key, week.end + WEEK_RETENTION)
                if award.course_id is not None:
                    pipe.zincrby(self.key(Scope.course(award.course_id)), award.amount, name)
            await pipe.execute()

    async def forget(self, user_ids: Collection[int]) -> None:
        """ZREM the users from every board (all-time, each kept week, each course), in one round trip."""
        if not user_ids:
            return
        names = [member(user_id) for user_id in user_ids]
        boards: list[bytes | str] = [self.key(Scope.all_time())]
        for pattern in ("week:*", "course:*"):
            boards += [key async for key in self._redis.scan_iter(match=f"{self._prefix}{pattern}", count=1000)]
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in boards:
                pipe.zrem(key, *names)
            await pipe.execute()

    async def start(self, sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
        self._sessions = sessions
        if not await self._redis.exists(self._ready_key):
            await self._rebuild_locked(now)

    def bind(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Where to read the database when a rebuild is needed outside `start` (a flushed Redis)."""
        self._sessions = sessions

    def _rebuild_soon(self, ready: int) -> None:
        if ready or self._sessions is None or (self._rebuilding is not None and not self._rebuilding.done()):
            return
        self._rebuilding = asyncio.create_task(self._rebuild_locked(self._clock()))

    async def _rebuild_locked(self, now: datetime) -> None:
        """Rebuild unless another process is at it (a lock key with a timeout decides)."""
        assert self._sessions is not None
        if not await self._redis.set(self._lock_key, "1", nx=True, px=120_000):
            return
        try:
            async with self._sessions() as session:
                count = await self.rebuild(session, now)
            log.info("rebuilt %d leaderboards in Redis from the database", count)
        except Exception:
            log.exception("rebuilding the leaderboards failed; reads use SQL until it succeeds")
        finally:
            await self._redis.delete(self._lock_key)

    async def rebuild(self, session: AsyncSession, now: datetime) -> int:
        """Replace every Redis board with what the database says (each key swapped in atomically).

        Awards committed while a rebuild runs may be counted twice or not at all on the rebuilt keys;
        run it when traffic is quiet, or again afterwards: it is idempotent."""
        this_week = IsoWeek.of(now)
        boards: dict[str, list[tuple[int, int]]] = {
            self.key(Scope.all_time()): await leaderboards.totals(session, Scope.all_time())
        }
        for week in (this_week.previous(), this_week):
            boards[self.key(Scope.weekly(week))] = await leaderboards.totals(session, Scope.weekly(week))
        for course_id, course_totals in (await leaderboards.course_totals(session)).items():
            boards[self.key(Scope.course(course_id))] = course_totals
        stale = {
            key.decode() async for key in self._redis.scan_iter(match=f"{self._prefix}course:*", count=1000)
        } - set(boards)
        for key, totals in boards.items():
            await self._replace(key, totals)
        for week in (this_week.previous(), this_week):
            await self._redis.expireat(self.key(Scope.weekly(week)), week.end + WEEK_RETENTION)
        if stale:
            await self._redis.delete(*stale)
        await self._redis.set(self._ready_key, now.isoformat())
        return len(boards)

    async def _replace(self, key: str, totals: Iterable[tuple[int, int]]) -> None:
        scratch = f"{key}:rebuild"
        await self._redis.delete(scratch)
        batch: dict[str, int] = {}
        for user_id, xp in totals:
            batch[member(user_id)] = xp
            if len(batch) >= _CHUNK:
                await self._redis.zadd(scratch, batch)
                batch = {}
        if batch:
            await self._redis.zadd(scratch, batch)
        if await self._redis.exists(scratch):
            await self._redis.rename(scratch, key)
        else:
            await self._redis.delete(key)

    async def close(self) -> None:
        if self._rebuilding is not None:
            self._rebuilding.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._rebuilding
        await self._redis.aclose()
