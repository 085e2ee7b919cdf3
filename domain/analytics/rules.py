"""The rules of the analytics, as plain functions and documented constants (README, "Classes, grades
and analytics", repeats them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# At risk: a student with at least AT_RISK_MIN_GRADES grades whose mean percentage is below
# AT_RISK_MEAN, or who is declining: a least-squares slope of at most DECLINING_SLOPE_PER_WEEK
# percentage points per week, or a last-30-days mean at least DECLINING_CHANGE_30_DAYS points
# below the mean of the grades before.
AT_RISK_MEAN = 60.0
AT_RISK_MIN_GRADES = 3
DECLINING_SLOPE_PER_WEEK = -5.0
DECLINING_CHANGE_30_DAYS = -10.0
RECENT_DAYS = 30

# Mastery of a topic: the mean score (0..1) of the student's latest answer to each problem of it.
MASTERED = 0.85
PROFICIENT = 0.6
TOP_TOPICS = 3  # how many best and worst topics are named
AT_RISK_LISTED = 100  # class analytics list this many at-risk students (most at risk first) and count all

# Histogram of the students' mean percentages: fixed buckets [0,10), [10,20), ..., [90,100].
HISTOGRAM_WIDTH = 10.0
HISTOGRAM_BUCKETS = 10
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)

ITEM_MAX_SCORE = 1.0  # every problem is worth one point


class AtRiskReason(StrEnum):
    LOW_MEAN = "LOW_MEAN"
    DECLINING = "DECLINING"


class MasteryLevel(StrEnum):
    MASTERED = "MASTERED"
    PROFICIENT = "PROFICIENT"
    LEARNING = "LEARNING"


@dataclass(frozen=True)
class Trend:
    """A student's grades summed up: how many, their mean percentage and where they are heading."""

    count: int
    mean: float | None
    slope_per_week: float | None  # least-squares slope, percentage points per week
    change_30_days: float | None  # mean of the last 30 days minus the mean of the grades before

    @property
    def at_risk_reasons(self) -> list[str]:
        return at_risk_reasons(self)


@dataclass(frozen=True)
class RiskThresholds:
    """The at-risk thresholds: the defaults above, or a class's own (instructor alerts, domain/alerts/)."""

    mean: float = AT_RISK_MEAN
    min_grades: int = AT_RISK_MIN_GRADES
    slope_per_week: float = DECLINING_SLOPE_PER_WEEK
    change_30_days: float = DECLINING_CHANGE_30_DAYS


DEFAULT_RISK = RiskThresholds()


def at_risk_reasons(trend: Trend, thresholds: RiskThresholds = DEFAULT_RISK) -> list[str]:
    if trend.count < thresholds.min_grades or trend.mean is None:
        return []
    reasons = []
    if trend.mean < thresholds.mean:
        reasons.append(AtRiskReason.LOW_MEAN.value)
    slope_falls = trend.slope_per_week is not None and trend.slope_per_week <= thresholds.slope_per_week
    recent_falls = trend.change_30_days is not None and trend.change_30_days <= thresholds.change_30_days
    if slope_falls or recent_falls:
        reasons.append(AtRiskReason.DECLINING.value)
    return reasons


def trend_from_row(
    count: int, mean: float | None, slope_per_day: float | None, recent_mean: float | None, earlier_mean: float | None
) -> Trend:
    """A trend from the per-student aggregates SQL computed (sql.trend_query)."""
    slope = 7.0 * slope_per_day if count >= 2 and slope_per_day is not None else None
    change = recent_mean - earlier_mean if recent_mean is not None and earlier_mean is not None else None
    return Trend(count=count, mean=mean, slope_per_week=slope, change_30_days=change)


def risk_order(reasons: Sequence[str], mean: float | None, user_id: int) -> tuple[int, float, int]:
    """Most at risk first: more reasons, then the lower mean."""
    return (-len(reasons), mean if mean is not None else 100.0, user_id)


def mastery_level(mastery: float) -> str:
    if mastery >= MASTERED:
        return MasteryLevel.MASTERED.value
    if mastery >= PROFICIENT:
        return MasteryLevel.PROFICIENT.value
    return MasteryLevel.LEARNING.value


@dataclass(frozen=True)
class Ranked:
    key: int
    mastery: float
    tiebreak: str


def best_and_worst(items: Sequence[Ranked], top: int = TOP_TOPICS) -> tuple[list[int], list[int]]:
    """The `top` highest and lowest by mastery (ties by name); the two lists never share an item."""
    ordered = sorted(items, key=lambda item: (-item.mastery, item.tiebreak))
    best = [item.key for item in ordered[:top]]
    worst = [item.key for item in sorted(items, key=lambda i: (i.mastery, i.tiebreak)) if item.key not in best]
    return best, worst[:top]


def histogram_bucket(value: float) -> int:
    """The bucket index of a percentage (the last bucket includes 100)."""
    return min(HISTOGRAM_BUCKETS - 1, max(0, int(value // HISTOGRAM_WIDTH)))
