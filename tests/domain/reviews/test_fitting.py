"""Fitting FSRS parameters to a review log: items, the held-out split, the log loss, and the gain on a
simulated learner (fixed seed). No database."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from domain.reviews import fitting, simulation
from domain.reviews.fitting import DEFAULT_PARAMETERS, Item, LoggedReview, NotEnoughReviews

START = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)


def test_each_review_after_a_cards_first_is_an_item_counted_in_local_days() -> None:
    reviews = [
        LoggedReview(1, START, 3),
        LoggedReview(1, START + timedelta(hours=2), 3),  # 00:30 the next day in UTC, 23:30 the same in New York
        LoggedReview(1, START + timedelta(days=3), 1),
        LoggedReview(2, START + timedelta(days=1), 4),
    ]

    in_utc = fitting.items(reviews, "UTC")
    in_new_york = fitting.items(reviews, "America/New_York")

    assert [(item.ratings, item.delta_days) for item in in_utc] == [((3, 3), (0, 1)), ((3, 3, 1), (0, 1, 2))]
    assert [item.delta_days for item in in_new_york] == [(0, 0), (0, 0, 3)]
    assert [item.predictable for item in in_new_york] == [False, True]


def test_the_latest_share_of_reviews_is_held_out() -> None:
    reviews = [LoggedReview(1, START + timedelta(days=day), 3) for day in range(10)]

    assert fitting.cutoff(reviews, 0.2) == START + timedelta(days=8)
    assert fitting.cutoff(reviews, 0.5) == START + timedelta(days=5)


def test_the_log_loss_scores_the_forgetting_curve_against_recall() -> None:
    # a card reviewed GOOD, then after exactly its initial stability (w2 days, rounded): R is near 0.9
    days = round(DEFAULT_PARAMETERS[2])
    recalled = Item((3, 3), (0, days), START)
    forgotten = Item((3, 1), (0, days), START)
    curve = (1 + (0.9 ** (-1 / DEFAULT_PARAMETERS[20]) - 1) * days / DEFAULT_PARAMETERS[2]) ** -DEFAULT_PARAMETERS[20]

    assert fitting.log_loss(DEFAULT_PARAMETERS, [recalled]) == pytest.approx(-math.log(curve), rel=1e-4)
    assert fitting.log_loss(DEFAULT_PARAMETERS, [forgotten]) == pytest.approx(-math.log(1 - curve), rel=1e-4)


def test_a_log_without_reviews_on_later_days_cannot_be_fitted() -> None:
    same_day = [LoggedReview(card, START + timedelta(minutes=card), 3) for card in range(50)]

    with pytest.raises(NotEnoughReviews):
        fitting.fit(same_day, "UTC", 0.2)


def test_fitting_a_simulated_learner_predicts_their_held_out_reviews_better_than_the_defaults() -> None:
    learner = simulation.learner(random.Random(7), spread=0.6, cards=25, days=60)

    fit = fitting.fit(learner.reviews, "UTC", 0.2)

    assert fit.held_out_items > 30
    assert fit.fitted_log_loss < fit.default_log_loss
    assert fit.better
    assert fit.parameters != DEFAULT_PARAMETERS


def test_the_same_log_fits_to_the_same_parameters() -> None:
    learner = simulation.learner(random.Random(3), spread=0.6, cards=15, days=40)

    assert fitting.fit(learner.reviews, "UTC", 0.2) == fitting.fit(learner.reviews, "UTC", 0.2)
