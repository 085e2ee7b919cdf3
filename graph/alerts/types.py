"""InstructorAlert, AlertKind, ClassAlertSettings and the alert payloads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from domain import models as m
from domain.alerts import configuration, inbox, rules
from graph.classes.types import Class
from graph.context import Context
from graph.errors import UserError
from graph.nodes import EncodedNode
from graph.users.types import User

ALERT_CURSOR = "a"  # (created at, id), newest first


@strawberry.enum(
    description="Which rule raised an instructor alert (thresholds per class: `classAlertSettings(classId)`)."
)
class AlertKind(Enum):
    LOW_MEAN = strawberry.enum_value(
        "LOW_MEAN", description="The mean of the student's grades in the class is below `lowMean` percent."
    )
    DECLINING = strawberry.enum_value(
        "DECLINING",
        description="The grades fall by `decliningSlopePerWeek` points a week or more, or the last 30 days' mean "
        "is `decliningChange30Days` points or more below the mean before.",
    )
    FAILING_STREAK = strawberry.enum_value(
        "FAILING_STREAK", description="The last `failingStreak` grades were all below `failingScore` percent."
    )
    INACTIVE = strawberry.enum_value("INACTIVE", description="No submission and no review for `inactiveDays` days.")


@strawberry.type(
    description="A student of one of your classes turned at risk. One alert per episode: it is raised once when "
    "its rule starts to hold, the episode ends (`open: false`) when the rule clears, and only then can the same "
    "rule raise a new alert about that student. Only the class's staff see alerts."
)
class InstructorAlert(EncodedNode):
    id: relay.NodeID[int]
    kind: AlertKind
    reason: str = strawberry.field(description="Why, in a sentence with the figures (e.g. the mean and the threshold).")
    details: JSON = strawberry.field(description="The figures behind the alert, by kind (mean, count, grades, days).")
    created_at: datetime = strawberry.field(description="When the episode began (when the alert was raised).")
    closed_at: datetime | None = strawberry.field(description="When the rule stopped holding; null while it holds.")
    acknowledged_at: datetime | None
    row: strawberry.Private[m.InstructorAlert]

    @classmethod
    def from_model(cls, row: m.InstructorAlert) -> InstructorAlert:
        assert row.id is not None
        return cls(
            id=row.id,
            kind=AlertKind(row.kind),
            reason=row.reason,
            details=JSON(row.details),
            created_at=row.created_at,
            closed_at=row.closed_at,
            acknowledged_at=row.acknowledged_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[InstructorAlert | None]:
        """Visible to the staff of the alert's class only."""
        viewer = await info.context.viewer()
        found: list[InstructorAlert | None] = []
        for key in node_ids:
            row = await info.context.run(inbox.visible_alert, viewer, int(key)) if key.isdigit() else None
            found.append(cls.from_model(row) if row is not None else None)
        return found

    @strawberry.field(description="Whether a staff member of the class has acknowledged it.")
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @strawberry.field(name="open", description="True while the rule still holds (the episode goes on).")
    def is_open(self) -> bool:
        return self.closed_at is None

    @strawberry.field
    async def student(self, info: Info[Context, Any]) -> User:
        user = await info.context.loaders.user_by_id.load(self.row.student_id)
        assert user is not None
        return User.from_model(user)

    @strawberry.field(name="class")
    async def class_(self, info: Info[Context, Any]) -> Class:
        row = await info.context.loaders.class_by_id.load(self.row.class_id)
        assert row is not None
        return Class.from_model(row)


@strawberry.type(description="A class's alert thresholds (the defaults until its staff change them).")
class ClassAlertSettings:
    kinds: list[AlertKind] = strawberry.field(description="The rules that raise alerts in this class.")
    low_mean: float = strawberry.field(
        description=f"LOW_MEAN below this percentage (default {rules.DEFAULTS.risk.mean:g})."
    )
    min_grades: int = strawberry.field(
        description=f"LOW_MEAN and DECLINING need this many grades (default {rules.DEFAULTS.risk.min_grades})."
    )
    declining_slope_per_week: float = strawberry.field(
        description=f"DECLINING at this slope, points per week, or lower (default {rules.DEFAULTS.risk.slope_per_week:g})."
    )
    declining_change30_days: float = strawberry.field(
        name="decliningChange30Days",
        description="DECLINING when the last 30 days' mean is this many points (or more) below the mean before "
        f"(default {rules.DEFAULTS.risk.change_30_days:g}).",
    )
    failing_streak: int = strawberry.field(
        description=f"FAILING_STREAK after this many failed grades in a row (default {rules.FAILING_STREAK})."
    )
    failing_score: float = strawberry.field(
        description=f"A grade below this percentage is a failure (default {rules.FAILING_SCORE:g})."
    )
    inactive_days: int = strawberry.field(description=f"INACTIVE after this many days (default {rules.INACTIVE_DAYS}).")
    class_id: strawberry.Private[int]

    @classmethod
    def from_domain(cls, class_id: int, thresholds: rules.Thresholds) -> ClassAlertSettings:
        risk = thresholds.risk
        return cls(
            kinds=[AlertKind[kind.name] for kind in rules.ALL_KINDS if kind in thresholds.kinds],
            low_mean=risk.mean,
            min_grades=risk.min_grades,
            declining_slope_per_week=risk.slope_per_week,
            declining_change30_days=risk.change_30_days,
            failing_streak=thresholds.failing_streak,
            failing_score=thresholds.failing_score,
            inactive_days=thresholds.inactive_days,
            class_id=class_id,
        )

    @strawberry.field(description="Students whose alerts are muted in this class (no new alert is raised for them).")
    async def muted_students(self, info: Info[Context, Any]) -> list[User]:
        muted = (await info.context.run(configuration.muted_students, [self.class_id]))[self.class_id]
        rows = await info.context.loaders.user_by_id.load_many(sorted(muted))
        return [User.from_model(row) for row in rows if row is not None]


@strawberry.type
class AlertPayload:
    alert: InstructorAlert | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ClassAlertSettingsPayload:
    settings: ClassAlertSettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class StudentAlertsPayload:
    muted: bool | None = strawberry.field(default=None, description="Whether the student's alerts are now muted.")
    errors: list[UserError] = strawberry.field(default_factory=list)
