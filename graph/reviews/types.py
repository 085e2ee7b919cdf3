"""Review types: ReviewCard (a Relay node visible to its owner only), reviews, settings, statistics."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from functools import partial
from typing import Any

import fsrs
import strawberry
from strawberry import relay
from strawberry.types import Info

from domain import models as m
from domain import policies
from domain.keyset import Window
from domain.reviews import scheduling
from domain.reviews.history import ReviewPageKey
from domain.reviews.preferences import Preferences
from domain.reviews.queue import NextPick
from domain.reviews.stats import ReviewStats as Stats
from graph.content.types import Problem
from graph.context import Context
from graph.errors import UserError
from graph.ids import encode
from graph.nodes import EncodedNode, load_nodes
from graph.pagination import (
    Connection,
    Cursor,
    decode_position,
    empty_connection,
    encode_position,
    page_request,
    requested,
)

REVIEW_CURSOR = "r"


@strawberry.enum(description="How well the learner recalled a card.")
class Rating(Enum):
    AGAIN = "AGAIN"
    HARD = "HARD"
    GOOD = "GOOD"
    EASY = "EASY"

    def to_fsrs(self) -> fsrs.Rating:
        return fsrs.Rating[self.name.title()]

    @classmethod
    def from_fsrs(cls, rating: int) -> Rating:
        return cls[fsrs.Rating(rating).name.upper()]


@strawberry.enum(description="NEW: answered but never reviewed; LEARNING, REVIEW, RELEARNING: the FSRS states.")
class CardState(Enum):
    NEW = "NEW"
    LEARNING = "LEARNING"
    REVIEW = "REVIEW"
    RELEARNING = "RELEARNING"


@strawberry.type(description="A spaced-repetition card: one per learner and answered problem, scheduled with FSRS.")
class ReviewCard(EncodedNode):
    id: relay.NodeID[int]
    state: CardState
    step: int | None = strawberry.field(description="The learning or relearning step; null in REVIEW state.")
    due: datetime = strawberry.field(description="When the card is next due.")
    stability: float | None = strawberry.field(description="FSRS stability in days; null while NEW.")
    difficulty: float | None = strawberry.field(description="FSRS difficulty, 1 (easy) to 10 (hard); null while NEW.")
    last_reviewed_at: datetime | None
    reps: int = strawberry.field(description="How many times the card was reviewed.")
    lapses: int = strawberry.field(description="How many times it was forgotten (AGAIN) in REVIEW state.")
    created_at: datetime
    model: strawberry.Private[m.ReviewCard]

    @classmethod
    def from_model(cls, card: m.ReviewCard) -> ReviewCard:
        assert card.id is not None
        return cls(
            id=card.id,
            state=CardState(card.state),
            step=card.step,
            due=card.due,
            stability=card.stability,
            difficulty=card.difficulty,
            last_reviewed_at=card.last_review,
            reps=card.reps,
            lapses=card.lapses,
            created_at=card.created_at,
            model=card,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls,
        *,
        info: Info[Context, Any],
        node_ids: Iterable[str],
        required: bool = False,
    ) -> list[ReviewCard | None]:
        viewer_id = info.context.viewer_id
        return await load_nodes(
            info.context.loaders.review_card_by_id,
            node_ids,
            cls.from_model,
            lambda row: policies.can_view_review_card(viewer_id, row),
        )

    @strawberry.field(description="Predicted probability of recalling the card now (0..1); null while NEW.")
    def retrievability(self, info: Info[Context, Any]) -> float | None:
        return scheduling.retrievability(self.model, info.context.now())

    @strawberry.field
    async def problem(self, info: Info[Context, Any]) -> Problem:
        problem = await info.context.loaders.problem_by_id.load(self.model.problem_id)
        assert problem is not None
        return Problem.from_model(problem)

    @strawberry.field(description="The card's review log, newest first: every review and the schedule it made.")
    async def reviews(
        self, info: Info[Context, Any], first: int | None = None, after: Cursor = None
    ) -> Connection[CardReview]:
        request = page_request(first, after, None, None, info.context.settings.max_page_size)
        start = decode_position(request.cursor, kind=REVIEW_CURSOR)
        if not policies.can_view_review_card(info.context.viewer_id, self.model):
            return empty_connection()  # cards reach only their owner; this keeps it so wherever one appears
        rows = await info.context.loaders.review_page_by_card.load(ReviewPageKey(self.id, Window(request.size, start)))
        return requested(
            rows,
            request,
            lambda log: encode_position(log.reviewed_at, log.id, kind=REVIEW_CURSOR),
            CardReview.from_model,
            partial(info.context.loaders.review_count_by_card.load, self.id),
        )


@strawberry.type(description="One logged review of a card and the schedule it produced.")
class CardReview:
    id: strawberry.ID
    rating: Rating
    reviewed_at: datetime
    elapsed_days: float | None = strawberry.field(description="Days since the previous review; null for the first.")
    duration_ms: int | None
    state_before: CardState
    state_after: CardState
    due: datetime = strawberry.field(description="When this review scheduled the card next.")
    stability: float
    difficulty: float
    xp_awarded: int = strawberry.field(description="Review XP: once per card and local day.")

    @classmethod
    def from_model(cls, log: m.ReviewLog) -> CardReview:
        return cls(
            id=encode("CardReview", log.id),
            rating=Rating.from_fsrs(log.rating),
            reviewed_at=log.reviewed_at,
            elapsed_days=None if log.elapsed_seconds is None else log.elapsed_seconds / 86400,
            duration_ms=log.duration_ms,
            state_before=CardState(log.state_before),
            state_after=CardState(log.state_after),
            due=log.due_after,
            stability=log.stability_after,
            difficulty=log.difficulty_after,
            xp_awarded=log.xp_awarded,
        )


@strawberry.type
class ReviewCardPayload:
    card: ReviewCard | None = strawberry.field(default=None, description="The card as it is now.")
    review: CardReview | None = strawberry.field(default=None, description="The review this request made.")
    replayed: bool = strawberry.field(
        default=False, description="True when this is the stored result of an earlier call."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_outcome(cls, outcome: scheduling.ReviewOutcome) -> ReviewCardPayload:
        return cls(
            card=ReviewCard.from_model(outcome.card),
            review=CardReview.from_model(outcome.log),
            replayed=outcome.replayed,
        )


@strawberry.type(description="The viewer's scheduling preferences (defaults until changed).")
class ReviewSettings:
    desired_retention: float = strawberry.field(
        description="Target probability of recall when a card is due, 0.70-0.97."
    )
    maximum_interval: int = strawberry.field(description="Longest interval between reviews, in days.")
    new_cards_per_day: int
    reviews_per_day: int = strawberry.field(description="Reviews of cards that are not new, per local day.")
    learning_steps: list[int] = strawberry.field(description="Minutes between the first reviews of a new card.")
    relearning_steps: list[int] = strawberry.field(description="Minutes between reviews after a card is forgotten.")

    @classmethod
    def from_domain(cls, preferences: Preferences) -> ReviewSettings:
        return cls(
            desired_retention=preferences.desired_retention,
            maximum_interval=preferences.maximum_interval,
            new_cards_per_day=preferences.new_cards_per_day,
            reviews_per_day=preferences.reviews_per_day,
            learning_steps=list(preferences.learning_steps),
            relearning_steps=list(preferences.relearning_steps),
        )


@strawberry.type
class ReviewSettingsPayload:
    settings: ReviewSettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="How many cards fall due on one local day.")
class DueDay:
    date: date
    count: int


@strawberry.type
class CardStateCounts:
    new: int
    learning: int
    review: int
    relearning: int


@strawberry.type(
    description="The FSRS parameters the viewer's cards are scheduled with: the defaults, or parameters fitted "
    "to the viewer's own review log (optimizeReviewParameters, and periodically once the log has grown). A fit "
    "is adopted only when it predicts the viewer's latest reviews (held out from fitting) better than the "
    "defaults, measured by log loss (lower is better)."
)
class ReviewParameters:
    personalised: bool = strawberry.field(description="True when the fitted parameters are in use.")
    default_log_loss: float | None = strawberry.field(
        description="Log loss of the default parameters on the held-out reviews at the last fit; null before one."
    )
    fitted_log_loss: float | None = strawberry.field(
        description="Log loss of the fitted parameters on the same reviews; null before a fit."
    )
    review_count: int | None = strawberry.field(description="Reviews in the log at the last fit; null before one.")
    fitted_at: datetime | None = strawberry.field(description="When the last fit ran; null before one.")
    values: list[float] | None = strawberry.field(
        description="The 21 FSRS-6 parameters in use when personalised; null with the defaults."
    )

    @classmethod
    def from_model(cls, row: m.ReviewParameters | None) -> ReviewParameters:
        if row is None:
            return cls(
                personalised=False,
                default_log_loss=None,
                fitted_log_loss=None,
                review_count=None,
                fitted_at=None,
                values=None,
            )
        return cls(
            personalised=row.parameters is not None,
            default_log_loss=row.default_log_loss,
            fitted_log_loss=row.fitted_log_loss,
            review_count=row.review_count,
            fitted_at=row.fitted_at,
            values=list(row.parameters) if row.parameters is not None else None,
        )


@strawberry.type
class ReviewParametersPayload:
    parameters: ReviewParameters | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The viewer's review statistics; days are local days in the viewer's time zone.")
class ReviewStats:
    reviews_today: int = strawberry.field(
        description="Reviews since local midnight, first reviews of new cards included."
    )
    new_cards_today: int = strawberry.field(description="First reviews of new cards since local midnight.")
    new_cards_left_today: int
    reviews_left_today: int
    due_by_day: list[DueDay] = strawberry.field(
        description="Today (overdue and new cards included) and the next 6 days."
    )
    true_retention: float | None = strawberry.field(
        description="Share of reviews of REVIEW-state cards in the last 30 days not rated AGAIN; null without any."
    )
    retention_reviews: int = strawberry.field(description="How many reviews trueRetention is based on.")
    cards_by_state: CardStateCounts
    parameters: ReviewParameters = strawberry.field(
        description="The FSRS parameters the viewer's cards are scheduled with, and the last fit's figures."
    )

    @classmethod
    def from_domain(cls, stats: Stats) -> ReviewStats:
        states = {state.value: count for state, count in stats.cards_by_state.items()}
        return cls(
            reviews_today=stats.reviews_today,
            new_cards_today=stats.new_cards_today,
            new_cards_left_today=stats.new_cards_left_today,
            reviews_left_today=stats.reviews_left_today,
            due_by_day=[DueDay(date=day.day, count=day.count) for day in stats.due_by_day],
            true_retention=stats.true_retention,
            retention_reviews=stats.retention_reviews,
            cards_by_state=CardStateCounts(
                new=states["NEW"], learning=states["LEARNING"], review=states["REVIEW"], relearning=states["RELEARNING"]
            ),
            parameters=ReviewParameters.from_model(stats.parameters),
        )


@strawberry.enum(description="Why nextProblem picked its problem, or why there is none.")
class NextProblemReason(Enum):
    OVERDUE_REVIEW = strawberry.enum_value("OVERDUE_REVIEW", description="A card past its due time.")
    NEW_PROBLEM = strawberry.enum_value("NEW_PROBLEM", description="A problem never answered, in course order.")
    NEW_CARD = strawberry.enum_value("NEW_CARD", description="An answered problem's card, never reviewed yet.")
    DUE_LATER_TODAY = strawberry.enum_value("DUE_LATER_TODAY", description="A card due later today (see card.due).")
    DAILY_LIMIT_REACHED = strawberry.enum_value(
        "DAILY_LIMIT_REACHED", description="Cards are due but today's new-card or review limit is used up."
    )
    DONE_FOR_TODAY = strawberry.enum_value("DONE_FOR_TODAY", description="Nothing is due before local midnight.")
    NOTHING_TO_PRACTISE = strawberry.enum_value("NOTHING_TO_PRACTISE", description="No published problems here.")


@strawberry.type(
    description="What to practise next; `problem` is null when nothing is left today, and `reason` says why."
)
class NextProblem:
    reason: NextProblemReason
    next_due_at: datetime | None = strawberry.field(
        description="When problem is null: when something will be due again (null when never)."
    )
    problem_id: strawberry.Private[int | None]
    card_model: strawberry.Private[m.ReviewCard | None]

    @classmethod
    def from_domain(cls, pick: NextPick) -> NextProblem:
        return cls(
            reason=NextProblemReason(pick.reason.value),
            next_due_at=pick.next_due,
            problem_id=pick.problem_id,
            card_model=pick.card,
        )

    @strawberry.field
    async def problem(self, info: Info[Context, Any]) -> Problem | None:
        if self.problem_id is None:
            return None
        problem = await info.context.loaders.problem_by_id.load(self.problem_id)
        return Problem.from_model(problem) if problem is not None else None

    @strawberry.field(description="The card to review; null for a problem never answered.")
    def card(self) -> ReviewCard | None:
        return ReviewCard.from_model(self.card_model) if self.card_model is not None else None
