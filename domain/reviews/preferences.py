"""A learner's review settings: defaults, validation, and the FSRS scheduler they configure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import fsrs
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.errors import DomainError, Invalid, InvalidErrors
from domain.infra.database import dialect_insert
from domain.models import ReviewParameters, ReviewSettings, User

MIN_RETENTION, MAX_RETENTION = 0.70, 0.97
MAX_INTERVAL_DAYS = 36500
MAX_NEW_PER_DAY = 1000
MAX_REVIEWS_PER_DAY = 10000
MAX_STEPS = 10
MAX_STEP_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class Preferences:
    """What a learner may choose; the defaults apply until they save their own."""

    desired_retention: float = 0.9
    maximum_interval: int = MAX_INTERVAL_DAYS
    new_cards_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps: tuple[int, ...] = (1, 10)  # minutes
    relearning_steps: tuple[int, ...] = (10,)  # minutes
    # FSRS parameters fitted to the learner's reviews and adopted (domain/reviews/personal.py); None:
    # the defaults. Not a choice: updateReviewSettings leaves them as they are.
    parameters: tuple[float, ...] | None = None

    def scheduler(self) -> fsrs.Scheduler:
        """The FSRS scheduler for these settings. Fuzzing is off so that a card's schedule is a pure
        function of its reviews: a replayed or reloaded card schedules exactly as it did before."""
        return fsrs.Scheduler(
            parameters=self.parameters if self.parameters is not None else fsrs.scheduler.DEFAULT_PARAMETERS,
            desired_retention=self.desired_retention,
            learning_steps=[timedelta(minutes=m) for m in self.learning_steps],
            relearning_steps=[timedelta(minutes=m) for m in self.relearning_steps],
            maximum_interval=self.maximum_interval,
            enable_fuzzing=False,
        )


DEFAULTS = Preferences()


def _check_range(errors: list[DomainError], field: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        errors.append(Invalid(f"`{field}` must be between {low} and {high}.", field=[field]))


def _check_steps(errors: list[DomainError], field: str, steps: Sequence[int]) -> None:
    if len(steps) > MAX_STEPS:
        errors.append(Invalid(f"`{field}` takes at most {MAX_STEPS} steps.", field=[field]))
    for index, minutes in enumerate(steps):
        if not 1 <= minutes <= MAX_STEP_MINUTES:
            errors.append(
                Invalid(f"A step must be between 1 and {MAX_STEP_MINUTES} minutes.", field=[field, str(index)])
            )


def validate(preferences: Preferences) -> None:
    """Every invalid value at once, each with its camelCase input path."""
    errors: list[DomainError] = []
    _check_range(errors, "desiredRetention", preferences.desired_retention, MIN_RETENTION, MAX_RETENTION)
    _check_range(errors, "maximumInterval", preferences.maximum_interval, 1, MAX_INTERVAL_DAYS)
    _check_range(errors, "newCardsPerDay", preferences.new_cards_per_day, 0, MAX_NEW_PER_DAY)
    _check_range(errors, "reviewsPerDay", preferences.reviews_per_day, 0, MAX_REVIEWS_PER_DAY)
    _check_steps(errors, "learningSteps", preferences.learning_steps)
    _check_steps(errors, "relearningSteps", preferences.relearning_steps)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InvalidErrors(errors)


def _from_row(row: ReviewSettings | None, parameters: list[float] | None = None) -> Preferences:
    adopted = tuple(parameters) if parameters is not None else None
    if row is None:
        return replace(DEFAULTS, parameters=adopted)
    return Preferences(
        desired_retention=row.desired_retention,
        maximum_interval=row.maximum_interval,
        new_cards_per_day=row.new_cards_per_day,
        reviews_per_day=row.reviews_per_day,
        learning_steps=tuple(row.learning_steps),
        relearning_steps=tuple(row.relearning_steps),
        parameters=adopted,
    )


async def preferences_of(session: AsyncSession, user_id: int) -> Preferences:
    """The learner's settings and adopted FSRS parameters, in one statement."""
    query = (
        select(ReviewSettings, col(ReviewParameters.parameters))
        .select_from(User)
        .outerjoin(ReviewSettings, col(ReviewSettings.user_id) == col(User.id))
        .outerjoin(ReviewParameters, col(ReviewParameters.user_id) == col(User.id))
        .where(col(User.id) == user_id)
    )
    found = (await session.execute(query)).first()
    return _from_row(found[0], found[1]) if found is not None else DEFAULTS


async def update(session: AsyncSession, user_id: int, changes: Mapping[str, Any], now: datetime) -> Preferences:
    """Apply `changes` (field name -> value; absent fields stay) and store the result, all or nothing."""
    unknown = set(changes) - set(Preferences.__dataclass_fields__)
    assert not unknown, unknown
    current = await preferences_of(session, user_id)
    merged: dict[str, Any] = asdict(current) | dict(changes)
    updated = Preferences(**merged | {name: tuple(merged[name]) for name in ("learning_steps", "relearning_steps")})
    validate(updated)
    values = {
        "desired_retention": updated.desired_retention,
        "maximum_interval": updated.maximum_interval,
        "new_cards_per_day": updated.new_cards_per_day,
        "reviews_per_day": updated.reviews_per_day,
        "learning_steps": list(updated.learning_steps),
        "relearning_steps": list(updated.relearning_steps),
        "updated_at": now,
    }
    insert = dialect_insert(session)(ReviewSettings).values(user_id=user_id, **values)
    await session.execute(insert.on_conflict_do_update(index_elements=["user_id"], set_=values))
    return updated
