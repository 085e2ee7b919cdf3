"""The review queue and nextProblem: order, daily limits, local "today", scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.errors import NotFound
from domain.learning.submissions import AnswerInput, SubmissionRequest, submit
from domain.models import CardState, Problem, ProblemKind, ReviewCard, User
from domain.reviews import preferences as review_settings
from domain.reviews import scheduling
from domain.reviews.queue import Bucket, NextReason, Scope, local_day_bounds, next_problem, queue
from domain.settings import Settings
from tests.factories import CourseFixture, make_course, make_review_card, make_user

NUMERIC = (ProblemKind.NUMERIC,)


def _problems(fixture: CourseFixture) -> list[Problem]:
    return [problem for lesson in fixture.lessons for problem in fixture.problems[lesson.id]]  # type: ignore[index]


async def _setup(
    session: AsyncSession, settings: Settings, now: datetime, problems: int, timezone: str = "UTC"
) -> tuple[User, list[Problem]]:
    learner = await make_user(session, settings, now, timezone=timezone)
    fixture = await make_course(session, now, lessons=problems, kinds=NUMERIC)
    return learner, _problems(fixture)


async def _seen(
    session: AsyncSession, user: User, problem: Problem, *, stability: float, last_review: datetime, due: datetime
) -> ReviewCard:
    """A card in REVIEW state, last reviewed at `last_review`."""
    created = last_review - timedelta(days=1)
    return await make_review_card(
        session,
        user,
        problem,
        created,
        state="REVIEW",
        stability=stability,
        difficulty=5.0,
        last_review=last_review,
        due=due,
    )


async def _review_card(
    session: AsyncSession, card: ReviewCard, rating: fsrs.Rating, key: str, moment: datetime, user: User
) -> None:
    assert card.id is not None
    await scheduling.review(session, user, scheduling.ReviewRequest(card.id, rating, key), moment)


async def _queue_ids(
    session: AsyncSession, user: User, now: datetime, limit: int = 20, scope: Scope | None = None
) -> list[int]:
    assert user.id is not None
    return [item.card.id for item in await queue(session, user.id, user.timezone, now, limit, scope or Scope())]  # type: ignore[misc]


def test_local_day_bounds_follow_the_time_zone_and_daylight_saving() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

    assert local_day_bounds(now, "Pacific/Auckland") == (
        datetime(2026, 3, 10, 11, 0, tzinfo=UTC),
        datetime(2026, 3, 11, 11, 0, tzinfo=UTC),
    )
    assert local_day_bounds(now, "America/Los_Angeles") == (
        datetime(2026, 3, 10, 7, 0, tzinfo=UTC),
        datetime(2026, 3, 11, 7, 0, tzinfo=UTC),
    )
    # 8 March 2026 has 23 hours in Los Angeles
    assert local_day_bounds(datetime(2026, 3, 8, 12, 0, tzinfo=UTC), "America/Los_Angeles") == (
        datetime(2026, 3, 8, 8, 0, tzinfo=UTC),
        datetime(2026, 3, 9, 7, 0, tzinfo=UTC),
    )


async def test_the_queue_puts_overdue_by_lowest_retrievability_then_new_then_later_today(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problems = await _setup(session, settings, now, 5)
    most_overdue = await _seen(
        session, learner, problems[0], stability=5.0, last_review=now - timedelta(days=10), due=now - timedelta(days=5)
    )
    least_retrievable = await _seen(
        session, learner, problems[1], stability=1.0, last_review=now - timedelta(days=3), due=now - timedelta(days=2)
    )
    new = await make_review_card(session, learner, problems[2], now - timedelta(hours=1))
    later_today = await make_review_card(
        session,
        learner,
        problems[3],
        now,
        state="LEARNING",
        step=1,
        stability=2.0,
        difficulty=5.0,
        last_review=now - timedelta(minutes=5),
        due=now + timedelta(hours=3),
    )
    await _seen(
        session, learner, problems[4], stability=9.0, last_review=now - timedelta(days=1), due=now + timedelta(hours=13)
    )  # due tomorrow: not in today's queue

    assert learner.id is not None
    queued = await queue(session, learner.id, learner.timezone, now, 20)

    assert [item.card.id for item in queued] == [least_retrievable.id, most_overdue.id, new.id, later_today.id]
    assert [item.bucket for item in queued] == [Bucket.OVERDUE, Bucket.OVERDUE, Bucket.NEW, Bucket.LATER_TODAY]
    r_low, r_high = (scheduling.retrievability(item.card, now) for item in queued[:2])
    assert r_low is not None
    assert r_high is not None
    assert r_low < r_high
    assert await _queue_ids(session, learner, now, limit=3) == [least_retrievable.id, most_overdue.id, new.id]


async def test_the_queue_keeps_to_the_daily_limits_counting_todays_reviews(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, problems = await _setup(session, settings, now, 6)
    assert learner.id is not None
    await review_settings.update(session, learner.id, {"new_cards_per_day": 2, "reviews_per_day": 3}, now)
    overdue = [
        await _seen(
            session,
            learner,
            problem,
            stability=float(index + 1),
            last_review=now - timedelta(days=4),
            due=now - timedelta(days=1),
        )
        for index, problem in enumerate(problems[:3])
    ]
    new = [await make_review_card(session, learner, p, now - timedelta(minutes=i)) for i, p in enumerate(problems[3:])]
    earlier = now - timedelta(hours=2)
    await _review_card(session, overdue[0], fsrs.Rating.Good, "o", earlier, learner)  # due in days now
    await _review_card(session, new[2], fsrs.Rating.Good, "n", earlier, learner)  # new card, now in learning

    # 3 reviews a day, 1 done: 2 left, taken by the two overdue cards before the learning card;
    # 2 new cards a day, 1 done: 1 left, the oldest.
    assert await _queue_ids(session, learner, now) == [overdue[1].id, overdue[2].id, new[1].id]
    tomorrow = now + timedelta(days=1)
    assert len(await _queue_ids(session, learner, tomorrow)) == 5  # limits start over; the reviewed card is not due


async def test_today_is_the_learners_local_day(session: AsyncSession, settings: Settings, now: datetime) -> None:
    # now is 2026-03-10 12:00 UTC: 11 March 01:00 in Auckland, 10 March 05:00 in Los Angeles.
    cards: dict[str, ReviewCard] = {}
    learners: dict[str, User] = {}
    for zone in ("Pacific/Auckland", "America/Los_Angeles"):
        learner, problems = await _setup(session, settings, now, 2, timezone=zone)
        await review_settings.update(session, learner.id, {"reviews_per_day": 1}, now)  # type: ignore[arg-type]
        # due 11 March 08:00 UTC: 21:00 today in Auckland, 01:00 tomorrow in Los Angeles
        cards[zone] = await _seen(
            session,
            learner,
            problems[0],
            stability=3.0,
            last_review=now - timedelta(days=1),
            due=datetime(2026, 3, 11, 8, 0, tzinfo=UTC),
        )
        learners[zone] = learner

    assert await _queue_ids(session, learners["Pacific/Auckland"], now) == [cards["Pacific/Auckland"].id]
    assert await _queue_ids(session, learners["America/Los_Angeles"], now) == []


async def test_a_review_before_local_midnight_belongs_to_yesterday(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    for zone, expected in (("Pacific/Auckland", 1), ("America/Los_Angeles", 0)):
        learner, problems = await _setup(session, settings, now, 2, timezone=zone)
        await review_settings.update(session, learner.id, {"reviews_per_day": 1}, now)  # type: ignore[arg-type]
        reviewed, _ = [
            await _seen(
                session,
                learner,
                problem,
                stability=2.0,
                last_review=now - timedelta(days=5),
                due=now - timedelta(days=1),
            )
            for problem in problems
        ]
        # 09:00 UTC is 22:00 yesterday in Auckland but 02:00 today in Los Angeles
        await _review_card(session, reviewed, fsrs.Rating.Good, "k", datetime(2026, 3, 10, 9, 0, tzinfo=UTC), learner)

        assert len(await _queue_ids(session, learner, now)) == expected, zone


async def test_the_queue_is_scoped_to_a_course_and_hides_unpublished_problems(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    first = await make_course(session, now, kinds=NUMERIC)
    second = await make_course(session, now, kinds=NUMERIC)
    hidden = await make_course(session, now, kinds=NUMERIC, published=False)
    in_first = await make_review_card(session, learner, _problems(first)[0], now)
    in_second = await make_review_card(session, learner, _problems(second)[0], now)
    await make_review_card(session, learner, _problems(hidden)[0], now)

    assert await _queue_ids(session, learner, now) == [in_first.id, in_second.id]
    assert await _queue_ids(session, learner, now, scope=Scope(course_id=first.course.id)) == [in_first.id]
    lesson = second.lessons[0].id
    assert await _queue_ids(session, learner, now, scope=Scope(lesson_id=lesson)) == [in_second.id]


async def _answer(session: AsyncSession, user: User, problem: Problem, key: str, moment: datetime) -> None:
    assert problem.id is not None
    request = SubmissionRequest(key, (AnswerInput(problem_id=problem.id, number=42),), problem_id=problem.id)
    await submit(session, user, request, moment)


async def _answered_card(
    session: AsyncSession, user: User, problem: Problem, moment: datetime, **fields: object
) -> ReviewCard:
    """Answer the problem at `moment` (which makes its card), then put the card in the given state."""
    await _answer(session, user, problem, f"first-{problem.id}", moment)
    card = (await session.execute(select(ReviewCard).where(col(ReviewCard.problem_id) == problem.id))).scalar_one()
    for name, value in fields.items():
        setattr(card, name, value)
    await session.flush()
    return card


async def test_next_problem_walks_overdue_then_unanswered_then_new_then_later_today(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, lessons=3, kinds=NUMERIC)
    problems = _problems(fixture)
    assert learner.id is not None
    course = Scope(course_id=fixture.course.id)
    overdue = await _answered_card(
        session,
        learner,
        problems[2],
        now - timedelta(days=9),
        state="REVIEW",
        stability=2.0,
        difficulty=5.0,
        last_review=now - timedelta(days=5),
        due=now - timedelta(days=1),
    )

    async def pick() -> tuple[NextReason, int | None]:
        chosen = await next_problem(session, learner.id, learner.timezone, course, now)  # type: ignore[arg-type]
        return chosen.reason, chosen.problem_id

    assert await pick() == (NextReason.OVERDUE_REVIEW, problems[2].id)
    await _review_card(session, overdue, fsrs.Rating.Good, "r", now, learner)
    assert await pick() == (NextReason.NEW_PROBLEM, problems[0].id)
    await _answer(session, learner, problems[0], "a0", now)
    assert await pick() == (NextReason.NEW_PROBLEM, problems[1].id)
    await _answer(session, learner, problems[1], "a1", now)
    assert await pick() == (NextReason.NEW_CARD, problems[0].id)
    await _answer(session, learner, problems[0], "a0-again", now)  # submitAnswer reviews the card: GOOD
    await _answer(session, learner, problems[1], "a1-again", now)
    chosen = await next_problem(session, learner.id, learner.timezone, course, now)
    assert (chosen.reason, chosen.problem_id) == (NextReason.DUE_LATER_TODAY, problems[0].id)
    assert chosen.card is not None
    assert chosen.card.state == CardState.LEARNING.value


async def test_next_problem_says_why_there_is_nothing(session: AsyncSession, settings: Settings, now: datetime) -> None:
    learner, problems = await _setup(session, settings, now, 1)
    assert learner.id is not None
    scope = Scope(lesson_id=problems[0].lesson_id)
    card = await _answered_card(
        session,
        learner,
        problems[0],
        now - timedelta(days=9),
        state="REVIEW",
        stability=20.0,
        difficulty=5.0,
        last_review=now - timedelta(days=1),
        due=now + timedelta(days=3),
    )

    done = await next_problem(session, learner.id, learner.timezone, scope, now)
    assert (done.reason, done.problem_id, done.next_due) == (NextReason.DONE_FOR_TODAY, None, card.due)

    await review_settings.update(session, learner.id, {"reviews_per_day": 0}, now)
    limited = await next_problem(session, learner.id, learner.timezone, scope, now + timedelta(days=3))
    _, end_of_day = local_day_bounds(now + timedelta(days=3), learner.timezone)
    assert (limited.reason, limited.next_due) == (NextReason.DAILY_LIMIT_REACHED, end_of_day)

    empty = await make_course(session, now, kinds=())
    nothing = await next_problem(session, learner.id, learner.timezone, Scope(course_id=empty.course.id), now)
    assert (nothing.reason, nothing.problem_id, nothing.next_due) == (NextReason.NOTHING_TO_PRACTISE, None, None)

    with pytest.raises(NotFound) as raised:
        await next_problem(session, learner.id, learner.timezone, Scope(course_id=10_000), now)
    assert (raised.value.code, raised.value.field) == ("NOT_FOUND", ["courseId"])
