"""Instructors author content over GraphQL; learners cannot; importProblems keeps good items."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.models import Course, Problem, Role
from domain.settings import Settings
from tests.factories import make_user
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import count

CREATE_COURSE = """mutation($input: CourseCreateInput!) { createCourse(input: $input) { course { id slug } errors { field code } } }"""
CREATE_LESSON = """mutation($input: LessonCreateInput!) { createLesson(input: $input) { lesson { id published } errors { field code } } }"""
PUBLISH = """mutation($id: ID!) { publishLesson(input: {id: $id}) { lesson { published } errors { code } } }"""
CREATE_PROBLEM = """mutation($input: ProblemCreateInput!) {
  createProblem(input: $input) { problem { id kind options { text correct } } errors { field code } } }"""
IMPORT = """mutation($input: ImportProblemsInput!) {
  importProblems(input: $input) { created { externalId kind } updated { externalId } errors { field code message } } }"""


async def course_with_lesson(api: Api, token: str) -> tuple[str, str]:
    course = (await api.data(CREATE_COURSE, {"input": {"slug": "sql-101", "title": "SQL 101"}}, token))["createCourse"]
    assert course["errors"] == []
    lesson = (await api.data(CREATE_LESSON, {"input": {"courseId": course["course"]["id"], "title": "Joins"}}, token))[
        "createLesson"
    ]
    assert lesson["errors"] == []
    return course["course"]["id"], lesson["lesson"]["id"]


async def test_instructor_builds_and_publishes_a_lesson(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    token = api.token(instructor, now)
    _, lesson_id = await course_with_lesson(api, token)
    problem_input: dict[str, Any] = {
        "lessonId": lesson_id,
        "kind": "SINGLE_CHOICE",
        "prompt": "Which join keeps unmatched left rows?",
        "options": [{"text": "LEFT JOIN", "correct": True}, {"text": "INNER JOIN"}],
    }

    created = (await api.data(CREATE_PROBLEM, {"input": problem_input}, token))["createProblem"]
    published = (await api.data(PUBLISH, {"id": lesson_id}, token))["publishLesson"]

    assert created["errors"] == []
    assert created["problem"]["options"] == [
        {"text": "LEFT JOIN", "correct": True},
        {"text": "INNER JOIN", "correct": False},
    ]
    assert published == {"lesson": {"published": True}, "errors": []}


async def test_learners_cannot_author(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()

    body = await api.post(CREATE_COURSE, {"input": {"slug": "mine", "title": "Mine"}}, api.token(learner, now))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await count(engine, Course) == 0


async def test_another_instructors_course_is_forbidden(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    owner = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    course_id, lesson_id = await course_with_lesson(api, api.token(owner, now))

    body = await api.post(PUBLISH, {"id": lesson_id}, api.token(other, now))

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_import_keeps_good_items_and_reports_bad_ones(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    token = api.token(instructor, now)
    _, lesson_id = await course_with_lesson(api, token)
    items = [
        {
            "id": "q1",
            "type": "mcq",
            "question": "2+2?",
            "options": ["3", "4"],
            "answer": "4",
            "explanation": "",
            "difficulty": 1,
            "tags": [],
            "topic": "math__arithmetic",
        },
        {"id": "q2", "type": "mcq", "question": "Pick", "options": ["a", "b"], "answer": "c", "difficulty": 1},
        {
            "id": "q3",
            "type": "numeric",
            "question": "Pi to 2 places?",
            "answer": 3.14,
            "tolerance": 0.005,
            "difficulty": 2,
        },
        {"id": "q4", "type": "essay", "question": "?"},
    ]

    first = (await api.data(IMPORT, {"input": {"lessonId": lesson_id, "items": items}}, token))["importProblems"]
    again = (await api.data(IMPORT, {"input": {"lessonId": lesson_id, "items": items}}, token))["importProblems"]

    assert first["created"] == [{"externalId": "q1", "kind": "SINGLE_CHOICE"}, {"externalId": "q3", "kind": "NUMERIC"}]
    assert [e["field"][:2] for e in first["errors"]] == [["items", "1"], ["items", "3"]]
    assert again["created"] == []
    assert again["updated"] == [{"externalId": "q1"}, {"externalId": "q3"}]
    assert await count(engine, Problem) == 2


async def test_import_rejects_a_non_list(api: Api, session: AsyncSession, settings: Settings, now: datetime) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    token = api.token(instructor, now)
    _, lesson_id = await course_with_lesson(api, token)

    result = (await api.data(IMPORT, {"input": {"lessonId": lesson_id, "items": {"id": "x"}}}, token))["importProblems"]

    assert [(e["field"], e["code"]) for e in result["errors"]] == [(["items"], "INVALID")]
