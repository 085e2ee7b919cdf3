"""A small GraphQL-over-WebSocket client speaking graphql-transport-ws or the legacy graphql-ws."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class GraphQLSocket:
    def __init__(self, ws: ClientConnection, protocol: str) -> None:
        self.ws = ws
        self.protocol = protocol
        self._ids = itertools.count(1)
        self._held: list[dict[str, Any]] = []  # messages of other operations, read while waiting

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        url: str,
        payload: dict[str, Any] | None = None,
        *,
        protocol: str = TRANSPORT_WS,
        **options: Any,
    ) -> AsyncIterator[GraphQLSocket]:
        """A connection after connection_init; the caller checks the answer with `receive`."""
        async with connect(url, subprotocols=[protocol], compression=None, **options) as ws:  # type: ignore[list-item]
            socket = cls(ws, protocol)
            await socket.send({"type": "connection_init", "payload": payload or {}})
            yield socket

    @classmethod
    @asynccontextmanager
    async def connected(
        cls, url: str, token: str | None = None, *, protocol: str = TRANSPORT_WS, **options: Any
    ) -> AsyncIterator[GraphQLSocket]:
        """An acknowledged connection, authenticated with `token` when given."""
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        async with cls.open(url, payload, protocol=protocol, **options) as socket:
            ack = await socket.receive()
            assert ack["type"] == "connection_ack", ack
            yield socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self, within: float = 5.0) -> dict[str, Any]:
        while True:
            frame = await asyncio.wait_for(self.ws.recv(), within)
            assert isinstance(frame, str), "graphql-ws clients (browsers) parse text frames only"
            message: dict[str, Any] = json.loads(frame)
            if message.get("type") not in {"ka", "ping", "pong"}:
                return message

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        operation = str(next(self._ids))
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        await self.send({"type": kind, "id": operation, "payload": {"query": query, "variables": variables or {}}})
        return operation

    async def for_operation(self, operation: str, within: float = 5.0) -> dict[str, Any]:
        """The operation's next message; those of other operations wait for their turn."""
        for index, held in enumerate(self._held):
            if held.get("id") == operation:
                return self._held.pop(index)
        deadline = asyncio.get_running_loop().time() + within
        while True:
            message = await self.receive(max(0.0, deadline - asyncio.get_running_loop().time()))
            if message.get("id") == operation:
                return message
            self._held.append(message)

    async def next(self, operation: str, within: float = 5.0) -> dict[str, Any]:
        """The data of the operation's next result (fails on errors or completion)."""
        message = await self.for_operation(operation, within)
        assert message["type"] in {"next", "data"}, message
        assert "errors" not in message["payload"], message["payload"]
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def until(
        self, operation: str, field: str, wanted: Callable[[dict[str, Any]], bool], within: float = 10.0
    ) -> dict[str, Any]:
        """The first result of the operation whose `field` satisfies `wanted` (coalescing may skip middle states)."""
        while True:
            value: dict[str, Any] = (await self.next(operation, within))[field]
            if wanted(value):
                return value

    async def stop(self, operation: str) -> None:
        kind = "complete" if self.protocol == TRANSPORT_WS else "stop"
        await self.send({"type": kind, "id": operation})
