"""Evaluating a class's alerts on both databases: each rule on real grades, once per episode (also
under concurrent evaluations), a new episode after recovery, mutes, acknowledging, the after-commit
request and the sweep."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.alerts import configuration, evaluation, inbox, runs
from domain.alerts.requests import EVALUATE_FUNCTION
from domain.alerts.rules import AlertKind, Thresholds
from domain.classes import grades
from domain.classes.grades import GradeRow
from domain.errors import Forbidden, NotFound
from domain.infra import metrics
from domain.infra.database import session_factory
from domain.infra.job_queue import Enqueue
from domain.models import Class, ClassMember, InstructorAlert, Role, User
from domain.realtime.events import AlertRaised
from domain.settings import Settings
from tests.effects import Sinks, committed
from tests.factories import make_class, make_submission, make_user

_external = iter(range(1, 1_000_000))


@pytest.fixture
async def roster(session: AsyncSession, settings: Settings, now: datetime) -> dict[str, Any]:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    student = await make_user(session, settings, now)
    class_ = await make_class(session, instructor, now - timedelta(days=3), students=(student,))
    await session.commit()
    return {"instructor": instructor, "student": student, "class": class_}


async def only(session: AsyncSession, roster: dict[str, Any], *kinds: AlertKind) -> None:
    """Turn on only these rules in the roster's class (each test looks at one rule)."""

    def change(current: Thresholds) -> Thresholds:
        return replace(current, kinds=frozenset(kinds))

    now = datetime.now().astimezone()
    await configuration.update_thresholds(session, roster["instructor"], roster["class"].id, change, now)
    await session.commit()


async def grade(
    session: AsyncSession, roster: dict[str, Any], percents: list[float], now: datetime, *, days_apart: int = 1
) -> None:
    """External grades of the roster's student, the last one today, `days_apart` days between them."""
    rows = [
        GradeRow(
            roster["student"].id,
            "Quiz",
            pct,
            100.0,
            f"ext-{next(_external)}",
            (now - timedelta(days=days_apart * (len(percents) - 1 - index))).date(),
        )
        for index, pct in enumerate(percents)
    ]
    report = await grades.record_grades(session, roster["instructor"], roster["class"].id, rows, now)
    assert report.errors == []
    await session.commit()


async def evaluate(session: AsyncSession, roster: dict[str, Any], now: datetime) -> list[evaluation.Raised]:
    raised = await evaluation.evaluate_class(session, roster["class"].id, now)
    await session.commit()
    return raised


async def alerts(session: AsyncSession) -> list[InstructorAlert]:
    query = select(InstructorAlert).order_by(InstructorAlert.id).execution_options(populate_existing=True)  # type: ignore[arg-type]
    return list((await session.execute(query)).scalars())


