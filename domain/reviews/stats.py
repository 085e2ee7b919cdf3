"""A learner's review statistics: today's reviews and limits, due forecast, true retention, card states."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import policies
from domain.learning.rules import local_day
from domain.models import CardState, Lesson, Problem, ProblemStatus, ReviewCard, ReviewLog, ReviewParameters
from domain.reviews.personal import parameters_of
from domain.reviews.preferences import preferences_of
from domain.reviews.queue import local_day_bounds

FORECAST_DAYS = 7
RETENTION_WINDOW = timedelta(days=30)
AGAIN = 1


@dataclass(frozen=True)
class DueDay:
    day: date
    count: int


@dataclass(frozen=True)
class ReviewStats:
    reviews_today: int  # every review logged since the learner's local midnight
    new_cards_today: int  # of which first reviews of new cards
    new_cards_left_today: int
    reviews_left_today: int
    due_by_day: list[DueDay]  # today (overdue and new included) and the following local days
    true_retention: float | None  # share of reviews of REVIEW-state cards not rated AGAIN, last 30 days
    retention_reviews: int  # how many reviews true_retention is based on
    cards_by_state: dict[CardState, int]
    parameters: ReviewParameters | None  # the last fit of the learner's FSRS parameters; None: never fitted


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def _log_counts(session: AsyncSession, user_id: int, start_of_day: datetime, now: datetime) -> tuple[int, ...]:
    """(reviews today, new cards today, REVIEW-state reviews in the window, of which recalled), in one statement."""
    today = col(ReviewLog.reviewed_at) >= start_of_day
    is_new = col(ReviewLog.state_before) == CardState.NEW.value
    in_window = (col(ReviewLog.state_before) == CardState.REVIEW.value) & (
        col(ReviewLog.reviewed_at) >= now - RETENTION_WINDOW
    )
    query = select(
        _count_if(today),
        _count_if(today & is_new),
        _count_if(in_window),
        _count_if(in_window & (col(ReviewLog.rating) > AGAIN)),
    ).where(
        col(ReviewLog.user_id) == user_id,
        col(ReviewLog.reviewed_at) >= min(start_of_day, now - RETENTION_WINDOW),
    )
    return tuple(int(value) for value in (await session.execute(query)).one())


async def _cards(
    session: AsyncSession, user_id: int, day_ends: list[datetime]
) -> tuple[Counter[CardState], Counter[int]]:
    """Cards per state and per forecast day (index into day_ends, None beyond), in one statement."""
    day = case(*((col(ReviewCard.due) < end, index) for index, end in enumerate(day_ends)), else_=None)
    cards = (
        select(col(ReviewCard.state).label("state"), day.label("day"))
        .join(Problem, col(Problem.id) == col(ReviewCard.problem_id))
        .join(Lesson, col(Lesson.id) == col(Problem.lesson_id))
        .where(
            col(ReviewCard.user_id) == user_id,
            col(Problem.status) == ProblemStatus.PUBLISHED.value,
            col(Lesson.published).is_(True),
        )
        .subquery()
    )
    query = select(cards.c.state, cards.c.day, func.count()).group_by(cards.c.state, cards.c.day)
    by_state: Counter[CardState] = Counter()
    by_day: Counter[int] = Counter()
    for state, index, count in await session.execute(query):
        by_state[CardState(state)] += count
        if index is not None:
            by_day[index] += count
    return by_state, by_day


async def review_stats(session: AsyncSession, user_id: int, timezone: str, now: datetime) -> ReviewStats:
    preferences = await preferences_of(session, user_id)
    start_of_day, _ = local_day_bounds(now, timezone)
    reviews_today, new_today, window, recalled = await _log_counts(session, user_id, start_of_day, now)
    day_ends = [local_day_bounds(now, timezone, ahead)[1] for ahead in range(FORECAST_DAYS)]
    by_state, by_day = await _cards(session, user_id, day_ends)
    today = local_day(now, timezone)
    fitted = await parameters_of(session, user_id)
    return ReviewStats(
        reviews_today=reviews_today,
        new_cards_today=new_today,
        new_cards_left_today=max(0, preferences.new_cards_per_day - new_today),
        reviews_left_today=max(0, preferences.reviews_per_day - (reviews_today - new_today)),
        due_by_day=[DueDay(today + timedelta(days=index), by_day.get(index, 0)) for index in range(FORECAST_DAYS)],
        true_retention=recalled / window if window else None,
        retention_reviews=window,
        cards_by_state={state: by_state.get(state, 0) for state in CardState},
        parameters=fitted if fitted is not None and policies.can_view_review_parameters(user_id, fitted) else None,
    )
