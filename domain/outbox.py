"""The outbox: effects a unit of work asks for, released only once its transaction has committed.

Services `record` effects on the session next to the writes that cause them: realtime events
(domain/realtime/events.py: XP awarded, a submission graded, a job's progress, a tutor reply's
final state, an instructor alert raised), cache scopes made stale (`Stale`, domain/analytics/invalidation.py names them) and
job requests (`Enqueue`: domain/jobs/records.py for job rows, domain/tutor/threads.py for replies,
domain/alerts/requests.py for alert evaluations). They wait in `session.info` and follow the transaction: a rolled-back
savepoint drops the effects recorded inside it, a released one hands them to the enclosing
transaction, and a transaction that ends without committing drops them all. The boundary that
commits (domain/unit_of_work.py) then `take`s the committed effects and `flush`es them.

Flush order, one for every kind of process (API, worker, CLI):

1. cache scopes are bumped first: a reader woken by an event below must not be served analytics
   cached before the commit (and bumping before the commit could let a concurrent reader cache the
   old data under the new version); deleted users are then dropped from the leaderboard stores;
2. realtime events next: leaderboard stores count awards, then subscribers are told;
3. job requests last: a worker only looks for rows that are committed, and whatever it announces
   comes after what this unit of work announced.

The transaction has committed by then, so a failing effect never turns it into an error: the
failure is logged and the other effects still go out (the database stays the source of truth:
jobs left QUEUED are sent again by the sweep, leaderboards can be rebuilt, cache entries expire).
Learning events written (`Recorded`) are counted in the metrics before any of these steps.
A new kind of effect (metrics, notifications, alerts) is a new type in `Effect` and a step in
`flush`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from domain.infra import metrics
from domain.infra.cache import Cache
from domain.infra.job_queue import Enqueue, JobQueue
from domain.realtime.events import (
    AlertRaised,
    Event,
    GameChanged,
    JobProgress,
    SubmissionGraded,
    TutorReply,
    XpAwarded,
)

log = logging.getLogger("learnql.outbox")

_PENDING = "learnql.outbox.pending"
_COMMITTED = "learnql.outbox.committed"
_SAVEPOINTS = "learnql.outbox.savepoints"


@dataclass(frozen=True, slots=True)
class Stale:
    """Cached values of these scopes are out of date once the transaction commits."""

    scopes: frozenset[str]

    @classmethod
    def of(cls, scopes: Iterable[str]) -> Stale:
        return cls(frozenset(scopes))


@dataclass(frozen=True, slots=True)
class Forgotten:
    """Users whose accounts were deleted: stores derived from the database (Redis leaderboards) drop them."""

    user_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class Recorded:
    """Learning events a transaction wrote, as (type, count) pairs: counted in the metrics once it commits."""

    counts: tuple[tuple[str, int], ...]


Effect = (
    Stale
    | XpAwarded
    | SubmissionGraded
    | JobProgress
    | GameChanged
    | TutorReply
    | AlertRaised
    | Enqueue
    | Forgotten
    | Recorded
)


class EventSink(Protocol):
    async def dispatch(self, committed: Sequence[Event]) -> None: ...

    async def forget(self, user_ids: Collection[int]) -> None: ...


class Sinks(Protocol):
    """Where committed effects go: a process's backends (domain/backends.py)."""

    @property
    def cache(self) -> Cache: ...

    @property
    def realtime(self) -> EventSink: ...

    @property
    def jobs(self) -> JobQueue | None: ...


def record(session: AsyncSession, effect: Effect) -> None:
    """Release `effect` once the session's transaction commits; a rollback forgets it."""
    session.info.setdefault(_PENDING, []).append(effect)


def take(session: AsyncSession) -> list[Effect]:
    """The effects of the transactions committed since the last take, in the order recorded."""
    taken: list[Effect] = session.info.pop(_COMMITTED, [])
    return taken


async def flush(effects: Sequence[Effect], sinks: Sinks) -> None:
    """Hand committed effects on in the order the module docstring gives; failures are logged."""
    stale = {scope for effect in effects if isinstance(effect, Stale) for scope in effect.scopes}
    events = [
        effect
        for effect in effects
        if isinstance(effect, XpAwarded | SubmissionGraded | JobProgress | GameChanged | TutorReply | AlertRaised)
    ]
    requests = [effect for effect in effects if isinstance(effect, Enqueue)]
    forgotten = {user for effect in effects if isinstance(effect, Forgotten) for user in effect.user_ids}
    for effect in effects:  # counters first: they cannot fail
        if isinstance(effect, Recorded):
            for kind, count in effect.counts:
                metrics.LEARNING_EVENTS.labels(kind).inc(count)
    if stale:
        await _guarded("cache invalidation", sinks.cache.bump(stale), "stale_scopes", len(stale))
    if forgotten:
        await _guarded("forgetting deleted users", sinks.realtime.forget(forgotten), "forgotten_users", len(forgotten))
    if events:
        await _guarded("realtime events", sinks.realtime.dispatch(events), "events", len(events))
    jobs = sinks.jobs
    if requests and jobs is not None:  # without a queue (a worker in tests) the sweep sends them
        await _guarded("job requests", jobs.send(requests), "job_requests", len(requests))


async def _guarded(what: str, step: Awaitable[None], kind: str, count: int) -> None:
    try:
        await step
    except Exception as error:
        metrics.OUTBOX_EFFECTS.labels(kind, "failed").inc(count)
        log.error("after commit, %s failed: %r", what, error)  # one line, no traceback: the commit stands
    else:
        metrics.OUTBOX_EFFECTS.labels(kind, "sent").inc(count)


# -- following the transaction -------------------------------------------------------------------


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:  # where its effects start, to drop them if it rolls back
        session.info.setdefault(_SAVEPOINTS, {})[transaction] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_commit")
def _promote(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: its effects wait for the real commit
        session.info.get(_SAVEPOINTS, {}).pop(session.get_nested_transaction(), None)
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info.setdefault(_COMMITTED, []).extend(pending)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    """Drop the effects of a rolled-back savepoint, or of an outermost transaction that did not commit."""
    if transaction.nested:
        mark = session.info.get(_SAVEPOINTS, {}).pop(transaction, None)
        if mark is not None:  # still marked: rolled back, not released
            del session.info.get(_PENDING, [])[mark:]
    elif transaction.parent is None:  # a commit has promoted its effects already
        session.info.pop(_PENDING, None)
        session.info.pop(_SAVEPOINTS, None)
