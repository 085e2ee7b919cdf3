"""ReviewQuery / ReviewMutation: reviewQueue, nextProblem, reviewStats, reviewSettings, reviewCard,
updateReviewSettings, optimizeReviewParameters, resetReviewParameters."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from domain.errors import DomainError, Invalid
from domain.reviews import personal, scheduling
from domain.reviews import preferences as review_settings
from domain.reviews import queue as review_queue
from domain.reviews import stats as review_stats
from graph import ids
from graph.context import Context
from graph.errors import UserError
from graph.jobs.types import Job, JobPayload
from graph.reviews.inputs import ReviewCardInput, ReviewSettingsUpdateInput
from graph.reviews.types import (
    NextProblem,
    ReviewCard,
    ReviewCardPayload,
    ReviewParameters,
    ReviewParametersPayload,
    ReviewSettings,
    ReviewSettingsPayload,
    ReviewStats,
)

DEFAULT_QUEUE_SIZE = 20


def _scope(course_id: strawberry.ID | None, lesson_id: strawberry.ID | None = None) -> review_queue.Scope:
    return review_queue.Scope(
        course_id=ids.decode(course_id, "Course", ["courseId"]) if course_id is not None else None,
        lesson_id=ids.decode(lesson_id, "Lesson", ["lessonId"]) if lesson_id is not None else None,
    )


@strawberry.type
class ReviewQuery:
    @strawberry.field(
        description="The viewer's cards to review now: overdue (lowest retrievability first), then new cards, then "
        "cards due later today in the viewer's time zone, within the daily limits of reviewSettings."
    )
    async def review_queue(
        self, info: Info[Context, Any], limit: int | None = DEFAULT_QUEUE_SIZE, course_id: strawberry.ID | None = None
    ) -> list[ReviewCard]:
        context = info.context
        viewer = await context.require_viewer()
        maximum = context.settings.max_page_size
        limit = DEFAULT_QUEUE_SIZE if limit is None else limit
        if not 1 <= limit <= maximum:
            raise Invalid(f"`limit` must be between 1 and {maximum}.", field=["limit"])
        assert viewer.id is not None
        queued = await context.run(
            review_queue.queue, viewer.id, viewer.timezone, context.now(), limit, _scope(course_id)
        )
        return [ReviewCard.from_model(item.card) for item in queued]

    @strawberry.field(
        description="What to practise next in a course or a lesson (give exactly one): an overdue card, else a "
        "problem never answered in course order, else a new card or one due later today; else no problem and why."
    )
    async def next_problem(
        self, info: Info[Context, Any], course_id: strawberry.ID | None = None, lesson_id: strawberry.ID | None = None
    ) -> NextProblem:
        context = info.context
        viewer = await context.require_viewer()
        if (course_id is None) == (lesson_id is None):
            raise Invalid("Give exactly one of `courseId` and `lessonId`.", field=["courseId"])
        assert viewer.id is not None
        scope = _scope(course_id, lesson_id)
        pick = await context.run(review_queue.next_problem, viewer.id, viewer.timezone, scope, context.now())
        return NextProblem.from_domain(pick)

    @strawberry.field(description="The viewer's review statistics.")
    async def review_stats(self, info: Info[Context, Any]) -> ReviewStats:
        context = info.context
        viewer = await context.require_viewer()
        assert viewer.id is not None
        stats = await context.run(review_stats.review_stats, viewer.id, viewer.timezone, context.now())
        return ReviewStats.from_domain(stats)

    @strawberry.field(description="The viewer's review settings.")
    async def review_settings(self, info: Info[Context, Any]) -> ReviewSettings:
        context = info.context
        viewer = await context.require_viewer()
        assert viewer.id is not None
        return ReviewSettings.from_domain(await context.run(review_settings.preferences_of, viewer.id))


@strawberry.type
class ReviewMutation:
    @strawberry.mutation(
        description="Review a card with a rating: reschedules it with FSRS, logs the review, awards review XP "
        "(once per card and local day) and counts toward the streak. A retry with the same idempotencyKey replays."
    )
    async def review_card(self, info: Info[Context, Any], input: ReviewCardInput) -> ReviewCardPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            outcome = await context.run(scheduling.review, viewer, input.to_domain(), context.now())
        except DomainError as error:
            return ReviewCardPayload(errors=UserError.from_domain(error))
        return ReviewCardPayload.from_outcome(outcome)

    @strawberry.mutation(description="Change the viewer's review settings; invalid values come back in errors.")
    async def update_review_settings(
        self, info: Info[Context, Any], input: ReviewSettingsUpdateInput
    ) -> ReviewSettingsPayload:
        context = info.context
        viewer = await context.require_viewer()
        assert viewer.id is not None
        try:
            updated = await context.run(review_settings.update, viewer.id, input.to_domain(), context.now())
        except DomainError as error:
            return ReviewSettingsPayload(errors=UserError.from_domain(error))
        return ReviewSettingsPayload(settings=ReviewSettings.from_domain(updated))

    @strawberry.mutation(
        description="Fit the viewer's FSRS parameters to their own review log (at least "
        "LEARNQL_REVIEW_PARAMETERS_MIN_REVIEWS reviews, else NOT_ENOUGH_REVIEWS). Returns the job at once "
        "(kind REVIEW_PARAMETERS; follow it with `job(id)` or `jobProgress`); when it has run, "
        "`reviewStats.parameters` shows the result. Asking again before any new review returns the same job "
        "(`deduplicated: true`)."
    )
    async def optimize_review_parameters(self, info: Info[Context, Any]) -> JobPayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            await context.limiter.acquire("optimize_reviews_per_user", str(viewer.id), "parameter fits")
            job, created = await context.run(personal.request, viewer, context.settings, context.now())
        except DomainError as error:
            return JobPayload(errors=UserError.from_domain(error))
        return JobPayload(job=Job.from_model(job), deduplicated=not created)

    @strawberry.mutation(
        description="Schedule the viewer's cards with the default FSRS parameters again. The last fit's figures "
        "stay; the periodic refit may adopt new parameters once the log has grown "
        "(LEARNQL_REVIEW_PARAMETERS_REFIT_REVIEWS more reviews) and they predict better."
    )
    async def reset_review_parameters(self, info: Info[Context, Any]) -> ReviewParametersPayload:
        context = info.context
        viewer = await context.require_viewer()
        assert viewer.id is not None
        row = await context.run(personal.reset, viewer.id)
        return ReviewParametersPayload(parameters=ReviewParameters.from_model(row))
