"""Realtime events: what subscribers and leaderboard stores hear of once a unit of work commits.

Services record them in the outbox (`outbox.record(session, XpAwarded(...))`, domain/outbox.py),
which hands them to `Realtime.dispatch` only after the transaction commits: Redis and subscribers
never run ahead of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


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


class GameChange(StrEnum):
    """What moved in a live game: players see STATE and ROSTER changes, hosts also ANSWERS and PRESENCE."""

    STATE = "STATE"  # a question opened or closed, the game ended
    ROSTER = "ROSTER"  # a player joined, left or was kicked
    ANSWERS = "ANSWERS"  # an answer came in (live counts for the host)
    PRESENCE = "PRESENCE"  # a player's last stream ended, or their first began (the host's connected count)


HOST_ONLY_CHANGES = frozenset({GameChange.ANSWERS.value, GameChange.PRESENCE.value})  # players' view is the same


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


@dataclass(frozen=True, slots=True)
class GameChanged:
    game_id: int
    change: GameChange


@dataclass(frozen=True, slots=True)
class AlertRaised:
    """An instructor alert opened (domain/alerts/): told to the staff member who teaches the class."""

    alert_id: int
    class_id: int
    staff_id: int
    kind: str


Event = XpAwarded | SubmissionGraded | JobProgress | GameChanged | TutorReply | AlertRaised


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
    if isinstance(item, GameChanged):
        return {"game": item.game_id, "change": item.change.value}
    if isinstance(item, AlertRaised):
        return {"alert": item.alert_id, "class": item.class_id, "staff": item.staff_id, "kind": item.kind}
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
