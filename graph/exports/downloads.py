"""What every export route does: check the token, the viewer's right and the rate limit with the
API's own context, then stream the body from a snapshot session that lives as long as the download.

A refusal is a small JSON body: 401 (no or bad token), 404 (not found or not the viewer's: the two
look the same, as in the API), 429 with Retry-After (LEARNQL_LIMIT_EXPORTS_PER_USER).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, Forbidden, NotFound, RateLimited, Unauthenticated
from domain.exports.cells import safe_row
from domain.exports.streaming import snapshot_sessions
from domain.infra import metrics
from domain.models import User
from graph.context import Context, Services

T = TypeVar("T")
CHUNK = 32 * 1024  # bytes of CSV or JSON gathered before a chunk goes out


class Refused(Exception):
    def __init__(self, response: JSONResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def _refusal(error: DomainError, not_found: str) -> JSONResponse:
    if isinstance(error, Unauthenticated):
        return JSONResponse({"error": error.message, "code": error.code}, status_code=401)
    if isinstance(error, Forbidden | NotFound):
        return JSONResponse({"error": not_found, "code": "NOT_FOUND"}, status_code=404)
    if isinstance(error, RateLimited):
        headers = {"Retry-After": str(error.retry_after)}
        return JSONResponse({"error": error.message, "code": error.code}, status_code=429, headers=headers)
    return JSONResponse({"error": error.message, "code": error.code}, status_code=400)


async def authorize(
    request: Request,
    not_found: str,
    check: Callable[[Context, User], Awaitable[T]],
) -> tuple[Services, User, T]:
    """The viewer and what `check` found for them (it raises NotFound/Forbidden for what they may not
    see); raises Refused with the response to send instead."""
    services: Services = request.app.state.services
    client = request.client.host if request.client else None
    context = Context(services, request.headers.get("authorization"), request.headers.get("x-request-id"), client)
    try:
        viewer = await context.require_viewer()
        found = await check(context, viewer)
        assert viewer.id is not None
        await services.limiter.acquire("exports_per_user", str(viewer.id), "exports")
    except DomainError as error:
        raise Refused(_refusal(error, not_found)) from error
    finally:
        await context.close()
    return services, viewer, found


def attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def stream(
    services: Services,
    export: str,
    body: Callable[[AsyncSession], AsyncIterator[str]],
    media_type: str,
    filename: str,
) -> Response:
    """Stream `body` (text pieces) from a snapshot session opened for the download, in chunks of about
    CHUNK bytes; the session closes when the download ends or the client goes away."""
    metrics.EXPORTS.labels(export).inc()

    async def chunks() -> AsyncIterator[bytes]:
        pending: list[str] = []
        size = 0
        async with snapshot_sessions(services.engine)() as session:
            async for piece in body(session):
                pending.append(piece)
                size += len(piece)
                if size >= CHUNK:
                    yield "".join(pending).encode()
                    pending, size = [], 0
        if pending:
            yield "".join(pending).encode()

    return StreamingResponse(chunks(), media_type=media_type, headers=attachment(filename))


async def csv_lines(export: str, rows: AsyncIterator[tuple[Any, ...]]) -> AsyncIterator[str]:
    """Rows as CSV lines, each cell neutralised against formula injection; counted when done."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    try:
        async for row in rows:
            writer.writerow(safe_row(row))
            count += 1
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    finally:
        metrics.EXPORT_ROWS.labels(export).inc(count)


async def rows_of(*rows: tuple[Any, ...]) -> AsyncIterator[tuple[Any, ...]]:
    for row in rows:
        yield row
