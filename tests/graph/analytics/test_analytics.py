"""studentAnalytics and classAnalytics through HTTP: figures, caching and invalidation after commits."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.infra.cache import RedisCache
from domain.models import ProblemKind, Role, User
from domain.settings import Settings
from graph.context import Services
from graph.ids import encode
from tests.factories import CourseFixture, make_class, make_course, make_user
from tests.graph.conftest import Api
from tests.graph.test_n_plus_one import StatementCounter
from tests.services import REDIS_URL, require

KINDS = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC)

SUBMIT = """
mutation Submit($input: SubmitAnswersInput!) {
  submitAnswers(input: $input) { submission { status score } errors { code } }
}"""

STUDENT = """
query Student($userId: ID) {
  studentAnalytics(userId: $userId) {
    user { id } count mean atRisk atRiskReasons trend { slopePerWeek change30Days }
    lessons { lesson { id } mean count best }
    subjects { subject mean count }
    topics { mean mastery level } bestTopics { mastery } worstTopics { mastery }
    cache { hit hitRate hits misses computedAt }
  }
}"""

CLASS = """
query Class($classId: ID!) {
  classAnalytics(classId: $classId) {
    class { id name }
    studentCount gradedStudentCount mean median standardDeviation
    percentiles { p10 p25 p50 p75 p90 }
    histogram { lower upper count }
    lessons { lesson { id title } mean grades students completionRate cronbachAlpha analysedAttempts }
    subjects { subject mean count }
    atRiskStudents { user { id } count mean reasons trend { slopePerWeek } }
    items { problem { id kind } lesson { id } attempts facilityIndex discriminationIndex standardDeviation }
    cache { hit hitRate }
  }
}"""

RECORD = """
mutation Record($input: RecordGradesInput!) { recordGrades(input: $input) { recorded errors { code } } }"""


def answers(fixture: CourseFixture, right: bool) -> list[dict[str, Any]]:
    found = []
    for problem in fixture.problems[fixture.lessons[0].id]:  # type: ignore[index]
        if problem.kind == ProblemKind.SINGLE_CHOICE.value:
            option = next(o for o in fixture.options[problem.id] if o.correct is right)  # type: ignore[index]
            found.append({"problemId": encode("Problem", problem.id), "optionIds": [encode("Option", option.id)]})
        else:
            found.append({"problemId": encode("Problem", problem.id), "number": 42.0 if right else 0.0})
    return found


async def submit(api: Api, user: User, fixture: CourseFixture, key: str, right: bool, now: datetime) -> None:
    variables = {
        "input": {"lessonId": encode("Lesson", fixture.lessons[0].id), "idempotencyKey": key,
                  "answers": answers(fixture, right)}
    }  # fmt: skip
    result = (await api.data(SUBMIT, variables, api.token(user, now)))["submitAnswers"]
    assert result["errors"] == []
    assert result["submission"]["status"] == "GRADED"


async def test_a_student_sees_their_own_analytics_and_a_new_submission_refreshes_them(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=KINDS)
    await session.commit()
    api.set_clock(now - timedelta(days=40))
    await submit(api, learner, fixture, "first", right=True, now=now)
    api.set_clock(now)
    token = api.token(learner, now)

    computed = (await api.data(STUDENT, token=token))["studentAnalytics"]
    cached = (await api.data(STUDENT, token=token))["studentAnalytics"]
    await submit(api, learner, fixture, "second", right=False, now=now)
    refreshed = (await api.data(STUDENT, token=token))["studentAnalytics"]

    assert computed["user"] == {"id": encode("User", learner.id)}
    assert (computed["count"], computed["mean"]) == (1, 100.0)
    assert computed["cache"]["hit"] is False
    assert cached["cache"] == {**computed["cache"], "hit": True, "hits": 1, "misses": 1, "hitRate": 0.5}
    assert (refreshed["count"], refreshed["mean"], refreshed["cache"]["hit"]) == (2, 50.0, False)
    assert refreshed["lessons"] == [{"lesson": {"id": encode("Lesson", fixture.lessons[0].id)}, "mean": 50.0,
                                     "count": 2, "best": 100.0}]  # fmt: skip
    assert refreshed["trend"]["change30Days"] == -100.0  # 0% in the last 30 days, 100% before
    assert refreshed["trend"]["slopePerWeek"] < 0
    assert (refreshed["atRisk"], refreshed["atRiskReasons"]) == (False, [])  # fewer than 3 grades


async def class_setup(session: AsyncSession, settings: Settings, now: datetime) -> dict[str, Any]:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    students = [await make_user(session, settings, now) for _ in range(3)]
    fixture = await make_course(session, now, kinds=KINDS)
    class_ = await make_class(session, instructor, now, courses=(fixture.course,), students=tuple(students))
    await session.commit()
    return {"instructor": instructor, "students": students, "fixture": fixture, "class": class_}


async def test_an_instructor_sees_the_class_figures_and_grades_invalidate_the_cache(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    setup = await class_setup(session, settings, now)
    alice, bob, carol = setup["students"]
    await submit(api, alice, setup["fixture"], "a1", right=True, now=now)
    await submit(api, bob, setup["fixture"], "b1", right=False, now=now)
    token = api.token(setup["instructor"], now)
    variables = {"classId": encode("Class", setup["class"].id)}

    computed = (await api.data(CLASS, variables, token))["classAnalytics"]
    cached = (await api.data(CLASS, variables, token))["classAnalytics"]
    record = {"classId": variables["classId"], "rows": [
        {"studentId": encode("User", carol.id), "subject": "Essay", "score": 8, "maxScore": 10, "externalId": "e1"}
    ]}  # fmt: skip
    assert (await api.data(RECORD, {"input": record}, token))["recordGrades"] == {"recorded": 1, "errors": []}
    refreshed = (await api.data(CLASS, variables, token))["classAnalytics"]

    assert computed["class"]["id"] == variables["classId"]
    assert (computed["studentCount"], computed["gradedStudentCount"]) == (3, 2)
    assert (computed["mean"], computed["median"]) == (50.0, 50.0)
    assert computed["percentiles"] == {"p10": 10.0, "p25": 25.0, "p50": 50.0, "p75": 75.0, "p90": 90.0}
    assert [b["count"] for b in computed["histogram"]] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    [lesson] = computed["lessons"]
    assert (lesson["mean"], lesson["grades"], lesson["students"], lesson["analysedAttempts"]) == (50.0, 2, 2, 2)
    assert lesson["completionRate"] == 1 / 3
    assert {item["facilityIndex"] for item in computed["items"]} == {0.5}
    assert {item["discriminationIndex"] for item in computed["items"]} == {1.0}
    assert computed["cache"]["hit"] is False
    assert cached["cache"]["hit"] is True
    assert (refreshed["cache"]["hit"], refreshed["gradedStudentCount"]) == (False, 3)
    assert refreshed["subjects"] == [{"subject": "Essay", "mean": 80.0, "count": 1}]
    assert refreshed["median"] == 80.0


async def test_a_submission_and_a_new_member_invalidate_the_class_figures(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    setup = await class_setup(session, settings, now)
    newcomer = await make_user(session, settings, now)
    await session.commit()
    token = api.token(setup["instructor"], now)
    variables = {"classId": encode("Class", setup["class"].id)}
    empty = (await api.data(CLASS, variables, token))["classAnalytics"]

    await submit(api, setup["students"][0], setup["fixture"], "a1", right=True, now=now)
    graded = (await api.data(CLASS, variables, token))["classAnalytics"]
    join = "mutation J($code: String!) { joinClass(input: {joinCode: $code}) { errors { code } } }"
    await api.data(join, {"code": setup["class"].join_code}, api.token(newcomer, now))
    joined = (await api.data(CLASS, variables, token))["classAnalytics"]

    assert (empty["gradedStudentCount"], empty["mean"], empty["median"]) == (0, None, None)
    assert empty["percentiles"] == {"p10": None, "p25": None, "p50": None, "p75": None, "p90": None}
    assert (graded["cache"]["hit"], graded["gradedStudentCount"], graded["mean"]) == (False, 1, 100.0)
    assert (joined["cache"]["hit"], joined["studentCount"]) == (False, 4)


async def test_class_analytics_costs_the_same_statements_for_more_students_and_items(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    costs = []
    for size in (1, 3):
        setup = await class_setup(session, settings, now)
        for index, student in enumerate(setup["students"][:size]):
            await submit(api, student, setup["fixture"], f"k{size}-{index}", right=index % 2 == 0, now=now)
        counter = StatementCounter(engine)
        try:
            await api.data(CLASS, {"classId": encode("Class", setup["class"].id)}, api.token(setup["instructor"], now))
        finally:
            counter.close()
        costs.append(len(counter.statements))

    assert costs[0] == costs[1]


async def test_the_redis_cache_serves_and_is_invalidated_through_the_api(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    require("Redis", REDIS_URL, 6379)
    redis_cache = RedisCache.from_url(REDIS_URL, prefix=f"learnql-test-api:{os.getpid()}:")
    await redis_cache.clear()
    services: Services = api.app.state.services
    services.cache = redis_cache
    setup = await class_setup(session, settings, now)
    token = api.token(setup["instructor"], now)
    variables = {"classId": encode("Class", setup["class"].id)}
    try:
        first = (await api.data(CLASS, variables, token))["classAnalytics"]
        second = (await api.data(CLASS, variables, token))["classAnalytics"]
        await submit(api, setup["students"][0], setup["fixture"], "r1", right=True, now=now)
        third = (await api.data(CLASS, variables, token))["classAnalytics"]
    finally:
        await redis_cache.clear()
        await redis_cache.close()

    assert [r["cache"]["hit"] for r in (first, second, third)] == [False, True, False]
    assert (second["gradedStudentCount"], third["gradedStudentCount"]) == (0, 1)
    assert second["cache"]["hitRate"] == 0.5
