"""XP awards, streak activity and lesson progress: the counters a graded answer or review moves.

Each award is an XpEvent row whose unique (user, reason, ref) lets it happen at most once, however
many times or however concurrently it is attempted. Awards and streak changes are noted in the act's
learning-record journal (domain/record/journal.py) as they happen.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox, policies
from domain.content import catalog
from domain.content.catalog import AnswerableProblem
from domain.infra.database import INSERTS, dialect_insert
from domain.learning.rules import Streak, advance_streak, lesson_completed, local_day, xp_for_correct_answer
from domain.models import Lesson, LessonProgress, User, XpEvent
from domain.realtime import events
from domain.record.journal import Journal
from domain.record.kinds import LearningEventType


async def award_xp(
    session: AsyncSession,
    user: User,
    awards: Sequence[tuple[str, str, int]],
    now: datetime,
    *,
    journal: Journal,
    course_id: int | None = None,
) -> int:
    """Insert (reason, ref, amount) awards; those already given are skipped. Returns the XP added.

    The caller holds the user's row lock (`domain.infra.locks.lock_user`). `course_id` attributes the XP to a course
    (course leaderboards); the award reaches leaderboards and subscribers after commit. Each award given is
    noted in `journal` (XP_AWARDED)."""
    if not awards:
        return 0
    rows = [
        {"user_id": user.id, "reason": reason, "ref": ref, "amount": amount, "course_id": course_id, "created_at": now}
        for reason, ref, amount in sorted(awards)
    ]
    # One statement whatever the number of awards, its parameters batched by SQLAlchemy's insertmanyvalues
    # (a cached statement: `.values(rows)` would compile a new one per call and per number of rows).
    statement = (
        dialect_insert(session)(XpEvent.__table__)  # type: ignore[attr-defined]
        .on_conflict_do_nothing(index_elements=["user_id", "reason", "ref"])
        .returning(col(XpEvent.reason), col(XpEvent.ref), col(XpEvent.amount))
    )
    given = sorted((reason, ref, amount) for reason, ref, amount in await session.execute(statement, rows))
    gained = int(sum(amount for _, _, amount in given))
    user.xp += gained
    assert user.id is not None
    for reason, ref, amount in given:
        payload = {"amount": amount, "reason": reason, "ref": ref}
        journal.add(user.id, LearningEventType.XP_AWARDED, payload, now, course_id=course_id)
    if gained:
        outbox.record(session, events.XpAwarded(user.id, gained, now, course_id))
    return gained


async def award_answer_xp(
    session: AsyncSession,
    user: User,
    correct: Sequence[AnswerableProblem],
    now: datetime,
    *,
    submission_id: int,
    journal: Journal,
    lesson: Lesson | None = None,
) -> int:
    """XP for correct answers given before the solution was shown (docs/rules/xp.md), once per problem per
    user, attributed to each problem's course. `submission_id` is the submission the answers belong to;
    `lesson`, when the caller has it, is the lesson of every problem in `correct` (no lookup then)."""
    correct = await _unseen(session, user, correct, submission_id)
    if not correct:
        return 0
    lesson_ids = {p.lesson_id for p in correct}
    course_of: dict[int | None, int]
    if lesson is not None and lesson_ids == {lesson.id}:
        course_of = {lesson.id: lesson.course_id}
    else:
        query = select(col(Lesson.id), col(Lesson.course_id)).where(col(Lesson.id).in_(lesson_ids))
        course_of = dict((await session.execute(query)).all())
    gained = 0
    for course_id in sorted(set(course_of.values())):
        awards = [
            ("answer", f"problem:{p.id}", xp_for_correct_answer(p.difficulty))
            for p in correct
            if course_of[p.lesson_id] == course_id
        ]
        gained += await award_xp(session, user, awards, now, journal=journal, course_id=course_id)
    return gained


async def _unseen(
    session: AsyncSession, user: User, problems: Sequence[AnswerableProblem], submission_id: int
) -> list[AnswerableProblem]:
    """The problems whose solution the user could not see when answering in `submission_id`: an answer
    of theirs in an earlier submission showed it (policies.can_see_answer_key), and staff always see it.

    Safe under concurrency: the caller holds the user's row lock, so every earlier answer of this user
    that could have shown a solution is committed and visible here; a concurrent submission still
    waiting for the lock has shown nothing yet. Submission ids give the order: submit() claims a
    submission under that same lock (lock_user first, then the claim), so a user's ids follow the
    order their submissions took the lock, and a submission's solutions show only once it commits."""
    if not problems:
        return []
    assert user.id is not None
    answered = await catalog.answered_problems(
        session, user.id, (p.id for p in problems if p.id is not None), before_submission=submission_id
    )
    return [p for p in problems if not policies.can_see_answer_key(user, answered=p.id in answered)]


def touch_streak(user: User, now: datetime, journal: Journal) -> None:
    """Count activity at `now` toward the user's streak (the caller holds the user's row lock); a streak
    found broken (STREAK_BROKEN) and one grown or started (STREAK_EXTENDED) are noted in `journal`."""
    assert user.id is not None
    before = Streak(user.streak_current, user.streak_best, user.streak_last_day)
    today = local_day(now, user.timezone)
    streak = advance_streak(before, today)
    if streak == before:
        return
    if before.last_day is not None and before.current > 0 and streak.current == 1:
        payload = {"previous": before.current, "lastActiveOn": before.last_day.isoformat(), "day": today.isoformat()}
        journal.add(user.id, LearningEventType.STREAK_BROKEN, payload, now)
    extended = {"current": streak.current, "best": streak.best, "day": today.isoformat()}
    journal.add(user.id, LearningEventType.STREAK_EXTENDED, extended, now)
    user.streak_current, user.streak_best, user.streak_last_day = streak.current, streak.best, streak.last_day


def _greatest(a: ColumnElement[float], b: ColumnElement[float]) -> ColumnElement[float]:
    """GREATEST(a, b) in a form both PostgreSQL and SQLite understand."""
    return case((a >= b, a), else_=b)


async def record_lesson_attempt(
    session: AsyncSession, user_id: int, lesson_id: int, score: float | None, max_score: float, now: datetime
) -> None:
    """One more attempt; best score and completion only move when the attempt is fully graded."""
    ratio = (score or 0.0) / max_score if max_score else 0.0
    completed = score is not None and lesson_completed(score, max_score)
    values = {
        "user_id": user_id,
        "lesson_id": lesson_id,
        "best_score": ratio,
        "attempts": 1,
        "completed": completed,
        "last_submitted_at": now,
    }
    await session.execute(_upsert_progress(session.get_bind().dialect.name), values)


@functools.cache
def _upsert_progress(dialect: str) -> Any:
    """The progress upsert of `record_lesson_attempt`, built once per database (`excluded` copies the
    table's columns each time it is built: more CPU than running the statement)."""
    insert = INSERTS[dialect](LessonProgress.__table__)  # type: ignore[attr-defined]
    table = LessonProgress.__table__.c  # type: ignore[attr-defined]
    return insert.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={
            "attempts": table.attempts + 1,
            "best_score": _greatest(table.best_score, insert.excluded.best_score),
            "completed": table.completed | insert.excluded.completed,
            "last_submitted_at": insert.excluded.last_submitted_at,
        },
    )
