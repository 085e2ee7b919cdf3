"""The alert rules as plain functions: each kind, the class's thresholds, the enabled kinds, the bounds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.alerts import rules
from domain.alerts.rules import DEFAULTS, AlertKind, Signals, Thresholds
from domain.analytics.rules import RiskThresholds, Trend
from domain.errors import Invalid, InvalidErrors

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
STEADY = Trend(5, 80.0, 0.0, 0.0)


def signals(trend: Trend = STEADY, latest: tuple[float, ...] = (80.0, 80.0, 80.0), idle_days: float = 0) -> Signals:
    return Signals(trend, latest, NOW - timedelta(days=idle_days))


def test_a_steady_active_student_raises_nothing() -> None:
    assert rules.findings(signals(), DEFAULTS, NOW) == {}


def test_a_low_mean_is_measured_against_the_classs_threshold() -> None:
    trend = Trend(5, 65.0, 0.0, 0.0)
    stricter = replace(DEFAULTS, risk=RiskThresholds(mean=70.0))

    assert rules.findings(signals(trend), DEFAULTS, NOW) == {}
    found = rules.findings(signals(trend), stricter, NOW)
    assert list(found) == [AlertKind.LOW_MEAN]
    assert found[AlertKind.LOW_MEAN].details == {"mean": 65.0, "count": 5}
    assert "65.0%" in found[AlertKind.LOW_MEAN].reason


def test_a_declining_trend_raises_declining_with_its_figures() -> None:
    found = rules.findings(signals(Trend(6, 75.0, -8.0, -15.0)), DEFAULTS, NOW)

    assert list(found) == [AlertKind.DECLINING]
    assert found[AlertKind.DECLINING].details["slopePerWeek"] == -8.0


def test_too_few_grades_raise_neither_low_mean_nor_declining() -> None:
    assert rules.findings(signals(Trend(2, 10.0, -50.0, -50.0), latest=()), DEFAULTS, NOW) == {}


def test_a_failing_streak_needs_that_many_failures_in_a_row_newest_first() -> None:
    assert rules.failing_streak([40.0, 30.0, 45.0, 90.0], 3, 50.0)
    assert not rules.failing_streak([40.0, 90.0, 45.0, 30.0], 3, 50.0)
    assert not rules.failing_streak([40.0, 30.0], 3, 50.0)
    assert not rules.failing_streak([50.0, 30.0, 20.0], 3, 50.0)  # at the threshold is a pass


def test_a_failing_streak_raises_failing_streak() -> None:
    found = rules.findings(signals(latest=(40.0, 30.0, 45.0, 90.0)), DEFAULTS, NOW)

    assert list(found) == [AlertKind.FAILING_STREAK]
    assert found[AlertKind.FAILING_STREAK].details == {"grades": [40.0, 30.0, 45.0]}


def test_inactivity_counts_whole_days_since_the_last_activity() -> None:
    assert rules.findings(signals(idle_days=6.9), DEFAULTS, NOW) == {}
    found = rules.findings(signals(idle_days=7), DEFAULTS, NOW)
    assert list(found) == [AlertKind.INACTIVE]
    assert found[AlertKind.INACTIVE].details["days"] == 7
    assert rules.inactive_days(NOW + timedelta(hours=1), NOW) == 0.0  # a clock a little ahead is no activity debt


def test_kinds_the_class_turned_off_raise_nothing() -> None:
    only_inactivity = replace(DEFAULTS, kinds=frozenset({AlertKind.INACTIVE}))
    at_risk = signals(Trend(5, 20.0, -9.0, -20.0), latest=(10.0, 10.0, 10.0), idle_days=30)

    assert set(rules.findings(at_risk, DEFAULTS, NOW)) == set(AlertKind)
    assert list(rules.findings(at_risk, only_inactivity, NOW)) == [AlertKind.INACTIVE]


def test_thresholds_within_their_bounds_pass_the_check() -> None:
    edge = Thresholds(RiskThresholds(100.0, 1, -100.0, 0.0), 20, 0.0, 365)

    assert rules.check(edge) is edge
    assert rules.check(DEFAULTS) is DEFAULTS


@pytest.mark.parametrize(
    ("thresholds", "field"),
    [
        (replace(DEFAULTS, risk=RiskThresholds(mean=101.0)), "lowMean"),
        (replace(DEFAULTS, risk=RiskThresholds(mean=float("nan"))), "lowMean"),
        (replace(DEFAULTS, risk=RiskThresholds(min_grades=0)), "minGrades"),
        (replace(DEFAULTS, risk=RiskThresholds(slope_per_week=1.0)), "decliningSlopePerWeek"),
        (replace(DEFAULTS, risk=RiskThresholds(change_30_days=-101.0)), "decliningChange30Days"),
        (replace(DEFAULTS, failing_streak=1), "failingStreak"),
        (replace(DEFAULTS, failing_score=-1.0), "failingScore"),
        (replace(DEFAULTS, inactive_days=366), "inactiveDays"),
    ],
)
def test_a_threshold_out_of_bounds_is_invalid_with_its_field(thresholds: Thresholds, field: str) -> None:
    with pytest.raises(Invalid) as raised:
        rules.check(thresholds)

    assert raised.value.field == [field]


def test_every_threshold_out_of_bounds_is_named() -> None:
    with pytest.raises(InvalidErrors) as raised:
        rules.check(replace(DEFAULTS, failing_streak=0, inactive_days=0))

    assert [error.field for error in raised.value.errors] == [["failingStreak"], ["inactiveDays"]]
