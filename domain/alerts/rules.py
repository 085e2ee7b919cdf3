"""When a student of a class is at risk, as plain functions over figures SQL computed (evaluation.py).

Four rules, each an alert kind; thresholds per class (`Thresholds`), the defaults below:

- LOW_MEAN and DECLINING are the analytics' at-risk rule (domain/analytics/rules.py) over the grades
  that count for the class, with the class's thresholds;
- FAILING_STREAK: the student's latest `failing_streak` grades in the class are all below
  `failing_score` percent;
- INACTIVE: no submission and no review for `inactive_days` days (counted from joining the class
  when there was none since).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from domain.analytics.rules import AtRiskReason, RiskThresholds, Trend, at_risk_reasons
from domain.errors import Invalid, InvalidErrors


class AlertKind(StrEnum):
    LOW_MEAN = "LOW_MEAN"
    DECLINING = "DECLINING"
    FAILING_STREAK = "FAILING_STREAK"
    INACTIVE = "INACTIVE"


ALL_KINDS = tuple(AlertKind)
FAILING_STREAK = 3
FAILING_SCORE = 50.0
INACTIVE_DAYS = 7

# Documented bounds of a class's thresholds (docs/api/alerts.md repeats them).
MIN_GRADES_RANGE = (1, 100)
FAILING_STREAK_RANGE = (2, 20)
INACTIVE_DAYS_RANGE = (1, 365)
PERCENT_RANGE = (0.0, 100.0)
DECLINE_RANGE = (-100.0, 0.0)


@dataclass(frozen=True)
class Thresholds:
    risk: RiskThresholds = field(default_factory=RiskThresholds)
    failing_streak: int = FAILING_STREAK
    failing_score: float = FAILING_SCORE
    inactive_days: int = INACTIVE_DAYS
    kinds: frozenset[AlertKind] = frozenset(ALL_KINDS)


DEFAULTS = Thresholds()


@dataclass(frozen=True)
class Signals:
    """What the rules read about one student of one class."""

    trend: Trend
    latest: Sequence[float]  # percentages of the latest grades in the class, newest first
    last_active: datetime  # the latest submission or review; joining the class when later


@dataclass(frozen=True)
class Finding:
    reason: str
    details: dict[str, Any]


def failing_streak(latest: Sequence[float], length: int, below: float) -> bool:
    """The `length` newest grades all fail."""
    return len(latest) >= length and all(pct < below for pct in latest[:length])


def inactive_days(last_active: datetime, now: datetime) -> float:
    return max(0.0, (now - last_active) / timedelta(days=1))


def findings(signals: Signals, thresholds: Thresholds, now: datetime) -> dict[AlertKind, Finding]:
    """The kinds that hold for a student now (among the class's enabled kinds), with why."""
    found: dict[AlertKind, Finding] = {}
    trend = signals.trend
    reasons = at_risk_reasons(trend, thresholds.risk)
    if AtRiskReason.LOW_MEAN.value in reasons:
        found[AlertKind.LOW_MEAN] = Finding(
            f"Mean {trend.mean:.1f}% over {trend.count} grades, below {thresholds.risk.mean:g}%.",
            {"mean": trend.mean, "count": trend.count},
        )
    if AtRiskReason.DECLINING.value in reasons:
        found[AlertKind.DECLINING] = Finding(
            "Grades are declining" + _decline(trend) + ".",
            {"slopePerWeek": trend.slope_per_week, "change30Days": trend.change_30_days, "count": trend.count},
        )
    if failing_streak(signals.latest, thresholds.failing_streak, thresholds.failing_score):
        streak = signals.latest[: thresholds.failing_streak]
        found[AlertKind.FAILING_STREAK] = Finding(
            f"The last {thresholds.failing_streak} grades were all below {thresholds.failing_score:g}%.",
            {"grades": [round(pct, 1) for pct in streak]},
        )
    idle = inactive_days(signals.last_active, now)
    if idle >= thresholds.inactive_days:
        found[AlertKind.INACTIVE] = Finding(
            f"No activity for {int(idle)} days.", {"days": int(idle), "lastActive": signals.last_active.isoformat()}
        )
    return {kind: finding for kind, finding in found.items() if kind in thresholds.kinds}


def _decline(trend: Trend) -> str:
    parts = []
    if trend.slope_per_week is not None:
        parts.append(f"{trend.slope_per_week:.1f} points a week")
    if trend.change_30_days is not None:
        parts.append(f"{trend.change_30_days:+.1f} points in the last 30 days")
    return ": " + ", ".join(parts) if parts else ""


def check(thresholds: Thresholds) -> Thresholds:
    """The thresholds if every one lies within its documented bounds; Invalid (per field) otherwise."""
    risk = thresholds.risk
    bounds: list[tuple[str, float, tuple[float, float]]] = [
        ("lowMean", risk.mean, PERCENT_RANGE),
        ("minGrades", risk.min_grades, MIN_GRADES_RANGE),
        ("decliningSlopePerWeek", risk.slope_per_week, DECLINE_RANGE),
        ("decliningChange30Days", risk.change_30_days, DECLINE_RANGE),
        ("failingStreak", thresholds.failing_streak, FAILING_STREAK_RANGE),
        ("failingScore", thresholds.failing_score, PERCENT_RANGE),
        ("inactiveDays", thresholds.inactive_days, INACTIVE_DAYS_RANGE),
    ]
    errors = [
        Invalid(f"`{name}` must be between {low:g} and {high:g}.", field=[name])
        for name, value, (low, high) in bounds
        if not low <= value <= high
    ]
    if errors:
        raise errors[0] if len(errors) == 1 else InvalidErrors(errors)
    return thresholds
