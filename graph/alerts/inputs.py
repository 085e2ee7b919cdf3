"""Inputs of the alert mutations; UNSET means "not sent" in the settings update (the value stays)."""

from __future__ import annotations

from dataclasses import replace

import strawberry

from domain.alerts import rules
from domain.analytics.rules import RiskThresholds
from graph import ids
from graph.alerts.types import AlertKind


@strawberry.input
class AlertIdInput:
    alert_id: strawberry.ID

    def key(self) -> int:
        return ids.decode(self.alert_id, "InstructorAlert", ["alertId"])


@strawberry.input(description="A student of a class you teach.")
class StudentAlertsInput:
    class_id: strawberry.ID
    student_id: strawberry.ID

    def keys(self) -> tuple[int, int]:
        return ids.decode(self.class_id, "Class", ["classId"]), ids.decode(self.student_id, "User", ["studentId"])


def _bounds(low: float, high: float) -> str:
    return f"From {low:g} to {high:g}."


@strawberry.input(description="Change a class's alert thresholds; fields left out keep their value.")
class ClassAlertSettingsUpdateInput:
    class_id: strawberry.ID
    kinds: list[AlertKind] | None = strawberry.field(
        default=strawberry.UNSET, description="The rules that raise alerts (an empty list: none)."
    )
    low_mean: float | None = strawberry.field(default=strawberry.UNSET, description=_bounds(*rules.PERCENT_RANGE))
    min_grades: int | None = strawberry.field(default=strawberry.UNSET, description=_bounds(*rules.MIN_GRADES_RANGE))
    declining_slope_per_week: float | None = strawberry.field(
        default=strawberry.UNSET, description=_bounds(*rules.DECLINE_RANGE)
    )
    declining_change30_days: float | None = strawberry.field(
        default=strawberry.UNSET, name="decliningChange30Days", description=_bounds(*rules.DECLINE_RANGE)
    )
    failing_streak: int | None = strawberry.field(
        default=strawberry.UNSET, description=_bounds(*rules.FAILING_STREAK_RANGE)
    )
    failing_score: float | None = strawberry.field(default=strawberry.UNSET, description=_bounds(*rules.PERCENT_RANGE))
    inactive_days: int | None = strawberry.field(
        default=strawberry.UNSET, description=_bounds(*rules.INACTIVE_DAYS_RANGE)
    )

    def key(self) -> int:
        return ids.decode(self.class_id, "Class", ["classId"])

    def apply(self, current: rules.Thresholds) -> rules.Thresholds:
        """The current thresholds with the fields sent (null counts as not sent)."""

        def given(value: float | None, old: float) -> float:
            return old if value is None or value is strawberry.UNSET else value

        def given_int(value: int | None, old: int) -> int:
            return old if value is None or value is strawberry.UNSET else value

        risk = current.risk
        kinds = current.kinds
        if self.kinds is not None and self.kinds is not strawberry.UNSET:
            kinds = frozenset(rules.AlertKind(kind.name) for kind in self.kinds)
        return replace(
            current,
            risk=RiskThresholds(
                given(self.low_mean, risk.mean),
                given_int(self.min_grades, risk.min_grades),
                given(self.declining_slope_per_week, risk.slope_per_week),
                given(self.declining_change30_days, risk.change_30_days),
            ),
            failing_streak=given_int(self.failing_streak, current.failing_streak),
            failing_score=given(self.failing_score, current.failing_score),
            inactive_days=given_int(self.inactive_days, current.inactive_days),
            kinds=kinds,
        )
