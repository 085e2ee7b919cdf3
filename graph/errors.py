"""Errors on the API, in one place: DomainError -> UserError in payloads, or a coded GraphQL error.

Expected failures of a mutation are data (`errors: [UserError!]!`); authentication and authorization
failures are GraphQL errors with `extensions.code`; anything unexpected is masked outside debug mode
and logged with the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from domain.errors import DomainError, Forbidden, InvalidErrors, Unauthenticated
from domain.infra import metrics

log = logging.getLogger("learnql.errors")


@strawberry.type(description="An expected failure of a mutation: which input field, a machine code and a message.")
class UserError:
    field: list[str] | None = strawberry.field(description="Path of the input field at fault, when there is one.")
    code: str = strawberry.field(description="Machine-readable code, e.g. INVALID, NOT_FOUND, IDEMPOTENCY_KEY_REUSED.")
    message: str

    def __post_init__(self) -> None:
        metrics.count_user_error(str(getattr(self.code, "value", self.code)))  # counted, and named in the log line

    @classmethod
    def from_domain(cls, error: DomainError) -> list[UserError]:
        """Auth failures are not data: they propagate as GraphQL errors with a code."""
        if isinstance(error, Unauthenticated | Forbidden):
            raise error
        if isinstance(error, InvalidErrors):
            return [item for inner in error.errors for item in cls.from_domain(inner)]
        return [cls(field=error.field, code=error.code, message=error.message)]


def coded_error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class ErrorPolicy(SchemaExtension):
    """Adds `extensions.code` to domain errors and masks unexpected ones with the request id."""

    def on_operation(self) -> Iterator[None]:
        yield
        self._apply(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Subscriptions: each result on its way out (on_operation only sees the last one)."""
        self._apply(result)
        yield

    def _apply(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if not errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", None)
        debug = getattr(getattr(context, "settings", None), "debug", False)
        result.errors = [self._process(error, request_id, debug) for error in errors]

    @staticmethod
    def _process(error: GraphQLError, request_id: str | None, debug: bool) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            extensions = {**(error.extensions or {}), "code": original.code}
            if original.field:
                extensions["field"] = original.field
            return GraphQLError(
                error.message,
                error.nodes,
                error.source,
                error.positions,
                error.path,
                None,
                extensions,
            )
        if original is None or isinstance(original, GraphQLError):
            return error
        log.error("unexpected error in request %s", request_id, exc_info=original)
        if debug:
            return error
        return GraphQLError(
            f"Unexpected error; reference {request_id}.",
            error.nodes,
            error.source,
            error.positions,
            error.path,
            None,
            {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
