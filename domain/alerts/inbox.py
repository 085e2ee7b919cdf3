"""The alerts a staff member reads: a keyset page of the classes they teach, newest first, and acknowledging one.

The list covers the classes the viewer teaches (admins read and acknowledge any class's alert by its
id, as they manage every class, but their list is of their own classes, like the subscription's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import policies
from domain.alerts.models import InstructorAlert
from domain.errors import NotFound
from domain.keyset import Window, page
from domain.models import Class, User

NO_SUCH_ALERT = "No such alert."
S = TypeVar("S", bound=Select[Any])


@dataclass(frozen=True)
class AlertFilter:
    staff_id: int
    acknowledged: bool | None = None


def _where(query: S, where: AlertFilter) -> S:
    query = query.join(Class, col(Class.id) == col(InstructorAlert.class_id)).where(
        col(Class.instructor_id) == where.staff_id
    )
    if where.acknowledged is True:
        query = query.where(col(InstructorAlert.acknowledged_at).is_not(None))
    elif where.acknowledged is False:
        query = query.where(col(InstructorAlert.acknowledged_at).is_(None))
    return query


async def alerts_page(session: AsyncSession, where: AlertFilter, window: Window) -> list[InstructorAlert]:
    query = _where(select(InstructorAlert), where)
    rows = await session.execute(page(query, col(InstructorAlert.created_at), col(InstructorAlert.id), window))
    return list(rows.scalars())


async def count_alerts(session: AsyncSession, where: AlertFilter) -> int:
    query = _where(select(func.count()).select_from(InstructorAlert), where)
    count: int = (await session.execute(query)).scalar_one()
    return count


async def visible_alert(session: AsyncSession, viewer: User | None, alert_id: int) -> InstructorAlert | None:
    """The alert, when the viewer manages its class; None for anyone else (as for a missing one)."""
    row = (
        await session.execute(
            select(InstructorAlert, Class)
            .join(Class, col(Class.id) == col(InstructorAlert.class_id))
            .where(col(InstructorAlert.id) == alert_id)
        )
    ).one_or_none()
    if row is None or not policies.can_manage_alerts(viewer, row[1]):
        return None
    alert: InstructorAlert = row[0]
    return alert


async def acknowledge(session: AsyncSession, viewer: User, alert_id: int, now: datetime) -> InstructorAlert:
    """Mark the alert seen (for all of the class's staff); acknowledging it again changes nothing."""
    alert = await visible_alert(session, viewer, alert_id)
    if alert is None:
        raise NotFound(NO_SUCH_ALERT, field=["alertId"])
    await session.execute(
        update(InstructorAlert)
        .where(col(InstructorAlert.id) == alert_id, col(InstructorAlert.acknowledged_at).is_(None))
        .values(acknowledged_at=now, acknowledged_by=viewer.id)
    )
    await session.refresh(alert)
    return alert
