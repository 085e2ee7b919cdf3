"""Personalised scheduling: fitting jobs for a learner's FSRS parameters, storing a fit, resetting it.

A fit is a REVIEW_PARAMETERS job of the learner's (domain/jobs/records.py), asked for by the learner
(`optimizeReviewParameters`) or by the periodic refit (`queue_refits`) once their log has grown by
LEARNQL_REVIEW_PARAMETERS_REFIT_REVIEWS reviews. Its dedupe key holds the size of the log, so asking
again before any new review returns the same job. Each fit decides afresh (domain/reviews/fitting.py):
the fitted parameters when they lower the held-out log loss, else the defaults.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.errors import DomainError
from domain.infra.database import dialect_insert
from domain.jobs import records as jobs
from domain.models import Job, JobKind, JobStatus, ReviewLog, ReviewParameters, User
from domain.reviews.fitting import Fit, LoggedReview
from domain.settings import Settings

NOT_ENOUGH_REVIEWS = "NOT_ENOUGH_REVIEWS"


async def review_count(session: AsyncSession, user_id: int) -> int:
    query = select(func.count()).select_from(ReviewLog).where(col(ReviewLog.user_id) == user_id)
    return int((await session.execute(query)).scalar_one())


async def review_log(session: AsyncSession, user_id: int) -> list[LoggedReview]:
    """The learner's whole review log, oldest first, as the optimizer reads it."""
    query = (
        select(col(ReviewLog.card_id), col(ReviewLog.reviewed_at), col(ReviewLog.rating))
        .where(col(ReviewLog.user_id) == user_id)
        .order_by(col(ReviewLog.reviewed_at), col(ReviewLog.id))
    )
    return [LoggedReview(card_id, at, rating) for card_id, at, rating in await session.execute(query)]


async def parameters_of(session: AsyncSession, user_id: int) -> ReviewParameters | None:
    query = select(ReviewParameters).where(col(ReviewParameters.user_id) == user_id)
    return (await session.execute(query)).scalar_one_or_none()


async def _queue(session: AsyncSession, user_id: int, reviews: int, now: datetime) -> tuple[Job, bool]:
    key = f"review-parameters:{user_id}:{reviews}"
    return await jobs.create(
        session,
        kind=JobKind.REVIEW_PARAMETERS,
        dedupe_key=key,
        input_hash=hashlib.sha256(key.encode()).hexdigest(),
        params={"reviews": reviews},
        created_by=user_id,
        now=now,
    )


async def request(session: AsyncSession, viewer: User, settings: Settings, now: datetime) -> tuple[Job, bool]:
    """The job fitting the viewer's log as it is now: new (True), or the one asked for before (False)."""
    assert viewer.id is not None
    reviews = await review_count(session, viewer.id)
    if reviews < settings.review_parameters_min_reviews:
        raise DomainError(
            f"Personal parameters need at least {settings.review_parameters_min_reviews} reviews; you have {reviews}.",
            code=NOT_ENOUGH_REVIEWS,
        )
    return await _queue(session, viewer.id, reviews, now)


async def store(session: AsyncSession, user_id: int, fit: Fit, now: datetime) -> bool:
    """Record the fit; the learner's parameters become the fitted ones when they are better, else the
    defaults. Returns whether they were adopted."""
    values = {
        "parameters": list(fit.parameters) if fit.better else None,
        "fitted_parameters": list(fit.parameters),
        "default_log_loss": fit.default_log_loss,
        "fitted_log_loss": fit.fitted_log_loss,
        "review_count": fit.review_count,
        "fitted_at": now,
    }
    insert = dialect_insert(session)(ReviewParameters).values(user_id=user_id, **values)
    await session.execute(insert.on_conflict_do_update(index_elements=["user_id"], set_=values))
    return fit.better


async def reset(session: AsyncSession, user_id: int) -> ReviewParameters | None:
    """Back to the default parameters; the last fit's figures stay for reference."""
    await session.execute(
        update(ReviewParameters).where(col(ReviewParameters.user_id) == user_id).values(parameters=None)
    )
    query = select(ReviewParameters).where(col(ReviewParameters.user_id) == user_id)
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


async def due_for_refit(session: AsyncSession, settings: Settings) -> list[tuple[int, int]]:
    """(learner, reviews) for learners with enough reviews, and enough new ones since their last fit,
    and no fit waiting or running; the longest logs first, at most LEARNQL_REVIEW_PARAMETERS_REFIT_BATCH."""
    counts = (
        select(col(ReviewLog.user_id).label("user_id"), func.count().label("reviews"))
        .group_by(col(ReviewLog.user_id))
        .having(func.count() >= settings.review_parameters_min_reviews)
        .subquery()
    )
    waiting = select(col(Job.created_by)).where(
        col(Job.kind) == JobKind.REVIEW_PARAMETERS.value,
        col(Job.status).in_((JobStatus.QUEUED.value, JobStatus.RUNNING.value)),
    )
    query = (
        select(counts.c.user_id, counts.c.reviews)
        .outerjoin(ReviewParameters, col(ReviewParameters.user_id) == counts.c.user_id)
        .where(
            (col(ReviewParameters.user_id).is_(None))
            | (counts.c.reviews - col(ReviewParameters.review_count) >= settings.review_parameters_refit_reviews),
            counts.c.user_id.not_in(waiting),
        )
        .order_by(counts.c.reviews.desc(), counts.c.user_id)
        .limit(settings.review_parameters_refit_batch)
    )
    return [(int(user_id), int(reviews)) for user_id, reviews in await session.execute(query)]


async def queue_refits(session: AsyncSession, settings: Settings, now: datetime) -> int:
    """Queue a fit for every learner `due_for_refit`; the jobs are sent after commit."""
    due = await due_for_refit(session, settings)
    for user_id, reviews in due:
        await _queue(session, user_id, reviews, now)
    return len(due)
