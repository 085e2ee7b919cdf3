"""Whole GraphQL operations rerun on a transient failure; what still fails is UNAVAILABLE (HTTP 503).

The hook is the HTTP view's `execute_single` (strawberry's AsyncBaseHTTPView runs every single HTTP
operation through it, after the context is built and the body parsed): the operation runs through
`domain.infra.transient.retry_transient`, which reruns it when an error of the result (or an
exception) is transient, up to `LEARNQL_RETRY_ATTEMPTS` runs with jittered backoff. An operation may
rerun only when

- it sent no commit (`Context.commit_sent`): before COMMIT its writes roll back and nothing has
  left the process (events, jobs and cache bumps go out after commit), so the rerun is the first
  run again. After a COMMIT was sent its outcome is unknown: the client decides, and retries a
  mutation with the same idempotency key, which replays it if it did commit;
- it carries no upload (multipart): an uploaded file is read once and closed.

Between runs the context's session and loaders are dropped (`Context.release`). When the final
result still fails transiently and nothing of the operation succeeded, the response is HTTP 503 with
`Retry-After`; a partly successful one stays 200 with UNAVAILABLE errors on the failed fields.
WebSocket operations do not pass here: a subscription is not rerun.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from starlette.responses import Response
from strawberry.fastapi import GraphQLRouter
from strawberry.http.typevars import RootValue
from strawberry.types.execution import ExecutionResult

from domain.infra.transient import classify, retry_transient
from graph.context import Context
from graph.errors import UNAVAILABLE, observe, unavailable

log = logging.getLogger("learnql.retries")


class TransientResult(Exception):
    """A result whose errors are transient, raised so that `retry_transient` sees the cause."""

    def __init__(self, result: ExecutionResult, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.result = result
        self.__cause__ = cause


def transient_cause(result: ExecutionResult) -> BaseException | None:
    """The first transient failure behind the result's errors."""
    for error in result.errors or ():
        original = error.original_error
        if original is not None and classify(original) is not None:
            return original
    return None


def failed_entirely(result: ExecutionResult) -> bool:
    """Nothing of the operation succeeded: every root field it asked for failed as UNAVAILABLE."""
    failed = {
        error.path[0]
        for error in result.errors or ()
        if error.path and (error.extensions or {}).get("code") == UNAVAILABLE
    }
    return result.data is None or all(value is None and key in failed for key, value in result.data.items())


class RetryingGraphQLRouter(GraphQLRouter[Context, RootValue]):
    """strawberry's FastAPI router, with operations rerun on transient failures (see the module)."""

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: RootValue | None,
        request_data: Any,
    ) -> ExecutionResult:
        settings = context.settings
        runs = 0
        uploads = (request_adapter.content_type or "").startswith("multipart/")

        async def run() -> ExecutionResult:
            nonlocal runs
            if runs:
                await context.release()  # a fresh session and fresh loaders: nothing of the failed run
            runs += 1
            context.commit_sent = False
            result = await super(RetryingGraphQLRouter, self).execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
            cause = transient_cause(result)
            if cause is not None:
                raise TransientResult(result, cause)
            return result

        try:
            return await retry_transient(
                run,
                settings.retry_attempts,
                settings.retry_base_delay_seconds,
                can_rerun=lambda _: not context.commit_sent and not uploads,
            )
        except TransientResult as failed:
            result = failed.result
            transient = classify(failed)
        except Exception as error:  # raised outside the resolvers (the error policy has not seen it)
            transient = classify(error)
            if transient is None:
                raise
            observe(context.services.health, transient, error)
            masked = unavailable(GraphQLError(str(error), original_error=error), transient, context.request_id)
            result = ExecutionResult(data=None, errors=[masked])
        assert transient is not None
        if transient.cause == "contention":  # rare under the lock order (domain/infra/locks.py): say so
            log.warning("request %s: %s after %d runs", context.request_id, transient.cause, runs)
        if failed_entirely(result):
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = str(transient.retry_after)
        return result
