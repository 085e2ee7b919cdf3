"""The rate limiter in memory and on a real Redis: moving windows, retry-after, shared counts, outages."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bench.services import drop_keys
from domain.errors import RateLimited
from domain.infra.limiter import Limiter, client_key, create_limiter
from domain.settings import Settings
from tests.services import REDIS_URL, require

LIMITS = {"limit_register_per_ip": "3 per 30 seconds", "limit_login_failures_per_account": "2 per 2 seconds"}


@pytest.fixture(params=["memory", "redis"])
async def limits_settings(request: pytest.FixtureRequest) -> AsyncIterator[Settings]:
    if request.param == "memory":
        yield Settings(**LIMITS)  # type: ignore[arg-type]
        return
    require("Redis", REDIS_URL, 6379)
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    yield Settings(redis_url=REDIS_URL, redis_prefix=prefix, **LIMITS)  # type: ignore[arg-type]
    await drop_keys(REDIS_URL, prefix)


@pytest.fixture
async def limiter(limits_settings: Settings) -> AsyncIterator[Limiter]:
    created = create_limiter(limits_settings)
    yield created
    await created.close()


async def test_hits_are_allowed_up_to_the_limit_then_refused_with_the_wait(limiter: Limiter) -> None:
    waits = [await limiter.hit("register_per_ip", "203.0.113.7") for _ in range(5)]

    assert waits[:3] == [0, 0, 0]
    assert all(0 < wait <= 30 for wait in waits[3:])
    assert await limiter.retry_after("register_per_ip", "203.0.113.7") == waits[-1]


async def test_keys_and_limits_are_counted_apart(limiter: Limiter) -> None:
    for _ in range(3):
        await limiter.hit("register_per_ip", "203.0.113.7")

    assert await limiter.hit("register_per_ip", "203.0.113.8") == 0
    assert await limiter.hit("login_failures_per_account", "203.0.113.7") == 0


async def test_checking_spends_nothing(limiter: Limiter) -> None:
    for _ in range(5):
        assert await limiter.retry_after("register_per_ip", "203.0.113.7") == 0

    assert [await limiter.hit("register_per_ip", "203.0.113.7") for _ in range(3)] == [0, 0, 0]


async def test_the_window_moves_on(limiter: Limiter) -> None:
    assert [await limiter.hit("login_failures_per_account", "ada@example.org") for _ in range(2)] == [0, 0]
    refused = await limiter.hit("login_failures_per_account", "ada@example.org")

    await asyncio.sleep(2.1)

    assert 0 < refused <= 2
    assert await limiter.hit("login_failures_per_account", "ada@example.org") == 0


async def test_acquire_refuses_the_request_with_rate_limited(limiter: Limiter) -> None:
    for _ in range(3):
        await limiter.acquire("register_per_ip", "203.0.113.7", "sign-ups")

    with pytest.raises(RateLimited) as refused:
        await limiter.acquire("register_per_ip", "203.0.113.7", "sign-ups")

    assert refused.value.code == "RATE_LIMITED"
    assert 0 < refused.value.retry_after <= 30
    assert "Too many sign-ups (at most 3 per 30 seconds)" in refused.value.message


async def test_clear_forgets_the_count(limiter: Limiter) -> None:
    for _ in range(4):
        await limiter.hit("register_per_ip", "203.0.113.7")

    await limiter.clear("register_per_ip", "203.0.113.7")

    assert await limiter.hit("register_per_ip", "203.0.113.7") == 0


async def test_processes_sharing_redis_share_the_counts() -> None:
    require("Redis", REDIS_URL, 6379)
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    settings = Settings(redis_url=REDIS_URL, redis_prefix=prefix, **LIMITS)  # type: ignore[arg-type]
    first, second = create_limiter(settings), create_limiter(settings)
    try:
        waits = [await limiter.hit("register_per_ip", "203.0.113.7") for limiter in (first, second, first, second)]
        redis = Redis.from_url(REDIS_URL)
        keys = [key.decode() async for key in redis.scan_iter(match=f"{prefix}*")]
        await redis.aclose()
    finally:
        await first.close()
        await second.close()
        await drop_keys(REDIS_URL, prefix)

    assert waits[:3] == [0, 0, 0]
    assert waits[3] > 0
    assert len(keys) == 1
    assert keys[0].startswith(f"{prefix}limits:")
    assert "203.0.113.7" not in keys[0]  # keys are hashed: no addresses or emails in Redis


async def test_an_unreachable_store_lets_requests_through_and_logs_it(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(redis_url="redis://127.0.0.1:1/0", **LIMITS)  # type: ignore[arg-type]
    limiter = create_limiter(settings)
    try:
        with caplog.at_level(logging.WARNING, logger="learnql.limiter"):
            waits = [await limiter.hit("register_per_ip", "203.0.113.7") for _ in range(5)]
            checked = await limiter.retry_after("register_per_ip", "203.0.113.7")
    finally:
        await limiter.close()

    assert waits == [0] * 5
    assert checked == 0
    assert "the limiter's store is unavailable" in caplog.text


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        (None, "unknown"),
        ("testclient", "testclient"),
    ],
)
def test_client_keys_group_an_ipv6_host_by_its_64(address: str | None, key: str) -> None:
    assert client_key(address) == key


def test_a_limit_setting_that_does_not_parse_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="limit_register_per_ip"):
        Settings(limit_register_per_ip="lots")
