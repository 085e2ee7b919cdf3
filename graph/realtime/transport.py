"""WebSocket transport pieces: the connection_init token, text frames, direct sends of shared results.

Browsers cannot set headers on a WebSocket, so clients send the same token they use over HTTP as
`{"Authorization": "Bearer <token>"}` (as Apollo and urql do with `connectionParams`) or as
`{"token": "<token>"}`. Without one the connection is anonymous (public leaderboards work, the
viewer's own feeds answer UNAUTHENTICATED). An invalid or expired token is refused at once:
graphql-transport-ws closes with 4403, legacy graphql-ws answers `connection_error`.

Messages go out as text frames even when the router encodes JSON to bytes (orjson): graphql-ws
clients parse text only, and a browser hands binary frames over as Blobs.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

import orjson
from cachetools import FIFOCache
from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import StartMessage


def authorization_of(params: object) -> str | None:
    """The Authorization value a connection_init payload carries, if any."""
    if not isinstance(params, Mapping):
        return None
    for name in ("Authorization", "authorization"):
        value = params.get(name)
        if isinstance(value, str) and value.strip():
            return value
    headers = params.get("headers")
    if isinstance(headers, Mapping):
        return authorization_of(headers)
    token = params.get("token")
    if isinstance(token, str) and token.strip():
        return f"Bearer {token.strip()}"
    return None


class TextFrames(ASGIWebSocketAdapter):
    async def send_text(self, text: str) -> None:
        try:
            await self.ws.send_text(text)
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error

    async def send_json(self, message: Mapping[str, object]) -> None:
        text = _shared_next(self, message)
        if text is None:
            encoded = self.view.encode_json(message)
            text = encoded.decode() if isinstance(encoded, bytes) else encoded
        try:
            await self.ws.send_text(text)
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error


_encoded: FIFOCache[int, tuple[object, str]] = FIFOCache(64)  # data object -> its JSON, for shared results


def _shared_next(adapter: ASGIWebSocketAdapter, message: Mapping[str, object]) -> str | None:
    """A `next` message whose data is shared by many subscribers (graph/realtime/sharing.py): its
    payload is encoded once, and only the operation id differs per subscriber."""
    payload = message.get("payload")
    if message.get("type") != "next" or not isinstance(payload, dict) or payload.keys() != {"data"}:
        return None
    data = payload["data"]
    cached = _encoded.get(id(data))
    if cached is None or cached[0] is not data:
        encoded = adapter.view.encode_json(payload)
        cached = _encoded[id(data)] = (data, encoded.decode() if isinstance(encoded, bytes) else encoded)
    operation = adapter.view.encode_json(message.get("id"))
    operation = operation.decode() if isinstance(operation, bytes) else operation
    return f'{{"id":{operation},"type":"next","payload":{cached[1]}}}'


# The graphql-transport-ws operation whose task is running: subscription streams read it to send
# shared results themselves (see graph/realtime/sharing.py).
_operation: ContextVar[tuple[BaseGraphQLTransportWSHandler[Any, Any], Operation[Any, Any]] | None] = ContextVar(
    "learnql_ws_operation", default=None
)


def too_many_operations(limit: int) -> GraphQLError:
    """The answer to one operation more than LEARNQL_MAX_SUBSCRIPTIONS_PER_CONNECTION allows."""
    return GraphQLError(
        f"This connection already runs {limit} operations, the most one connection may "
        "(LEARNQL_MAX_SUBSCRIPTIONS_PER_CONNECTION): complete one first, or open another connection.",
        extensions={"code": "TOO_MANY_SUBSCRIPTIONS", "limit": limit},
    )


class OperationAwareHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            limit is not None
            and self.connection_acknowledged
            and message["id"] not in self.operations
            and len(self.operations) >= limit
        ):  # strawberry's own refusal says only "Subscription limit reached"
            error = too_many_operations(limit)
            await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})
            return
        await super().handle_subscribe(message)

    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        _operation.set((self, operation))  # the operation's own task: the value stays with it
        await super().run_operation(operation)


class LegacyHandler(BaseGraphQLWSHandler[Any, Any]):
    """The legacy graphql-ws protocol, with the same refusal past the per-connection limit."""

    async def handle_start(self, message: StartMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            limit is not None
            and self.connection_acknowledged
            and message["id"] not in self.tasks
            and len(self.tasks) >= limit
        ):
            payload = too_many_operations(limit).formatted
            await self.send_message({"type": "error", "id": message["id"], "payload": payload})
            return
        await super().handle_start(message)


DirectSender = tuple[BaseGraphQLTransportWSHandler[Any, Any], Operation[Any, Any]]


def direct_sender() -> DirectSender | None:
    """The current graphql-transport-ws operation, when its results may be sent directly."""
    found = _operation.get()
    if found is None or not isinstance(found[0].websocket, TextFrames):
        return None
    return found


async def send_next(sender: DirectSender, payload_json: str) -> bool:
    """Send a `next` message with an already encoded payload; False once the operation is over."""
    handler, operation = sender
    if operation.completed or handler.operations.get(operation.id) is not operation:
        return False
    assert isinstance(handler.websocket, TextFrames)
    identifier = orjson.dumps(operation.id).decode()
    try:
        await handler.websocket.send_text(f'{{"id":{identifier},"type":"next","payload":{payload_json}}}')
    except WebSocketDisconnected:
        return False
    return True
