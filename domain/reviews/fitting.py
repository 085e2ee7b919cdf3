"""Fitting a learner's FSRS parameters to their own review log, and judging the fit on held-out reviews.

Pure functions over plain review records; the optimizer is the `fsrs-rs-python` package (FSRS-rs, no
torch), whose 21 FSRS-6 parameters are the ones the `fsrs` scheduler takes.

The learner's reviews are split by time: the last `holdout` share of them is held out. The optimizer
sees only the items (a card's reviews up to one of them) that end before that point. Both the default
and the fitted parameters then predict each held-out review of a card seen on an earlier day (FSRS's
retrievability after the days elapsed), and the log loss of those predictions against recalled or
not (rating above AGAIN) says which set predicts this learner's memory better. Fitted parameters are
adopted only when their loss is lower.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import fsrs_rs_python as rs
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from domain.learning.rules import local_day

DEFAULT_PARAMETERS: tuple[float, ...] = tuple(rs.DEFAULT_PARAMETERS)
AGAIN = 1
SEED = 2023  # the optimizer's: the same log fits to the same parameters


@dataclass(frozen=True)
class LoggedReview:
    """One review as the optimizer needs it: which card, when, and the rating (1 AGAIN .. 4 EASY)."""

    card_id: int
    reviewed_at: datetime
    rating: int


@dataclass(frozen=True)
class Item:
    """A card's reviews up to one review (the last, the one to predict), with days between reviews
    counted in the learner's local days (as FSRS counts them)."""

    ratings: tuple[int, ...]
    delta_days: tuple[int, ...]  # 0 for the card's first review
    at: datetime  # when the last review happened

    def to_rs(self) -> rs.FSRSItem:
        return rs.FSRSItem([rs.FSRSReview(r, d) for r, d in zip(self.ratings, self.delta_days, strict=True)])

    @property
    def long_term(self) -> bool:
        """Some review of it came on a later day than the one before (the optimizer takes only these)."""
        return any(days > 0 for days in self.delta_days)

    @property
    def predictable(self) -> bool:
        """A review FSRS predicts with retrievability: on a later day than the card's previous review."""
        return len(self.ratings) > 1 and self.delta_days[-1] > 0


@dataclass(frozen=True)
class Fit:
    parameters: tuple[float, ...]
    default_log_loss: float
    fitted_log_loss: float
    review_count: int  # reviews in the log that was fitted
    training_items: int
    held_out_items: int

    @property
    def better(self) -> bool:
        """Adopt the fitted parameters only when they predict the held-out reviews better."""
        return self.fitted_log_loss < self.default_log_loss


class NotEnoughReviews(ValueError):
    """The log has too few reviews to train on or to hold out."""


def items(reviews: Sequence[LoggedReview], timezone: str) -> list[Item]:
    """Every review of a card after its first, as an item holding the card's history up to it."""
    by_card: dict[int, list[LoggedReview]] = defaultdict(list)
    for review in reviews:
        by_card[review.card_id].append(review)
    found: list[Item] = []
    for card_reviews in by_card.values():
        card_reviews.sort(key=lambda review: review.reviewed_at)
        days = [local_day(review.reviewed_at, timezone) for review in card_reviews]
        deltas = [0] + [(later - earlier).days for earlier, later in zip(days, days[1:], strict=False)]
        ratings = [review.rating for review in card_reviews]
        for end in range(2, len(card_reviews) + 1):
            found.append(Item(tuple(ratings[:end]), tuple(deltas[:end]), card_reviews[end - 1].reviewed_at))
    found.sort(key=lambda item: item.at)
    return found


def cutoff(reviews: Sequence[LoggedReview], holdout: float) -> datetime:
    """The time from which reviews are held out: the last `holdout` share of them."""
    times = sorted(review.reviewed_at for review in reviews)
    return times[min(len(times) - 1, math.floor(len(times) * (1 - holdout)))]


def log_loss(parameters: Sequence[float], held_out: Sequence[Item]) -> float:
    """Mean log loss of FSRS's recall predictions (retrievability) for the items' last reviews."""
    model = rs.FSRS(list(parameters))
    total = 0.0
    for item in held_out:
        history = rs.FSRSItem(
            [rs.FSRSReview(r, d) for r, d in zip(item.ratings[:-1], item.delta_days[:-1], strict=True)]
        )
        state = model.memory_state(history)
        elapsed = item.delta_days[-1]
        recall = min(max(_retrievability(parameters, elapsed, state.stability), 1e-6), 1 - 1e-6)
        recalled = item.ratings[-1] > AGAIN
        total -= math.log(recall if recalled else 1 - recall)
    return total / len(held_out)


def _retrievability(parameters: Sequence[float], days: float, stability: float) -> float:
    """FSRS-6's forgetting curve: R = (1 + factor * t / S) ** -decay, with R = 0.9 at t = S."""
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return float((1 + factor * days / stability) ** -decay)


def fit(reviews: Sequence[LoggedReview], timezone: str, holdout: float) -> Fit:
    """Fit parameters on the reviews before the held-out part and compare both losses on it."""
    if len(reviews) < 2:
        raise NotEnoughReviews("Too few reviews.")
    start = cutoff(reviews, holdout)
    every = items(reviews, timezone)
    training = [item for item in every if item.at < start and item.long_term]
    held_out = [item for item in every if item.at >= start and item.predictable]
    if not held_out or not training:
        raise NotEnoughReviews("Too few reviews on later days to train on and to hold out.")
    config = rs.TrainingConfig(seed=SEED)
    fitted = rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(
        [item.to_rs() for item in training], training_config=config
    )
    # within the bounds the scheduler (`fsrs`) accepts, which may be a hair narrower than the optimizer's
    parameters = tuple(
        min(max(float(value), low), high)
        for value, low, high in zip(fitted, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )
    return Fit(
        parameters=parameters,
        default_log_loss=log_loss(DEFAULT_PARAMETERS, held_out),
        fitted_log_loss=log_loss(parameters, held_out),
        review_count=len(reviews),
        training_items=len(training),
        held_out_items=len(held_out),
    )
