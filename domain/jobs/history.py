"""Lists of jobs, newest first, filtered by kind, status and lesson, and by who may see them.

`visible_to` is `policies.can_view_job` written as an SQL condition, so that a page holds exactly the
jobs the policy would show one by one; tests/domain/jobs/test_job_history.py holds the two to each
other for every kind of viewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import keyset, policies
from domain.keyset import Window
from domain.models import Course, Job, JobKind, JobStatus, Lesson, User


@dataclass(frozen=True)
class JobFilter:
    kind: JobKind | None = None
    status: JobStatus | None = None
    lesson_id: int | None = None


def visible_to(viewer: User) -> ColumnElement[bool]:
    """Jobs the viewer started; for instructors also those of lessons in courses they own (what
    `can_author_course` allows); for admins every job."""
    if policies.is_admin(viewer):
        return true()
    own = col(Job.created_by) == viewer.id
    if not policies.is_instructor(viewer):
        return own
    authored = (
        select(col(Lesson.id))
        .join(Course, col(Course.id) == col(Lesson.course_id))
        .where(col(Course.owner_id) == viewer.id)
    )
    return or_(own, col(Job.lesson_id).in_(authored))


def _conditions(viewer: User, where: JobFilter) -> list[ColumnElement[bool]]:
    conditions = [visible_to(viewer)]
    if where.kind is not None:
        conditions.append(col(Job.kind) == where.kind.value)
    if where.status is not None:
        conditions.append(col(Job.status) == where.status.value)
    if where.lesson_id is not None:
        conditions.append(col(Job.lesson_id) == where.lesson_id)
    return conditions


async def jobs_page(session: AsyncSession, viewer: User, where: JobFilter, window: Window) -> list[Job]:
    query = select(Job).where(*_conditions(viewer, where))
    query = keyset.page(query, col(Job.created_at), col(Job.id), window)
    return list((await session.execute(query)).scalars())


async def count_jobs(session: AsyncSession, viewer: User, where: JobFilter) -> int:
    query = select(func.count()).select_from(Job).where(*_conditions(viewer, where))
    return int((await session.execute(query)).scalar_one())
