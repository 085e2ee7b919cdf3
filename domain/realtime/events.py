"""Events of a unit of work, handed on only after its transaction commits.

Services `record` plain events on the session while they work; whoever commits (the GraphQL context,
a worker) `take`s them after a successful commit and passes them to `Realtime.dispatch`, which
updates the leaderboard store and publishes to subscribers. A rollback drops them, so Redis and
subscribers never run ahead of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

_PENDING = "learnql.events.pending"
_COMMITTED = "learnql.events.committed"
_MARKS = "learnql.events.savepoints"


@dataclass(frozen=True, slots=True)
class XpAwarded:
    """XP newly awarded to a user; `course_id` when it was earned in a course (answers)."""

    user_id: int
    amount: int
    at: datetime
    course_id: int | None = None


@dataclass(frozen=True, slots=True)
class SubmissionGraded:
    """A submission reached GRADED: at once in `submit`, or later when the worker grades free text."""

    user_id: int
    submission_id: int


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class JobProgress:
    """A background job moved on; the worker records it (issue 6 adds the job records themselves)."""

    job_id: int
    user_id: int
    status: JobStatus
    progress: float
    at: datetime
    error: str | None = None


@dataclass(frozen=True, slots=True)
class TutorReply:
    """A tutor reply's text or status as of now; `done` once it is COMPLETE, FAILED or CANCELLED."""

    thread_id: int
    message_id: int
    text: str
    status: str
    done: bool
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0


Event = XpAwarded | SubmissionGraded | JobProgress | TutorReply


def record(session: AsyncSession, item: Event) -> None:
    """Remember `item` until the session's transaction commits; a rollback or close forgets it."""
    session.info.setdefault(_PENDING, []).append(item)


def take(session: AsyncSession) -> list[Event]:
    """The events of the transactions committed since the last take; call after `commit()`."""
    taken: list[Event] = session.info.pop(_COMMITTED, [])
    return taken


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: its events wait for the real commit
        session.info.get(_MARKS, {}).pop(session.get_nested_transaction(), None)
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_COMMITTED, []).extend(pending)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        session.info.setdefault(_MARKS, {})[transaction] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """Drop the events of a rolled-back savepoint, or of an outermost transaction that did not commit."""
    if transaction.nested:
        mark = session.info.get(_MARKS, {}).pop(transaction, None)
        if mark is not None:  # still marked: rolled back, not released
            del session.info.get(_PENDING, [])[mark:]
    elif transaction.parent is None:  # a commit promoted its events already
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)


def encode(item: Event) -> dict[str, Any]:
    """A JSON-ready form for the broker."""
    if isinstance(item, XpAwarded):
        return {"user": item.user_id, "amount": item.amount, "at": item.at.isoformat(), "course": item.course_id}
    if isinstance(item, SubmissionGraded):
        return {"user": item.user_id, "submission": item.submission_id}
    if isinstance(item, TutorReply):
        return {
            "thread": item.thread_id,
            "message": item.message_id,
            "text": item.text,
            "status": item.status,
            "done": item.done,
            "usage": [item.prompt_tokens, item.completion_tokens, item.cost],
        }
    return {
        "job": item.job_id,
        "user": item.user_id,
        "status": item.status.value,
        "progress": item.progress,
        "at": item.at.isoformat(),
        "error": item.error,
    }


def decode_xp(data: dict[str, Any]) -> XpAwarded:
    return XpAwarded(int(data["user"]), int(data["amount"]), datetime.fromisoformat(data["at"]), data.get("course"))


def decode_job(data: dict[str, Any]) -> JobProgress:
    return JobProgress(
        job_id=int(data["job"]),
        user_id=int(data["user"]),
        status=JobStatus(data["status"]),
        progress=float(data["progress"]),
        at=datetime.fromisoformat(data["at"]),
        error=data.get("error"),
    )


def decode_tutor(data: dict[str, Any]) -> TutorReply:
    prompt_tokens, completion_tokens, cost = data.get("usage") or (0, 0, 0.0)
    return TutorReply(
        int(data["thread"]),
        int(data["message"]),
        str(data["text"]),
        str(data["status"]),
        bool(data["done"]),
        int(prompt_tokens),
        int(completion_tokens),
        float(cost),
    )
