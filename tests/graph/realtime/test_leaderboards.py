"""The leaderboard query over HTTP: scopes, ranking with ties, the viewer's own entry, who may see what."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import ProblemKind, Role, User
from domain.settings import Settings
from graph.ids import encode
from tests.factories import give_xp, make_class, make_course, make_user
from tests.graph.conftest import Api

BOARD = """
query Board($scope: LeaderboardScopeInput!, $first: Int) {
  leaderboard(scope: $scope, first: $first) {
    scope { kind id }
    entries { rank xp user { id displayName } }
    viewerEntry { rank xp user { id } }
  }
}"""


def places(board: dict[str, Any]) -> list[tuple[int, str, int]]:
    return [(e["rank"], e["user"]["id"], e["xp"]) for e in board["entries"]]


def uid(user: User) -> str:
    return encode("User", user.id)


async def users(session: AsyncSession, settings: Settings, now: datetime, count: int) -> list[User]:
    return [await make_user(session, settings, now) for _ in range(count)]


async def test_all_time_board_ranks_by_xp_and_breaks_ties_by_user_id(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    a, b, c, idle = await users(session, settings, now, 4)
    for user, amount in ((a, 50), (b, 80), (c, 50)):
        await give_xp(session, user, amount, now)
    await session.commit()

    data = await api.data(BOARD, {"scope": {"kind": "ALL_TIME"}})

    board = data["leaderboard"]
    assert board["scope"] == {"kind": "ALL_TIME", "id": None}
    assert places(board) == [(1, uid(b), 80), (2, uid(a), 50), (3, uid(c), 50)]  # idle users are not listed
    assert board["viewerEntry"] is None  # anonymous


async def test_viewer_sees_their_own_place_outside_the_first_places(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    team = await users(session, settings, now, 5)
    for amount, user in zip((90, 70, 50, 30, 10), team, strict=True):
        await give_xp(session, user, amount, now)
    await session.commit()
    last = team[-1]

    data = await api.data(BOARD, {"scope": {"kind": "ALL_TIME"}, "first": 2}, token=api.token(last, now))

    board = data["leaderboard"]
    assert [rank for rank, _, _ in places(board)] == [1, 2]
    assert board["viewerEntry"] == {"rank": 5, "xp": 10, "user": {"id": uid(last)}}


async def test_viewer_without_xp_has_no_entry(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    earner, newcomer = await users(session, settings, now, 2)
    await give_xp(session, earner, 10, now)
    await session.commit()

    data = await api.data(BOARD, {"scope": {"kind": "ALL_TIME"}}, token=api.token(newcomer, now))

    assert data["leaderboard"]["viewerEntry"] is None
    assert places(data["leaderboard"]) == [(1, uid(earner), 10)]


async def test_weekly_board_counts_the_utc_iso_week_only(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    # now is Tuesday 2026-03-10 12:00 UTC: ISO week 2026-W11 began Monday 2026-03-09 00:00 UTC.
    early, late = await users(session, settings, now, 2)
    monday = datetime(2026, 3, 9, tzinfo=now.tzinfo)
    await give_xp(session, early, 100, monday - timedelta(minutes=1))  # Sunday 23:59 UTC: last week
    await give_xp(session, early, 5, monday)
    await give_xp(session, late, 20, monday + timedelta(hours=1))
    await session.commit()

    current = await api.data(BOARD, {"scope": {"kind": "WEEKLY"}})
    previous = await api.data(BOARD, {"scope": {"kind": "WEEKLY", "id": "2026-W10"}})

    assert current["leaderboard"]["scope"] == {"kind": "WEEKLY", "id": "2026-W11"}
    assert places(current["leaderboard"]) == [(1, uid(late), 20), (2, uid(early), 5)]
    assert places(previous["leaderboard"]) == [(1, uid(early), 100)]


async def test_course_board_counts_answers_to_that_course_only(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, rival = await users(session, settings, now, 2)
    maths = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    physics = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await give_xp(session, rival, 500, now)  # XP outside any course
    await session.commit()
    submit = "mutation($input: SubmitAnswerInput!) { submitAnswer(input: $input) { errors { code } } }"
    for user, course in ((learner, maths), (rival, physics)):
        problem = course.problems[course.lessons[0].id][0]  # type: ignore[index]
        answer = {"problemId": encode("Problem", problem.id), "number": 42}
        variables = {"input": {"problemId": answer["problemId"], "idempotencyKey": "k", "answer": answer}}
        result = await api.data(submit, variables, token=api.token(user, now))
        assert result["submitAnswer"]["errors"] == []

    data = await api.data(BOARD, {"scope": {"kind": "COURSE", "id": encode("Course", maths.course.id)}})

    assert data["leaderboard"]["scope"] == {"kind": "COURSE", "id": encode("Course", maths.course.id)}
    assert places(data["leaderboard"]) == [(1, uid(learner), 20)]  # difficulty 2 x 10 XP


async def test_class_board_ranks_members_for_members_and_their_instructor(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    first, second, outsider = await users(session, settings, now, 3)
    class_ = await make_class(session, teacher, now, students=(first, second))
    for user, amount in ((first, 10), (second, 30), (outsider, 99)):
        await give_xp(session, user, amount, now)
    await session.commit()
    scope = {"kind": "CLASS", "id": encode("Class", class_.id)}

    for viewer in (first, teacher):
        data = await api.data(BOARD, {"scope": scope}, token=api.token(viewer, now))
        assert places(data["leaderboard"]) == [(1, uid(second), 30), (2, uid(first), 10)]
    foreign = await api.post(BOARD, {"scope": scope}, token=api.token(outsider, now))
    anonymous = await api.post(BOARD, {"scope": scope})
    unknown = await api.post(BOARD, {"scope": {"kind": "CLASS", "id": encode("Class", 999)}}, api.token(first, now))

    assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert unknown["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # unknown and foreign look alike
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"scope": {"kind": "ALL_TIME", "id": "x"}}, "INVALID", ["scope", "id"]),
        ({"scope": {"kind": "COURSE"}}, "INVALID", ["scope", "id"]),
        ({"scope": {"kind": "COURSE", "id": "Q291cnNlOjk5OTk="}}, "NOT_FOUND", ["scope", "id"]),  # Course:9999
        ({"scope": {"kind": "COURSE", "id": "VXNlcjox"}}, "NOT_FOUND", ["scope", "id"]),  # a User ID
        ({"scope": {"kind": "WEEKLY", "id": "2026-W60"}}, "INVALID", ["scope", "id"]),
        ({"scope": {"kind": "WEEKLY", "id": "last week"}}, "INVALID", ["scope", "id"]),
        ({"scope": {"kind": "ALL_TIME"}, "first": 0}, "INVALID", ["first"]),
        ({"scope": {"kind": "ALL_TIME"}, "first": 101}, "INVALID", ["first"]),
    ],
)
async def test_bad_scope_or_size_is_a_coded_error(
    api: Api, variables: dict[str, Any], code: str, field: list[str]
) -> None:
    body = await api.post(BOARD, variables)

    assert body["data"] is None
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] == [(code, field)]


async def test_answers_move_the_boards_through_the_mutation(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    course = await make_course(session, now)
    await session.commit()
    lesson = course.lessons[0]
    single = course.problems[lesson.id][0]  # type: ignore[index]
    correct = [o for o in course.options[single.id] if o.correct]  # type: ignore[index]
    answer = {"problemId": encode("Problem", single.id), "optionIds": [encode("Option", correct[0].id)]}
    submit = "mutation($input: SubmitAnswerInput!) { submitAnswer(input: $input) { errors { code } } }"
    token = api.token(learner, now)

    result = await api.data(
        submit, {"input": {"problemId": answer["problemId"], "idempotencyKey": "a", "answer": answer}}, token
    )

    assert result["submitAnswer"]["errors"] == []
    for scope in (
        {"kind": "ALL_TIME"},
        {"kind": "WEEKLY"},
        {"kind": "COURSE", "id": encode("Course", course.course.id)},
    ):
        data = await api.data(BOARD, {"scope": scope}, token=token)
        assert data["leaderboard"]["viewerEntry"] == {"rank": 1, "xp": 20, "user": {"id": uid(learner)}}
