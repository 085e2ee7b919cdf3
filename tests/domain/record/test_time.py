"""The session and time rule, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.record.time import Activity, attribute

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
GAP = timedelta(minutes=30)
CAP = timedelta(minutes=10)


def _at(*minutes: float) -> list[Activity]:
    return [Activity(START + timedelta(minutes=m), lesson_id=1) for m in minutes]


def test_a_pause_longer_than_the_gap_starts_a_new_session() -> None:
    sessions, _ = attribute(_at(0, 5, 35, 66), GAP, CAP)

    assert [(s.started_at, s.ended_at, s.activities) for s in sessions] == [
        (START, START + timedelta(minutes=35), 3),
        (START + timedelta(minutes=66), START + timedelta(minutes=66), 1),
    ]


def test_a_pause_of_exactly_the_gap_stays_in_the_session() -> None:
    sessions, _ = attribute(_at(0, 30), GAP, CAP)

    assert len(sessions) == 1


def test_each_act_counts_the_time_since_the_previous_one_capped_and_the_first_counts_nothing() -> None:
    sessions, seconds = attribute(_at(0, 2, 27, 28), GAP, CAP)

    assert seconds == [0.0, 120.0, 600.0, 60.0]
    assert sessions[0].seconds == 780.0


def test_no_activity_is_no_session() -> None:
    assert attribute([], GAP, CAP) == ([], [])
