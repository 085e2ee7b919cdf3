"""Every GraphQL operation measured and described: latency by operation name, errors by code, SQL
statements; its log fields go onto the HTTP request's line, and over WebSocket subscriptions log
`ws.subscribe` and `ws.complete` themselves.

Expected failures (UserError codes, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, ...) are counted and
named in the line, without a traceback; unexpected ones are logged with theirs once, and transient
ones once per outage, by `Schema.process_errors` (graph/errors.py), which replaces strawberry's
logging of every error.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from domain.errors import DomainError
from domain.infra import metrics
from domain.infra.logs import get_logger
from graph.observability.requests import RequestRecord, current_request

log = get_logger("learnql.graphql")


def error_code(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, DomainError):
        return original.code
    code = (error.extensions or {}).get("code")
    if isinstance(code, str):
        return code
    if original is not None and not isinstance(original, GraphQLError):
        return "INTERNAL_SERVER_ERROR"
    return "GRAPHQL_VALIDATION_FAILED" if error.path is None else "GRAPHQL_ERROR"


def _operation(context: ExecutionContext) -> OperationDefinitionNode | None:
    document = context.graphql_document
    if document is None:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    name = context.operation_name
    for operation in operations:
        if name is None or (operation.name is not None and operation.name.value == name):
            return operation
    return None


def root_field(context: ExecutionContext) -> str:
    """The first root field the operation selects (a subscription has exactly one)."""
    operation = _operation(context)
    if operation is None:
        return "unknown"
    for selection in operation.selection_set.selections:
        name = getattr(selection, "name", None)
        if name is not None:
            return str(name.value)
    return "unknown"


class Observability(SchemaExtension):
    """Listed first among the extensions: its closing part runs last, after ErrorPolicy's."""

    def __init__(self, *, execution_context: ExecutionContext | None = None) -> None:
        super().__init__(execution_context=execution_context)
        self._field: str | None = None  # set while a subscription is counted as active
        self._codes: list[str] = []
        self._streamed = False  # WebSocket: errors are counted per result, as they go out

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        request = current_request()
        tally = request.tally if request is not None else metrics.start_tally()
        statements, user_errors = tally.statements, len(tally.user_errors)
        try:
            yield
        finally:  # also when a subscription is stopped: its task is cancelled at the yield
            self._finish(request, tally, statements, user_errors, time.perf_counter() - started)

    def _finish(
        self, request: RequestRecord | None, tally: metrics.Tally, statements: int, user_errors: int, duration: float
    ) -> None:
        context = self.execution_context
        codes = self._codes
        if not self._streamed:
            codes.extend(error_code(error) for error in getattr(context.result, "errors", None) or ())
        for code in codes:
            metrics.GRAPHQL_ERRORS.labels(code, "graphql").inc()
        kind = _kind(context)
        name = context.operation_name
        label = metrics.operation_label(name)
        statements = tally.statements - statements
        metrics.GRAPHQL_DURATION.labels(label, kind).observe(duration)
        metrics.GRAPHQL_SQL_STATEMENTS.labels(label, kind).observe(statements)
        fields: dict[str, Any] = {
            "operation_name": name,
            "operation_type": kind,
            "query_hash": _persisted_hash(context),
            "user_id": _user_id(context.context),
            "error_codes": sorted(set(codes + tally.user_errors[user_errors:])),
        }
        if request is not None:
            request.fields.update(fields)
            return
        if self._field is not None:
            metrics.SUBSCRIPTIONS_ACTIVE.labels(self._field).dec()
        log.info(
            "ws.complete" if kind == "subscription" else "ws.operation",
            field=self._field,
            duration_ms=round(duration * 1000, 2),
            sql_statements=statements,
            **fields,
        )

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if current_request() is None and _kind(context) == "subscription":
            self._field = root_field(context)
            metrics.SUBSCRIPTIONS_ACTIVE.labels(self._field).inc()
            log.info("ws.subscribe", field=self._field, operation_name=context.operation_name)
        yield

    def on_stream_result(self, result: Any) -> Iterator[None]:
        self._streamed = True
        if self._field is not None and getattr(result, "data", None) is not None:
            metrics.SUBSCRIPTION_MESSAGES.labels(self._field).inc()
        self._codes.extend(error_code(error) for error in getattr(result, "errors", None) or ())
        yield


def _user_id(context: object) -> int | None:
    """The user the request's token speaks for, once verified; None if anonymous, bad or not checked."""
    viewer_id = getattr(context, "verified_viewer_id", None)
    return viewer_id if isinstance(viewer_id, int) else None


def _kind(context: ExecutionContext) -> str:
    try:
        return OperationType(context.operation_type).value
    except Exception:  # not parsed, or no such operation: the error says which
        return "unknown"


def _persisted_hash(context: ExecutionContext) -> str | None:
    persisted = (context.operation_extensions or {}).get("persistedQuery")
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return digest if isinstance(digest, str) else None
