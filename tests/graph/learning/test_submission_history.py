"""`User.submissions` and `User.xpEvents` through HTTP: filters, both paging directions, totalCount,
cursors that survive new rows, clear errors, and nobody else's history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import ProblemKind, SubmissionStatus, User
from domain.settings import Settings
from graph.ids import encode
from graph.pagination import encode_cursor
from tests.factories import give_xp, make_course, make_submission, make_user
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import SUBMIT, lesson_input

HISTORY = """
query History($first: Int, $after: String, $last: Int, $before: String, $courseId: ID, $lessonId: ID,
              $status: SubmissionStatus, $since: DateTime, $until: DateTime) {
  viewer {
    submissions(first: $first, after: $after, last: $last, before: $before, courseId: $courseId,
                lessonId: $lessonId, status: $status, since: $since, until: $until) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id status createdAt lesson { id } } }
    }
  }
}"""

XP = """
query Xp($first: Int, $after: String) {
  viewer { xpEvents(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id amount reason at course { id title } } }
  } }
}"""


async def _submissions(api: Api, user: User, now: datetime, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(HISTORY, variables, api.token(user, now)))["viewer"]["submissions"]
    return result


def _ids(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


async def _five_minutes_of_submissions(
    session: AsyncSession, settings: Settings, now: datetime
) -> tuple[User, list[str]]:
    """A learner with a submission at each of the minutes 0..4; their ids, oldest first."""
    learner = await make_user(session, settings, now)
    lesson = (await make_course(session, now, kinds=(ProblemKind.NUMERIC,))).lessons[0]
    made = [await make_submission(session, learner, now + timedelta(minutes=m), lesson=lesson) for m in range(5)]
    await session.commit()
    return learner, [encode("Submission", row.id) for row in made]


async def test_a_submission_just_made_heads_the_viewers_history(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    await make_submission(session, learner, now - timedelta(days=1), lesson=fixture.lessons[0])
    await session.commit()
    made = (await api.data(SUBMIT, lesson_input(fixture), api.token(learner, now)))["submitAnswers"]

    page = await _submissions(api, learner, now, first=1)

    assert made["errors"] == []
    assert _ids(page) == [made["submission"]["id"]]
    assert page["edges"][0]["node"]["status"] == "PENDING"  # its free-text answer waits for the worker
    assert page["edges"][0]["node"]["lesson"]["id"] == encode("Lesson", fixture.lessons[0].id)
    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"] is True


async def test_forward_pages_run_newest_first_and_stay_put_when_new_submissions_arrive(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, ids = await _five_minutes_of_submissions(session, settings, now)
    first = await _submissions(api, learner, now, first=2)

    lesson = (await make_course(session, now, kinds=(ProblemKind.NUMERIC,))).lessons[0]
    await make_submission(session, learner, now + timedelta(hours=1), lesson=lesson)
    await session.commit()
    second = await _submissions(api, learner, now, first=2, after=first["pageInfo"]["endCursor"])
    third = await _submissions(api, learner, now, first=2, after=second["pageInfo"]["endCursor"])

    assert _ids(first) == [ids[4], ids[3]]
    assert _ids(second) == [ids[2], ids[1]]  # not shifted by the newer submission
    assert _ids(third) == [ids[0]]
    assert (first["pageInfo"]["hasNextPage"], first["pageInfo"]["hasPreviousPage"]) == (True, False)
    assert (third["pageInfo"]["hasNextPage"], third["pageInfo"]["hasPreviousPage"]) == (False, True)
    assert third["totalCount"] == 6


async def test_backward_pages_with_last_and_before_walk_to_the_newest_in_list_order(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, ids = await _five_minutes_of_submissions(session, settings, now)
    oldest_first = await _submissions(api, learner, now, last=2)
    start = oldest_first["pageInfo"]["startCursor"]

    newer = await _submissions(api, learner, now, last=2, before=start)
    newest = await _submissions(api, learner, now, last=2, before=newer["pageInfo"]["startCursor"])

    assert _ids(oldest_first) == [ids[1], ids[0]]  # the last two of the list, still newest first
    assert _ids(newer) == [ids[3], ids[2]]
    assert _ids(newest) == [ids[4]]
    assert (oldest_first["pageInfo"]["hasPreviousPage"], oldest_first["pageInfo"]["hasNextPage"]) == (True, False)
    assert (newest["pageInfo"]["hasPreviousPage"], newest["pageInfo"]["hasNextPage"]) == (False, True)


async def test_filters_by_course_lesson_status_and_time_range_with_matching_total_counts(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    course = await make_course(session, now, lessons=2, kinds=(ProblemKind.NUMERIC,))
    other = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    first, second = course.lessons
    rows = [
        await make_submission(session, learner, now, lesson=first),
        await make_submission(session, learner, now + timedelta(hours=1), problem=course.problems[second.id][0]),  # type: ignore[index]
        await make_submission(
            session, learner, now + timedelta(hours=2), lesson=second, status=SubmissionStatus.PENDING
        ),
        await make_submission(session, learner, now + timedelta(hours=3), lesson=other.lessons[0]),
    ]
    await session.commit()
    ids = [encode("Submission", row.id) for row in rows]

    async def matching(**variables: Any) -> list[str]:
        page = await _submissions(api, learner, now, **variables)
        assert page["totalCount"] == len(page["edges"])
        return _ids(page)

    assert await matching(courseId=encode("Course", course.course.id)) == [ids[2], ids[1], ids[0]]
    assert await matching(lessonId=encode("Lesson", second.id)) == [ids[2], ids[1]]
    assert await matching(status="PENDING") == [ids[2]]
    since, until = (now + timedelta(hours=1)).isoformat(), (now + timedelta(hours=3)).isoformat()
    assert await matching(since=since, until=until) == [ids[2], ids[1]]
    assert await matching(since=(now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")) == [ids[3]]


async def test_someone_elses_submissions_and_xp_are_an_empty_list(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, _ = await _five_minutes_of_submissions(session, settings, now)
    await give_xp(session, learner, 10, now)
    snoop = await make_user(session, settings, now)
    await session.commit()
    query = """query($id: ID!) { node(id: $id) { ... on User {
      submissions { totalCount edges { node { id } } }
      xpEvents { totalCount edges { node { id } } }
    } } }"""

    for token in (api.token(snoop, now), None):
        user = (await api.data(query, {"id": encode("User", learner.id)}, token))["node"]

        assert user["submissions"] == {"totalCount": 0, "edges": []}
        assert user["xpEvents"] == {"totalCount": 0, "edges": []}


async def test_bad_paging_arguments_are_clear_errors(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, _ = await _five_minutes_of_submissions(session, settings, now)
    token = api.token(learner, now)
    xp_cursor = encode_cursor(1234, 5, kind="x")  # a position in the XP list

    cases = [
        ({"first": 2, "last": 2}, "INVALID", ["last"]),
        ({"after": "not a cursor"}, "INVALID", ["after"]),
        ({"before": "bm9wZQ=="}, "INVALID", ["before"]),
        ({"after": xp_cursor}, "INVALID", ["after"]),  # a cursor of another list
        ({"last": 1000}, "INVALID", ["last"]),
        ({"lessonId": encode("Course", 1)}, "NOT_FOUND", ["lessonId"]),
    ]
    for variables, code, field in cases:
        body = await api.post(HISTORY, variables, token)

        assert body["data"] == {"viewer": None}, variables
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] == [(code, field)]


async def test_a_time_without_an_offset_is_refused_by_the_datetime_scalar(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, _ = await _five_minutes_of_submissions(session, settings, now)

    body = await api.post(HISTORY, {"since": "2026-03-10T12:00:00"}, api.token(learner, now))

    assert body.get("data") is None
    assert "RFC 3339" in body["errors"][0]["message"]


async def test_xp_events_list_each_award_with_its_course_newest_first(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    course = await make_course(session, now, kinds=())
    for hour, amount in enumerate((5, 7, 9)):
        await give_xp(session, learner, amount, now + timedelta(hours=hour), course=course.course if hour else None)
    await session.commit()
    token = api.token(learner, now)

    first = (await api.data(XP, {"first": 2}, token))["viewer"]["xpEvents"]
    rest = (await api.data(XP, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token))["viewer"]["xpEvents"]

    nodes = [edge["node"] for edge in first["edges"] + rest["edges"]]
    assert [(n["amount"], n["reason"], n["course"]) for n in nodes] == [
        (9, "test", {"id": encode("Course", course.course.id), "title": course.course.title}),
        (7, "test", {"id": encode("Course", course.course.id), "title": course.course.title}),
        (5, "test", None),
    ]
    assert nodes[0]["at"] == (now + timedelta(hours=2)).isoformat()
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (3, True, False)


async def test_a_date_time_literal_that_is_not_rfc_3339_is_refused_as_invalid_not_as_a_bug(api: Api) -> None:
    body = await api.post('{ viewer { submissions(since: "yesterday") { totalCount } } }')

    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID"
    assert "RFC 3339" in error["message"]
