"""A review simulator: learners whose memory follows known FSRS parameters, reviewing on our schedule.

Each simulated learner has true parameters drawn around the defaults (seeded). Their cards are
scheduled as learnql schedules them (the `fsrs` scheduler with the default parameters and settings),
while whether they recall a card is drawn from the retrievability of the card under their *true*
parameters. The resulting review log is what the optimizer sees for a real learner, so fitting it
should recover parameters that predict this learner better than the defaults do
(tests/domain/reviews/test_simulation.py, `uv run python -m bench.fsrs`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import fsrs
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from domain.reviews.fitting import DEFAULT_PARAMETERS, LoggedReview
from domain.reviews.preferences import DEFAULTS

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
HARD_SHARE, EASY_SHARE = 0.15, 0.1  # of recalled reviews; the rest are GOOD


@dataclass(frozen=True)
class Learner:
    parameters: tuple[float, ...]  # their true memory
    reviews: list[LoggedReview]


def true_parameters(rng: random.Random, spread: float) -> tuple[float, ...]:
    """Parameters around the defaults: each scaled by exp(N(0, spread)), within FSRS's bounds."""
    drawn = []
    for default, low, high in zip(DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True):
        drawn.append(min(max(default * math.exp(rng.gauss(0, spread)), low), high))
    return tuple(drawn)


def _rating(rng: random.Random, recalled: bool) -> fsrs.Rating:
    if not recalled:
        return fsrs.Rating.Again
    draw = rng.random()
    if draw < HARD_SHARE:
        return fsrs.Rating.Hard
    return fsrs.Rating.Easy if draw > 1 - EASY_SHARE else fsrs.Rating.Good


def simulate(
    rng: random.Random, parameters: Sequence[float], cards: int, days: int, new_per_day: int = 10
) -> list[LoggedReview]:
    """`days` of study: `new_per_day` new cards a day (until `cards`), then every card due that day,
    scheduled with the default parameters; recall drawn from the true parameters' retrievability."""
    schedule = DEFAULTS.scheduler()
    memory = fsrs.Scheduler(
        parameters=tuple(parameters),
        desired_retention=DEFAULTS.desired_retention,
        learning_steps=schedule.learning_steps,
        relearning_steps=schedule.relearning_steps,
        enable_fuzzing=False,
    )
    scheduled: dict[int, fsrs.Card] = {}
    truth: dict[int, fsrs.Card] = {}
    reviews: list[LoggedReview] = []
    for day in range(days):
        session_start = START + timedelta(days=day, minutes=rng.randint(0, 600))
        for card_id in range(len(scheduled), min(cards, len(scheduled) + new_per_day)):
            scheduled[card_id] = fsrs.Card(card_id=card_id, due=session_start)
            truth[card_id] = fsrs.Card(card_id=card_id, due=session_start)
        now = session_start
        # within a session, cards come back after their learning steps: loop until none is due
        while True:
            due = sorted((card.due, card_id) for card_id, card in scheduled.items() if card.due <= now)
            if not due:
                later = [card.due for card in scheduled.values() if card.due <= session_start + timedelta(hours=2)]
                if not later:
                    break
                now = min(later)
                continue
            for _, card_id in due:
                now += timedelta(seconds=rng.randint(5, 30))
                recall = memory.get_card_retrievability(truth[card_id], now) if truth[card_id].last_review else 0.0
                rating = _rating(rng, truth[card_id].last_review is not None and rng.random() < recall)
                scheduled[card_id], _ = schedule.review_card(scheduled[card_id], rating, now)
                truth[card_id], _ = memory.review_card(truth[card_id], rating, now)
                reviews.append(LoggedReview(card_id, now, int(rating)))
    return reviews


def learner(rng: random.Random, spread: float, cards: int, days: int) -> Learner:
    parameters = true_parameters(rng, spread)
    return Learner(parameters, simulate(rng, parameters, cards, days))
