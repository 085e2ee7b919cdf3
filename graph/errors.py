"""Errors on the API, in one place: DomainError -> UserError in payloads, or a coded GraphQL error.

Expected failures of a mutation are data (`errors: [UserError!]!`); authentication and authorization
failures are GraphQL errors with `extensions.code`; a transient failure of a backend (deadlock,
database or Redis unreachable: `domain.infra.transient`) is UNAVAILABLE with `retryable: true` and
`retryAfter` seconds, logged once per outage by the backend's `Dependency`, not per request; anything
else unexpected is a bug: masked outside debug mode and logged with the request id and traceback
(`Schema.process_errors`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionContext

from domain.errors import DomainError, Forbidden, InvalidErrors, RateLimited, Unauthenticated
from domain.infra import metrics
from domain.infra.health import Health
from domain.infra.transient import Transient, classify
from graph.error_codes import UserErrorCode

log = logging.getLogger("learnql.errors")


@strawberry.type(description="An expected failure of a mutation: which input field, a machine code and a message.")
class UserError:
    field: list[str] | None = strawberry.field(description="Path of the input field at fault, when there is one.")
    code: UserErrorCode = strawberry.field(description="Machine-readable code; see UserErrorCode.")
    message: str
    retry_after: int | None = strawberry.field(
        default=None, description="LOGIN_THROTTLED: seconds until a login may be tried again."
    )

    def __post_init__(self) -> None:
        metrics.count_user_error(str(getattr(self.code, "value", self.code)))  # counted, and named in the log line

    @classmethod
    def from_domain(cls, error: DomainError) -> list[UserError]:
        """Auth failures and refused requests are not data: they propagate as GraphQL errors with a code."""
        if isinstance(error, Unauthenticated | Forbidden | RateLimited):
            raise error
        if isinstance(error, InvalidErrors):
            return [item for inner in error.errors for item in cls.from_domain(inner)]
        wait = getattr(error, "retry_after", None)
        return [cls(field=error.field, code=UserErrorCode.of(error.code), message=error.message, retry_after=wait)]


def coded_error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


UNAVAILABLE = "UNAVAILABLE"


def unavailable(error: GraphQLError, transient: Transient, request_id: str | None) -> GraphQLError:
    """The client's view of a transient failure: retryable, after `retryAfter` seconds. The original
    error stays attached (never serialised) for the retry hook (graph/retries.py)."""
    what = "busy" if transient.cause == "contention" else "unreachable"
    return GraphQLError(
        f"The {transient.dependency} is {what} for a moment; retry in {transient.retry_after} s "
        "(a mutation with the same idempotency key).",
        error.nodes,
        error.source,
        error.positions,
        error.path,
        error.original_error,
        {"code": UNAVAILABLE, "retryable": True, "retryAfter": transient.retry_after, "requestId": request_id},
    )


def observe(health: Health | None, transient: Transient, error: BaseException) -> None:
    """Tell the backend's `Dependency`: it logs one line when its state changes, not one per request."""
    dependency = health.get(transient.dependency) if health is not None else None
    if dependency is None:
        return
    if transient.cause == "outage":
        dependency.failed(error)
    else:
        dependency.contended()


class Schema(strawberry.Schema):
    """strawberry's Schema, logging errors our way. strawberry logs every error of every response with
    its traceback; here expected errors (domain errors, validation) are not logged, a transient failure
    tells its backend's `Dependency` (one line per outage, not thousands: issue 20), and only a bug is
    logged, with the request id and traceback. strawberry calls this once per error, before the
    extensions (`ErrorPolicy`) change them."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        context = execution_context.context if execution_context is not None else None
        for error in errors:
            original = error.original_error
            if (
                original is None
                or isinstance(original, DomainError | GraphQLError)
                or refused_input(error)
                or refused_operation(error)
            ):
                continue
            transient = classify(original)
            if transient is not None:
                observe(getattr(getattr(context, "services", None), "health", None), transient, original)
            else:
                log.error("unexpected error in request %s", getattr(context, "request_id", None), exc_info=original)


def refused_input(error: GraphQLError) -> bool:
    """A literal or variable that a scalar's parser refused (e.g. a DateTime without an offset): the
    client's input, found before execution (no path), not a bug."""
    return error.path is None and isinstance(error.original_error, ValueError | TypeError)


def refused_operation(error: GraphQLError) -> bool:
    """An operation a stream does not run (a query sent as a subscription stream, graph/streams.py)."""
    return isinstance(error.original_error, InvalidOperationTypeError | CannotGetOperationTypeError)


ONLY_SUBSCRIPTIONS_STREAM = "only subscriptions stream: send queries and mutations as plain requests"


class ErrorPolicy(SchemaExtension):
    """Adds `extensions.code` to domain errors, turns transient failures into UNAVAILABLE and masks
    unexpected ones with the request id (`Schema.process_errors` has logged them)."""

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
            if isinstance(original, RateLimited):
                extensions["retryAfter"] = original.retry_after
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
        if refused_input(error):
            return GraphQLError(
                error.message, error.nodes, error.source, error.positions, None, None, {"code": "INVALID"}
            )
        if refused_operation(error):
            message = f"{error.message}: {ONLY_SUBSCRIPTIONS_STREAM}."
            return GraphQLError(
                message, error.nodes, error.source, error.positions, None, None, {"code": "NOT_SUPPORTED"}
            )
        transient = classify(original)
        if transient is not None:
            return unavailable(error, transient, request_id)
        if debug:  # Schema.process_errors logged it
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
