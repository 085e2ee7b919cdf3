"""Pub/sub for live updates: one interface, an in-process implementation (the embedded default) and
a Redis one (many API processes).

Messages are small JSON objects on named channels. Every local subscription has its own bounded
queue: when a consumer falls behind, the oldest messages are dropped (and counted), so one slow
consumer can neither stall the publisher nor the other subscribers, nor grow memory without bound.
A process holds one Redis connection for publishing and one for listening, whatever the number of
subscriptions; channels are subscribed at Redis while at least one local subscriber wants them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Final, Protocol

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from domain.infra.health import Dependency
from domain.infra.transient import is_transient

log = logging.getLogger("learnql.broker")

Message = dict[str, Any]


class Gap:
    """Delivered in place of messages that may have been lost (the Redis connection dropped)."""

    def __repr__(self) -> str:
        return "GAP"


GAP: Final = Gap()


class Subscription:
    """One consumer's view of a channel: a bounded queue that drops its oldest message when full."""

    def __init__(self, channel: str, maxsize: int) -> None:
        self.channel = channel
        self.dropped = 0
        self._items: deque[Message | Gap] = deque(maxlen=maxsize)
        self._ready = asyncio.Event()
        self._closed = False

    def push(self, item: Message | Gap) -> None:
        if self._closed:
            return
        if len(self._items) == self._items.maxlen:
            self.dropped += 1
        self._items.append(item)
        self._ready.set()

    def close(self) -> None:
        self._closed = True
        self._ready.set()

    @property
    def pending(self) -> int:
        return len(self._items)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Message | Gap:
        while not self._items:
            if self._closed:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()


class Broker(Protocol):
    """Publish to channels; subscribe with `async with broker.subscribe(channel) as messages`."""

    async def publish(self, channel: str, message: Message) -> None: ...

    def subscribe(self, channel: str, *, maxsize: int = 64) -> AbstractAsyncContextManager[Subscription]:
        """A subscription that receives every message published to `channel` from now on."""
        ...

    def subscriber_count(self, channel: str) -> int: ...

    async def start(self) -> None:
        """Connect ahead of first use (optional: every backend connects lazily)."""

    async def close(self) -> None: ...


class FanOut(ABC):
    """The local half of both brokers: this process's subscriptions, each with its bounded queue."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[Subscription]] = {}
        self._listening: dict[str, asyncio.Future[None]] = {}
        self._closed = False

    @abstractmethod
    async def publish(self, channel: str, message: Message) -> None: ...

    async def _listen(self, channel: str) -> None:  # noqa: B027  (optional hook)
        """Start receiving `channel` from elsewhere (Redis); returns once subscribed."""

    async def _unlisten(self, channel: str) -> None:  # noqa: B027  (optional hook)
        """Stop receiving `channel`."""

    async def start(self) -> None:  # noqa: B027  (optional hook)
        """Connect ahead of first use (optional: every backend connects lazily)."""

    async def close(self) -> None:
        self._closed = True
        for subscriptions in list(self._subscribers.values()):
            for subscription in subscriptions:
                subscription.close()
        self._subscribers.clear()

    @asynccontextmanager
    async def subscribe(self, channel: str, *, maxsize: int = 64) -> AsyncIterator[Subscription]:
        """A subscription that receives every message published to `channel` from now on."""
        if self._closed:
            raise RuntimeError("the broker is closed")
        subscription = Subscription(channel, maxsize)
        self._subscribers.setdefault(channel, set()).add(subscription)
        try:
            listening = self._listening.get(channel)
            if listening is None:
                listening = self._listening[channel] = asyncio.ensure_future(self._listen(channel))
            await asyncio.shield(listening)
            yield subscription
        finally:
            subscription.close()
            subscribers = self._subscribers.get(channel)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[channel]
                    self._listening.pop(channel, None)
                    if not self._closed:
                        await self._unlisten(channel)

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))

    def _deliver(self, channel: str, message: Message) -> None:
        for subscription in list(self._subscribers.get(channel, ())):
            subscription.push(message)

    def _gap(self) -> None:
        for subscriptions in list(self._subscribers.values()):
            for subscription in subscriptions:
                subscription.push(GAP)


class InProcessBroker(FanOut):
    """The embedded default: subscribers of this process receive what this process publishes."""

    async def publish(self, channel: str, message: Message) -> None:
        # The same JSON round trip as through Redis, so consumers see the same shapes either way.
        self._deliver(channel, orjson.loads(orjson.dumps(message)))


class RedisBroker(FanOut):
    """Redis pub/sub: every process subscribed to a channel receives what any process publishes.

    Channel names are namespaced with `prefix`, so several deployments (or test runs) can share one
    Redis. Pub/sub is fire-and-forget: messages published while the connection is down are lost, and
    subscribers receive a GAP once it is back so they can resynchronise from the stores."""

    def __init__(self, url: str, prefix: str, health: Dependency | None = None) -> None:
        super().__init__()
        self._health = health or Dependency("redis")
        self._redis: Redis = Redis.from_url(url)
        self._prefix = prefix
        self._control = f"{prefix}broker"
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._confirmations: dict[str, asyncio.Future[None]] = {}
        self._connect_lock = asyncio.Lock()

    async def publish(self, channel: str, message: Message) -> None:
        await self._redis.publish(self._prefix + channel, orjson.dumps(message))

    async def start(self) -> None:
        await self._connected()

    async def _connected(self) -> PubSub:
        async with self._connect_lock:
            if self._pubsub is None:
                pubsub = self._redis.pubsub()
                # A standing subscription keeps the reader's connection in pub/sub mode while no channel is wanted.
                await pubsub.subscribe(self._control)
                self._pubsub = pubsub
                self._reader = asyncio.create_task(self._read(pubsub), name="learnql-broker-reader")
            return self._pubsub

    async def _listen(self, channel: str) -> None:
        pubsub = await self._connected()
        name = self._prefix + channel
        confirmed = self._confirmations.setdefault(name, asyncio.get_running_loop().create_future())
        await pubsub.subscribe(name)
        try:
            await asyncio.wait_for(asyncio.shield(confirmed), timeout=10)
        finally:
            self._confirmations.pop(name, None)

    async def _unlisten(self, channel: str) -> None:
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.unsubscribe(self._prefix + channel)

    async def _read(self, pubsub: PubSub) -> None:
        backoff = 0.05
        while True:
            try:
                async for item in pubsub.listen():
                    backoff = 0.05
                    self._health.succeeded()
                    self._handle(item)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the connection dropped: redis-py reconnects and resubscribes
                if is_transient(error):
                    self._health.failed(error)  # one line per outage, not one per reconnection attempt
                else:
                    log.warning("redis pub/sub reader failed (%r); reconnecting", error)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
                self._gap()

    def _handle(self, item: dict[str, Any]) -> None:
        kind, name = item["type"], item["channel"]
        name = name.decode() if isinstance(name, bytes) else str(name)
        if kind == "message" and name.startswith(self._prefix):
            try:
                message = orjson.loads(item["data"])
            except orjson.JSONDecodeError:
                log.warning("dropped a malformed message on %s", name)
                return
            self._deliver(name[len(self._prefix) :], message)
        elif kind == "subscribe":
            confirmed = self._confirmations.get(name)
            if confirmed is not None and not confirmed.done():
                confirmed.set_result(None)

    async def close(self) -> None:
        await super().close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()
