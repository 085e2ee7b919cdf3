"""A cache with versioned entries: an in-process LRU with TTL (embedded default) or Redis (production).

Invalidation works by version counters, not by deleting entries: an entry is stored together with
the version of its scope (say, a class) read *before* it was computed, and a lookup is a hit only
while that scope's version is unchanged. `bump` after a commit therefore invalidates every entry of
the scope at once, and a result computed from data older than the bump can never be served again.
Hits and misses are counted (shared by all processes on Redis, per process in memory).
"""

from __future__ import annotations

import time
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Protocol

from redis.asyncio import Redis

__all__ = ["Cache", "CacheStats", "Lookup", "MemoryCache", "RedisCache"]


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int

    @property
    def lookups(self) -> int:
        return self.hits + self.misses

    @property
    def hit_rate(self) -> float | None:
        return self.hits / self.lookups if self.lookups else None


@dataclass(frozen=True)
class Lookup:
    """The scope's current version, and the value stored for exactly that version (None: a miss)."""

    version: int
    value: bytes | None

    @property
    def hit(self) -> bool:
        return self.value is not None


class Cache(Protocol):
    @abstractmethod
    async def lookup(self, key: str, scope: str) -> Lookup:
        """The entry under `key` if it was stored for the current version of `scope`; counts a hit or miss."""

    @abstractmethod
    async def store(self, key: str, version: int, value: bytes, ttl: float) -> None:
        """Store `value` for `version` of its scope (the version `lookup` returned before computing it)."""

    @abstractmethod
    async def bump(self, scopes: Collection[str]) -> None:
        """Invalidate every entry stored for these scopes (call it after the change is committed)."""

    @abstractmethod
    async def stats(self) -> CacheStats: ...

    @abstractmethod
    async def clear(self) -> None:
        """Drop every entry, version and counter."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections."""


class MemoryCache(Cache):
    """A least-recently-used dict with a TTL per entry; versions live apart from entries, so no eviction
    of an entry can make an older value current again."""

    def __init__(self, max_entries: int = 1024, clock: Callable[[], float] = time.monotonic) -> None:
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, int, bytes]] = OrderedDict()
        self._versions: dict[str, int] = {}
        self._hits = 0
        self._misses = 0

    async def lookup(self, key: str, scope: str) -> Lookup:
        version = self._versions.get(scope, 0)
        entry = self._entries.get(key)
        if entry is not None:
            expires, entry_version, value = entry
            if expires > self._clock() and entry_version == version:
                self._entries.move_to_end(key)
                self._hits += 1
                return Lookup(version, value)
            del self._entries[key]
        self._misses += 1
        return Lookup(version, None)

    async def store(self, key: str, version: int, value: bytes, ttl: float) -> None:
        self._entries[key] = (self._clock() + ttl, version, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def bump(self, scopes: Collection[str]) -> None:
        for scope in scopes:
            self._versions[scope] = self._versions.get(scope, 0) + 1

    async def stats(self) -> CacheStats:
        return CacheStats(self._hits, self._misses)

    async def clear(self) -> None:
        self._entries.clear()
        self._versions.clear()
        self._hits = self._misses = 0

    async def close(self) -> None:
        return None


# One round trip: read the scope's version and the entry, compare, count the hit or miss.
_LOOKUP = """
local version = tonumber(redis.call('GET', KEYS[1]) or '0')
local entry = redis.call('HMGET', KEYS[2], 'v', 'd')
if entry[1] and tonumber(entry[1]) == version then
  redis.call('HINCRBY', KEYS[3], 'hits', 1)
  return {version, entry[2]}
end
redis.call('HINCRBY', KEYS[3], 'misses', 1)
return {version}
"""


class RedisCache(Cache):
    """Entries are hashes {v: version, d: data} with a TTL; versions are counters without one."""

    def __init__(self, redis: Redis, prefix: str = "learnql:cache:") -> None:
        self._redis = redis
        self._prefix = prefix
        self._lookup = redis.register_script(_LOOKUP)

    @classmethod
    def from_url(cls, url: str, prefix: str = "learnql:cache:") -> RedisCache:
        return cls(Redis.from_url(url), prefix)

    def _entry(self, key: str) -> str:
        return f"{self._prefix}e:{key}"

    def _version(self, scope: str) -> str:
        return f"{self._prefix}v:{scope}"

    async def lookup(self, key: str, scope: str) -> Lookup:
        keys = [self._version(scope), self._entry(key), f"{self._prefix}stats"]
        reply: list[Any] = await self._lookup(keys=keys)
        return Lookup(int(reply[0]), bytes(reply[1]) if len(reply) > 1 else None)

    async def store(self, key: str, version: int, value: bytes, ttl: float) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._entry(key), mapping={"v": version, "d": value})
            pipe.pexpire(self._entry(key), max(1, int(ttl * 1000)))
            await pipe.execute()

    async def bump(self, scopes: Collection[str]) -> None:
        if not scopes:
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for scope in sorted(scopes):
                pipe.incr(self._version(scope))
            await pipe.execute()

    async def stats(self) -> CacheStats:
        counters = await self._redis.hgetall(f"{self._prefix}stats")
        return CacheStats(int(counters.get(b"hits", 0)), int(counters.get(b"misses", 0)))

    async def clear(self) -> None:
        batch: list[Any] = []
        async for name in self._redis.scan_iter(match=f"{self._prefix}*", count=500):
            batch.append(name)
            if len(batch) >= 500:
                await self._redis.unlink(*batch)
                batch.clear()
        if batch:
            await self._redis.unlink(*batch)

    async def close(self) -> None:
        await self._redis.aclose()
