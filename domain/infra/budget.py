"""Per-client query budgets: a token bucket per client, in memory (embedded) or on Redis (production).

Each client (a user, or an IP address for anonymous requests) has a bucket of `maximum` points that
refills at `restore_rate` points per second, like Shopify's leaky bucket; a request takes its query
cost from it, or is refused whole (and takes nothing) when the bucket holds less than that. On Redis
the bucket lives in one hash per client, read, refilled and charged by one Lua script on Redis's own
clock, so every API process shares it and concurrent requests never both spend the same points.

Why not the `limits` package: its moving window stores one list entry per point taken (a 5,000-point
query pushes 5,000 entries), and its sliding-window counter neither refills steadily (points come back
only after a window rolls over) nor tells when a given cost will fit, which Retry-After needs.
"""

from __future__ import annotations

import math
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import NamedTuple

from cachetools import LRUCache
from redis.asyncio import Redis

from domain.settings import Settings

__all__ = ["BudgetStore", "Charge", "MemoryBudget", "RedisBudget", "create_budget", "refill"]


class Charge(NamedTuple):
    """The outcome of taking `cost` points: whether they were taken, and what is left (a named tuple:
    one is made per request, and a frozen dataclass takes several times as long to build)."""

    allowed: bool
    remaining: float
    maximum: int
    restore_rate: float
    cost: int

    @property
    def retry_after(self) -> float:
        """Seconds until the bucket holds `cost` points again (0 when it does now)."""
        missing = self.cost - self.remaining
        return max(0.0, missing / self.restore_rate)

    @property
    def retry_after_header(self) -> str:
        return str(max(1, math.ceil(self.retry_after)))


def refill(tokens: float, elapsed: float, maximum: int, rate: float) -> float:
    """The points in a bucket `elapsed` seconds after it held `tokens` (the Lua script does the same)."""
    return min(float(maximum), tokens + max(0.0, elapsed) * rate)


class BudgetStore(ABC):
    def __init__(self, maximum: int, restore_rate: float) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate

    @abstractmethod
    async def take(self, client: str, cost: int) -> Charge:
        """Take `cost` points from the client's bucket if it holds them; `cost` 0 only reads it."""

    @abstractmethod
    async def close(self) -> None: ...


class MemoryBudget(BudgetStore):
    """Buckets of this process (the embedded default runs one process). The least recently seen clients
    are forgotten past `max_clients`; a forgotten client starts again with a full bucket."""

    def __init__(
        self,
        maximum: int,
        restore_rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 100_000,
    ) -> None:
        super().__init__(maximum, restore_rate)
        self._clock = clock
        # client -> [tokens, at], updated in place (no allocation per request); `get` counts as being seen
        self._buckets: LRUCache[str, list[float]] = LRUCache(max_clients)

    async def take(self, client: str, cost: int) -> Charge:
        now = self._clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = self._buckets[client] = [float(self.maximum), now]
        tokens = refill(bucket[0], now - bucket[1], self.maximum, self.restore_rate)
        allowed = cost <= tokens
        if allowed:
            tokens -= cost
        bucket[0], bucket[1] = tokens, now
        return Charge(allowed, tokens, self.maximum, self.restore_rate, cost)

    async def close(self) -> None:
        self._buckets.clear()


# KEYS[1]: the client's bucket; ARGV: maximum, restore rate, cost. Returns {allowed, tokens as text}
# (Lua numbers returned to Redis are truncated to integers). The key expires once the bucket is full.
TAKE = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local maximum = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = maximum
  at = now
end
tokens = math.min(maximum, tokens + math.max(0, now - at) * rate)
local allowed = 0
if cost <= tokens then
  tokens = tokens - cost
  allowed = 1
end
if tokens < maximum then
  redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((maximum - tokens) / rate * 1000) + 1000)
else
  redis.call('DEL', KEYS[1])
end
return {allowed, tostring(tokens)}
"""


class RedisBudget(BudgetStore):
    """Buckets shared by every API process, keyed `<prefix>budget:<client>`."""

    def __init__(self, redis: Redis, prefix: str, maximum: int, restore_rate: float) -> None:
        super().__init__(maximum, restore_rate)
        self._redis = redis
        self._prefix = prefix
        self._take = redis.register_script(TAKE)

    @classmethod
    def from_url(cls, url: str, prefix: str, maximum: int, restore_rate: float) -> RedisBudget:
        return cls(Redis.from_url(url), prefix, maximum, restore_rate)

    async def take(self, client: str, cost: int) -> Charge:
        key = f"{self._prefix}budget:{client}"
        allowed, tokens = await self._take(keys=[key], args=[self.maximum, repr(self.restore_rate), cost])
        return Charge(bool(allowed), float(tokens), self.maximum, self.restore_rate, cost)

    async def close(self) -> None:
        await self._redis.aclose()


def create_budget(settings: Settings) -> BudgetStore:
    if settings.redis_url:
        return RedisBudget.from_url(
            settings.redis_url, settings.redis_prefix, settings.budget_maximum, settings.budget_restore_rate
        )
    return MemoryBudget(settings.budget_maximum, settings.budget_restore_rate)
