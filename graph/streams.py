"""Subscriptions over HTTP, for clients without a WebSocket: the streaming transports of /graphql.

- GraphQL over SSE (the graphql-sse protocol, "distinct connections" mode): a POST (or GET with the
  operation in the query string) with `Accept: text/event-stream`; the answer is `event: next` per
  result and `event: complete` at the end, a `: ping` comment every 15 s in between.
- Incremental delivery (`multipart/mixed`, as Apollo Client and urql speak it): `Accept:
  multipart/mixed;subscriptionSpec="1.0"`; each result is a part `{"payload": {...}}`, `{}` parts
  are heartbeats.

Only subscriptions stream here (queries and mutations over these transports are refused: they have
the plain path, with its retries and status codes). The rest is as on the WebSocket: the token comes
in the Authorization header (checked as for any HTTP request; the viewer's own feeds answer
UNAUTHENTICATED without one), the query depth, cost and per-client budget extensions run, and a page
from an origin the CORS policy does not allow is refused with 403 before anything runs (graph/cors.py;
requests without an Origin header are not from a browser page). Each stream holds no database session
while it waits (the subscription resolvers release it between events) and ends it when it closes.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Mapping

from cross_web import HTTPException
from strawberry.http.streaming import HTTPStreamTransport, MultipartSubscriptionTransport, SSETransport
from strawberry.http.websocket_origin import is_same_origin
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)
from strawberry.types.graphql import OperationType

from domain.infra import metrics
from graph.context import Context
from graph.cors import OriginPolicy

FOREIGN_ORIGIN = (
    "This page's origin may not open subscription streams (LEARNQL_CORS_ORIGINS lists the origins that may)."
)


class SubscriptionsOverSSE(SSETransport):
    """strawberry's SSE transport, for subscriptions only."""

    def allowed_operation_types(self, allowed_operation_types: set[OperationType]) -> Iterable[OperationType]:
        return allowed_operation_types & {OperationType.SUBSCRIPTION}


PROTOCOLS = (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL, GRAPHQL_SSE_PROTOCOL, MULTIPART_SUBSCRIPTION_PROTOCOL)
TRANSPORTS: Mapping[str, type[HTTPStreamTransport]] = {
    MULTIPART_SUBSCRIPTION_PROTOCOL: MultipartSubscriptionTransport,
    GRAPHQL_SSE_PROTOCOL: SubscriptionsOverSSE,
}


def check_origin(headers: Mapping[str, str], policy: OriginPolicy) -> None:
    """A 403 for a browser page on an origin the CORS policy does not allow (as a WebSocket handshake)."""
    origin = headers.get("origin")
    if origin is None or headers.get("sec-fetch-site") == "same-origin" or is_same_origin(origin, headers.get("host")):
        return
    if not policy.allows(origin):
        raise HTTPException(403, FOREIGN_ORIGIN)


def observed(
    stream: Callable[[], AsyncIterator[str]], context: Context, headers: Mapping[str, str]
) -> Callable[[], AsyncGenerator[str, None]]:
    """The stream, counted in learnql_http_streams while open; its context's session ends with it."""
    protocol = "sse" if headers.get("Content-Type", "").startswith("text/event-stream") else "multipart"

    async def run() -> AsyncGenerator[str, None]:
        gauge = metrics.HTTP_STREAMS.labels(protocol)
        gauge.inc()
        try:
            async for chunk in stream():
                yield chunk
        finally:
            gauge.dec()
            await context.release()

    return run
