"""The two ways alerts get evaluated, each in units of work of its own (committed, then announced):

- `evaluate_student`: after a commit changed a student's grades (the `alerts_evaluate` job,
  requests.py), every class of that student, in one transaction;
- `sweep`: every student of every class, one class per transaction; the only way INACTIVE alerts
  open (inactivity is the absence of events), and the catch-up for an evaluation request that was
  dropped. arq runs it as a cron job (workers/settings.py); without Redis the API process runs it
  on a timer (ticker.py).

Both are safe to run twice or at once: an open episode is never opened again (evaluation.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain import outbox
from domain.alerts import evaluation
from domain.alerts.evaluation import Raised
from domain.classes import membership
from domain.infra import metrics
from domain.infra.logs import get_logger
from domain.unit_of_work import unit_of_work

log = get_logger("learnql.alerts")


def _count(raised: Sequence[Raised]) -> None:
    for alert in raised:
        metrics.ALERTS_RAISED.labels(alert.kind).inc()


async def evaluate_student(
    writers: async_sessionmaker[AsyncSession], sinks: outbox.Sinks, student_id: int, now: datetime
) -> list[Raised]:
    raised: list[Raised] = []
    async with unit_of_work(writers, sinks) as session:
        classes = (await membership.classes_of_users(session, [student_id])).get(student_id, set())
        for class_id in sorted(classes):
            raised += await evaluation.evaluate_class(session, class_id, now, students=[student_id])
    _count(raised)
    return raised


async def sweep(
    readers: async_sessionmaker[AsyncSession],
    writers: async_sessionmaker[AsyncSession],
    sinks: outbox.Sinks,
    now: datetime,
) -> list[Raised]:
    async with readers() as session:
        class_ids = await evaluation.class_ids(session)
    raised: list[Raised] = []
    for class_id in class_ids:
        async with unit_of_work(writers, sinks) as session:
            opened = await evaluation.evaluate_class(session, class_id, now)
        _count(opened)
        raised += opened
    log.info("alerts.sweep", classes=len(class_ids), raised=len(raised))
    return raised
