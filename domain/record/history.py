"""Reading the learning record: a user's events newest first (a keyset page per statement), their count,
and which of them a viewer may see.

The owner sees all of their events; the staff of a class the user belongs to see the events about the
class's courses (domain/policies.py). `visible_courses` turns that into a filter: None for everything,
else the course ids the viewer may see (empty: nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import keyset, policies
from domain.keyset import Window
from domain.models import Class, ClassCourse, ClassMember, LearningEvent, User
from domain.record.kinds import LearningEventType


@dataclass(frozen=True)
class EventFilter:
    """One user's events, narrowed by type, course and a time range [since, until); `courses` (when not
    None) is what the viewer may see of them."""

    user_id: int
    types: frozenset[LearningEventType] = frozenset()
    course_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    courses: frozenset[int] | None = None


async def visible_courses(session: AsyncSession, viewer: User | None, user_id: int) -> frozenset[int] | None:
    """None when `viewer` may see all of `user_id`'s events; else the courses whose events they may see."""
    if policies.can_view_all_learning_events(viewer.id if viewer is not None else None, user_id):
        return None
    if viewer is None:
        return frozenset()
    query = (
        select(Class, col(ClassCourse.course_id))
        .join(ClassMember, col(ClassMember.class_id) == col(Class.id))
        .join(ClassCourse, col(ClassCourse.class_id) == col(Class.id))
        .where(col(ClassMember.user_id) == user_id)
    )
    rows = (await session.execute(query)).all()
    return frozenset(course_id for class_, course_id in rows if policies.can_view_class_learning_events(viewer, class_))


def _conditions(where: EventFilter) -> list[ColumnElement[bool]]:
    conditions = [col(LearningEvent.user_id) == where.user_id]
    if where.types:
        conditions.append(col(LearningEvent.type).in_(sorted(t.value for t in where.types)))
    if where.course_id is not None:
        conditions.append(col(LearningEvent.course_id) == where.course_id)
    if where.courses is not None:
        conditions.append(col(LearningEvent.course_id).in_(sorted(where.courses)))
    if where.since is not None:
        conditions.append(col(LearningEvent.occurred_at) >= where.since)
    if where.until is not None:
        conditions.append(col(LearningEvent.occurred_at) < where.until)
    return conditions


async def events_page(session: AsyncSession, where: EventFilter, window: Window) -> list[LearningEvent]:
    query = select(LearningEvent).where(*_conditions(where))
    query = keyset.page(query, col(LearningEvent.occurred_at), col(LearningEvent.id), window)
    return list((await session.execute(query)).scalars())


async def count_events(session: AsyncSession, where: EventFilter) -> int:
    query = select(func.count()).select_from(LearningEvent).where(*_conditions(where))
    return int((await session.execute(query)).scalar_one())


async def events_of(
    session: AsyncSession,
    user_id: int,
    types: Sequence[LearningEventType],
    courses: frozenset[int] | None = None,
) -> list[LearningEvent]:
    """All of a user's events of these types (about `courses`, when given), oldest first: sessions and time
    spent read them."""
    where = EventFilter(user_id=user_id, types=frozenset(types), courses=courses)
    query = (
        select(LearningEvent).where(*_conditions(where)).order_by(col(LearningEvent.occurred_at), col(LearningEvent.id))
    )
    return list((await session.execute(query)).scalars())
