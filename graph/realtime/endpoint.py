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

from typing import cast

import orjson
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.types.unset import UNSET, UnsetType

from domain.errors import Unauthenticated
from graph.context import Context, Services
from graph.cors import OriginPolicy
from graph.http import decode_json
from graph.realtime.transport import OperationAwareHandler, TextFrames, authorization_of


class WebSocketView(GraphQL[Context, None]):
    websocket_adapter_class = TextFrames
    graphql_transport_ws_handler_class = OperationAwareHandler

    def __init__(self, schema: BaseSchema, services: Services, origins: OriginPolicy) -> None:
        super().__init__(schema, graphql_ide=None)
        self.services = services
        self.origins = origins

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        return self.origins.allows(origin)

    def encode_json(self, data: object) -> str | bytes:
        return orjson.dumps(data) if self.services.settings.orjson else super().encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data, self.services.settings.orjson)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive=receive, send=send)
        headers = websocket.headers
        client = scope.get("client")
        context = Context(
            self.services, headers.get("authorization"), headers.get("x-request-id"), client[0] if client else None
        )
        try:
            await self.run(websocket, context=context)
        finally:
            await context.close()

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
