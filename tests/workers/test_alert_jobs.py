"""The alert job functions over a worker's runtime: the student evaluation and the sweep's cron job,
each committing its alerts and announcing them; run twice, they raise nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts import configuration
from domain.alerts.rules import AlertKind
from domain.models import InstructorAlert, Role
from domain.realtime.dispatch import alerts_channel
from domain.settings import Settings
from tests.factories import make_class, make_user
from workers.in_process import in_process_queue
from workers.jobs import alerts_evaluate, alerts_sweep
from workers.runtime import Runtime


async def test_the_cron_sweep_raises_inactivity_once_and_tells_the_instructor(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime]
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    student = await make_user(session, settings, now)
    class_ = await make_class(session, instructor, now - timedelta(days=8), students=(student,))
    await session.commit()
    runtime = make_runtime(settings)
    broker = runtime.backends.realtime.broker

    async with broker.subscribe(alerts_channel(instructor.id), maxsize=8) as messages:  # type: ignore[arg-type]
        raised = await alerts_sweep({"runtime": runtime})
        again = await alerts_sweep({"runtime": runtime})
        told = await anext(messages)

    rows = list((await session.execute(select(InstructorAlert))).scalars())
    assert (raised, again) == (1, 0)
    assert [(row.kind, row.student_id, row.class_id) for row in rows] == [("INACTIVE", student.id, class_.id)]
    assert told == {"alert": rows[0].id, "class": class_.id, "staff": instructor.id, "kind": "INACTIVE"}


async def test_the_student_job_evaluates_every_class_of_the_student(
    session: AsyncSession, settings: Settings, now: datetime, make_runtime: Callable[..., Runtime]
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    student = await make_user(session, settings, now)
    classes = [await make_class(session, instructor, now - timedelta(days=30), students=(student,)) for _ in range(2)]
    await make_class(session, instructor, now - timedelta(days=30))  # the student is not in this one
    only_low_mean = frozenset({AlertKind.LOW_MEAN})
    await configuration.update_thresholds(
        session,
        instructor,
        classes[1].id,
        lambda current: replace(current, kinds=only_low_mean),
        now,  # type: ignore[arg-type]
    )
    await session.commit()
    runtime = make_runtime(settings)

    raised = await alerts_evaluate({"runtime": runtime}, student.id)  # type: ignore[arg-type]

    rows = list((await session.execute(select(InstructorAlert))).scalars())
    assert raised == 1  # inactive in the first class; the second one only raises LOW_MEAN
    assert [(row.class_id, row.kind) for row in rows] == [(classes[0].id, "INACTIVE")]


async def test_without_arq_the_api_process_runs_the_sweep_every_configured_interval(
    settings: Settings, make_runtime: Callable[..., Runtime]
) -> None:
    backends = make_runtime(settings.model_copy(update={"alerts_sweep_minutes": 15})).backends
    queue = in_process_queue(backends)

    [sweep] = [periodic for periodic in queue.periodic if periodic.name == "alerts_sweep"]

    assert sweep.function is alerts_sweep
    assert sweep.seconds == 15 * 60
