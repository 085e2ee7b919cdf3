"""The WebSocket side of /graphql, served by strawberry's plain ASGI view.

A subscription connection lives for minutes or hours, and every layer it passes through keeps its
frame alive for that long. Through FastAPI that is the middleware stack (error, telemetry, body
limit, exception and exit-stack middlewares), the router and dependency injection with its exit
stacks: about 14 KB of the ~50 KB a connection held. WebSocket handshakes on /graphql therefore go
straight to this view (`LearnQL.__call__` in graph/app.py); HTTP requests keep FastAPI. Both share
the schema and the context.

Authentication: browsers cannot set headers on a WebSocket, so the token arrives in the
`connection_init` payload (graph/realtime/transport.py `authorization_of`).

Origins: a page on any site may open a WebSocket (CORS does not apply to it), so a handshake whose
Origin the CORS policy does not allow is refused with 403 before it is accepted (graph/cors.py);
strawberry lets same-origin pages and clients without an Origin header (not browsers) through.
"""

from __future__ import annotations

import time
from typing import cast

import orjson
import structlog
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.types.unset import UNSET, UnsetType

from domain.errors import Unauthenticated
from domain.infra import metrics
from domain.infra.logs import get_logger
from graph.context import Context, Services
from graph.cors import OriginPolicy
from graph.http import decode_json
from graph.observability.requests import request_id_from
from graph.realtime.transport import LegacyHandler, OperationAwareHandler, TextFrames, authorization_of

log = get_logger("learnql.ws")


class WebSocketView(GraphQL[Context, None]):
    websocket_adapter_class = TextFrames
    graphql_transport_ws_handler_class = OperationAwareHandler
    graphql_ws_handler_class = LegacyHandler

    def __init__(self, schema: BaseSchema, services: Services, origins: OriginPolicy) -> None:
        limit = services.settings.max_subscriptions_per_connection
        super().__init__(schema, graphql_ide=None, max_subscriptions_per_connection=limit)
        self.services = services
        self.origins = origins

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        return self.origins.allows(origin)

    def encode_json(self, data: object) -> str | bytes:
        return orjson.dumps(data) if self.services.settings.orjson else super().encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data, self.services.settings.orjson)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serves one connection, logged as `ws.connect` and `ws.close` (with the close code, from
        whichever side closed) and counted in learnql_websocket_connections."""
        closed_with: list[int] = []

        async def observed_receive() -> Message:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                closed_with.append(int(message.get("code") or 1005))
            return message

        async def observed_send(message: Message) -> None:
            if message["type"] == "websocket.close":
                closed_with.append(int(message.get("code") or 1000))
            await send(message)

        websocket = WebSocket(scope, receive=observed_receive, send=observed_send)
        headers = websocket.headers
        request_id = request_id_from(headers.get("x-request-id"))
        client = scope.get("client")
        context = Context(self.services, headers.get("authorization"), request_id, client[0] if client else None)
        started = time.perf_counter()
        metrics.WEBSOCKET_CONNECTIONS.inc()
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            log.info("ws.connect", path=scope["path"], subprotocols=scope.get("subprotocols"))
            try:
                await self.run(websocket, context=context)
            finally:
                await context.close()
                metrics.WEBSOCKET_CONNECTIONS.dec()
                code = closed_with[0] if closed_with else 1006
                metrics.WEBSOCKET_CLOSES.labels(str(code)).inc()
                duration = time.perf_counter() - started
                user_id = context.verified_viewer_id
                log.info("ws.close", code=code, duration_ms=round(duration * 1000, 2), user_id=user_id)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Checks the connection's token before acknowledging it; a bad one closes with 4403."""
        authorization = authorization_of(context.connection_params)
        if authorization is not None:
            context.authenticate(authorization)
        try:
            await context.viewer()
        except Unauthenticated as error:
            raise ConnectionRejectionError({"message": error.message, "extensions": {"code": error.code}}) from error
        finally:
            await context.release()
        return cast(UnsetType, UNSET)
