"""Evaluating a class's alert rules (rules.py) for its students, and opening and closing episodes.

Per class, a handful of statements whatever the number of students: the trends of the grades that
count for the class (the analytics' SQL, domain/analytics/sql.py), the latest grades per student,
and each student's last activity. Then one UPDATE per kind closes the open episodes whose condition
cleared, and one INSERT ... ON CONFLICT DO NOTHING opens the new ones: the partial unique
index on open episodes (models.py) lets exactly one of two concurrent evaluations open an episode,
and the other inserts nothing. Muted students get no new episode; theirs still close.

Nothing here commits: the caller's unit of work does, and the alerts raised go out after the commit
(an `AlertRaised` event to the class's instructor, domain/realtime/dispatch.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox
from domain.alerts.configuration import thresholds_of
from domain.alerts.models import AlertMute, InstructorAlert
from domain.alerts.rules import AlertKind, Finding, Signals, Thresholds, findings
from domain.analytics.rules import Trend
from domain.analytics.sql import GRADES, class_grades, load_scope, trends
from domain.infra.database import dialect_insert
from domain.models import Class, ClassMember, ReviewLog, Submission
from domain.realtime.events import AlertRaised


@dataclass(frozen=True)
class Raised:
    alert_id: int
    class_id: int
    student_id: int
    kind: str


async def class_ids(session: AsyncSession) -> list[int]:
    """Every class with students, for the sweep."""
    query = select(col(ClassMember.class_id)).distinct().order_by(col(ClassMember.class_id))
    return list((await session.execute(query)).scalars())


async def evaluate_class(
    session: AsyncSession, class_id: int, now: datetime, students: Sequence[int] | None = None
) -> list[Raised]:
    """Evaluate the rules for the class's students (or those of `students` in it); returns the alerts opened."""
    class_ = await session.get(Class, class_id)
    if class_ is None:
        return []
    members_query = select(col(ClassMember.user_id), col(ClassMember.joined_at)).where(
        col(ClassMember.class_id) == class_id
    )
    if students is not None:
        members_query = members_query.where(col(ClassMember.user_id).in_(set(students)))
    joined: dict[int, datetime] = {user_id: at for user_id, at in await session.execute(members_query)}  # noqa: C416
    if not joined:
        return []
    thresholds = await thresholds_of(session, class_id)
    signals = await _signals(session, class_id, joined, thresholds, now)
    holding = {student: findings(signal, thresholds, now) for student, signal in signals.items()}
    await _close_cleared(session, class_id, holding, now)
    muted = await _muted(session, class_id, list(joined))
    raised = await _open(session, class_id, holding, muted, now)
    for alert in raised:
        outbox.record(session, AlertRaised(alert.alert_id, class_id, class_.instructor_id, alert.kind))
    return raised


async def _signals(
    session: AsyncSession, class_id: int, joined: dict[int, datetime], thresholds: Thresholds, now: datetime
) -> dict[int, Signals]:
    members = list(joined)
    grades = class_grades(await load_scope(session, class_id)).where(GRADES.c.user_id.in_(members))
    by_student = await trends(session, grades, now)
    latest = await _latest_grades(session, grades, thresholds.failing_streak)
    active = await _last_active(session, members)
    empty = Trend(0, None, None, None)
    return {
        student: Signals(
            by_student.get(student, empty),
            latest.get(student, []),
            max(joined[student], active.get(student, joined[student])),
        )
        for student in members
    }


async def _latest_grades(session: AsyncSession, grades: Select[Any], count: int) -> dict[int, list[float]]:
    """The percentages of each student's `count` newest grades, newest first (the id breaks ties of
    grades recorded for the same day)."""
    source = grades.add_columns(GRADES.c.id.label("grade_id")).subquery("g")
    newest_first = (source.c.graded_at.desc(), source.c.grade_id.desc())
    ranked = select(
        source.c.user_id,
        source.c.pct,
        func.row_number().over(partition_by=source.c.user_id, order_by=newest_first).label("rn"),
    ).subquery("r")
    query = select(ranked.c.user_id, ranked.c.pct).where(ranked.c.rn <= count).order_by(ranked.c.user_id, ranked.c.rn)
    latest: dict[int, list[float]] = defaultdict(list)
    for user_id, pct in await session.execute(query):
        latest[user_id].append(float(pct))
    return latest


async def _last_active(session: AsyncSession, members: list[int]) -> dict[int, datetime]:
    """The latest submission or review of each student (both read from an index on (user, time))."""
    submitted = (
        select(col(Submission.user_id), func.max(col(Submission.created_at)))
        .where(col(Submission.user_id).in_(members))
        .group_by(col(Submission.user_id))
    )
    reviewed = (
        select(col(ReviewLog.user_id), func.max(col(ReviewLog.reviewed_at)))
        .where(col(ReviewLog.user_id).in_(members))
        .group_by(col(ReviewLog.user_id))
    )
    last: dict[int, datetime] = {}
    for query in (submitted, reviewed):
        for user_id, at in await session.execute(query):
            if at is not None and (user_id not in last or at > last[user_id]):
                last[user_id] = at
    return last


async def _close_cleared(
    session: AsyncSession, class_id: int, holding: dict[int, dict[AlertKind, Finding]], now: datetime
) -> None:
    for kind in AlertKind:
        cleared = [student for student, found in holding.items() if kind not in found]
        if cleared:
            await session.execute(
                update(InstructorAlert)
                .where(
                    col(InstructorAlert.class_id) == class_id,
                    col(InstructorAlert.kind) == kind.value,
                    col(InstructorAlert.student_id).in_(cleared),
                    col(InstructorAlert.closed_at).is_(None),
                )
                .values(closed_at=now)
            )


async def _muted(session: AsyncSession, class_id: int, students: list[int]) -> set[int]:
    query = select(col(AlertMute.student_id)).where(
        col(AlertMute.class_id) == class_id, col(AlertMute.student_id).in_(students)
    )
    return set((await session.execute(query)).scalars())


async def _open(
    session: AsyncSession,
    class_id: int,
    holding: dict[int, dict[AlertKind, Finding]],
    muted: set[int],
    now: datetime,
) -> list[Raised]:
    rows = [
        {
            "class_id": class_id,
            "student_id": student,
            "kind": kind.value,
            "reason": finding.reason,
            "details": finding.details,
            "created_at": now,
        }
        for student, found in sorted(holding.items())
        if student not in muted
        for kind, finding in sorted(found.items())
    ]
    if not rows:
        return []
    insert = dialect_insert(session)(InstructorAlert).values(rows)
    statement = insert.on_conflict_do_nothing(
        index_elements=["class_id", "student_id", "kind"], index_where=col(InstructorAlert.closed_at).is_(None)
    ).returning(col(InstructorAlert.id), col(InstructorAlert.student_id), col(InstructorAlert.kind))
    opened = [Raised(alert_id, class_id, student, kind) for alert_id, student, kind in await session.execute(statement)]
    return sorted(opened, key=lambda alert: alert.alert_id)
