"""The HTTP side of /graphql: strawberry's FastAPI router with retries (graph/retries.py), strict
about what a request may be.

- JSON: orjson (several times faster than the standard library) or, with LEARNQL_ORJSON=false, the
  standard library held to the same rules: no NaN/Infinity, valid UTF-8, nesting bounded. A body that
  is not a JSON object (or a batch array, refused by strawberry while batching is off) is a 400.
- CSRF: strawberry accepts JSON, and multipart for uploads. Browsers send JSON cross-site only after
  a CORS preflight; a multipart form they send without one, so a multipart request must carry a header
  that forces the preflight (Authorization, or Apollo's `apollo-require-preflight` /
  `x-apollo-operation-name`). text/plain and form posts are refused as unsupported content types.
- Subscriptions need a stream: the WebSocket, or over HTTP GraphQL over SSE (`Accept:
  text/event-stream`, the graphql-sse protocol's distinct connections mode) or incremental delivery
  (`Accept: multipart/mixed;subscriptionSpec="1.0"`, as Apollo Client and urql send it); graph/streams.py.
  A subscription sent as a plain POST or GET is a 400 that says so, instead of an execution that can
  only fail. Only subscriptions stream: queries and mutations keep the plain path (and its retries).
- Answers follow the GraphQL-over-HTTP spec (graph/http_responses.py): `application/graphql-response+json`
  with 4xx for requests that never ran when the client accepts it, `application/json` otherwise, and
  JSON bodies for request-level errors.

`LearnQLRouter` puts `RetryingGraphQLRouter` before `StrictExecution` in its method order: the retry
loop's inner `execute_single` is the strict one, so every run of an operation gets the checks and a
refused request (an HTTPException, never transient) is not rerun.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator, Callable, Mapping
from contextvars import ContextVar
from typing import Any, cast

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from starlette.websockets import WebSocket
from strawberry.exceptions import MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET

from graph import graphiql, streams
from graph.context import Context
from graph.cors import OriginPolicy
from graph.http_responses import (
    Exchange,
    content_type_header,
    error_body,
    negotiate,
    request_error,
    request_error_status,
)
from graph.retries import RetryingGraphQLRouter

PREFLIGHT_HEADERS = ("authorization", "apollo-require-preflight", "x-apollo-operation-name")
USE_A_STREAM = (
    "Subscriptions need a stream: connect to /graphql over WebSocket (graphql-transport-ws or legacy "
    "graphql-ws), or send the request with `Accept: text/event-stream` (GraphQL over SSE) or "
    '`Accept: multipart/mixed;subscriptionSpec="1.0"` (incremental delivery).'
)
NO_MUTATION_OVER_GET = "Mutations are not allowed over GET: send them with POST."
NOT_A_NAME = "The GraphQL operation's `operationName` must be a string or null, if provided."
OTHER_METHODS = "GraphQL is served over GET and POST."
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


class MethodNotAllowed(HTTPException):
    def __init__(self, reason: str, allow: str) -> None:
        super().__init__(405, reason)
        self.allow = allow


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
                raise HTTPException(400, USE_A_STREAM) from error
            if error.operation_type == OperationType.MUTATION and method == "GET":
                raise MethodNotAllowed(NO_MUTATION_OVER_GET, "POST") from error
            raise HTTPException(400, error.as_http_error_reason(method)) from error
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error


# The answer being made for the current HTTP request (set by `LearnQLRouter.run`, read by the hooks
# strawberry calls in between, which are not handed the request or the context).
_exchange: ContextVar[tuple[Exchange, Context] | None] = ContextVar("learnql_http_exchange", default=None)


class LearnQLRouter(RetryingGraphQLRouter[None], StrictExecution):
    """The /graphql router: retries around the strict execution, strict JSON and multipart, subscriptions
    over SSE and multipart/mixed, answers as the GraphQL-over-HTTP spec has them."""

    stream_transport_classes_by_protocol = streams.TRANSPORTS

    def __init__(self, *args: Any, fast_json: bool = True, origins: OriginPolicy | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("subscription_protocols", streams.PROTOCOLS)
        super().__init__(*args, **kwargs)
        self.fast_json = fast_json
        self.origins = origins or OriginPolicy(frozenset())

        @self.api_route("", methods=["PUT", "PATCH", "DELETE"], include_in_schema=False)
        async def other_methods(request: Request) -> Response:
            return self.request_error(
                HTTPException(405, OTHER_METHODS), negotiate(request.headers.get("accept")), "GET, POST"
            )

    async def run(self, request: Request | WebSocket, context: Any = UNSET, root_value: None = UNSET) -> Any:
        if isinstance(request, WebSocket):  # served by graph/realtime/endpoint.py; never reaches here
            return await super().run(request, context=context, root_value=root_value)
        media_type = negotiate(request.headers.get("accept"))
        token = _exchange.set((Exchange(media_type), cast(Context, context)))
        try:
            if self._get_stream_transport_from_headers(request.headers) is not None:
                streams.check_origin(request.headers, self.origins)
            return await super().run(request, context=context, root_value=root_value)
        except MethodNotAllowed as error:
            return self.request_error(error, media_type, error.allow)
        except HTTPException as error:
            return self.request_error(error, media_type)
        finally:
            _exchange.reset(token)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return graphiql.response()

    def request_error(self, error: HTTPException, media_type: str, allow: str | None = None) -> Response:
        headers = {"Allow": allow} if allow else None
        return request_error(error.status_code, self.encode_json(error_body(error.reason)), media_type, headers)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        current = _exchange.get()
        if current is not None and current[0].media_type != "application/json":
            status = request_error_status(result.data, result.errors)
            if status is not None:  # never executed: no `data` entry, a 4xx (or 5xx) status
                processed.pop("data", None)
                current[0].status = status
        return processed

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        current = _exchange.get()
        if current is not None:
            exchange = current[0]
            response.headers["content-type"] = content_type_header(exchange.media_type)
            if sub_response.status_code is None and exchange.status is not None:  # 429 and 503 stand
                response.status_code = exchange.status
        return response

    async def create_streaming_response(
        self,
        request: Request,
        stream: Callable[[], AsyncIterator[str]],
        sub_response: Response,
        headers: Mapping[str, str],
    ) -> Response:
        current = _exchange.get()
        assert current is not None
        observed = streams.observed(stream, current[1], headers)
        return await super().create_streaming_response(request, observed, sub_response, headers)

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
        parsed = await super().parse_http_body(request)
        for data in parsed if isinstance(parsed, list) else [parsed]:
            if not isinstance(data.operation_name, str | None):
                raise HTTPException(400, NOT_A_NAME)
        return parsed
