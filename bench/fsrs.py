"""Personalised FSRS on simulated learners: `uv run python -m bench.fsrs [--learners 40] [--seed 1]`.
Not a pytest test; needs no database.

Each simulated learner's memory follows their own FSRS parameters (the defaults, each scaled by
exp(N(0, spread))); their cards are scheduled with the defaults, as learnql schedules a learner
without a fit (domain/reviews/simulation.py). Their log is fitted exactly as the REVIEW_PARAMETERS job
fits a real one (domain/reviews/fitting.py: the last 20% of reviews held out), and the log loss of
the default and of the fitted parameters on the held-out reviews is printed per learner and summed
up: mean of each (and of the learner's true parameters, the floor), the median relative gain, and
how many fits the job would adopt (fitted loss lower).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from domain.reviews import fitting, simulation
from domain.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--spread", type=float, default=0.5, help="of the true parameters around the defaults")
    parser.add_argument("--cards", type=int, default=100)
    parser.add_argument("--days", type=int, default=90)
    arguments = parser.parse_args()
    holdout = Settings.model_fields["review_parameters_holdout"].default
    rng = random.Random(arguments.seed)
    rows = []
    started = time.perf_counter()
    print(
        f"{'learner':>7} {'reviews':>7} {'held out':>8} {'default':>8} {'fitted':>8} {'true':>8} {'gain':>7}  adopted"
    )
    for number in range(arguments.learners):
        learner = simulation.learner(rng, arguments.spread, arguments.cards, arguments.days)
        fit = fitting.fit(learner.reviews, "UTC", holdout)
        start = fitting.cutoff(learner.reviews, holdout)
        held_out = [item for item in fitting.items(learner.reviews, "UTC") if item.at >= start and item.predictable]
        true = fitting.log_loss(learner.parameters, held_out)  # the floor: the learner's real memory
        gain = 1 - fit.fitted_log_loss / fit.default_log_loss
        rows.append((fit, gain, true))
        print(
            f"{number:>7} {fit.review_count:>7} {fit.held_out_items:>8} {fit.default_log_loss:>8.4f} "
            f"{fit.fitted_log_loss:>8.4f} {true:>8.4f} {gain:>7.1%}  {'yes' if fit.better else 'no'}"
        )
    fits = [fit for fit, _, _ in rows]
    print()
    print(
        f"{len(rows)} learners, {arguments.cards} cards, {arguments.days} days, spread {arguments.spread}, "
        f"seed {arguments.seed}, holdout {holdout:.0%} ({time.perf_counter() - started:.1f} s)"
    )
    print(
        f"mean held-out log loss: default {statistics.mean(f.default_log_loss for f in fits):.4f}, "
        f"fitted {statistics.mean(f.fitted_log_loss for f in fits):.4f}, "
        f"true parameters {statistics.mean(true for _, _, true in rows):.4f}"
    )
    print(
        f"median relative gain {statistics.median(g for _, g, _ in rows):.1%}; "
        f"fitted lower for {sum(f.better for f in fits)} of {len(fits)} (adopted)"
    )


if __name__ == "__main__":
    main()
