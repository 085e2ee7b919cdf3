"""How many courses and lessons there are: the `totalCount` of their connections, with the listings'
own filters (catalog.py), one statement each, for many courses at once where the list is nested."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.models import Course, Lesson


@dataclass(frozen=True)
class LessonCountKey:
    course_id: int
    include_unpublished: bool


async def count_courses(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(Course))).scalar_one())


async def count_lessons(session: AsyncSession, course_id: int | None, include_unpublished: bool) -> int:
    query = select(func.count()).select_from(Lesson)
    if course_id is not None:
        query = query.where(col(Lesson.course_id) == course_id)
    if not include_unpublished:
        query = query.where(col(Lesson.published).is_(True))
    return int((await session.execute(query)).scalar_one())


async def lesson_counts(session: AsyncSession, keys: Sequence[LessonCountKey]) -> dict[LessonCountKey, int]:
    """Lessons per course, and published lessons per course, in one statement."""
    query = (
        select(
            col(Lesson.course_id),
            func.count(),
            func.count().filter(col(Lesson.published).is_(True)),
        )
        .where(col(Lesson.course_id).in_({key.course_id for key in keys}))
        .group_by(col(Lesson.course_id))
    )
    counts = {course_id: (every, published) for course_id, every, published in await session.execute(query)}
    return {key: int(counts.get(key.course_id, (0, 0))[0 if key.include_unpublished else 1]) for key in keys}