async def test_a_low_mean_raises_one_alert_told_to_the_classs_instructor(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    await only(session, roster, AlertKind.LOW_MEAN)
    await grade(session, roster, [55.0, 55.0, 52.0], now)
    committed(session, AlertRaised)  # what came before

    raised = await evaluate(session, roster, now)

    [alert] = await alerts(session)
    assert (alert.kind, alert.student_id, alert.class_id) == ("LOW_MEAN", roster["student"].id, roster["class"].id)
    assert alert.details["count"] == 3
    assert alert.closed_at is None
    assert [r.alert_id for r in raised] == [alert.id]
    assert committed(session, AlertRaised) == [
        AlertRaised(alert.id, roster["class"].id, roster["instructor"].id, "LOW_MEAN")  # type: ignore[arg-type]
    ]


async def test_an_evaluation_repeated_while_the_rule_holds_raises_nothing_more(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    await only(session, roster, AlertKind.LOW_MEAN)
    await grade(session, roster, [40.0, 55.0, 52.0], now)

    first = await evaluate(session, roster, now)
    again = await evaluate(session, roster, now + timedelta(hours=1))

    assert len(first) == 1
    assert again == []
    assert len(await alerts(session)) == 1


async def test_a_decline_raises_declining(session: AsyncSession, roster: dict[str, Any], now: datetime) -> None:
    await only(session, roster, AlertKind.DECLINING)
    await grade(session, roster, [100.0, 95.0, 90.0, 70.0, 65.0], now, days_apart=10)

    raised = await evaluate(session, roster, now)

    assert [r.kind for r in raised] == ["DECLINING"]
    [alert] = await alerts(session)
    assert alert.details["slopePerWeek"] < -5.0


async def test_a_failing_streak_raises_failing_streak(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    await only(session, roster, AlertKind.FAILING_STREAK)
    await grade(session, roster, [90.0, 40.0, 30.0], now)
    assert await evaluate(session, roster, now) == []  # two failures in a row only

    await grade(session, roster, [45.0], now + timedelta(days=1))
    raised = await evaluate(session, roster, now + timedelta(days=1))

    assert [r.kind for r in raised] == ["FAILING_STREAK"]
    [alert] = await alerts(session)
    assert alert.details == {"grades": [45.0, 30.0, 40.0]}


async def test_grades_of_the_same_day_count_in_the_order_they_were_recorded(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    await only(session, roster, AlertKind.FAILING_STREAK)
    await grade(session, roster, [40.0, 30.0, 45.0, 90.0], now, days_apart=0)
    assert await evaluate(session, roster, now) == []  # the newest one passed

    await grade(session, roster, [20.0, 10.0, 5.0], now, days_apart=0)
    [raised] = await evaluate(session, roster, now)

    [alert] = await alerts(session)
    assert alert.details == {"grades": [5.0, 10.0, 20.0]}
    assert raised.alert_id == alert.id


async def test_inactivity_counts_from_the_last_submission_or_from_joining(
    session: AsyncSession, roster: dict[str, Any], settings: Settings, now: datetime
) -> None:
    await only(session, roster, AlertKind.INACTIVE)
    active = await make_user(session, settings, now)
    await make_submission(session, active, now - timedelta(days=2))
    session.add(ClassMember(class_id=roster["class"].id, user_id=active.id, joined_at=now - timedelta(days=30)))
    await session.commit()

    assert await evaluate(session, roster, now) == []  # the roster's student joined 3 days ago
    raised = await evaluate(session, roster, now + timedelta(days=4))

    assert [(r.student_id, r.kind) for r in raised] == [(roster["student"].id, "INACTIVE")]


async def test_two_concurrent_evaluations_open_the_episode_once(
    engine: AsyncEngine, session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    await only(session, roster, AlertKind.LOW_MEAN, AlertKind.FAILING_STREAK)
    await grade(session, roster, [20.0, 30.0, 10.0], now)

    async def evaluate_apart() -> list[evaluation.Raised]:
        async with session_factory(engine, write=True)() as own:
            raised = await evaluation.evaluate_class(own, roster["class"].id, now)
            await own.commit()
            return raised

    outcomes = await asyncio.gather(evaluate_apart(), evaluate_apart())

    rows = await alerts(session)
    assert sorted(alert.kind for alert in rows) == ["FAILING_STREAK", "LOW_MEAN"]
    assert sorted(r.kind for raised in outcomes for r in raised) == ["FAILING_STREAK", "LOW_MEAN"]


async def test_an_episode_ends_when_the_rule_clears_and_a_relapse_alerts_again(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    await only(session, roster, AlertKind.LOW_MEAN)
    await grade(session, roster, [50.0, 50.0, 50.0], now)
    await evaluate(session, roster, now)

    await grade(session, roster, [100.0, 100.0, 100.0], now + timedelta(days=1))
    assert await evaluate(session, roster, now + timedelta(days=1)) == []
    [closed] = await alerts(session)
    assert closed.closed_at == now + timedelta(days=1)

    await grade(session, roster, [0.0, 0.0, 0.0, 0.0, 0.0], now + timedelta(days=2))
    relapse = await evaluate(session, roster, now + timedelta(days=2))

    first, second = await alerts(session)
    assert [r.alert_id for r in relapse] == [second.id]
    assert (first.closed_at is not None, second.closed_at) == (True, None)


async def test_a_muted_student_raises_nothing_until_unmuted(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    await only(session, roster, AlertKind.LOW_MEAN)
    await grade(session, roster, [10.0, 10.0, 10.0], now)
    class_id, student_id = roster["class"].id, roster["student"].id
    assert await configuration.set_muted(session, roster["instructor"], class_id, student_id, True, now)
    await configuration.set_muted(session, roster["instructor"], class_id, student_id, True, now)  # twice: no error
    await session.commit()

    assert await evaluate(session, roster, now) == []
    assert await configuration.muted_students(session, [class_id]) == {class_id: {student_id}}

    await configuration.set_muted(session, roster["instructor"], class_id, student_id, False, now)
    await session.commit()
    assert [r.kind for r in await evaluate(session, roster, now)] == ["LOW_MEAN"]


async def test_only_the_classs_staff_mute_and_only_students_of_the_class(
    session: AsyncSession, roster: dict[str, Any], settings: Settings, now: datetime
) -> None:
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    stranger = await make_user(session, settings, now)
    class_id = roster["class"].id

    with pytest.raises(Forbidden):
        await configuration.set_muted(session, other, class_id, roster["student"].id, True, now)
    with pytest.raises(Forbidden):
        await configuration.set_muted(session, roster["student"], class_id, roster["student"].id, True, now)
    with pytest.raises(NotFound):
        await configuration.set_muted(session, roster["instructor"], class_id, stranger.id, True, now)  # type: ignore[arg-type]


async def test_acknowledging_marks_the_alert_once_and_only_for_the_classs_staff(
    session: AsyncSession, roster: dict[str, Any], settings: Settings, now: datetime
) -> None:
    await only(session, roster, AlertKind.LOW_MEAN)
    await grade(session, roster, [10.0, 10.0, 10.0], now)
    [raised] = await evaluate(session, roster, now)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)

    for outsider in (other, roster["student"]):
        with pytest.raises(NotFound):
            await inbox.acknowledge(session, outsider, raised.alert_id, now)
    first = await inbox.acknowledge(session, roster["instructor"], raised.alert_id, now)
    again = await inbox.acknowledge(session, roster["instructor"], raised.alert_id, now + timedelta(hours=1))

    assert first.acknowledged_at == now
    assert again.acknowledged_at == now
    assert again.acknowledged_by == roster["instructor"].id


async def test_new_grades_of_a_class_member_ask_for_an_evaluation_after_the_commit(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    await grade(session, roster, [10.0, 20.0], now)

    requests = [r for r in committed(session, Enqueue) if r.function == EVALUATE_FUNCTION]

    assert requests == [Enqueue(EVALUATE_FUNCTION, roster["student"].id, namespace="alerts")]
    assert requests[0].key == f"learnql:alerts:{roster['student'].id}"


async def test_the_student_run_and_the_sweep_commit_and_announce_what_they_raise(
    engine: AsyncEngine, session: AsyncSession, roster: dict[str, Any], settings: Settings, now: datetime
) -> None:
    await only(session, roster, AlertKind.LOW_MEAN, AlertKind.INACTIVE)
    await grade(session, roster, [10.0, 10.0, 10.0], now - timedelta(days=1))
    sinks = Sinks()
    writers = session_factory(engine, write=True)

    by_student = await runs.evaluate_student(writers, sinks, roster["student"].id, now)
    swept = await runs.sweep(session_factory(engine), writers, sinks, now + timedelta(days=10))
    swept_again = await runs.sweep(session_factory(engine), writers, sinks, now + timedelta(days=10))

    assert [r.kind for r in by_student] == ["LOW_MEAN"]
    assert [r.kind for r in swept] == ["INACTIVE"]
    assert swept_again == []
    announced = [event.kind for kind, events in sinks.log if kind == "events" for event in events]
    assert announced == ["LOW_MEAN", "INACTIVE"]


async def test_thresholds_are_the_defaults_until_the_staff_change_them(
    session: AsyncSession, roster: dict[str, Any], now: datetime
) -> None:
    class_id = roster["class"].id
    before = await configuration.thresholds_for(session, roster["instructor"], class_id)

    stored = await configuration.update_thresholds(
        session, roster["instructor"], class_id, lambda t: replace(t, inactive_days=14), now
    )
    await session.commit()

    assert before == Thresholds()
    assert stored.inactive_days == 14
    assert await configuration.thresholds_of(session, class_id) == stored
    with pytest.raises(Forbidden):
        await configuration.thresholds_for(session, roster["student"], class_id)


async def test_a_deleted_class_is_evaluated_as_nothing(session: AsyncSession, now: datetime) -> None:
    assert await evaluation.evaluate_class(session, 999_999, now) == []
    assert await session.get(Class, 999_999) is None
    assert await session.get(User, 999_999) is None


async def test_evaluating_a_class_costs_the_same_statements_whatever_its_size(
    session: AsyncSession, roster: dict[str, Any], settings: Settings, now: datetime
) -> None:
    async def statements() -> int:
        tally = metrics.start_tally()
        await evaluate(session, roster, now)
        return tally.statements

    await grade(session, roster, [10.0, 10.0, 10.0], now)
    small = await statements()
    for _ in range(5):
        student = await make_user(session, settings, now)
        session.add(ClassMember(class_id=roster["class"].id, user_id=student.id, joined_at=now))
    await session.commit()
    large = await statements()

    # members, settings, scope, trends, latest grades, 2 x activity, <= 4 closes (one per kind), mutes,
    # insert, and the transaction's own: bounded by the kinds, never by the students
    assert small <= 15
    assert large <= 15
