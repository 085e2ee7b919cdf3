"""Inputs of the review mutations; UNSET means "not sent" in the settings update."""

from __future__ import annotations

from typing import Any

import strawberry

from domain.errors import DomainError, Invalid, InvalidErrors
from domain.reviews import scheduling
from graph import ids
from graph.input_limits import text
from graph.reviews.types import Rating


@strawberry.input
class ReviewCardInput:
    card_id: strawberry.ID
    rating: Rating
    idempotency_key: str = text(scheduling.MAX_KEY_LENGTH, "Unique per user; a retry with the same key replays.")
    duration_ms: int | None = strawberry.field(default=None, description="How long the review took, in ms.")

    def to_domain(self) -> scheduling.ReviewRequest:
        return scheduling.ReviewRequest(
            card_id=ids.decode(self.card_id, "ReviewCard", ["cardId"]),
            rating=self.rating.to_fsrs(),
            idempotency_key=self.idempotency_key,
            duration_ms=self.duration_ms,
        )


@strawberry.input(description="Fields left out stay unchanged.")
class ReviewSettingsUpdateInput:
    desired_retention: float | None = strawberry.field(default=strawberry.UNSET, description="0.70-0.97.")
    maximum_interval: int | None = strawberry.field(default=strawberry.UNSET, description="1-36500 days.")
    new_cards_per_day: int | None = strawberry.field(default=strawberry.UNSET, description="0-1000.")
    reviews_per_day: int | None = strawberry.field(default=strawberry.UNSET, description="0-10000.")
    learning_steps: list[int] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Up to 10 steps of 1-10080 minutes; [] sends new cards straight to REVIEW.",
    )
    relearning_steps: list[int] | None = strawberry.field(default=strawberry.UNSET, description="As learningSteps.")

    def to_domain(self) -> dict[str, Any]:
        """The fields sent, by domain name; an explicit null is an error (there is nothing to unset)."""
        changes: dict[str, Any] = {}
        errors: list[DomainError] = []
        for name, field in (
            ("desired_retention", "desiredRetention"),
            ("maximum_interval", "maximumInterval"),
            ("new_cards_per_day", "newCardsPerDay"),
            ("reviews_per_day", "reviewsPerDay"),
            ("learning_steps", "learningSteps"),
            ("relearning_steps", "relearningSteps"),
        ):
            value = getattr(self, name)
            if value is strawberry.UNSET:
                continue
            if value is None:
                errors.append(Invalid(f"`{field}` must not be null.", field=[field]))
            changes[name] = value
        if errors:
            raise errors[0] if len(errors) == 1 else InvalidErrors(errors)
        return changes
