"""XP and streak rules, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from domain.learning.rules import (
    Streak,
    advance_streak,
    current_streak,
    lesson_completed,
    local_day,
    xp_for_correct_answer,
)


def test_xp_is_weighted_by_difficulty_and_clamped() -> None:
    assert [xp_for_correct_answer(d) for d in (0, 1, 3, 5, 9)] == [10, 10, 30, 50, 50]


def test_first_activity_of_a_day_grows_the_streak() -> None:
    streak = advance_streak(Streak(3, 5, date(2026, 3, 9)), date(2026, 3, 10))

    assert streak == Streak(4, 5, date(2026, 3, 10))


def test_more_activity_the_same_day_changes_nothing() -> None:
    streak = Streak(4, 5, date(2026, 3, 10))

    assert advance_streak(streak, date(2026, 3, 10)) == streak


def test_a_missed_day_resets_the_streak_and_keeps_the_best() -> None:
    streak = advance_streak(Streak(7, 7, date(2026, 3, 8)), date(2026, 3, 10))

    assert streak == Streak(1, 7, date(2026, 3, 10))


def test_the_shown_streak_is_zero_after_a_whole_missed_day() -> None:
    streak = Streak(4, 5, date(2026, 3, 10))

    assert current_streak(streak, date(2026, 3, 11)) == 4
    assert current_streak(streak, date(2026, 3, 12)) == 0


def test_local_day_follows_the_users_time_zone() -> None:
    moment = datetime(2026, 3, 10, 11, 30, tzinfo=UTC)

    assert local_day(moment, "Pacific/Auckland") == date(2026, 3, 11)
    assert local_day(moment, "America/Los_Angeles") == date(2026, 3, 10)


def test_a_lesson_is_completed_at_seventy_percent() -> None:
    assert lesson_completed(7, 10)
    assert not lesson_completed(6.9, 10)
    assert not lesson_completed(0, 0)
