"""The pub/sub broker, in-process and on the real Redis: delivery, isolation, bounded queues, cleanup."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from redis.asyncio import Redis

from domain.infra.broker import Broker, InProcessBroker, RedisBroker, Subscription
from tests.services import REDIS_URL, require

pytestmark = pytest.mark.timeout(20)

BrokerFactory = Callable[[], Broker]


@pytest.fixture(params=["in-process", "redis"])
async def make_broker(request: pytest.FixtureRequest) -> AsyncIterator[BrokerFactory]:
    """Brokers of one deployment: on Redis each is a separate connection, as in separate processes."""
    made: list[Broker] = []
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    shared = InProcessBroker()

    def factory() -> Broker:
        if request.param == "in-process":
            return shared
        broker = RedisBroker(REDIS_URL, prefix)
        made.append(broker)
        return broker

    if request.param == "redis":
        require("Redis", REDIS_URL, 6379)
    yield factory
    for broker in {*made, shared}:
        await broker.close()


async def take(subscription: Subscription, count: int) -> list[object]:
    return [await asyncio.wait_for(anext(subscription), 5) for _ in range(count)]


async def test_every_subscriber_of_a_channel_receives_what_is_published(make_broker: BrokerFactory) -> None:
    publisher, listener = make_broker(), make_broker()

    async with (
        listener.subscribe("news") as first,
        listener.subscribe("news") as second,
        listener.subscribe("other") as other,
    ):
        await publisher.publish("news", {"n": 1})
        await publisher.publish("news", {"n": 2})
        received = (await take(first, 2), await take(second, 2))
        await asyncio.sleep(0.05)
        unrelated = other.pending

    assert received == ([{"n": 1}, {"n": 2}], [{"n": 1}, {"n": 2}])
    assert unrelated == 0


async def test_a_slow_subscriber_drops_its_oldest_messages_and_stalls_no_one(make_broker: BrokerFactory) -> None:
    broker = make_broker()

    async with broker.subscribe("feed", maxsize=3) as slow, broker.subscribe("feed", maxsize=100) as fast:
        for n in range(10):
            await broker.publish("feed", {"n": n})
        fast_got = await take(fast, 10)
        slow_got = await take(slow, 3)

    assert fast_got == [{"n": n} for n in range(10)]
    assert slow_got == [{"n": 7}, {"n": 8}, {"n": 9}]  # the newest survive
    assert slow.dropped == 7


async def test_leaving_ends_the_redis_subscription(make_broker: BrokerFactory) -> None:
    broker = make_broker()

    async with broker.subscribe("room"):
        during = broker.subscriber_count("room")
    after = broker.subscriber_count("room")

    assert (during, after) == (1, 0)
    if isinstance(broker, RedisBroker):
        redis = Redis.from_url(REDIS_URL)
        channel = broker._prefix + "room"
        try:
            for _ in range(50):  # UNSUBSCRIBE is sent without waiting for its reply
                counts = dict(await redis.pubsub_numsub(channel))
                if counts[channel.encode()] == 0:
                    break
                await asyncio.sleep(0.02)
        finally:
            await redis.aclose()
        assert counts[channel.encode()] == 0


async def test_closing_the_broker_ends_its_subscriptions(make_broker: BrokerFactory) -> None:
    broker = make_broker()

    async with broker.subscribe("room") as subscription:
        reader = asyncio.create_task(take(subscription, 1))
        await asyncio.sleep(0.05)
        await broker.close()
        with pytest.raises(StopAsyncIteration):
            await reader


async def test_redis_prefixes_keep_deployments_apart() -> None:
    require("Redis", REDIS_URL, 6379)
    ours = RedisBroker(REDIS_URL, f"learnql-test-{uuid.uuid4().hex[:8]}:")
    theirs = RedisBroker(REDIS_URL, f"learnql-test-{uuid.uuid4().hex[:8]}:")
    try:
        async with ours.subscribe("xp") as mine:
            await theirs.publish("xp", {"from": "them"})
            await ours.publish("xp", {"from": "us"})
            received = await take(mine, 1)
            await asyncio.sleep(0.05)
            leftover = mine.pending
    finally:
        await ours.close()
        await theirs.close()

    assert received == [{"from": "us"}]
    assert leftover == 0
