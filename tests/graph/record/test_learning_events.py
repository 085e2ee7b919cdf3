"""`User.learningEvents` through HTTP: the acts write their events in their own transaction, every
payload has its documented shape, filters and pages work, and only the learner and their classes'
staff see them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.models import LearningEvent, ProblemKind, Role, User
from domain.record.journal import record
from domain.record.kinds import LearningEventType, shape_errors
from domain.settings import Settings
from graph.ids import decode, encode
from tests.factories import make_class, make_course, make_review_card, make_user
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import SUBMIT, lesson_input
from tests.graph.test_n_plus_one import StatementCounter

EVENTS = """
query Events($userId: ID!, $first: Int, $after: String, $types: [LearningEventType!], $courseId: ID,
             $since: DateTime, $until: DateTime) {
  node(id: $userId) { ... on User {
    learningEvents(first: $first, after: $after, types: $types, courseId: $courseId, since: $since, until: $until) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id type occurredAt payload courseId lessonId problemId course { title } } }
    }
  } }
}"""

REVIEW = """
mutation Review($input: ReviewCardInput!) {
  reviewCard(input: $input) { errors { code } }
}"""


async def _events(api: Api, viewer: User, of: User, now: datetime, **variables: Any) -> dict[str, Any]:
    variables["userId"] = encode("User", of.id)
    data = await api.data(EVENTS, variables, api.token(viewer, now))
    result: dict[str, Any] = data["node"]["learningEvents"]
    return result


def _types(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["type"] for edge in page["edges"]]


async def _all_rows(engine: AsyncEngine) -> list[LearningEvent]:
    async with engine.connect() as connection:
        return [LearningEvent.model_validate(row._mapping) for row in await connection.execute(select(LearningEvent))]


async def test_a_submission_writes_its_events_with_their_documented_payloads(
    api: Api, session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC))
    await session.commit()

    made = (await api.data(SUBMIT, lesson_input(fixture), api.token(learner, now)))["submitAnswers"]
    replay = (await api.data(SUBMIT, lesson_input(fixture), api.token(learner, now)))["submitAnswers"]
    page = await _events(api, learner, learner, now)
    rows = await _all_rows(engine)

    assert made["errors"] == []
    assert replay["replayed"] is True
    assert sorted(_types(page)) == sorted(
        [
            "ANSWER_SUBMITTED",
            "ANSWER_GRADED",
            "ANSWER_GRADED",
            "XP_AWARDED",
            "XP_AWARDED",
            "STREAK_EXTENDED",
            "LESSON_COMPLETED",
        ]
    )  # the replay wrote nothing
    assert page["totalCount"] == 7
    submitted = next(e["node"] for e in page["edges"] if e["node"]["type"] == "ANSWER_SUBMITTED")
    assert submitted["payload"] == {
        "submissionId": decode(made["submission"]["id"], "Submission", []),
        "lessonId": fixture.lessons[0].id,
        "problemId": None,
        "answerCount": 2,
        "pending": False,
    }
    assert submitted["courseId"] == encode("Course", fixture.course.id)
    assert submitted["course"] == {"title": fixture.course.title}
    assert [(row.type, shape_errors(LearningEventType(row.type), row.payload)) for row in rows] == [
        (row.type, []) for row in rows
    ]


async def test_a_review_writes_card_reviewed_and_the_review_xp(
    api: Api, session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    problem = fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]
    card = await make_review_card(session, learner, problem, now - timedelta(days=3))
    await session.commit()

    variables = {"input": {"cardId": encode("ReviewCard", card.id), "rating": "GOOD", "idempotencyKey": "r1"}}
    reviewed = (await api.data(REVIEW, variables, api.token(learner, now)))["reviewCard"]
    page = await _events(api, learner, learner, now, types=["CARD_REVIEWED"])

    assert reviewed["errors"] == []
    assert page["totalCount"] == 1
    node = page["edges"][0]["node"]
    assert node["payload"]["cardId"] == card.id
    assert node["payload"]["rating"] == 3
    assert node["problemId"] == encode("Problem", problem.id)
    assert {row.type for row in await _all_rows(engine)} == {"CARD_REVIEWED", "XP_AWARDED", "STREAK_EXTENDED"}


async def test_events_page_newest_first_and_filter_by_type_course_and_time(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    one, two = (await make_course(session, now, kinds=())).course, (await make_course(session, now, kinds=())).course
    for minute in range(4):
        course = one if minute % 2 == 0 else two
        payload = {"amount": minute, "reason": "answer", "ref": f"problem:{minute}"}
        at = now - timedelta(minutes=10 - minute)
        await record(session, learner.id or 0, LearningEventType.XP_AWARDED, payload, at, course_id=course.id)
    await session.commit()

    first = await _events(api, learner, learner, now, first=3)
    rest = await _events(api, learner, learner, now, first=3, after=first["pageInfo"]["endCursor"])
    of_one = await _events(api, learner, learner, now, courseId=encode("Course", one.id))
    window = await _events(
        api,
        learner,
        learner,
        now,
        since=(now - timedelta(minutes=9)).isoformat(),
        until=(now - timedelta(minutes=7)).isoformat(),
    )
    none = await _events(api, learner, learner, now, types=["GAME_PLAYED", "TUTOR_MESSAGE"])

    assert [e["node"]["payload"]["amount"] for e in first["edges"] + rest["edges"]] == [3, 2, 1, 0]
    assert first["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["payload"]["amount"] for e in of_one["edges"]] == [2, 0]
    assert [e["node"]["payload"]["amount"] for e in window["edges"]] == [2, 1]  # since inclusive, until exclusive
    assert none["totalCount"] == 0


async def test_class_staff_see_the_class_courses_events_and_nobody_else_sees_any(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other_teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    classmate = await make_user(session, settings, now)
    taught, elsewhere = (
        (await make_course(session, now, kinds=())).course,
        (await make_course(session, now, kinds=())).course,
    )
    await make_class(session, teacher, now, courses=(taught,), students=(learner, classmate))
    await make_class(session, other_teacher, now, courses=(elsewhere,), students=(classmate,))
    user_id = learner.id or 0
    await record(
        session,
        user_id,
        LearningEventType.XP_AWARDED,
        {"amount": 1, "reason": "answer", "ref": "a"},
        now,
        course_id=taught.id,
    )
    await record(
        session,
        user_id,
        LearningEventType.XP_AWARDED,
        {"amount": 2, "reason": "answer", "ref": "b"},
        now,
        course_id=elsewhere.id,
    )
    streak = {"current": 1, "best": 1, "day": now.date().isoformat()}
    await record(session, user_id, LearningEventType.STREAK_EXTENDED, streak, now)
    await session.commit()

    own = await _events(api, learner, learner, now)
    staff = await _events(api, teacher, learner, now)
    outsider = await _events(api, other_teacher, learner, now)
    peer = await _events(api, classmate, learner, now)
    event_id = own["edges"][0]["node"]["id"]
    by_id = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": event_id}, api.token(teacher, now))
    by_owner = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": event_id}, api.token(learner, now))

    assert own["totalCount"] == 3
    assert [e["node"]["payload"]["amount"] for e in staff["edges"]] == [1]
    assert staff["totalCount"] == 1
    assert outsider["totalCount"] == 0
    assert outsider["edges"] == []
    assert peer["totalCount"] == 0  # a classmate is no staff
    assert by_id["node"] is None  # by id: the owner's only
    assert by_owner["node"] == {"id": event_id}


async def test_the_events_connection_costs_the_same_statements_for_2_and_20_events(
    api: Api, session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    courses = [(await make_course(session, now, kinds=())).course for _ in range(3)]
    await session.commit()
    counted = []
    written = 0
    for total in (2, 20):
        for index in range(written, total):
            payload = {"amount": 1, "reason": "answer", "ref": f"problem:{index}"}
            course = courses[index % 3]
            await record(session, learner.id or 0, LearningEventType.XP_AWARDED, payload, now, course_id=course.id)
        await session.commit()
        written = total
        counter = StatementCounter(engine)
        try:
            page = await _events(api, learner, learner, now, first=50)
        finally:
            counter.close()
        counted.append(len(counter.statements))
        assert page["totalCount"] == total

    assert counted[0] == counted[1]
