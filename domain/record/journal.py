"""Writing the learning record: the events of one act gathered, then inserted in one statement.

An act (a submission, a review, a tutor message, the end of a game, a grading run) collects its
events in a `Journal` while it works and writes them with `write` in the same transaction, so the
record has exactly the acts that committed. One multi-row INSERT per act keeps the cost of the
record to one round trip, whatever the number of answers (domain/infra/bulk.py).
Every event written counts in `learnql_learning_events_total{kind}` once the transaction commits
(an outbox effect, domain/outbox.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Result
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import UpdateBase

from domain import outbox
from domain.infra.bulk import BulkInsert
from domain.models import LearningEvent
from domain.record.kinds import LearningEventType, shape_errors

_INSERT = BulkInsert(LearningEvent.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Event:
    user_id: int
    type: LearningEventType
    payload: dict[str, Any]
    occurred_at: datetime
    course_id: int | None = None
    lesson_id: int | None = None
    problem_id: int | None = None

    def row(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "type": self.type.value,
            "occurred_at": self.occurred_at,
            "course_id": self.course_id,
            "lesson_id": self.lesson_id,
            "problem_id": self.problem_id,
            "payload": self.payload,
        }


@dataclass
class Journal:
    """The events of one act, in the order they happened."""

    events: list[Event] = field(default_factory=list)

    def add(
        self,
        user_id: int,
        type_: LearningEventType,
        payload: dict[str, Any],
        at: datetime,
        *,
        course_id: int | None = None,
        lesson_id: int | None = None,
        problem_id: int | None = None,
    ) -> None:
        """Note an event; a payload that does not match its type's declaration is a bug, refused here."""
        errors = shape_errors(type_, payload)
        if errors:
            raise ValueError(f"{type_.value} payload: {'; '.join(errors)}")
        self.events.append(Event(user_id, type_, payload, at, course_id, lesson_id, problem_id))

    async def write(self, session: AsyncSession) -> None:
        """Insert the events noted so far in one statement, and start over."""
        rows = self._take(session)
        # One statement compiled once (domain/infra/bulk.py), not `.values(rows)`, which compiles anew per
        # call; the table, not the entity: an ORM bulk insert groups rows by the columns they leave NULL
        # (one INSERT per group) and fetches the new ids, which nothing here needs.
        await _INSERT.run(session, rows)

    async def write_with(self, session: AsyncSession, statement: UpdateBase) -> Result[Any]:
        """Run `statement` and insert the events noted so far with it, in one round trip on PostgreSQL
        (domain/infra/bulk.py `run_with`); start over. For an act that holds a row lock: one await less
        while others wait for it. Returns the statement's result."""
        return await _INSERT.run_with(session, self._take(session), statement)

    def _take(self, session: AsyncSession) -> list[dict[str, Any]]:
        rows = [event.row() for event in self.events]
        self.events = []
        if rows:  # counted once the transaction commits
            outbox.record(session, outbox.Recorded(tuple(Counter(row["type"] for row in rows).items())))
        return rows


async def record(
    session: AsyncSession,
    user_id: int,
    type_: LearningEventType,
    payload: dict[str, Any],
    at: datetime,
    *,
    course_id: int | None = None,
    lesson_id: int | None = None,
    problem_id: int | None = None,
) -> None:
    """Write one event now (an act with several events uses a `Journal`)."""
    journal = Journal()
    journal.add(user_id, type_, payload, at, course_id=course_id, lesson_id=lesson_id, problem_id=problem_id)
    await journal.write(session)
