"""XP awards, streak activity and lesson progress: the counters a graded answer or review moves.

Each award is an XpEvent row whose unique (user, reason, ref) lets it happen at most once, however
many times or however concurrently it is attempted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox
from domain.infra.database import dialect_insert
from domain.learning.rules import Streak, advance_streak, lesson_completed, local_day, xp_for_correct_answer
from domain.models import Lesson, LessonProgress, Problem, User, XpEvent
from domain.realtime import events


async def award_xp(
    session: AsyncSession,
    user: User,
    awards: Sequence[tuple[str, str, int]],
    now: datetime,
    *,
    course_id: int | None = None,
) -> int:
    """Insert (reason, ref, amount) awards; those already given are skipped. Returns the XP added.

    The caller holds the user's row lock (`domain.infra.locks.lock_user`). `course_id` attributes the XP to a course
    (course leaderboards); the award reaches leaderboards and subscribers after commit."""
    if not awards:
        return 0
    rows = [
        {"user_id": user.id, "reason": reason, "ref": ref, "amount": amount, "course_id": course_id, "created_at": now}
        for reason, ref, amount in sorted(awards)
    ]
    statement = (
        dialect_insert(session)(XpEvent)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "reason", "ref"])
        .returning(col(XpEvent.amount))
    )
    gained = int(sum((await session.execute(statement)).scalars()))
    user.xp += gained
    if gained:
        assert user.id is not None
        outbox.record(session, events.XpAwarded(user.id, gained, now, course_id))
    return gained


async def award_answer_xp(session: AsyncSession, user: User, correct: Sequence[Problem], now: datetime) -> int:
    """XP for first-time correct answers, once per problem per user, attributed to each problem's course."""
    if not correct:
        return 0
    lesson_ids = {p.lesson_id for p in correct}
    rows = await session.execute(select(col(Lesson.id), col(Lesson.course_id)).where(col(Lesson.id).in_(lesson_ids)))
    course_of: dict[int | None, int] = dict(rows.all())
    gained = 0
    for course_id in sorted(set(course_of.values())):
        awards = [
            ("answer", f"problem:{p.id}", xp_for_correct_answer(p.difficulty))
            for p in correct
            if course_of[p.lesson_id] == course_id
        ]
        gained += await award_xp(session, user, awards, now, course_id=course_id)
    return gained


def touch_streak(user: User, now: datetime) -> None:
    """Count activity at `now` toward the user's streak (the caller holds the user's row lock)."""
    streak = advance_streak(
        Streak(user.streak_current, user.streak_best, user.streak_last_day), local_day(now, user.timezone)
    )
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
    insert = dialect_insert(session)(LessonProgress).values(
        user_id=user_id, lesson_id=lesson_id, best_score=ratio, attempts=1, completed=completed, last_submitted_at=now
    )
    table = LessonProgress.__table__.c  # type: ignore[attr-defined]
    statement = insert.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={
            "attempts": table.attempts + 1,
            "best_score": _greatest(table.best_score, insert.excluded.best_score),
            "completed": table.completed | insert.excluded.completed,
            "last_submitted_at": insert.excluded.last_submitted_at,
        },
    )
    await session.execute(statement)
