"""The analytics cache, in memory and on a real Redis: versioned entries, TTL, LRU, hit counting."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest

from domain.backends import open_cache
from domain.infra.cache import Cache, MemoryCache, RedisCache
from domain.settings import Settings
from tests.services import REDIS_URL, require


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "memory":
        yield MemoryCache(max_entries=3)
        return
    require("Redis", REDIS_URL, 6379)
    redis_cache = RedisCache.from_url(REDIS_URL, prefix=f"learnql-test:{os.getpid()}:")
    await redis_cache.clear()
    yield redis_cache
    await redis_cache.clear()
    await redis_cache.close()


async def test_a_stored_value_is_a_hit_until_its_scope_is_bumped(cache: Cache) -> None:
    missed = await cache.lookup("analytics:class:1", "class:1")
    await cache.store("analytics:class:1", missed.version, b"figures", 60)

    hit = await cache.lookup("analytics:class:1", "class:1")
    await cache.bump({"class:1"})
    stale = await cache.lookup("analytics:class:1", "class:1")

    assert (missed.hit, missed.value) == (False, None)
    assert (hit.hit, hit.value) == (True, b"figures")
    assert (stale.hit, stale.version) == (False, missed.version + 1)
    stats = await cache.stats()
    assert (stats.hits, stats.misses, stats.hit_rate) == (1, 2, pytest.approx(1 / 3))


async def test_a_value_computed_before_a_bump_is_never_served_after_it(cache: Cache) -> None:
    before = await cache.lookup("analytics:class:1", "class:1")
    await cache.bump({"class:1"})  # a grade changed while the figures were being computed

    await cache.store("analytics:class:1", before.version, b"old figures", 60)

    assert (await cache.lookup("analytics:class:1", "class:1")).hit is False


async def test_bumping_one_scope_leaves_the_others_cached(cache: Cache) -> None:
    for scope in ("class:1", "student:7"):
        await cache.store(f"analytics:{scope}", 0, scope.encode(), 60)

    await cache.bump({"class:1"})

    assert (await cache.lookup("analytics:student:7", "student:7")).value == b"student:7"
    assert (await cache.lookup("analytics:class:1", "class:1")).hit is False


async def test_entries_expire_after_their_ttl(cache: Cache) -> None:
    await cache.store("analytics:class:1", 0, b"figures", 0.05)

    await asyncio.sleep(0.1)

    assert (await cache.lookup("analytics:class:1", "class:1")).hit is False


async def test_clear_drops_entries_versions_and_counters(cache: Cache) -> None:
    await cache.store("analytics:class:1", 0, b"figures", 60)
    await cache.lookup("analytics:class:1", "class:1")
    await cache.bump({"student:1"})

    await cache.clear()

    assert (await cache.stats()).lookups == 0
    assert (await cache.lookup("analytics:class:1", "class:1")).hit is False
    assert (await cache.lookup("analytics:student:1", "student:1")).version == 0


async def test_the_memory_cache_evicts_the_least_recently_used_entry() -> None:
    cache = MemoryCache(max_entries=2, clock=Clock())
    await cache.store("a", 0, b"a", 60)
    await cache.store("b", 0, b"b", 60)
    await cache.lookup("a", "a")  # a is now the most recently used

    await cache.store("c", 0, b"c", 60)

    assert [(await cache.lookup(key, key)).hit for key in ("a", "b", "c")] == [True, False, True]


async def test_the_memory_cache_ttl_follows_its_clock() -> None:
    clock = Clock()
    cache = MemoryCache(clock=clock)
    await cache.store("a", 0, b"a", 10)

    clock.now += 9.9
    fresh = await cache.lookup("a", "a")
    clock.now += 0.2
    expired = await cache.lookup("a", "a")

    assert (fresh.hit, expired.hit) == (True, False)


async def test_redis_is_chosen_when_a_redis_url_is_set() -> None:
    redis_cache = open_cache(Settings(redis_url=REDIS_URL))
    try:
        assert isinstance(redis_cache, RedisCache)
        assert isinstance(open_cache(Settings(redis_url=None)), MemoryCache)
    finally:
        await redis_cache.close()
