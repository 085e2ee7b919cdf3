"""One log line and one latency sample per HTTP request, and the request id.

`RequestLog` wraps the whole HTTP app (outside Starlette's error middleware), so it sees every
response, 500s included. It takes the client's X-Request-ID when it is a sane token (else makes
one), binds it to every log line of the request, echoes it on the response, and logs `http.request`
when the response is done: method, path, status, duration, SQL statements, the user and, for
GraphQL, what the operation extension added (operation name and type, persisted-query hash, error
codes). An exception that escaped the app is logged here, once, with its traceback.
"""

from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.infra import metrics
from domain.infra.logs import get_logger

log = get_logger("learnql.http")

_SANE_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")


def request_id_from(value: str | None) -> str:
    """The client's request id when it is a plain token of at most 128 characters, else a new one
    (a header is not copied into logs and responses unchecked)."""
    if value and _SANE_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


@dataclass
class RequestRecord:
    """What the layers of one HTTP request add to its log line."""

    request_id: str
    tally: metrics.Tally
    fields: dict[str, Any] = field(default_factory=dict)


_current: ContextVar[RequestRecord | None] = ContextVar("learnql_request", default=None)


def current_request() -> RequestRecord | None:
    """The HTTP request being handled (None on WebSocket connections and in jobs)."""
    return _current.get()


def _route(scope: Scope) -> str:
    """The matched route's template (`/exports/classes/{class_id}/gradebook.csv`); a router included
    with a prefix (the GraphQL router: `/graphql`) reports an empty template, and its path stands in;
    no route (404s): one label, whatever the path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return "unmatched"
    return path or str(scope["path"])


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        request_id = request_id_from((headers.get(b"x-request-id") or b"").decode("latin-1"))
        scope.setdefault("state", {})["request_id"] = request_id
        record = RequestRecord(request_id, metrics.start_tally())
        token = _current.set(record)
        status = 500
        started = time.perf_counter()
        response_started = False
        echoed = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message = {**message, "headers": [*message.get("headers", ()), echoed]}
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                status = 500
                log.exception("unhandled error", method=scope["method"], path=scope["path"])
                if not response_started:
                    await send({"type": "http.response.start", "status": 500, "headers": [echoed]})
                    await send({"type": "http.response.body", "body": b"Internal Server Error"})
            finally:
                _current.reset(token)
                duration = time.perf_counter() - started
                metrics.HTTP_DURATION.labels(_route(scope), scope["method"], str(status)).observe(duration)
                log.info(
                    "http.request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round(duration * 1000, 2),
                    sql_statements=record.tally.statements,
                    **record.fields,
                )
