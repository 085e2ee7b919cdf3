"""A class's gradebook: one row per student of the class, one column per lesson (or per problem).

Lessons are the default: a lesson's grade is what learnql records per graded submission (the
`grades` table), so the lesson gradebook is the one a teacher copies into a school's system; its
cell is the student's best grade of the lesson as a percentage. By problem, the cell is the best
score of the student's answers to the problem as a percentage, for looking into one lesson.
Columns: the lessons of the class's courses in course order (a class without courses: the lessons
its students have grades in); by problem, their published problems in lesson order. Students are
sorted by display name. An empty cell: never graded. `mean` averages the cells that are not empty.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, Select, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.analytics.rules import ITEM_MAX_SCORE
from domain.analytics.sql import ANSWERS, GRADES, LESSONS, MEMBERS, ClassScope, table
from domain.exports.streaming import stream_tuples
from domain.models import Problem, ProblemStatus, User

USERS = table(User)
PROBLEMS = table(Problem)


class GradebookBy(StrEnum):
    LESSON = "lesson"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Column:
    """A lesson or a problem; `title` is the lesson's title (a problem's: the lesson's and its number)."""

    id: int
    title: str


@dataclass(frozen=True)
class StudentRow:
    user_id: int
    display_name: str
    cells: list[float | None]  # percentages 0-100, in column order
    mean: float | None


def _lessons(scope: ClassScope) -> Select[Any]:
    if scope.course_ids:
        where = LESSONS.c.course_id.in_(scope.course_ids)
    else:
        graded = (
            select(GRADES.c.lesson_id)
            .join(MEMBERS, and_(MEMBERS.c.user_id == GRADES.c.user_id, MEMBERS.c.class_id == scope.class_id))
            .where(GRADES.c.lesson_id.is_not(None))
        )
        where = LESSONS.c.id.in_(graded.scalar_subquery())
    return select(LESSONS.c.id, LESSONS.c.title).where(where)


def _column_query(scope: ClassScope, by: GradebookBy) -> Select[Any]:
    order = (LESSONS.c.course_id, LESSONS.c.position, LESSONS.c.id)
    if by == GradebookBy.LESSON:
        return _lessons(scope).order_by(*order)
    lesson_ids = _lessons(scope).with_only_columns(LESSONS.c.id)
    return (
        select(PROBLEMS.c.id, LESSONS.c.title)
        .join(LESSONS, LESSONS.c.id == PROBLEMS.c.lesson_id)
        .where(PROBLEMS.c.lesson_id.in_(lesson_ids), PROBLEMS.c.status == ProblemStatus.PUBLISHED.value)
        .order_by(*order, PROBLEMS.c.position, PROBLEMS.c.id)
    )


async def columns(session: AsyncSession, scope: ClassScope, by: GradebookBy) -> list[Column]:
    """The gradebook's columns; as many as the class's courses have lessons (or problems), so a list."""
    rows = (await session.execute(_column_query(scope, by))).all()
    if by == GradebookBy.LESSON:
        return [Column(row.id, row.title) for row in rows]
    numbered: list[Column] = []
    number: dict[str, int] = {}
    for row in rows:
        number[row.title] = number.get(row.title, 0) + 1
        numbered.append(Column(row.id, f"{row.title} #{number[row.title]}"))
    return numbered


def _best(scope: ClassScope, by: GradebookBy, column_ids: Select[Any]) -> Select[Any]:
    """Per (student, column): the best percentage."""
    members = select(MEMBERS.c.user_id).where(MEMBERS.c.class_id == scope.class_id)
    if by == GradebookBy.LESSON:
        pct = literal(100.0, Float) * GRADES.c.score / GRADES.c.max_score
        return (
            select(GRADES.c.user_id, GRADES.c.lesson_id.label("column_id"), func.max(pct).label("value"))
            .where(
                GRADES.c.user_id.in_(members),
                GRADES.c.lesson_id.in_(column_ids),
                or_(GRADES.c.class_id.is_(None), GRADES.c.class_id == scope.class_id),
            )
            .group_by(GRADES.c.user_id, GRADES.c.lesson_id)
        )
    pct = literal(100.0 / ITEM_MAX_SCORE, Float) * ANSWERS.c.score
    return (
        select(ANSWERS.c.user_id, ANSWERS.c.problem_id.label("column_id"), func.max(pct).label("value"))
        .where(ANSWERS.c.user_id.in_(members), ANSWERS.c.problem_id.in_(column_ids), ANSWERS.c.score.is_not(None))
        .group_by(ANSWERS.c.user_id, ANSWERS.c.problem_id)
    )


def cell_query(scope: ClassScope, by: GradebookBy) -> Select[Any]:
    """Every student with each of their best values, sorted by student: one pass builds the rows."""
    ids = _column_query(scope, by).order_by(None).subquery("columns")
    best = _best(scope, by, select(ids.c.id)).subquery("best")
    return (
        select(USERS.c.id, USERS.c.display_name, best.c.column_id, best.c.value)
        .select_from(MEMBERS.join(USERS, USERS.c.id == MEMBERS.c.user_id))
        .outerjoin(best, best.c.user_id == USERS.c.id)
        .where(MEMBERS.c.class_id == scope.class_id)
        .order_by(func.lower(USERS.c.display_name), USERS.c.id)
    )


def _row(user_id: int, name: str, values: dict[int, float], order: list[Column]) -> StudentRow:
    cells = [values.get(column.id) for column in order]
    present = [value for value in cells if value is not None]
    return StudentRow(user_id, name, cells, sum(present) / len(present) if present else None)


async def student_rows(
    session: AsyncSession, scope: ClassScope, by: GradebookBy, order: list[Column]
) -> AsyncIterator[StudentRow]:
    """One row per student, streamed: only the current student's cells are held."""
    current: tuple[int, str] | None = None
    values: dict[int, float] = {}
    async for user_id, name, column_id, value in stream_tuples(session, cell_query(scope, by)):
        if current is not None and current[0] != user_id:
            yield _row(*current, values, order)
            values = {}
        current = (user_id, name)
        if column_id is not None and value is not None:
            values[column_id] = float(value)
    if current is not None:
        yield _row(*current, values, order)
