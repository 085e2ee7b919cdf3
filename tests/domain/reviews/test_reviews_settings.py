"""Review settings: defaults, validation with every error at once, and the scheduler they configure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import Invalid, InvalidErrors
from domain.reviews.preferences import DEFAULTS, Preferences, preferences_of, update, validate
from domain.settings import Settings
from tests.factories import make_user

MOMENT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_the_defaults_are_valid_and_schedule_without_fuzz() -> None:
    validate(DEFAULTS)
    scheduler = DEFAULTS.scheduler()

    assert (scheduler.desired_retention, scheduler.enable_fuzzing) == (0.9, False)
    assert scheduler.learning_steps == (timedelta(minutes=1), timedelta(minutes=10))


def test_a_higher_retention_schedules_sooner() -> None:
    card = fsrs.Card(card_id=1, state=fsrs.State.Review, stability=10.0, difficulty=5.0, due=MOMENT)
    card.last_review = MOMENT - timedelta(days=10)

    relaxed, _ = Preferences(desired_retention=0.8).scheduler().review_card(card, fsrs.Rating.Good, MOMENT)
    strict, _ = Preferences(desired_retention=0.95).scheduler().review_card(card, fsrs.Rating.Good, MOMENT)

    assert strict.due < relaxed.due


def test_without_learning_steps_a_new_card_goes_straight_to_review() -> None:
    card, _ = (
        Preferences(learning_steps=())
        .scheduler()
        .review_card(fsrs.Card(card_id=1, due=MOMENT), fsrs.Rating.Good, MOMENT)
    )

    assert card.state == fsrs.State.Review


def test_every_invalid_value_is_reported_with_its_field() -> None:
    wrong = Preferences(
        desired_retention=0.5,
        maximum_interval=0,
        new_cards_per_day=-1,
        reviews_per_day=10_001,
        learning_steps=(1, 0),
        relearning_steps=tuple(range(1, 12)),
    )

    with pytest.raises(InvalidErrors) as raised:
        validate(wrong)

    assert [(e.code, e.field) for e in raised.value.errors] == [
        ("INVALID", ["desiredRetention"]),
        ("INVALID", ["maximumInterval"]),
        ("INVALID", ["newCardsPerDay"]),
        ("INVALID", ["reviewsPerDay"]),
        ("INVALID", ["learningSteps", "1"]),
        ("INVALID", ["relearningSteps"]),
    ]


@pytest.mark.parametrize("retention", [0.70, 0.97])
def test_the_retention_bounds_are_inclusive(retention: float) -> None:
    validate(Preferences(desired_retention=retention))


async def test_a_learner_without_settings_gets_the_defaults_until_they_change_some(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    assert learner.id is not None
    assert await preferences_of(session, learner.id) == DEFAULTS

    await update(session, learner.id, {"desired_retention": 0.85, "learning_steps": [5]}, now)
    await update(session, learner.id, {"reviews_per_day": 50}, now)

    assert await preferences_of(session, learner.id) == Preferences(
        desired_retention=0.85, learning_steps=(5,), reviews_per_day=50
    )


async def test_an_invalid_update_changes_nothing(session: AsyncSession, settings: Settings, now: datetime) -> None:
    learner = await make_user(session, settings, now)
    assert learner.id is not None
    await update(session, learner.id, {"new_cards_per_day": 5}, now)

    with pytest.raises(Invalid) as raised:
        await update(session, learner.id, {"new_cards_per_day": 7, "desired_retention": 0.99}, now)

    assert (raised.value.code, raised.value.field) == ("INVALID", ["desiredRetention"])
    assert (await preferences_of(session, learner.id)).new_cards_per_day == 5
