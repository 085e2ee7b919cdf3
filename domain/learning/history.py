"""A learner's history: their submissions and XP awards, newest first, a keyset page per statement.

Both lists are one user's own (the callers pass the viewer's id; policies decide whose). A count of
the same filters answers `totalCount` where a client asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import keyset
from domain.keyset import Window
from domain.models import Lesson, Problem, Submission, SubmissionStatus, XpEvent


@dataclass(frozen=True)
class SubmissionFilter:
    """One user's submissions, narrowed by course, lesson, status and a time range [since, until)."""

    user_id: int
    course_id: int | None = None
    lesson_id: int | None = None
    status: SubmissionStatus | None = None
    since: datetime | None = None
    until: datetime | None = None


def _in_lessons(lessons: Any) -> ColumnElement[bool]:
    """A submission to one of `lessons` (a subquery of lesson ids): a whole-lesson submission, or the
    answer to a single problem of one of them (those carry the problem, not the lesson)."""
    problems = select(col(Problem.id)).where(col(Problem.lesson_id).in_(lessons))
    return or_(col(Submission.lesson_id).in_(lessons), col(Submission.problem_id).in_(problems))


def _submission_conditions(where: SubmissionFilter) -> list[ColumnElement[bool]]:
    conditions = [col(Submission.user_id) == where.user_id]
    if where.lesson_id is not None:
        conditions.append(_in_lessons(select(col(Lesson.id)).where(col(Lesson.id) == where.lesson_id)))
    if where.course_id is not None:
        conditions.append(_in_lessons(select(col(Lesson.id)).where(col(Lesson.course_id) == where.course_id)))
    if where.status is not None:
        conditions.append(col(Submission.status) == where.status.value)
    if where.since is not None:
        conditions.append(col(Submission.created_at) >= where.since)
    if where.until is not None:
        conditions.append(col(Submission.created_at) < where.until)
    return conditions


async def submissions_page(session: AsyncSession, where: SubmissionFilter, window: Window) -> list[Submission]:
    query = select(Submission).where(*_submission_conditions(where))
    query = keyset.page(query, col(Submission.created_at), col(Submission.id), window)
    return list((await session.execute(query)).scalars())


async def count_submissions(session: AsyncSession, where: SubmissionFilter) -> int:
    query = select(func.count()).select_from(Submission).where(*_submission_conditions(where))
    return int((await session.execute(query)).scalar_one())


async def xp_events_page(session: AsyncSession, user_id: int, window: Window) -> list[XpEvent]:
    query = select(XpEvent).where(col(XpEvent.user_id) == user_id)
    query = keyset.page(query, col(XpEvent.created_at), col(XpEvent.id), window)
    return list((await session.execute(query)).scalars())


async def count_xp_events(session: AsyncSession, user_id: int) -> int:
    query = select(func.count()).select_from(XpEvent).where(col(XpEvent.user_id) == user_id)
    return int((await session.execute(query)).scalar_one())
