"""A learner's submissions and XP events as keyset pages (domain/learning/history.py) on both databases."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.keyset import Position, Window
from domain.learning import history
from domain.learning.history import SubmissionFilter
from domain.models import ProblemKind, Submission, SubmissionStatus
from domain.settings import Settings
from tests.factories import give_xp, make_course, make_submission, make_user


def _ids(rows: list[Submission]) -> list[int | None]:
    return [row.id for row in rows]


def _at(row: Submission) -> Position:
    assert row.id is not None
    return Position(row.created_at, row.id)


async def test_pages_run_newest_first_and_the_id_orders_submissions_of_the_same_moment(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    course = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    lesson = course.lessons[0]
    made = [await make_submission(session, learner, now + timedelta(minutes=m), lesson=lesson) for m in (0, 1, 1, 2)]
    mine = SubmissionFilter(learner.id)  # type: ignore[arg-type]

    first = await history.submissions_page(session, mine, Window(3))
    rest = await history.submissions_page(session, mine, Window(3, _at(first[2])))

    assert _ids(first) == [made[3].id, made[2].id, made[1].id, made[0].id]  # 3 asked, one more tells there is more
    assert _ids(rest) == [made[0].id]
    assert await history.count_submissions(session, mine) == 4


async def test_a_page_stays_put_when_newer_submissions_arrive(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    lesson = (await make_course(session, now, kinds=(ProblemKind.NUMERIC,))).lessons[0]
    made = [await make_submission(session, learner, now + timedelta(minutes=m), lesson=lesson) for m in range(4)]
    mine = SubmissionFilter(learner.id)  # type: ignore[arg-type]
    first = await history.submissions_page(session, mine, Window(2))

    for minute in (10, 11):
        await make_submission(session, learner, now + timedelta(minutes=minute), lesson=lesson)
    second = await history.submissions_page(session, mine, Window(2, _at(first[1])))

    assert _ids(second) == [made[1].id, made[0].id]


async def test_backward_pages_walk_towards_the_newest_nearest_first(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    lesson = (await make_course(session, now, kinds=(ProblemKind.NUMERIC,))).lessons[0]
    made = [await make_submission(session, learner, now + timedelta(minutes=m), lesson=lesson) for m in range(5)]
    mine = SubmissionFilter(learner.id)  # type: ignore[arg-type]

    newer = await history.submissions_page(session, mine, Window(2, _at(made[1]), backward=True))

    assert _ids(newer) == [made[2].id, made[3].id, made[4].id]  # nearest first, plus the one that tells "more"


async def test_filters_pick_course_lesson_status_and_a_half_open_time_range(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    other = await make_user(session, settings, now)
    course = await make_course(session, now, lessons=2, kinds=(ProblemKind.NUMERIC,))
    elsewhere = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    first, second = course.lessons
    problem = course.problems[second.id][0]  # type: ignore[index]
    whole = await make_submission(session, learner, now, lesson=first)
    single = await make_submission(session, learner, now + timedelta(hours=1), problem=problem)
    pending = await make_submission(
        session, learner, now + timedelta(hours=2), lesson=second, status=SubmissionStatus.PENDING
    )
    foreign = await make_submission(session, learner, now + timedelta(hours=3), lesson=elsewhere.lessons[0])
    await make_submission(session, other, now, lesson=first)

    async def matching(**narrow: object) -> set[int | None]:
        where = SubmissionFilter(learner.id, **narrow)  # type: ignore[arg-type]
        rows = await history.submissions_page(session, where, Window(50))
        assert await history.count_submissions(session, where) == len(rows)
        return set(_ids(rows))

    assert await matching() == {whole.id, single.id, pending.id, foreign.id}
    assert await matching(course_id=course.course.id) == {whole.id, single.id, pending.id}
    assert await matching(lesson_id=second.id) == {single.id, pending.id}  # the single problem's lesson counts
    assert await matching(status=SubmissionStatus.PENDING) == {pending.id}
    assert await matching(since=now + timedelta(hours=1), until=now + timedelta(hours=3)) == {single.id, pending.id}
    assert await matching(course_id=elsewhere.course.id, lesson_id=first.id) == set()


async def test_xp_events_are_the_users_own_newest_first(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    other = await make_user(session, settings, now)
    course = (await make_course(session, now, kinds=())).course
    for hour, amount in enumerate((5, 7, 9)):
        await give_xp(session, learner, amount, now + timedelta(hours=hour), course=course if hour else None)
    await give_xp(session, other, 100, now)

    page = await history.xp_events_page(session, learner.id, Window(2))  # type: ignore[arg-type]
    assert page[1].id is not None
    rest = await history.xp_events_page(session, learner.id, Window(2, Position(page[1].created_at, page[1].id)))  # type: ignore[arg-type]

    assert [(e.amount, e.course_id) for e in page] == [(9, course.id), (7, course.id), (5, None)]  # 2 and one more
    assert [(e.amount, e.course_id) for e in rest] == [(5, None)]
    assert await history.count_xp_events(session, learner.id) == 3  # type: ignore[arg-type]
