"""What a class's staff set about its alerts: the thresholds of the rules, and which students are muted.

Only those who manage the class (domain/policies.py `can_manage_alerts`) change them; a class and a
student that are not theirs are answered alike (Forbidden / NotFound), as for the rest of a class.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import policies
from domain.alerts.models import AlertMute, ClassAlertSettings
from domain.alerts.rules import DEFAULTS, AlertKind, Thresholds, check
from domain.analytics.rules import RiskThresholds
from domain.classes.membership import NOT_YOURS
from domain.errors import Forbidden, NotFound
from domain.infra.database import dialect_insert
from domain.models import Class, ClassMember, User


def from_row(row: ClassAlertSettings | None) -> Thresholds:
    if row is None:
        return DEFAULTS
    risk = RiskThresholds(row.low_mean, row.min_grades, row.declining_slope_per_week, row.declining_change_30_days)
    kinds = frozenset(AlertKind(kind) for kind in row.kinds)
    return Thresholds(risk, row.failing_streak, row.failing_score, row.inactive_days, kinds)


async def thresholds_of(session: AsyncSession, class_id: int) -> Thresholds:
    return from_row(await session.get(ClassAlertSettings, class_id))


async def managed_class(session: AsyncSession, viewer: User, class_id: int) -> Class:
    """The class, when the viewer may manage its alerts; Forbidden alike for foreign and unknown classes."""
    class_ = await session.get(Class, class_id)
    if class_ is None or not policies.can_manage_alerts(viewer, class_):
        raise Forbidden(NOT_YOURS, field=["classId"])
    return class_


async def thresholds_for(session: AsyncSession, viewer: User, class_id: int) -> Thresholds:
    """A class's thresholds, for those who manage its alerts."""
    await managed_class(session, viewer, class_id)
    return await thresholds_of(session, class_id)


async def update_thresholds(
    session: AsyncSession, viewer: User, class_id: int, change: Callable[[Thresholds], Thresholds], now: datetime
) -> Thresholds:
    """Store the class's thresholds as `change` makes them from the current ones (each within its
    documented bounds, else Invalid); returns them as stored."""
    thresholds = check(change(await thresholds_for(session, viewer, class_id)))
    risk = thresholds.risk
    values = {
        "class_id": class_id,
        "kinds": sorted(kind.value for kind in thresholds.kinds),
        "low_mean": risk.mean,
        "min_grades": risk.min_grades,
        "declining_slope_per_week": risk.slope_per_week,
        "declining_change_30_days": risk.change_30_days,
        "failing_streak": thresholds.failing_streak,
        "failing_score": thresholds.failing_score,
        "inactive_days": thresholds.inactive_days,
        "updated_at": now,
        "updated_by": viewer.id,
    }
    insert = dialect_insert(session)(ClassAlertSettings).values(values)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["class_id"],
            set_={name: getattr(insert.excluded, name) for name in values if name != "class_id"},
        )
    )
    return thresholds


async def set_muted(
    session: AsyncSession, viewer: User, class_id: int, student_id: int, muted: bool, now: datetime
) -> bool:
    """Mute (or unmute) a student's alerts in a class the viewer manages; doing it twice changes nothing."""
    await managed_class(session, viewer, class_id)
    member = await session.get(ClassMember, (class_id, student_id))
    if member is None:
        raise NotFound("This student is not in the class.", field=["studentId"])
    if muted:
        insert = dialect_insert(session)(AlertMute).values(
            class_id=class_id, student_id=student_id, muted_by=viewer.id, muted_at=now
        )
        await session.execute(insert.on_conflict_do_nothing(index_elements=["class_id", "student_id"]))
    else:
        await session.execute(
            delete(AlertMute).where(col(AlertMute.class_id) == class_id, col(AlertMute.student_id) == student_id)
        )
    return muted


async def muted_students(session: AsyncSession, class_ids: list[int]) -> dict[int, set[int]]:
    query = select(col(AlertMute.class_id), col(AlertMute.student_id)).where(col(AlertMute.class_id).in_(class_ids))
    found: dict[int, set[int]] = {class_id: set() for class_id in class_ids}
    for class_id, student_id in await session.execute(query):
        found[class_id].add(student_id)
    return found
