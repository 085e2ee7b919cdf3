"""What to review next: the review queue (one SQL statement per page) and the next problem to practise.

Queue order: overdue cards first, lowest retrievability first; then new cards (answered, never
reviewed), oldest first; then cards due later today in the learner's time zone, soonest first. The
learner's daily limits cap new cards and reviews, counting what the review log holds for today.

Retrievability R = (1 + FACTOR * t / S) ^ DECAY falls as t / S grows (DECAY < 0), so ordering by
elapsed time over stability descending is ordering by R ascending: the database needs no power
function, and the exact R of the returned cards is computed with the `fsrs` library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import IntEnum, StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, exists, extract, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from domain.errors import NotFound
from domain.models import (
    Answer,
    CardState,
    Course,
    Lesson,
    Problem,
    ProblemStatus,
    ProblemTopic,
    ReviewCard,
    ReviewLog,
    ReviewSettings,
    Topic,
)
from domain.reviews.preferences import DEFAULTS


class Bucket(IntEnum):
    OVERDUE = 0
    NEW = 1
    LATER_TODAY = 2


@dataclass(frozen=True)
class Scope:
    """Cards and problems of one course or one lesson, and/or of one topic (with its subtopics at any
    depth); none of them means all of the learner's cards."""

    course_id: int | None = None
    lesson_id: int | None = None
    topic_id: int | None = None


def _in_topic(topic_id: int) -> ColumnElement[bool]:
    """A problem linked to the topic or to one below it: the descendants' paths extend the topic's path
    by "__" and more segments (compared by prefix, not LIKE: "_" is a LIKE wildcard)."""
    parent = aliased(Topic)
    below = func.substr(col(Topic.path), 1, func.length(col(parent.path)) + 2) == col(parent.path) + "__"
    topics = (
        select(col(Topic.id))
        .join(parent, col(parent.id) == topic_id)
        .where(or_(col(Topic.id) == col(parent.id), below))
    )
    linked = select(col(ProblemTopic.problem_id)).where(col(ProblemTopic.topic_id).in_(topics))
    return col(Problem.id).in_(linked)


@dataclass(frozen=True)
class QueuedCard:
    card: ReviewCard
    bucket: Bucket


def local_day_bounds(now: datetime, timezone: str, days_ahead: int = 0) -> tuple[datetime, datetime]:
    """The UTC start and end of the learner's local day `days_ahead` days after today."""
    zone = ZoneInfo(timezone)
    day = now.astimezone(zone).date() + timedelta(days=days_ahead)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def _limit_left(user_id: int, start_of_day: datetime, *, new: bool) -> ColumnElement[Any]:
    """The learner's daily limit (or the default) minus today's reviews of that kind, in SQL."""
    setting = ReviewSettings.new_cards_per_day if new else ReviewSettings.reviews_per_day
    default = DEFAULTS.new_cards_per_day if new else DEFAULTS.reviews_per_day
    limit = select(col(setting)).where(col(ReviewSettings.user_id) == user_id).scalar_subquery()
    kind = col(ReviewLog.state_before) == CardState.NEW.value
    done = (
        select(func.count())
        .select_from(ReviewLog)
        .where(
            col(ReviewLog.user_id) == user_id,
            col(ReviewLog.reviewed_at) >= start_of_day,
            kind if new else ~kind,
        )
        .scalar_subquery()
    )
    return func.coalesce(limit, default) - done


def _scope_filters(scope: Scope) -> list[ColumnElement[bool]]:
    filters = [col(Problem.status) == ProblemStatus.PUBLISHED.value, col(Lesson.published).is_(True)]
    if scope.course_id is not None:
        filters.append(col(Lesson.course_id) == scope.course_id)
    if scope.lesson_id is not None:
        filters.append(col(Problem.lesson_id) == scope.lesson_id)
    if scope.topic_id is not None:
        filters.append(_in_topic(scope.topic_id))
    return filters


async def queue(
    session: AsyncSession, user_id: int, timezone: str, now: datetime, limit: int, scope: Scope = Scope()
) -> list[QueuedCard]:
    """One page of the review queue, in one statement over the (user_id, due) index."""
    start_of_day, end_of_day = local_day_bounds(now, timezone)
    is_new = col(ReviewCard.state) == CardState.NEW.value
    bucket = case(
        (is_new, int(Bucket.NEW)), (col(ReviewCard.due) <= now, int(Bucket.OVERDUE)), else_=int(Bucket.LATER_TODAY)
    )
    elapsed = literal(now.timestamp()) - extract("epoch", col(ReviewCard.last_review))
    urgency = case((bucket == int(Bucket.OVERDUE), -elapsed / col(ReviewCard.stability)), else_=0.0)
    order = (bucket, urgency, col(ReviewCard.due), col(ReviewCard.id))
    ranked = (
        select(
            ReviewCard,
            bucket.label("bucket"),
            urgency.label("urgency"),
            func.row_number().over(partition_by=case((is_new, 1), else_=0), order_by=order).label("rank"),
        )
        .join(Problem, col(Problem.id) == col(ReviewCard.problem_id))
        .join(Lesson, col(Lesson.id) == col(Problem.lesson_id))
        .where(col(ReviewCard.user_id) == user_id, col(ReviewCard.due) < end_of_day, *_scope_filters(scope))
        .subquery()
    )
    card = aliased(ReviewCard, ranked)
    query = (
        select(card, ranked.c.bucket)
        .where(
            or_(
                and_(ranked.c.bucket == int(Bucket.NEW), ranked.c.rank <= _limit_left(user_id, start_of_day, new=True)),
                and_(
                    ranked.c.bucket != int(Bucket.NEW), ranked.c.rank <= _limit_left(user_id, start_of_day, new=False)
                ),
            )
        )
        .order_by(ranked.c.bucket, ranked.c.urgency, ranked.c.due, ranked.c.id)
        .limit(limit)
    )
    return [QueuedCard(row, Bucket(bucket)) for row, bucket in await session.execute(query)]


