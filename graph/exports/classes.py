"""A class's gradebook and item analysis as CSV, for its instructor and admins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics.sql import ClassScope, load_scope
from domain.exports import access, gradebook, items
from domain.exports.gradebook import GradebookBy
from domain.models import User
from graph import ids
from graph.context import Context, Services
from graph.exports.downloads import Refused, authorize, csv_lines, stream

router = APIRouter()
NO_CLASS = "No such class."


def _percent(value: float | None) -> float | str:
    return "" if value is None else round(value, 2)


def _number(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


async def _class_scope(request: Request, class_id: str) -> tuple[Services, ClassScope]:
    async def check(context: Context, viewer: User) -> ClassScope:
        key = ids.decode(class_id, "Class", ["classId"])
        await context.run(access.class_for_export, viewer, key)
        return await context.run(load_scope, key)

    services, _, scope = await authorize(request, NO_CLASS, check)
    return services, scope


@router.get("/classes/{class_id}/gradebook.csv")
async def gradebook_csv(request: Request, class_id: str, by: GradebookBy = GradebookBy.LESSON) -> Response:
    """One row per student, one column per lesson (default) or problem; cells are percentages."""
    try:
        services, scope = await _class_scope(request, class_id)
    except Refused as refused:
        return refused.response
    kind = "Lesson" if by == GradebookBy.LESSON else "Problem"

    async def rows(session: AsyncSession) -> AsyncIterator[tuple[Any, ...]]:
        order = await gradebook.columns(session, scope, by)
        yield ("student_id", "student", *(f"{c.title} ({ids.encode(kind, c.id)})" for c in order), "mean")
        async for student in gradebook.student_rows(session, scope, by, order):
            cells = (_percent(value) for value in student.cells)
            yield (ids.encode("User", student.user_id), student.display_name, *cells, _percent(student.mean))

    filename = f"class-{scope.class_id}-gradebook-by-{by.value}.csv"
    return stream(services, "gradebook", lambda s: csv_lines("gradebook", rows(s)), "text/csv; charset=utf-8", filename)


ITEM_HEADER = (
    "lesson_id",
    "lesson",
    "problem_id",
    "kind",
    "prompt",
    "attempts",
    "facility_index",
    "standard_deviation",
    "discrimination_index",
    "lesson_cronbach_alpha",
    "flags",
)


@router.get("/classes/{class_id}/items.csv")
async def items_csv(request: Request, class_id: str) -> Response:
    """Item analysis of the class's first attempts: facility, discrimination, flags."""
    try:
        services, scope = await _class_scope(request, class_id)
    except Refused as refused:
        return refused.response

    async def rows(session: AsyncSession) -> AsyncIterator[tuple[Any, ...]]:
        yield ITEM_HEADER
        async for item in items.item_rows(session, scope):
            yield (
                ids.encode("Lesson", item.lesson_id),
                item.lesson_title,
                ids.encode("Problem", item.problem_id),
                item.kind,
                item.prompt,
                item.stats.attempts,
                _number(item.stats.facility_index),
                _number(item.stats.standard_deviation),
                _number(item.stats.discrimination_index),
                _number(item.cronbach_alpha),
                ";".join(item.flags),
            )

    filename = f"class-{scope.class_id}-items.csv"
    return stream(services, "items", lambda s: csv_lines("items", rows(s)), "text/csv; charset=utf-8", filename)
