"""Class analytics: the distribution of the students' mean percentages, lessons, subjects, at-risk
students, and item analysis (items.py); every figure is an SQL aggregate.

A student's score in a class is the mean percentage of the grades that count for the class
(sql.class_grades). Over those scores: mean, sample standard deviation (n - 1), percentiles with
linear interpolation between order statistics (PostgreSQL's percentile_cont; the same formula with
ROW_NUMBER/COUNT windows on SQLite) and a histogram with fixed buckets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, Select, and_, case, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics import items as item_analysis
from domain.analytics.items import ItemStats, LessonReliability
from domain.analytics.rules import AT_RISK_LISTED, HISTOGRAM_BUCKETS, HISTOGRAM_WIDTH, QUANTILES, Trend, risk_order
from domain.analytics.sql import (
    MEMBERS,
    PROGRESS,
    ClassScope,
    class_grades,
    class_lessons,
    dialect_of,
    load_scope,
    trends,
)


@dataclass(frozen=True)
class Bucket:
    lower: float
    upper: float
    count: int


@dataclass(frozen=True)
class LessonStats:
    lesson_id: int
    mean: float | None
    grades: int
    students: int
    completion_rate: float | None
    reliability: LessonReliability | None = None


@dataclass(frozen=True)
class SubjectStats:
    subject: str
    mean: float
    grades: int


@dataclass(frozen=True)
class StudentRisk:
    user_id: int
    count: int
    mean: float | None
    slope_per_week: float | None
    change_30_days: float | None
    reasons: list[str]


@dataclass(frozen=True)
class ClassAnalytics:
    class_id: int
    student_count: int
    graded_student_count: int
    mean: float | None
    standard_deviation: float | None
    percentiles: dict[str, float]  # "p10", "p25", "p50", "p75", "p90"; empty without grades
    histogram: list[Bucket]
    lessons: list[LessonStats]
    subjects: list[SubjectStats]
    at_risk: list[StudentRisk]  # the AT_RISK_LISTED most at risk, most at risk first
    at_risk_count: int
    items: list[ItemStats]
    computed_at: datetime
    course_ids: list[int] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return self.percentiles.get("p50")


def quantile_name(q: float) -> str:
    return f"p{round(q * 100)}"


def _student_means(scope: ClassScope) -> Any:
    grades = class_grades(scope).subquery("g")
    return select(grades.c.user_id, func.avg(grades.c.pct).label("v")).group_by(grades.c.user_id).subquery("students")


async def distribution(session: AsyncSession, scope: ClassScope) -> tuple[int, float | None, float | None]:
    """(students with grades, mean of their scores, sample standard deviation), two-pass in SQL."""
    students = _student_means(scope)
    centred = select(students.c.v, (students.c.v - func.avg(students.c.v).over()).label("d")).subquery("d")
    query = select(func.count(), func.avg(centred.c.v), func.sum(centred.c.d * centred.c.d))
    count, mean, squares = (await session.execute(query)).one()
    deviation = math.sqrt(squares / (count - 1)) if count >= 2 and squares is not None else None
    return int(count), mean, deviation


def _percentile_query(scope: ClassScope, dialect: str) -> Select[Any]:
    students = _student_means(scope)
    if dialect == "postgresql":
        return select(*(func.percentile_cont(q).within_group(students.c.v) for q in QUANTILES))
    ranked = select(
        students.c.v,
        (func.row_number().over(order_by=students.c.v) - 1).label("i"),
        func.count().over().label("n"),
    ).subquery("ranked")
    columns = []
    for q in QUANTILES:
        position = sql_cast(ranked.c.n - 1, Float) * q  # percentile_cont's (n - 1) * q, 0-based
        below = sql_cast(position, Integer)  # truncation = floor for positions >= 0
        low = func.max(case((ranked.c.i == below, ranked.c.v)))
        high = func.max(case((ranked.c.i == below + 1, ranked.c.v)))
        fraction = func.max(position - below)
        columns.append(low + (func.coalesce(high, low) - low) * fraction)
    return select(*columns)


async def percentiles(session: AsyncSession, scope: ClassScope) -> dict[str, float]:
    values = (await session.execute(_percentile_query(scope, dialect_of(session)))).one()
    return {quantile_name(q): float(v) for q, v in zip(QUANTILES, values, strict=True) if v is not None}


async def histogram(session: AsyncSession, scope: ClassScope) -> list[Bucket]:
    students = _student_means(scope)
    whens = [(students.c.v < HISTOGRAM_WIDTH * (i + 1), i) for i in range(HISTOGRAM_BUCKETS - 1)]
    bucket = case(*whens, else_=HISTOGRAM_BUCKETS - 1).label("bucket")
    query = select(bucket, func.count()).group_by(bucket)
    counts = {int(index): int(count) for index, count in await session.execute(query)}
    return [Bucket(HISTOGRAM_WIDTH * i, HISTOGRAM_WIDTH * (i + 1), counts.get(i, 0)) for i in range(HISTOGRAM_BUCKETS)]


async def lesson_stats(session: AsyncSession, scope: ClassScope, student_count: int) -> list[LessonStats]:
    """Per lesson: mean percentage and count of the grades, students graded, and the share of the
    class's students who completed it (lesson progress)."""
    grades = class_grades(scope).subquery("g")
    graded = (
        select(grades.c.lesson_id, func.avg(grades.c.pct), func.count(), func.count(grades.c.user_id.distinct()))
        .where(grades.c.lesson_id.is_not(None))
        .group_by(grades.c.lesson_id)
    )
    by_lesson = {row[0]: row[1:] for row in await session.execute(graded)}
    completed_query = (
        select(PROGRESS.c.lesson_id, func.count())
        .select_from(
            PROGRESS.join(MEMBERS, and_(MEMBERS.c.user_id == PROGRESS.c.user_id, MEMBERS.c.class_id == scope.class_id))
        )
        .where(PROGRESS.c.completed.is_(True))
        .group_by(PROGRESS.c.lesson_id)
    )
    if scope.course_ids:
        completed_query = completed_query.where(PROGRESS.c.lesson_id.in_(class_lessons(scope).scalar_subquery()))
    completed = {lesson_id: int(count) for lesson_id, count in await session.execute(completed_query)}
    ordered: list[int] = []
    if scope.course_ids:
        ordered = list((await session.execute(class_lessons(scope))).scalars())
    listed = set(ordered)
    ordered += sorted(key for key in by_lesson.keys() | completed.keys() if key not in listed)
    rows = []
    for lesson_id in ordered:
        mean, count, students = by_lesson.get(lesson_id, (None, 0, 0))
        rate = completed.get(lesson_id, 0) / student_count if student_count else None
        rows.append(LessonStats(lesson_id, mean, int(count), int(students), rate))
    return rows


