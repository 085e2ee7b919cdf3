"""Browsing courses and lessons with cursor pagination; unpublished content stays with instructors."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Role
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.conftest import Api

LESSONS = """
query($course: ID, $first: Int, $after: String) {
  lessons(courseId: $course, first: $first, after: $after) {
    edges { cursor node { title position } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"""


async def test_lessons_page_through_in_order(api: Api, session: AsyncSession, now: datetime) -> None:
    fixture = await make_course(session, now, lessons=5)
    await session.commit()
    course = encode("Course", fixture.course.id)
    seen, after, pages = [], None, 0

    while True:
        page = (await api.data(LESSONS, {"course": course, "first": 2, "after": after}))["lessons"]
        seen += [edge["node"]["title"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == [f"Lesson {i}" for i in range(1, 6)]
    assert pages == 3


async def test_nested_course_lessons_paginate_too(api: Api, session: AsyncSession, now: datetime) -> None:
    await make_course(session, now, lessons=3)
    await session.commit()
    query = "{ courses(first: 1) { edges { node { lessons(first: 2) { edges { node { title } } pageInfo { hasNextPage endCursor } } } } pageInfo { hasNextPage } } }"

    data = await api.data(query)

    lessons = data["courses"]["edges"][0]["node"]["lessons"]
    assert [e["node"]["title"] for e in lessons["edges"]] == ["Lesson 1", "Lesson 2"]
    assert lessons["pageInfo"]["hasNextPage"] is True


async def test_unpublished_lessons_are_hidden_from_learners(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    fixture = await make_course(session, now, lessons=2, published=False)
    learner = await make_user(session, settings, now)
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    lesson_id = encode("Lesson", fixture.lessons[0].id)
    query = "query($id: ID!) { lesson(id: $id) { title } node(id: $id) { id } }"

    assert await api.data(query, {"id": lesson_id}, api.token(learner, now)) == {"lesson": None, "node": None}
    assert (await api.data(query, {"id": lesson_id}, api.token(instructor, now)))["lesson"] == {"title": "Lesson 1"}
    assert (await api.data(LESSONS, {}, api.token(learner, now)))["lessons"]["edges"] == []


@pytest.mark.parametrize(
    ("variables", "field"), [({"first": -1}, "first"), ({"first": 1000}, "first"), ({"after": "bogus"}, "after")]
)
async def test_bad_page_arguments_get_clear_errors(variables: dict[str, object], field: str, api: Api) -> None:
    body = await api.post(LESSONS, variables)

    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID"
    assert error["extensions"]["field"] == [field]


async def test_unknown_and_malformed_ids_resolve_to_null(api: Api) -> None:
    query = "query($id: ID!) { node(id: $id) { id } }"

    for value in ["bogus", encode("Lesson", 999), encode("Nothing", 1)]:
        assert await api.data(query, {"id": value}) == {"node": None}
