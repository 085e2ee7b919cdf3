"""`totalCount` on the connections that existed before it: courses, lessons (top level and nested
per course, batched) and a class's students, each with the same visibility as its pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.models import Role
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_class, make_course, make_user
from tests.graph.conftest import Api
from tests.graph.test_n_plus_one import StatementCounter

COUNTS = """
query Counts($courseId: ID) {
  courses(first: 1) { totalCount edges { node { lessons(first: 1) { totalCount } } } }
  lessons(courseId: $courseId, first: 1) { totalCount }
  all: lessons(first: 1) { totalCount }
}"""


async def test_counts_cover_every_page_and_hide_drafts_from_learners(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    first = await make_course(session, now, lessons=3, kinds=())
    await make_course(session, now, lessons=2, kinds=(), published=False)
    await session.commit()
    variables = {"courseId": encode("Course", first.course.id)}

    as_learner = await api.data(COUNTS, variables, api.token(learner, now))
    as_author = await api.data(COUNTS, variables, api.token(author, now))

    assert as_learner["courses"]["totalCount"] == 2
    assert as_learner["courses"]["edges"][0]["node"]["lessons"]["totalCount"] == 3
    assert (as_learner["lessons"]["totalCount"], as_learner["all"]["totalCount"]) == (3, 3)
    assert (as_author["lessons"]["totalCount"], as_author["all"]["totalCount"]) == (3, 5)


async def test_nested_lesson_counts_take_one_statement_for_all_courses_and_none_unless_asked(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    for lessons in (1, 2, 3, 4):
        await make_course(session, now, lessons=lessons, kinds=())
    await session.commit()
    token = api.token(learner, now)
    page = "{ courses(first: 10) { edges { node { lessons(first: 1) { %s edges { node { id } } } } } } }"

    counted = []
    for selection in ("", "totalCount"):
        counter = StatementCounter(engine)
        try:
            data = await api.data(page % selection, token=token)
        finally:
            counter.close()
        counted.append(len(counter.statements))

    totals = [edge["node"]["lessons"].get("totalCount") for edge in data["courses"]["edges"]]
    assert totals == [1, 2, 3, 4]
    assert counted[1] == counted[0] + 1  # one grouped COUNT for the four courses, and only when selected


async def test_a_class_counts_its_students_for_its_instructor(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    students = tuple([await make_user(session, settings, now) for _ in range(3)])
    class_ = await make_class(session, instructor, now, students=students)
    await session.commit()
    query = (
        "query($id: ID!) { node(id: $id) { ... on Class { students(first: 1) { totalCount edges { node { id } } } } } }"
    )

    data = await api.data(query, {"id": encode("Class", class_.id)}, api.token(instructor, now))

    assert data["node"]["students"]["totalCount"] == 3
    assert len(data["node"]["students"]["edges"]) == 1