class NextReason(StrEnum):
    """Why nextProblem picked what it picked, or why it picked nothing."""

    OVERDUE_REVIEW = "OVERDUE_REVIEW"
    NEW_PROBLEM = "NEW_PROBLEM"
    NEW_CARD = "NEW_CARD"
    DUE_LATER_TODAY = "DUE_LATER_TODAY"
    DAILY_LIMIT_REACHED = "DAILY_LIMIT_REACHED"
    DONE_FOR_TODAY = "DONE_FOR_TODAY"
    NOTHING_TO_PRACTISE = "NOTHING_TO_PRACTISE"


@dataclass(frozen=True)
class NextPick:
    reason: NextReason
    problem_id: int | None = None
    card: ReviewCard | None = None
    next_due: datetime | None = None  # when nothing is left today: when there will be something again


_QUEUE_REASONS = {
    Bucket.OVERDUE: NextReason.OVERDUE_REVIEW,
    Bucket.NEW: NextReason.NEW_CARD,
    Bucket.LATER_TODAY: NextReason.DUE_LATER_TODAY,
}


async def _check_scope(session: AsyncSession, scope: Scope) -> None:
    if scope.topic_id is not None:
        topic = select(col(Topic.id)).where(col(Topic.id) == scope.topic_id)
        if (await session.execute(topic)).first() is None:
            raise NotFound("No such topic.", field=["topicId"])
    if scope.lesson_id is not None:
        query = select(col(Lesson.id)).where(col(Lesson.id) == scope.lesson_id, col(Lesson.published).is_(True))
        if (await session.execute(query)).first() is None:
            raise NotFound("No such lesson.", field=["lessonId"])
    elif scope.course_id is not None:
        course = select(col(Course.id)).where(col(Course.id) == scope.course_id)
        if (await session.execute(course)).first() is None:
            raise NotFound("No such course.", field=["courseId"])


async def _first_unanswered(session: AsyncSession, user_id: int, scope: Scope) -> int | None:
    """The first published problem of the scope, in course order, that the learner never answered."""
    answered = exists().where(col(Answer.user_id) == user_id, col(Answer.problem_id) == col(Problem.id))
    query = (
        select(col(Problem.id))
        .join(Lesson, col(Lesson.id) == col(Problem.lesson_id))
        .where(*_scope_filters(scope), ~answered)
        .order_by(col(Lesson.position), col(Lesson.id), col(Problem.position), col(Problem.id))
        .limit(1)
    )
    return (await session.execute(query)).scalar()


async def _soonest_card(session: AsyncSession, user_id: int, scope: Scope) -> ReviewCard | None:
    query = (
        select(ReviewCard)
        .join(Problem, col(Problem.id) == col(ReviewCard.problem_id))
        .join(Lesson, col(Lesson.id) == col(Problem.lesson_id))
        .where(col(ReviewCard.user_id) == user_id, *_scope_filters(scope))
        .order_by(col(ReviewCard.due), col(ReviewCard.id))
        .limit(1)
    )
    return (await session.execute(query)).scalar()


async def next_problem(session: AsyncSession, user_id: int, timezone: str, scope: Scope, now: datetime) -> NextPick:
    """An overdue card, else a problem never answered (in course order), else a new card or one due
    later today; otherwise nothing, with the reason and when the next card falls due."""
    await _check_scope(session, scope)
    queued = await queue(session, user_id, timezone, now, 1, scope)
    if queued and queued[0].bucket == Bucket.OVERDUE:
        return NextPick(NextReason.OVERDUE_REVIEW, queued[0].card.problem_id, queued[0].card)
    unanswered = await _first_unanswered(session, user_id, scope)
    if unanswered is not None:
        return NextPick(NextReason.NEW_PROBLEM, unanswered)
    if queued:
        return NextPick(_QUEUE_REASONS[queued[0].bucket], queued[0].card.problem_id, queued[0].card)
    soonest = await _soonest_card(session, user_id, scope)
    if soonest is None:
        return NextPick(NextReason.NOTHING_TO_PRACTISE)
    _, end_of_day = local_day_bounds(now, timezone)
    if soonest.due < end_of_day:  # due today but held back by a daily limit: back tomorrow
        return NextPick(NextReason.DAILY_LIMIT_REACHED, next_due=end_of_day)
    return NextPick(NextReason.DONE_FOR_TODAY, next_due=soonest.due)