async def subject_stats(session: AsyncSession, scope: ClassScope) -> list[SubjectStats]:
    grades = class_grades(scope).subquery("g")
    query = (
        select(grades.c.subject, func.avg(grades.c.pct), func.count())
        .where(grades.c.class_id == scope.class_id)
        .group_by(grades.c.subject)
        .order_by(grades.c.subject)
    )
    return [SubjectStats(subject or "", mean, int(count)) for subject, mean, count in await session.execute(query)]


async def student_count(session: AsyncSession, class_id: int) -> int:
    query = select(func.count()).select_from(MEMBERS).where(MEMBERS.c.class_id == class_id)
    return int((await session.execute(query)).scalar_one())


def _risk(user_id: int, trend: Trend) -> StudentRisk:
    return StudentRisk(
        user_id, trend.count, trend.mean, trend.slope_per_week, trend.change_30_days, trend.at_risk_reasons
    )


async def compute(session: AsyncSession, class_id: int, now: datetime) -> ClassAnalytics:
    """Every figure of a class's analytics (the caller has checked access)."""
    scope = await load_scope(session, class_id)
    students = await student_count(session, class_id)
    graded, mean, deviation = await distribution(session, scope)
    per_student = await trends(session, class_grades(scope), now)
    at_risk = sorted(
        (_risk(user_id, trend) for user_id, trend in per_student.items() if trend.at_risk_reasons),
        key=lambda risk: risk_order(risk.reasons, risk.mean, risk.user_id),
    )
    item_rows, reliability = await item_analysis.analyse(session, scope)
    lessons = [
        LessonStats(
            row.lesson_id, row.mean, row.grades, row.students, row.completion_rate, reliability.get(row.lesson_id)
        )
        for row in await lesson_stats(session, scope, students)
    ]
    return ClassAnalytics(
        class_id=class_id,
        student_count=students,
        graded_student_count=graded,
        mean=mean,
        standard_deviation=deviation,
        percentiles=await percentiles(session, scope),
        histogram=await histogram(session, scope),
        lessons=lessons,
        subjects=await subject_stats(session, scope),
        at_risk=at_risk[:AT_RISK_LISTED],
        at_risk_count=len(at_risk),
        items=item_rows,
        computed_at=now,
        course_ids=list(scope.course_ids),
    )
