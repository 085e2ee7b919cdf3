"""Streaks over GraphQL, stepping the injected clock through days and time zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import User
from domain.settings import Settings
from graph.ids import encode
from tests.factories import CourseFixture, make_course, make_user
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import SUBMIT_ONE

STREAK = "{ viewer { streak { current best lastActiveOn } } }"


async def answer(api: Api, user: User, fixture: CourseFixture, key: str, at: datetime) -> None:
    api.set_clock(at)
    problem = fixture.problems[fixture.lessons[0].id][2]  # type: ignore[index]
    pid = encode("Problem", problem.id)
    variables = {"input": {"problemId": pid, "idempotencyKey": key, "answer": {"problemId": pid, "number": 1}}}
    result = await api.data(SUBMIT_ONE, variables, api.token(user, at))
    assert result["submitAnswer"]["errors"] == []


@pytest.mark.parametrize(
    ("timezone", "times", "expected"),
    [
        # 23:30 and 00:30 local time in Los Angeles (UTC-7 in March after DST): two local days.
        ("America/Los_Angeles", ["2026-03-10T06:30", "2026-03-10T07:30"], (2, 2)),
        # 11:00 and 12:00 UTC are 00:00 and 01:00 on the same day in Auckland (UTC+13).
        ("Pacific/Auckland", ["2026-03-10T11:00", "2026-03-10T12:00"], (1, 1)),
        # The same two instants are the same UTC day.
        ("UTC", ["2026-03-10T06:30", "2026-03-10T07:30"], (1, 1)),
        # A missed local day resets the streak.
        ("Europe/Berlin", ["2026-03-10T10:00", "2026-03-11T10:00", "2026-03-13T10:00"], (1, 2)),
    ],
)
async def test_streaks_count_local_days(
    timezone: str,
    times: list[str],
    expected: tuple[int, int],
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
) -> None:
    user = await make_user(session, settings, now, timezone=timezone)
    fixture = await make_course(session, now)
    await session.commit()
    moments = [datetime.fromisoformat(t).replace(tzinfo=UTC) for t in times]

    for index, moment in enumerate(moments):
        await answer(api, user, fixture, f"k{index}", moment)

    streak = (await api.data(STREAK, token=api.token(user, moments[-1])))["viewer"]["streak"]
    assert (streak["current"], streak["best"]) == expected


async def test_a_streak_shows_zero_once_a_day_is_missed(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    await session.commit()
    await answer(api, user, fixture, "k", now)
    later = now + timedelta(days=2)
    api.set_clock(later)

    streak = (await api.data(STREAK, token=api.token(user, later)))["viewer"]["streak"]

    assert streak == {"current": 0, "best": 1, "lastActiveOn": now.date().isoformat()}
