"""SQL building blocks shared by the analytics: which grades count, percentages, time and trends.

Everything here runs unchanged on PostgreSQL and SQLite; the two places where the dialects differ
(seconds since the epoch, and percentiles in class_stats) are chosen by `dialect`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    Table,
    and_,
    case,
    extract,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import FromClause
from sqlmodel import SQLModel

from domain.analytics.rules import RECENT_DAYS, Trend, trend_from_row
from domain.models import (
    Answer,
    ClassCourse,
    ClassMember,
    Grade,
    Lesson,
    LessonProgress,
    ProblemTopic,
    Submission,
)


def table(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


GRADES = table(Grade)
MEMBERS = table(ClassMember)
CLASS_COURSES = table(ClassCourse)
LESSONS = table(Lesson)
SUBMISSIONS = table(Submission)
ANSWERS = table(Answer)
PROBLEM_TOPICS = table(ProblemTopic)
PROGRESS = table(LessonProgress)

SECONDS_PER_DAY = 86400.0


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def percent(grades: FromClause) -> ColumnElement[Any]:
    """A grade as a percentage 0..100."""
    return literal(100.0, Float) * grades.c.score / grades.c.max_score


def epoch_seconds(column: ColumnElement[Any], dialect: str) -> ColumnElement[float]:
    """Whole seconds since 1970 (both databases truncate to the second, so they agree)."""
    if dialect == "postgresql":
        return sql_cast(func.floor(extract("epoch", column)), Float)
    return sql_cast(sql_cast(func.strftime("%s", column), Integer), Float)


@dataclass(frozen=True)
class ClassScope:
    """Which grades count for a class: its members' grades in lessons of its courses (every lesson
    when it has no courses) and the external grades recorded for it."""

    class_id: int
    course_ids: tuple[int, ...]


async def load_scope(session: AsyncSession, class_id: int) -> ClassScope:
    query = select(CLASS_COURSES.c.course_id).where(CLASS_COURSES.c.class_id == class_id)
    courses = tuple(sorted((await session.execute(query)).scalars()))
    return ClassScope(class_id, courses)


def class_grades(scope: ClassScope) -> Select[Any]:
    """user_id, lesson_id, class_id, subject, graded_at and pct of the grades that count for a class."""
    source = GRADES.join(MEMBERS, and_(MEMBERS.c.user_id == GRADES.c.user_id, MEMBERS.c.class_id == scope.class_id))
    if scope.course_ids:
        source = source.outerjoin(LESSONS, LESSONS.c.id == GRADES.c.lesson_id)
        lesson_counts = and_(GRADES.c.class_id.is_(None), LESSONS.c.course_id.in_(scope.course_ids))
    else:
        lesson_counts = GRADES.c.class_id.is_(None)
    return (
        select(
            GRADES.c.user_id,
            GRADES.c.lesson_id,
            GRADES.c.class_id,
            GRADES.c.subject,
            GRADES.c.graded_at,
            percent(GRADES).label("pct"),
        )
        .select_from(source)
        .where(or_(GRADES.c.class_id == scope.class_id, lesson_counts))
    )


def student_grades(user_id: int) -> Select[Any]:
    """The same columns for every grade of one student."""
    return select(
        GRADES.c.user_id,
        GRADES.c.lesson_id,
        GRADES.c.class_id,
        GRADES.c.subject,
        GRADES.c.graded_at,
        percent(GRADES).label("pct"),
    ).where(GRADES.c.user_id == user_id)


def class_lessons(scope: ClassScope) -> Select[Any]:
    """Ids of the lessons of the class's courses, in course order."""
    return (
        select(LESSONS.c.id)
        .where(LESSONS.c.course_id.in_(scope.course_ids))
        .order_by(LESSONS.c.course_id, LESSONS.c.position, LESSONS.c.id)
    )


def trend_query(grades: Select[Any], now: datetime, dialect: str) -> Select[Any]:
    """Per student: count, mean percentage, least-squares slope (points per day) and the means of the
    last 30 days and of before. Time x is in days before `now`.

    PostgreSQL has regr_slope (a numerically stable single pass); SQLite gets the same number from
    sums over x centred per student with a window mean: slope = sum(dx * y) / sum(dx^2)."""
    source = grades.subquery("g")
    x = (epoch_seconds(source.c.graded_at, dialect) - float(int(now.timestamp()))) / SECONDS_PER_DAY
    slope: ColumnElement[Any]
    if dialect == "postgresql":
        rows = select(source.c.user_id, source.c.pct, source.c.graded_at, x.label("x")).subquery("c")
        slope = func.regr_slope(rows.c.pct, rows.c.x)
    else:
        rows = select(
            source.c.user_id,
            source.c.pct,
            source.c.graded_at,
            (x - func.avg(x).over(partition_by=source.c.user_id)).label("dx"),
        ).subquery("c")
        sxx = func.sum(rows.c.dx * rows.c.dx)
        slope = case((sxx > 0, func.sum(rows.c.dx * rows.c.pct) / sxx))
    recent = rows.c.graded_at > now - timedelta(days=RECENT_DAYS)
    return select(
        rows.c.user_id,
        func.count().label("n"),
        func.avg(rows.c.pct).label("mean"),
        slope.label("slope"),
        func.avg(case((recent, rows.c.pct))).label("recent"),
        func.avg(case((~recent, rows.c.pct))).label("earlier"),
    ).group_by(rows.c.user_id)


async def trends(session: AsyncSession, grades: Select[Any], now: datetime) -> dict[int, Trend]:
    rows = await session.execute(trend_query(grades, now, dialect_of(session)))
    return {row.user_id: trend_from_row(int(row.n), row.mean, row.slope, row.recent, row.earlier) for row in rows}
