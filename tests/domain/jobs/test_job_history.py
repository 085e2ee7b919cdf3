"""Job lists (domain/jobs/history.py): the SQL visibility filter shows exactly what `can_view_job` allows."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain import policies
from domain.jobs import history
from domain.jobs.history import JobFilter
from domain.keyset import Position, Window
from domain.models import Course, Job, JobKind, JobStatus, Lesson, Role
from domain.settings import Settings
from tests.factories import make_course, make_job, make_user


async def test_every_viewer_lists_exactly_the_jobs_the_policy_lets_them_see(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    colleague = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    owned = await make_course(session, now, owner=author, kinds=())
    foreign = await make_course(session, now, owner=colleague, kinds=())
    orphan = await make_course(session, now, kinds=())  # no owner: only admins author it
    lessons = [owned.lessons[0], foreign.lessons[0], orphan.lessons[0], None]
    jobs = [
        await make_job(session, starter, now + timedelta(minutes=index), lesson=lesson)
        for index, (starter, lesson) in enumerate(
            (s, le) for s in (learner, author, colleague, admin) for le in lessons
        )
    ]
    jobs.append(await make_job(session, learner, now, kind=JobKind.EVALUATION))
    courses: dict[int | None, Course] = {owned.lessons[0].id: owned.course, foreign.lessons[0].id: foreign.course}
    courses[orphan.lessons[0].id] = orphan.course

    for viewer in (learner, author, colleague, admin):
        listed = await history.jobs_page(session, viewer, JobFilter(), Window(100))
        allowed = {job.id for job in jobs if policies.can_view_job(viewer, job, course=courses.get(job.lesson_id))}

        assert {job.id for job in listed} == allowed, viewer.role
        assert await history.count_jobs(session, viewer, JobFilter()) == len(allowed)
    # the rule is not vacuous: the author sees their own 4 and the 3 others' jobs in their course's lesson
    assert await history.count_jobs(session, author, JobFilter()) == 4 + 3


async def test_filters_narrow_by_kind_status_and_lesson_and_pages_run_newest_first(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, lessons=2, kinds=())
    first, second = course.lessons

    async def job(minutes: int, lesson: Lesson | None, kind: JobKind, status: JobStatus) -> Job:
        return await make_job(
            session, author, now + timedelta(minutes=minutes), lesson=lesson, kind=kind, status=status
        )

    a = await job(0, first, JobKind.GENERATION, JobStatus.SUCCEEDED)
    b = await job(1, second, JobKind.GENERATION, JobStatus.FAILED)
    c = await job(2, None, JobKind.EVALUATION, JobStatus.SUCCEEDED)
    d = await job(3, first, JobKind.GENERATION, JobStatus.QUEUED)

    async def ids(where: JobFilter, window: Window | None = None) -> list[int | None]:
        return [row.id for row in await history.jobs_page(session, author, where, window or Window(10))]

    assert await ids(JobFilter()) == [d.id, c.id, b.id, a.id]
    assert await ids(JobFilter(kind=JobKind.GENERATION)) == [d.id, b.id, a.id]
    assert await ids(JobFilter(status=JobStatus.SUCCEEDED)) == [c.id, a.id]
    assert await ids(JobFilter(lesson_id=first.id)) == [d.id, a.id]
    assert await ids(JobFilter(kind=JobKind.GENERATION, status=JobStatus.SUCCEEDED, lesson_id=second.id)) == []
    assert c.id is not None
    assert await ids(JobFilter(), Window(1, Position(c.created_at, c.id))) == [b.id, a.id]
