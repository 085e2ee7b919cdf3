"""Where the real PostgreSQL and Redis are, whether they answer, and how to clear a Redis key prefix.

The benchmark and the tests read the same variables (LEARNQL_TEST_POSTGRES_URL, LEARNQL_TEST_REDIS_URL),
so one running pair of services serves both; tests/services.py adds the pytest skip-or-fail rule.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

from redis.asyncio import Redis

POSTGRES_URL = os.environ.get("LEARNQL_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LEARNQL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("+asyncpg", ""))
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


async def drop_keys(url: str, prefix: str) -> None:
    """Delete every key under `prefix`: what a run with its own prefix leaves behind."""
    redis = Redis.from_url(url)
    try:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}*", count=1000)]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()
