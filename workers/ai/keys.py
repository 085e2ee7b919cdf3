"""A pool of API keys: per-key rate limits, cool-downs after 429/5xx/timeouts, failover to a healthy key.

`acquire` hands out the key that is free soonest (fewest requests in flight among those free now),
waiting when every key is rate-limited or cooling down; `release` reports how the request went. A key
refused with 401/403 is dropped for the life of the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum


class Outcome(Enum):
    OK = "ok"
    THROTTLED = "throttled"  # 429
    FAILED = "failed"  # 5xx, timeout, connection error
    REFUSED = "refused"  # 401/403: the key is bad


class NoUsableKey(RuntimeError):
    """Every key was refused (or none is configured)."""


def backoff(attempt: int, base: float, cap: float, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with full jitter: a random delay in [base*2^(attempt-1)/2, base*2^(attempt-1)]."""
    ceiling = min(cap, base * 2.0 ** max(0, attempt - 1))
    return ceiling / 2 + rng() * ceiling / 2


@dataclass
class ApiKey:
    secret: str
    label: str
    interval: float  # seconds between two requests on this key (0: no limit)
    next_free: float = 0.0
    cooldown_until: float = 0.0
    failures: int = 0
    in_flight: int = 0
    refused: bool = False
    requests: int = 0
    throttled: int = 0
    errors: int = 0

    def available_at(self) -> float:
        return max(self.next_free, self.cooldown_until)


class KeyPool:
    def __init__(
        self,
        secrets: Sequence[str],
        requests_per_minute: float = 0.0,
        *,
        backoff_seconds: float = 0.5,
        backoff_max_seconds: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        interval = 60.0 / requests_per_minute if requests_per_minute > 0 else 0.0
        self.keys = [ApiKey(secret, f"key#{index + 1}", interval) for index, secret in enumerate(secrets)]
        self._backoff = (backoff_seconds, backoff_max_seconds)
        self._clock = clock
        self._changed = asyncio.Condition()

    async def acquire(self) -> ApiKey:
        """The key to use next; waits while every usable key is rate-limited or cooling down."""
        async with self._changed:
            while True:
                usable = [key for key in self.keys if not key.refused]
                if not usable:
                    raise NoUsableKey("no usable API key: every key was refused (401/403) or none is configured")
                now = self._clock()
                ready = [key for key in usable if key.available_at() <= now]
                if ready:
                    key = min(ready, key=lambda k: (k.in_flight, k.next_free, k.label))
                    key.next_free = max(now, key.next_free) + key.interval
                    key.in_flight += 1
                    key.requests += 1
                    return key
                wait = min(key.available_at() for key in usable) - now
                # woken early when a key is refused: with none left, waiters fail at once
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=max(wait, 0.001))

    async def release(self, key: ApiKey, outcome: Outcome, retry_after: float | None = None) -> None:
        now = self._clock()
        key.in_flight -= 1
        if outcome is Outcome.OK:
            key.failures = 0
        elif outcome is Outcome.THROTTLED:
            key.throttled += 1
            key.failures += 1
            delay = retry_after if retry_after is not None else backoff(key.failures, *self._backoff)
            key.cooldown_until = max(key.cooldown_until, now + delay)
        elif outcome is Outcome.FAILED:
            key.errors += 1
            key.failures += 1
            key.cooldown_until = max(key.cooldown_until, now + backoff(key.failures, *self._backoff))
        else:
            key.refused = True
        async with self._changed:
            self._changed.notify_all()
