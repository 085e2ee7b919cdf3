"""Rate limits: named limits counted per key in a moving window, through the `limits` package.

Two storages, one code path: `async+memory://` in this process on the embedded default, and Redis
(`async+redis://`, shared by every API process) when LEARNQL_REDIS_URL is set. Every limit is a
setting `limit_<name>` (domain/settings.py) and a row of docs/security-limits.md.

A moving window counts exactly the hits of the last period: no burst of twice the limit across a
window boundary, as a fixed window would allow, at the price of one entry per hit (the limits here
are small). Keys are hashed, so no email address or IP is stored in Redis in the clear, and an
address containing "/" cannot run into another limit's key.

When the store cannot be reached the request goes through and the failure is logged: an outage of
Redis must not lock every user out of logging in.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from functools import lru_cache
from typing import Any, Literal, get_args

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import ConnectionPool

from domain.errors import RateLimited
from domain.infra import metrics
from domain.settings import Settings

__all__ = ["LIMIT_NAMES", "LimitName", "Limiter", "client_key", "create_limiter"]

log = logging.getLogger("learnql.limiter")

LimitName = Literal[
    "login_failures_per_account",
    "login_failures_per_ip",
    "register_per_ip",
    "generate_problems_per_user",
    "import_problems_per_user",
    "ai_evaluations_per_user",
    "tutor_messages_per_user",
    "exports_per_user",
    "optimize_reviews_per_user",
    "regrades_per_user",
]
LIMIT_NAMES: tuple[LimitName, ...] = get_args(LimitName)


@lru_cache(maxsize=64)
def _item(text: str) -> RateLimitItem:
    return parse(text)


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


IN_FLIGHT_EXPIRY = 60  # seconds: longer than any login takes


def _in_flight_key(name: LimitName, key: str) -> str:
    return f"learnql/in-flight/{name}/{_hashed(key)}"


def client_key(address: str | None) -> str:
    """The key of a client address: IPv6 clients by their /64 (one host gets a whole /64 to rotate
    through), IPv4 by address; "unknown" when the server did not say."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class Limiter:
    """Counts hits of the named limits per key; `settings` says how many per period."""

    def __init__(self, settings: Settings, storage: Storage, pool: ConnectionPool | None = None) -> None:
        self._settings = settings
        self._storage = storage
        self._strategy = MovingWindowRateLimiter(storage)
        self._pool = pool

    def setting(self, name: LimitName) -> str:
        """The limit as configured, e.g. "10 per 15 minutes"."""
        text: str = getattr(self._settings, f"limit_{name}")
        return text

    def limit(self, name: LimitName) -> RateLimitItem:
        return _item(self.setting(name))

    async def _wait(self, item: RateLimitItem, name: str, key: str) -> int:
        stats = await self._strategy.get_window_stats(item, name, key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def retry_after(self, name: LimitName, key: str, *, in_flight: int = 1) -> int:
        """Seconds until `key` may spend one more of `name` (0: now); spends nothing. One read of the
        window (one Redis round trip): its count says whether one more fits, its start when one will.

        `in_flight` counts the attempts begun (`begin`) and not yet counted, this one included: they
        may all end up counted, so they must all fit. Turned away only by those, a client waits 1 s."""
        item, hashed = self.limit(name), _hashed(key)
        try:
            stats = await self._strategy.get_window_stats(item, name, hashed)
            if stats.remaining >= in_flight:
                return 0
            if stats.remaining > 0:
                return 1
            return max(1, math.ceil(stats.reset_time - time.time()))
        except StorageError as error:
            log.warning("rate limit %s not checked: the limiter's store is unavailable (%s)", name, error)
            return 0

    async def begin(self, name: LimitName, key: str) -> int:
        """Count an attempt whose outcome may spend one of `name` (a login: only failures count) as in
        flight, and return how many are in flight for `key`, this one included; `end` it once its
        outcome is counted. Checked with `retry_after(in_flight=...)`, concurrent attempts cannot all
        pass a check made before the first of them is counted. In the limiter's store (every API
        process sees it); it expires after a minute should a process die between the two."""
        try:
            return await self._storage.incr(_in_flight_key(name, key), IN_FLIGHT_EXPIRY)
        except StorageError as error:
            log.warning("attempt of %s not counted in flight: the limiter's store is unavailable (%s)", name, error)
            return 1

    async def end(self, name: LimitName, key: str) -> None:
        """The attempt `begin` counted is over (and counted in `name` if it had to be)."""
        try:
            await self._storage.incr(_in_flight_key(name, key), IN_FLIGHT_EXPIRY, amount=-1)
        except StorageError as error:
            log.warning("attempt of %s not ended: the limiter's store is unavailable (%s)", name, error)

    async def hit(self, name: LimitName, key: str) -> int:
        """Spend one of `name` for `key`: 0 when it could, else the seconds to wait (nothing spent)."""
        item, hashed = self.limit(name), _hashed(key)
        try:
            if await self._strategy.hit(item, name, hashed):
                return 0
            return await self._wait(item, name, hashed)
        except StorageError as error:
            log.warning("rate limit %s not counted: the limiter's store is unavailable (%s)", name, error)
            return 0

    async def acquire(self, name: LimitName, key: str, what: str) -> None:
        """Spend one, or refuse the whole request with RATE_LIMITED; `what` names the refused action."""
        wait = await self.hit(name, key)
        if wait:
            self.refused(name)
            raise RateLimited(f"Too many {what} (at most {self.setting(name)}); try again in {wait} seconds.", wait)

    def refused(self, name: LimitName) -> None:
        """Count a request this limit turned away (learnql_rate_limit_rejections_total)."""
        metrics.RATE_LIMIT_REJECTIONS.labels(name).inc()

    async def clear(self, name: LimitName, key: str) -> None:
        await self._strategy.clear(self.limit(name), name, _hashed(key))

    async def close(self) -> None:
        if isinstance(self._storage, MemoryStorage) and self._storage.timer is not None:
            self._storage.timer.cancel()  # its expiry sweep
        if self._pool is not None:
            await self._pool.aclose()


def create_limiter(settings: Settings) -> Limiter:
    """Redis when LEARNQL_REDIS_URL is set (keys under `<redis_prefix>limits:`), else this process's memory."""
    url = settings.redis_url
    if not url:
        return Limiter(settings, MemoryStorage("async+memory://", wrap_exceptions=True))
    pool = ConnectionPool.from_url(url)
    options: dict[str, Any] = {"connection_pool": pool}  # ours, so that close() can release it
    storage = RedisStorage(
        f"async+{url}",
        wrap_exceptions=True,
        implementation="redispy",
        key_prefix=f"{settings.redis_prefix}limits",
        **options,
    )
    return Limiter(settings, storage, pool)
