"""The HTTP side of /graphql: strawberry's FastAPI router with retries (graph/retries.py), strict
about what a request may be.

- JSON: orjson (several times faster than the standard library) or, with LEARNQL_ORJSON=false, the
  standard library held to the same rules: no NaN/Infinity, valid UTF-8, nesting bounded. A body that
  is not a JSON object (or a batch array, refused by strawberry while batching is off) is a 400.
- CSRF: strawberry accepts JSON, and multipart for uploads. Browsers send JSON cross-site only after
  a CORS preflight; a multipart form they send without one, so a multipart request must carry a header
  that forces the preflight (Authorization, or Apollo's `apollo-require-preflight` /
  `x-apollo-operation-name`). text/plain and form posts are refused as unsupported content types.
- Subscriptions need a stream: sent as a plain POST or GET they are a 400 that says to use the
  WebSocket, instead of an execution that can only fail.

`LearnQLRouter` puts `RetryingGraphQLRouter` before `StrictExecution` in its method order: the retry
loop's inner `execute_single` is the strict one, so every run of an operation gets the checks and a
refused request (an HTTPException, never transient) is not rerun.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import Request, Response
from strawberry.exceptions import MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graph.context import Context
from graph.retries import RetryingGraphQLRouter

PREFLIGHT_HEADERS = ("authorization", "apollo-require-preflight", "x-apollo-operation-name")
USE_A_WEBSOCKET = (
    "Subscriptions are served over WebSocket: connect to /graphql with the graphql-transport-ws "
    "(or legacy graphql-ws) protocol and send the subscription there."
)
NOT_AN_OBJECT = 'The request body must be a JSON object such as {"query": "...", "variables": {...}}.'
UNSAFE_MULTIPART = (
    "This multipart request could come from a form on any site (CSRF), so it is refused: send an "
    "Authorization header, or a non-empty `apollo-require-preflight` or `x-apollo-operation-name` header."
)


def _no_constants(name: str) -> float:
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e309
        raise json.JSONDecodeError(f"{text} is out of range", text, 0)
    return value


def decode_json(data: str | bytes, fast: bool) -> object:
    """One JSON document; JSONDecodeError for anything that is not strict JSON (both decoders agree:
    no NaN or Infinity, no number out of range, valid UTF-8 without unpaired surrogates)."""
    if fast:
        return orjson.loads(data)  # rejects NaN, Infinity, invalid UTF-8 and lone surrogates; depth <= 1024
    try:
        value = json.loads(data, parse_constant=_no_constants, parse_float=_finite)
        json.dumps(value, ensure_ascii=False).encode()  # UnicodeEncodeError for an unpaired surrogate ("\ud800")
    except (UnicodeError, RecursionError, ValueError) as error:  # ValueError: ints of > 4300 digits
        if isinstance(error, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(f"not JSON: {type(error).__name__}", "", 0) from error
    return value


class StrictExecution(GraphQLRouter[Context, None]):
    """strawberry's execution of one HTTP operation, minus subscriptions (see the module)."""

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """strawberry's, except that subscriptions are not executed (strawberry allows them on POST and
        GET for its streaming transports, which reach `schema.stream`, not this method)."""
        method = request_adapter.method
        allowed = OperationType.from_http(method) - {OperationType.SUBSCRIPTION}
        if not self.allow_queries_via_get and method == "GET":
            allowed -= {OperationType.QUERY}
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as error:
            if error.operation_type == OperationType.SUBSCRIPTION:
                raise HTTPException(400, USE_A_WEBSOCKET) from error
            raise HTTPException(400, error.as_http_error_reason(method)) from error
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error


class LearnQLRouter(RetryingGraphQLRouter[None], StrictExecution):
    """The /graphql router: retries around the strict execution, strict JSON and multipart."""

    def __init__(self, *args: Any, fast_json: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fast_json = fast_json

    def encode_json(self, data: object) -> str | bytes:
        return orjson.dumps(data) if self.fast_json else super().encode_json(data)

    def decode_json(self, data: str | bytes) -> object:
        return decode_json(data, self.fast_json)

    def parse_json(self, data: str | bytes) -> Any:
        value = super().parse_json(data)  # a 400 for anything that is not JSON
        if not isinstance(value, dict | list):
            raise HTTPException(400, NOT_AN_OBJECT)
        return value

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData | list[GraphQLRequestData]:
        content_type, _ = parse_content_type(request.content_type or "")
        if content_type == "multipart/form-data" and not any(
            request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS
        ):
            raise HTTPException(400, UNSAFE_MULTIPART)
        return await super().parse_http_body(request)
