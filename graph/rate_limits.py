"""A request refused by a rate limit answers HTTP 429 with a Retry-After header.

The refusal itself is a GraphQL error with `extensions.code` RATE_LIMITED and `extensions.retryAfter`
(seconds), raised as domain.errors.RateLimited by whatever limit refused it. Login throttling is not
such a refusal: it is a LOGIN_THROTTLED UserError in the login payload.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from domain.errors import RateLimited


def retry_after(error: GraphQLError) -> int | None:
    """The seconds a RATE_LIMITED error asks the client to wait; None for any other error."""
    if isinstance(error.original_error, RateLimited):
        return error.original_error.retry_after
    extensions = error.extensions or {}
    wait = extensions.get("retryAfter")
    return wait if extensions.get("code") == RateLimited.code and isinstance(wait, int) else None


class TooManyRequests(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        errors: list[GraphQLError] = getattr(self.execution_context.result, "errors", None) or []
        waits = [wait for wait in map(retry_after, errors) if wait is not None]
        response: Any = getattr(self.execution_context.context, "response", None)
        if waits and isinstance(response, Response):  # HTTP only: a WebSocket has no status to set
            response.status_code = 429
            response.headers["Retry-After"] = str(max(waits))
