"""Item analysis as Moodle's quiz statistics report defines it, from each student's first fully
graded attempt at each lesson of the class (Moodle's "first attempt" option).

For item i over the n attempts that answered it, x = the item's score, y = the rest of the test
(the attempt's total minus x), sample variances and covariance (n - 1):
- facility index F = mean(x) / max(x), 0..1 (Moodle prints it as a percentage);
- standard deviation SD = sqrt(var x);
- discrimination index D = Pearson r(x, y) = cov(x, y) / sqrt(var x * var y), -1..1
  (Moodle prints 100 r); null when x or y does not vary.
Per lesson with k items and attempt totals T: Cronbach's alpha
  = k / (k - 1) * (1 - sum(var x_i) / var T); null when k < 2 or var T = 0.
All of it is aggregated in SQL; only these last divisions happen in Python.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, and_, case, func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics.rules import ITEM_MAX_SCORE
from domain.analytics.sql import ANSWERS, LESSONS, MEMBERS, SUBMISSIONS, ClassScope, dialect_of
from domain.models import SubmissionStatus

NO_VARIANCE = 1e-12  # below this a variance is rounding noise of a constant score


@dataclass(frozen=True)
class ItemStats:
    problem_id: int
    lesson_id: int
    attempts: int
    facility_index: float
    standard_deviation: float | None
    discrimination_index: float | None


@dataclass(frozen=True)
class LessonReliability:
    attempts: int
    items: int
    cronbach_alpha: float | None


def first_attempts(scope: ClassScope, dialect: str) -> Select[Any]:
    """id, lesson_id and total score of each member's first fully graded attempt at each lesson (by
    created_at, then id). PostgreSQL: DISTINCT ON, which the planner sizes well (it then hashes the
    join with the answers); SQLite: ROW_NUMBER() = 1."""
    source = SUBMISSIONS.join(
        MEMBERS, and_(MEMBERS.c.user_id == SUBMISSIONS.c.user_id, MEMBERS.c.class_id == scope.class_id)
    )
    conditions = [
        SUBMISSIONS.c.lesson_id.is_not(None),
        SUBMISSIONS.c.status == SubmissionStatus.GRADED.value,
    ]
    if scope.course_ids:
        in_courses = select(LESSONS.c.id).where(LESSONS.c.course_id.in_(scope.course_ids))
        conditions.append(SUBMISSIONS.c.lesson_id.in_(in_courses.scalar_subquery()))
    columns = (SUBMISSIONS.c.id, SUBMISSIONS.c.lesson_id, SUBMISSIONS.c.score.label("total"))
    attempt = (SUBMISSIONS.c.user_id, SUBMISSIONS.c.lesson_id)
    order = (SUBMISSIONS.c.created_at, SUBMISSIONS.c.id)
    if dialect == "postgresql":
        return (
            select(*columns)
            .select_from(source)
            .where(*conditions)
            .ext(distinct_on(*attempt))
            .order_by(*attempt, *order)
        )
    ranked = (
        select(*columns, func.row_number().over(partition_by=attempt, order_by=order).label("rn"))
        .select_from(source)
        .where(*conditions)
        .subquery("ranked")
    )
    return select(ranked.c.id, ranked.c.lesson_id, ranked.c.total).where(ranked.c.rn == 1)


def item_query(scope: ClassScope, dialect: str) -> Select[Any]:
    """Per item: n, mean x, and the sample variances of x and y and their covariance. PostgreSQL's
    var_samp and covar_samp are stable single-pass aggregates; SQLite gets the same numbers from sums
    over x and y centred per item with window means."""
    firsts = first_attempts(scope, dialect).cte("firsts")
    items = (
        select(
            firsts.c.lesson_id,
            ANSWERS.c.problem_id,
            ANSWERS.c.score.label("x"),
            (firsts.c.total - ANSWERS.c.score).label("y"),
        )
        .select_from(firsts.join(ANSWERS, ANSWERS.c.submission_id == firsts.c.id))
        .subquery("items")
    )
    n: ColumnElement[Any] = func.count()
    var_x: ColumnElement[Any]
    var_y: ColumnElement[Any]
    cov: ColumnElement[Any]
    if dialect == "postgresql":
        x, y = items.c.x, items.c.y
        source: FromClause = items
        var_x, var_y, cov = func.var_samp(x), func.var_samp(y), func.covar_samp(x, y)
    else:
        source = select(
            items.c.lesson_id,
            items.c.problem_id,
            items.c.x,
            (items.c.x - func.avg(items.c.x).over(partition_by=items.c.problem_id)).label("dx"),
            (items.c.y - func.avg(items.c.y).over(partition_by=items.c.problem_id)).label("dy"),
        ).subquery("centred")
        dx, dy = source.c.dx, source.c.dy
        var_x, var_y, cov = (case((n > 1, func.sum(a * b) / (n - 1))) for a, b in ((dx, dx), (dy, dy), (dx, dy)))
    group = (source.c.lesson_id, source.c.problem_id)
    return (
        select(
            group[0].label("lesson_id"),
            group[1].label("problem_id"),
            n.label("n"),
            func.avg(source.c.x).label("mean"),
            var_x.label("var_x"),
            var_y.label("var_y"),
            cov.label("cov"),
        )
        .select_from(source)
        .group_by(*group)
        .order_by(*group)
    )


def total_variance_query(scope: ClassScope, dialect: str) -> Select[Any]:
    """Per lesson: attempts and the sample variance of their totals."""
    firsts = first_attempts(scope, dialect).subquery("firsts")
    if dialect == "postgresql":
        return select(firsts.c.lesson_id, func.count().label("n"), func.var_samp(firsts.c.total).label("var")).group_by(
            firsts.c.lesson_id
        )
    centred = select(
        firsts.c.lesson_id,
        (firsts.c.total - func.avg(firsts.c.total).over(partition_by=firsts.c.lesson_id)).label("d"),
    ).subquery("totals")
    n = func.count()
    return select(
        centred.c.lesson_id, n.label("n"), case((n > 1, func.sum(centred.c.d * centred.c.d) / (n - 1))).label("var")
    ).group_by(centred.c.lesson_id)


def _varies(variance: float | None) -> bool:
    return variance is not None and variance > NO_VARIANCE


def _item(row: Any) -> ItemStats:
    return ItemStats(
        problem_id=row.problem_id,
        lesson_id=row.lesson_id,
        attempts=int(row.n),
        facility_index=row.mean / ITEM_MAX_SCORE,
        standard_deviation=math.sqrt(max(row.var_x, 0.0)) if row.var_x is not None else None,
        discrimination_index=row.cov / math.sqrt(row.var_x * row.var_y)
        if _varies(row.var_x) and _varies(row.var_y)
        else None,
    )


def cronbach_alpha(item_variances: list[float], total_variance: float | None) -> float | None:
    k = len(item_variances)
    if k < 2 or not _varies(total_variance):
        return None
    assert total_variance is not None
    return k / (k - 1) * (1 - sum(item_variances) / total_variance)


async def analyse(session: AsyncSession, scope: ClassScope) -> tuple[list[ItemStats], dict[int, LessonReliability]]:
    dialect = dialect_of(session)
    rows = list(await session.execute(item_query(scope, dialect)))
    variances: dict[int, list[float | None]] = {}
    for row in rows:
        variances.setdefault(row.lesson_id, []).append(row.var_x)
    reliability: dict[int, LessonReliability] = {}
    for lesson_id, n, total_variance in await session.execute(total_variance_query(scope, dialect)):
        item_variances = variances.get(lesson_id, [])
        known = [v for v in item_variances if v is not None]
        alpha = cronbach_alpha(known, total_variance) if len(known) == len(item_variances) else None
        reliability[lesson_id] = LessonReliability(int(n), len(item_variances), alpha)
    return [_item(row) for row in rows], reliability
