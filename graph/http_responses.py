"""What /graphql answers over HTTP, as the GraphQL-over-HTTP spec has it.

- Media type: `application/graphql-response+json` when the Accept header prefers it (or ranks it as
  high as `application/json`), else `application/json`: clients that send no Accept header, or only
  `application/json` or `*/*`, get the legacy behaviour.
- Status: with `application/graphql-response+json` a request that never reached execution (a parse or
  validation failure, a variable that does not coerce, a query refused as too costly) is a 4xx and its
  body has no `data` entry; a failure inside execution stays 200 with `data`. With `application/json`
  every GraphQL result is 200, as before. Statuses set on the way (429 with Retry-After for a rate
  limit, graph/rate_limits.py; 503 for a backend still unavailable after retries, graph/retries.py)
  stand in both.
- Request-level errors (a body that is not JSON, no query, a mutation over GET, a wrong method or
  content type) are JSON too: `{"errors": [{"message": ...}]}` with their 4xx status, never text/plain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graphql import GraphQLError
from starlette.responses import Response

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

# extensions.code of an error found before execution -> the status it answers with
PRE_EXECUTION_STATUS = {"UNAUTHENTICATED": 401, "INTERNAL_SERVER_ERROR": 500, "UNAVAILABLE": 503}


@dataclass
class Exchange:
    """One HTTP request's answer as it takes shape: the negotiated media type and a status, when the
    result decides one (a request error)."""

    media_type: str
    status: int | None = None


def _quality(parameters: Sequence[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value.strip())))
            except ValueError:
                return 0.0
    return 1.0


def negotiate(accept: str | None) -> str:
    """The media type of the answer to a request with this Accept header (see the module)."""
    ranks: dict[str, float] = {}
    for item in (accept or "").split(","):
        media_type, *parameters = item.split(";")
        media_type = media_type.strip().lower()
        if media_type:
            ranks[media_type] = max(ranks.get(media_type, 0.0), _quality(parameters))
    wanted = ranks.get(GRAPHQL_RESPONSE, 0.0)
    legacy = max(ranks.get(JSON, 0.0), ranks.get("application/*", 0.0), ranks.get("*/*", 0.0))
    return GRAPHQL_RESPONSE if wanted > 0 and wanted >= legacy else JSON


def request_error_status(data: object, errors: Sequence[GraphQLError] | None) -> int | None:
    """The status of a result that never reached execution (no data, no error on a field), else None."""
    if data is not None or not errors or any(error.path is not None for error in errors):
        return None
    statuses = [PRE_EXECUTION_STATUS.get(str((error.extensions or {}).get("code")), 400) for error in errors]
    return max(statuses)


def content_type_header(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def request_error(
    status: int, encoded: bytes | str, media_type: str, headers: Mapping[str, str] | None = None
) -> Response:
    """A request-level error: the GraphQL error shape, in the negotiated media type."""
    response = Response(encoded, status_code=status, headers=dict(headers or {}))
    response.headers["content-type"] = content_type_header(media_type)
    return response


def error_body(message: str) -> dict[str, object]:
    return {"errors": [{"message": message}]}
