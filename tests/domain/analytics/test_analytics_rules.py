"""The analytics rules on their own: at risk, mastery, best and worst topics, buckets, alpha."""

from __future__ import annotations

import math

import pytest

from domain.analytics import rules
from domain.analytics.items import cronbach_alpha
from domain.analytics.rules import Ranked, Trend


def test_a_student_below_the_mean_threshold_is_at_risk() -> None:
    assert rules.at_risk_reasons(Trend(5, 59.9, 0.0, 0.0)) == ["LOW_MEAN"]
    assert rules.at_risk_reasons(Trend(5, 60.0, 0.0, 0.0)) == []


def test_a_declining_student_is_at_risk_by_slope_or_by_the_last_30_days() -> None:
    assert rules.at_risk_reasons(Trend(5, 80.0, -5.0, None)) == ["DECLINING"]
    assert rules.at_risk_reasons(Trend(5, 80.0, -1.0, -10.0)) == ["DECLINING"]
    assert rules.at_risk_reasons(Trend(5, 50.0, -6.0, -12.0)) == ["LOW_MEAN", "DECLINING"]
    assert rules.at_risk_reasons(Trend(5, 80.0, -4.9, -9.9)) == []


def test_too_few_grades_never_flag_a_student() -> None:
    assert rules.at_risk_reasons(Trend(2, 10.0, -50.0, -50.0)) == []


def test_the_trend_is_weekly_and_needs_two_grades() -> None:
    assert rules.trend_from_row(1, 50.0, 0.5, 50.0, None).slope_per_week is None
    assert rules.trend_from_row(3, 50.0, None, None, None).slope_per_week is None  # all at one moment
    trend = rules.trend_from_row(3, 50.0, 0.5, 70.0, 40.0)
    assert trend.slope_per_week == pytest.approx(3.5)  # 0.5 points a day
    assert trend.change_30_days == 30.0


def test_the_most_at_risk_come_first() -> None:
    students = [(["LOW_MEAN"], 40.0, 1), (["LOW_MEAN", "DECLINING"], 55.0, 2), (["DECLINING"], 30.0, 3)]

    ordered = sorted(students, key=lambda s: rules.risk_order(*s))

    assert [s[2] for s in ordered] == [2, 3, 1]


@pytest.mark.parametrize(
    ("mastery", "level"), [(1.0, "MASTERED"), (0.85, "MASTERED"), (0.6, "PROFICIENT"), (0.59, "LEARNING")]
)
def test_mastery_levels(mastery: float, level: str) -> None:
    assert rules.mastery_level(mastery) == level


def test_best_and_worst_topics_never_overlap() -> None:
    topics = [Ranked(key, mastery, f"t{key}") for key, mastery in enumerate([0.9, 0.2, 0.5, 0.9, 0.7])]

    best, worst = rules.best_and_worst(topics, top=2)

    assert best == [0, 3]  # ties broken by path
    assert worst == [1, 2]
    assert rules.best_and_worst(topics[:3], top=2) == ([0, 2], [1])


@pytest.mark.parametrize(("value", "bucket"), [(0.0, 0), (9.999, 0), (10.0, 1), (89.9, 8), (90.0, 9), (100.0, 9)])
def test_histogram_buckets_are_fixed_and_the_last_includes_100(value: float, bucket: int) -> None:
    assert rules.histogram_bucket(value) == bucket


def test_cronbach_alpha_needs_two_items_and_a_varying_total() -> None:
    assert cronbach_alpha([0.25], 1.0) is None
    assert cronbach_alpha([0.25, 0.25], 0.0) is None
    assert math.isclose(cronbach_alpha([0.25, 0.25], 1.0) or 0.0, 1.0)  # 2/1 * (1 - 0.5)
