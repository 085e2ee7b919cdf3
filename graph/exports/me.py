"""The viewer's own data: their review log for the FSRS optimizers, and everything as JSON."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from domain.exports import portability, review_log
from domain.models import User
from graph.context import Context
from graph.exports.downloads import Refused, authorize, csv_lines, stream

router = APIRouter()


async def _nothing_to_check(_context: Context, _viewer: User) -> None:
    return None  # one's own data: being logged in is enough


@router.get("/me/review-log.csv")
async def review_log_csv(request: Request) -> Response:
    """card_id,review_time,review_rating,review_state,review_duration, as the FSRS optimizers read it."""
    try:
        services, viewer, _ = await authorize(request, "Not found.", _nothing_to_check)
    except Refused as refused:
        return refused.response
    user_id = viewer.id
    assert user_id is not None

    async def rows(session: AsyncSession) -> AsyncIterator[tuple[Any, ...]]:
        yield review_log.HEADER
        async for row in review_log.review_log_rows(session, user_id):
            yield row

    return stream(
        services, "review_log", lambda s: csv_lines("review_log", rows(s)), "text/csv; charset=utf-8", "review-log.csv"
    )


@router.get("/me.json")
async def me_json(request: Request) -> Response:
    """The viewer's profile and every row of theirs, one JSON object (docs/exports.md lists the keys)."""
    try:
        services, viewer, _ = await authorize(request, "Not found.", _nothing_to_check)
    except Refused as refused:
        return refused.response
    user_id = viewer.id
    assert user_id is not None
    now = services.clock()
    return stream(
        services,
        "me",
        lambda session: portability.document(session, user_id, now),
        "application/json",
        f"learnql-export-{user_id}.json",
    )
