"""Item analysis as a table: the class's item statistics (domain/analytics/items.py) with the
problem's lesson, prompt and kind, the lesson's Cronbach's alpha, and flags for items to review.

Flags (thresholds after Ebel's guidelines for discrimination and the usual facility band):
- FEW_ATTEMPTS: under 5 first attempts answered it; the other numbers are noise;
- NEGATIVE_DISCRIMINATION: D < 0, weaker students do better on it than stronger ones (a wrong key?);
- LOW_DISCRIMINATION: 0 <= D < 0.2, it hardly separates stronger from weaker students;
- TOO_EASY: facility above 0.9; TOO_HARD: facility below 0.2.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics import items
from domain.analytics.items import ItemStats
from domain.analytics.sql import LESSONS, ClassScope, table
from domain.models import Problem

MIN_ATTEMPTS = 5
LOW_DISCRIMINATION = 0.2
TOO_EASY, TOO_HARD = 0.9, 0.2
PROBLEMS = table(Problem)


def item_flags(item: ItemStats) -> list[str]:
    """What makes this item worth a look, in a fixed order; empty when nothing does."""
    flags = []
    if item.attempts < MIN_ATTEMPTS:
        flags.append("FEW_ATTEMPTS")
    d = item.discrimination_index
    if d is not None and d < 0:
        flags.append("NEGATIVE_DISCRIMINATION")
    elif d is not None and d < LOW_DISCRIMINATION:
        flags.append("LOW_DISCRIMINATION")
    if item.facility_index > TOO_EASY:
        flags.append("TOO_EASY")
    elif item.facility_index < TOO_HARD:
        flags.append("TOO_HARD")
    return flags


@dataclass(frozen=True)
class ItemRow:
    lesson_id: int
    lesson_title: str
    problem_id: int
    kind: str
    prompt: str
    stats: ItemStats
    cronbach_alpha: float | None
    flags: list[str]


async def item_rows(session: AsyncSession, scope: ClassScope) -> AsyncIterator[ItemRow]:
    """One row per problem answered in a first attempt, in lesson order then problem order. The
    statistics are aggregates (one row per problem, computed in SQL), so they are read at once."""
    stats, reliability = await items.analyse(session, scope)
    if not stats:
        return
    by_problem = {item.problem_id: item for item in stats}
    query = (
        select(PROBLEMS.c.id, PROBLEMS.c.kind, PROBLEMS.c.prompt, LESSONS.c.id, LESSONS.c.title)
        .join(LESSONS, LESSONS.c.id == PROBLEMS.c.lesson_id)
        .where(PROBLEMS.c.id.in_(by_problem))
        .order_by(LESSONS.c.course_id, LESSONS.c.position, LESSONS.c.id, PROBLEMS.c.position, PROBLEMS.c.id)
    )
    for row in (await session.execute(query)).all():
        problem_id, kind, prompt, lesson_id, lesson_title = tuple(row)
        item = by_problem[problem_id]
        alpha = reliability[lesson_id].cronbach_alpha if lesson_id in reliability else None
        yield ItemRow(lesson_id, lesson_title, problem_id, kind, prompt, item, alpha, item_flags(item))
