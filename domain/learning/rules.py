"""XP and streak rules: plain functions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

XP_PER_DIFFICULTY = 10
PASS_RATIO = 0.7


def xp_for_correct_answer(difficulty: int) -> int:
    """XP for a first-time correct answer, weighted by difficulty 1-5."""
    return XP_PER_DIFFICULTY * max(1, min(5, difficulty))


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    last_day: date | None


def advance_streak(streak: Streak, today: date) -> Streak:
    """First activity of a local day adds one, more that day changes nothing, a missed day resets."""
    if streak.last_day is not None and today <= streak.last_day:
        return streak
    consecutive = streak.last_day is not None and today - streak.last_day == timedelta(days=1)
    current = streak.current + 1 if consecutive else 1
    return Streak(current=current, best=max(streak.best, current), last_day=today)


def current_streak(streak: Streak, today: date) -> int:
    """The streak as shown today: it is broken once a whole local day has passed without activity."""
    if streak.last_day is None or today - streak.last_day > timedelta(days=1):
        return 0
    return streak.current


def lesson_completed(score: float, max_score: float) -> bool:
    return max_score > 0 and score / max_score >= PASS_RATIO
