"""Leaderboard stores: Redis sorted sets agree with the SQL aggregation (the source of truth) on every
scope, ties included; only committed awards reach Redis; a missing or flushed Redis is rebuilt."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.services import drop_keys
from domain import outbox
from domain.infra import metrics
from domain.infra.database import session_factory
from domain.infra.leaderboard_store import RedisLeaderboardStore, SqlLeaderboardStore, member
from domain.models import Role, User
from domain.realtime import events
from domain.realtime.leaderboards import IsoWeek, Scope
from domain.settings import Settings
from tests.effects import committed
from tests.factories import give_xp, make_class, make_course, make_user
from tests.gate import Gate
from tests.services import REDIS_URL, require

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def now() -> datetime:
    """The real time: Redis expires weekly boards by the wall clock."""
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def redis_store(engine: AsyncEngine, now: datetime) -> AsyncIterator[RedisLeaderboardStore]:
    require("Redis", REDIS_URL, 6379)
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    store = RedisLeaderboardStore(REDIS_URL, prefix, lambda: now)
    await store.start(session_factory(engine), now)
    yield store
    await store.close()
    await drop_keys(REDIS_URL, prefix)


async def commit_and_apply(session: AsyncSession, store: RedisLeaderboardStore) -> None:
    await session.commit()
    await store.apply(committed(session, events.XpAwarded))


async def test_redis_boards_equal_the_sql_boards_on_every_scope(
    redis_store: RedisLeaderboardStore, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    rng = random.Random(5)
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    learners = [await make_user(session, settings, now) for _ in range(12)]
    learners += [await make_user(session, settings, now) for _ in range(2)]  # twins: earn only the same 5 XP
    courses = [(await make_course(session, now)).course for _ in range(2)]
    class_ = await make_class(session, teacher, now, students=tuple(learners[::2]))
    for _ in range(60):  # equal amounts make ties on purpose
        moment = now - timedelta(days=rng.choice([0, 0, 1, 3, 8]))
        course = rng.choice([*courses, None])
        await give_xp(session, rng.choice(learners[:-2]), rng.choice([10, 20]), moment, course=course)
    for twin in learners[-2:]:  # certain ties in every scope but CLASS
        await give_xp(session, twin, 5, now, course=courses[0])
    await commit_and_apply(session, redis_store)
    week = IsoWeek.of(now)
    scopes = [
        Scope.all_time(),
        Scope.weekly(week),
        Scope.weekly(week.previous()),
        *(Scope.course(c.id) for c in courses),  # type: ignore[arg-type]
        Scope.of_class(class_.id),  # type: ignore[arg-type]
    ]
    sql = SqlLeaderboardStore()
    everyone = [u.id for u in learners]

    for scope in scopes:
        expected = await sql.top(session, scope, 100)
        assert await redis_store.top(session, scope, 100) == expected, scope
        assert await redis_store.top(session, scope, 3) == expected[:3], scope
        assert await redis_store.standings(session, scope, everyone) == await sql.standings(session, scope, everyone)  # type: ignore[arg-type]


async def test_equal_xp_ranks_the_older_account_first(
    redis_store: RedisLeaderboardStore, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    older, newer = await make_user(session, settings, now), await make_user(session, settings, now)
    await give_xp(session, newer, 40, now)
    await give_xp(session, older, 40, now)
    await commit_and_apply(session, redis_store)

    board = await redis_store.top(session, Scope.all_time(), 10)

    assert [(s.rank, s.user_id, s.xp) for s in board] == [(1, older.id, 40), (2, newer.id, 40)]


async def test_a_rolled_back_award_never_reaches_redis(
    redis_store: RedisLeaderboardStore, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    await session.commit()
    await give_xp(session, user, 30, now)
    await session.rollback()

    await commit_and_apply(session, redis_store)

    assert outbox.take(session) == []
    assert await redis_store.top(session, Scope.all_time(), 10) == []


async def test_a_flushed_redis_is_answered_from_sql_and_rebuilt(
    redis_store: RedisLeaderboardStore, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    await give_xp(session, user, 25, now)
    await commit_and_apply(session, redis_store)
    await drop_keys(REDIS_URL, redis_store._prefix)

    during = await redis_store.top(session, Scope.all_time(), 10)  # no Redis data: SQL answers
    for _ in range(100):
        if await redis_store._redis.exists(redis_store._ready_key):
            break
        await asyncio.sleep(0.02)
    rebuilt = await redis_store._redis.zrevrange(redis_store.key(Scope.all_time()), 0, -1, withscores=True)

    assert [(s.user_id, s.xp) for s in during] == [(user.id, 25)]
    assert len(rebuilt) == 1
    assert rebuilt[0][1] == 25


async def test_rebuild_replaces_what_drifted_from_the_database(
    redis_store: RedisLeaderboardStore, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    course = (await make_course(session, now)).course
    await give_xp(session, user, 10, now, course=course)
    await commit_and_apply(session, redis_store)
    redis: Redis = redis_store._redis
    await redis.zadd(redis_store.key(Scope.all_time()), {"000000000000001": 999})  # a stranger
    await redis.zadd(redis_store.key(Scope.course(12345)), {"000000000000001": 5})  # a course without XP

    written = await redis_store.rebuild(session, now)

    assert written == 4  # all time, two weeks, one course
    assert await redis_store.top(session, Scope.all_time(), 10) == await SqlLeaderboardStore().top(
        session, Scope.all_time(), 10
    )
    assert not await redis.exists(redis_store.key(Scope.course(12345)))


async def test_weekly_boards_expire_two_weeks_after_their_week(
    redis_store: RedisLeaderboardStore, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    await give_xp(session, user, 10, now)
    await commit_and_apply(session, redis_store)

    expiry = await redis_store._redis.expiretime(redis_store.key(Scope.weekly(IsoWeek.of(now))))

    assert expiry == int((IsoWeek.of(now).end + timedelta(days=14)).timestamp())


async def test_weeks_older_than_the_last_are_read_from_sql(
    redis_store: RedisLeaderboardStore, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user: User = await make_user(session, settings, now)
    long_ago = now - timedelta(weeks=10)
    await give_xp(session, user, 10, long_ago)
    await session.commit()  # an old award Redis never saw

    board = await redis_store.top(session, Scope.weekly(IsoWeek.of(long_ago)), 10)

    assert [(s.user_id, s.xp) for s in board] == [(user.id, 10)]


async def test_a_deleted_account_leaves_every_redis_board(
    redis_store: RedisLeaderboardStore, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    kept, deleted = await make_user(session, settings, now), await make_user(session, settings, now)
    course = (await make_course(session, now)).course
    for user in (kept, deleted):
        await give_xp(session, user, 40, now, course=course)
    await commit_and_apply(session, redis_store)
    assert deleted.id is not None

    await redis_store.forget({deleted.id})

    scopes = [Scope.all_time(), Scope.weekly(IsoWeek.of(now)), Scope.course(course.id)]  # type: ignore[arg-type]
    boards = [[s.user_id for s in await redis_store.top(session, scope, 10)] for scope in scopes]
    assert boards == [[kept.id]] * 3


@pytest.fixture
async def gated_store(engine: AsyncEngine, now: datetime) -> AsyncIterator[tuple[Gate, RedisLeaderboardStore]]:
    """A Redis store whose Redis sits behind a `Gate` (open at first): an outage on demand."""
    require("Redis", REDIS_URL, 6379)
    gate = Gate(target=6379)
    await gate.open()
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    store = RedisLeaderboardStore(f"redis://127.0.0.1:{gate.port}/0", prefix, lambda: now)
    await store.start(session_factory(engine), now)
    yield gate, store
    await store.close()
    await gate.shut()
    await drop_keys(REDIS_URL, prefix)


async def test_while_redis_is_down_boards_are_read_from_sql_and_rebuilt_when_it_returns(
    gated_store: tuple[Gate, RedisLeaderboardStore], session: AsyncSession, settings: Settings, now: datetime
) -> None:
    gate, store = gated_store
    early, late = await make_user(session, settings, now), await make_user(session, settings, now)
    await give_xp(session, early, 10, now)
    await commit_and_apply(session, store)
    fallbacks = metrics.LEADERBOARD_SQL_FALLBACKS._value.get()

    await gate.shut()
    await give_xp(session, late, 50, now)
    await session.commit()
    with pytest.raises(RedisConnectionError):  # the award cannot reach Redis; the dispatcher logs it
        await store.apply(committed(session, events.XpAwarded))
    during = await store.top(session, Scope.all_time(), 10)
    standing = await store.standings(session, Scope.weekly(IsoWeek.of(now)), [late.id])

    assert [(s.user_id, s.xp) for s in during] == [(late.id, 50), (early.id, 10)]
    assert standing[late.id].rank == 1
    assert metrics.LEADERBOARD_SQL_FALLBACKS._value.get() == fallbacks + 2

    await gate.open()
    after = await store.top(session, Scope.all_time(), 10)  # Redis is back but missed an award: SQL
    for _ in range(100):
        if await store._redis.exists(store._ready_key):
            break
        await asyncio.sleep(0.02)
    rebuilt = await store.top(session, Scope.all_time(), 10)  # from Redis again, with the missed award

    assert [(s.user_id, s.xp) for s in after] == [(late.id, 50), (early.id, 10)]
    assert rebuilt == after
    assert await store._redis.zscore(store.key(Scope.all_time()), member(late.id)) == 50
