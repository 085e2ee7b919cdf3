"""Asking for a student's alerts to be evaluated once the transaction that changed their grades commits.

The request is a job keyed by the student (`learnql:alerts:<student id>`): while one waits in the
queue, more requests for the same student are dropped, so a burst of submissions is evaluated once.
A request that arrives while that student's evaluation is already running is dropped too; the
periodic sweep (domain/alerts/sweep.py) evaluates every student again, so nothing stays missed for
longer than LEARNQL_ALERTS_SWEEP_MINUTES.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from domain import outbox
from domain.infra.job_queue import Enqueue

EVALUATE_FUNCTION = "alerts_evaluate"
NAMESPACE = "alerts"


def evaluation_requested(session: AsyncSession, students: Iterable[int]) -> None:
    """Evaluate these students' alerts after the commit (a rollback forgets the request)."""
    for student_id in sorted(set(students)):
        outbox.record(session, Enqueue(EVALUATE_FUNCTION, student_id, namespace=NAMESPACE))
