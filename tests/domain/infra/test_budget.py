"""Per-client query budgets, in memory and on a real Redis: take, refuse whole, refill, Retry-After."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from bench.services import drop_keys
from domain.infra.budget import BudgetStore, MemoryBudget, RedisBudget, refill
from tests.services import REDIS_URL, require


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def budget(request: pytest.FixtureRequest) -> AsyncIterator[BudgetStore]:
    """A bucket of 100 points refilled at 50 points a second."""
    if request.param == "memory":
        yield MemoryBudget(100, 50.0)
        return
    require("Redis", REDIS_URL, 6379)
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    store = RedisBudget.from_url(REDIS_URL, prefix, 100, 50.0)
    yield store
    await store.close()
    await drop_keys(REDIS_URL, prefix)


def test_a_bucket_refills_at_its_rate_up_to_its_maximum() -> None:
    assert refill(10.0, 0.5, 100, 50.0) == 35.0
    assert refill(10.0, 60.0, 100, 50.0) == 100.0
    assert refill(10.0, -1.0, 100, 50.0) == 10.0  # a clock that went back refills nothing


async def test_a_new_client_starts_full_and_pays_its_cost(budget: BudgetStore) -> None:
    charge = await budget.take("user:1", 30)

    assert (charge.allowed, charge.maximum, charge.restore_rate, charge.cost) == (True, 100, 50.0, 30)
    assert charge.remaining == pytest.approx(70, abs=1)
    assert charge.retry_after == 0


async def test_a_request_over_the_remaining_points_is_refused_whole_and_told_when_it_fits(
    budget: BudgetStore,
) -> None:
    await budget.take("user:1", 90)

    refused = await budget.take("user:1", 60)
    after = await budget.take("user:1", 0)

    assert refused.allowed is False
    assert refused.remaining == pytest.approx(10, abs=1)
    assert refused.retry_after == pytest.approx(1.0, abs=0.05)  # 50 points missing at 50 a second
    assert refused.retry_after_header == "1"
    assert after.remaining == pytest.approx(10, abs=1)  # the refusal took nothing


async def test_clients_have_their_own_buckets(budget: BudgetStore) -> None:
    await budget.take("user:1", 100)

    other = await budget.take("ip:10.0.0.7", 100)

    assert other.allowed is True
    assert (await budget.take("user:1", 1)).allowed is False


async def test_spent_points_come_back_over_time(budget: BudgetStore) -> None:
    await budget.take("user:1", 100)

    await asyncio.sleep(0.2)  # 10 points at 50 a second
    charge = await budget.take("user:1", 5)

    assert charge.allowed is True
    assert 4 <= charge.remaining <= 10


async def test_concurrent_requests_never_spend_more_than_the_bucket_holds(budget: BudgetStore) -> None:
    charges = await asyncio.gather(*(budget.take("user:1", 7) for _ in range(40)))

    assert sum(charge.allowed for charge in charges) == 14  # 14 x 7 = 98 <= 100 < 15 x 7


async def test_the_memory_store_refills_by_its_clock_and_forgets_the_oldest_clients() -> None:
    clock = Clock()
    budget = MemoryBudget(100, 10.0, clock=clock, max_clients=2)
    await budget.take("a", 100)
    clock.now += 3
    assert (await budget.take("a", 0)).remaining == 30
    await budget.take("b", 50)
    await budget.take("c", 50)  # "a" is the least recently seen: forgotten, so full again

    assert (await budget.take("a", 0)).remaining == 100


async def test_the_memory_store_forgets_the_least_recently_seen_client_not_the_first_seen() -> None:
    budget = MemoryBudget(100, 10.0, clock=Clock(), max_clients=2)
    await budget.take("a", 60)
    await budget.take("b", 60)
    await budget.take("a", 0)  # "b" is now the least recently seen
    await budget.take("c", 60)

    assert (await budget.take("a", 0)).remaining == 40
    assert (await budget.take("b", 0)).remaining == 100
