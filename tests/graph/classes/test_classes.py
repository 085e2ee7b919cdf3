"""createClass, joinClass, the Class node and recordGrades through HTTP."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.models import Grade, Role, User
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_class, make_course, make_user
from tests.graph.conftest import Api

CREATE = """
mutation Create($input: ClassCreateInput!) {
  createClass(input: $input) {
    class { id name joinCode studentCount courses { id } instructor { id } }
    errors { field code message }
  }
}"""

JOIN = """
mutation Join($code: String!) {
  joinClass(input: { joinCode: $code }) {
    class { id name joinCode studentCount }
    errors { field code message }
  }
}"""

RECORD = """
mutation Record($input: RecordGradesInput!) {
  recordGrades(input: $input) { recorded errors { field code message } }
}"""

NODE = """
query Node($id: ID!) {
  node(id: $id) { ... on Class { id name joinCode students(first: 10) { edges { node { id } } } } }
}"""


def fields(errors: list[dict[str, Any]]) -> list[tuple[list[str], str]]:
    return [(error["field"], error["code"]) for error in errors]


async def test_an_instructor_creates_a_class_and_a_learner_joins_it(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    learner = await make_user(session, settings, now)
    course = await make_course(session, now)
    await session.commit()
    variables = {"input": {"name": "Statistics, group B", "courseIds": [encode("Course", course.course.id)]}}

    created = (await api.data(CREATE, variables, api.token(instructor, now)))["createClass"]
    code = created["class"]["joinCode"]
    joined = (await api.data(JOIN, {"code": code.lower()}, api.token(learner, now)))["joinClass"]

    assert created["errors"] == []
    assert created["class"]["name"] == "Statistics, group B"
    assert created["class"]["courses"] == [{"id": encode("Course", course.course.id)}]
    assert created["class"]["instructor"] == {"id": encode("User", instructor.id)}
    assert created["class"]["studentCount"] == 0
    assert joined["errors"] == []
    assert joined["class"]["id"] == created["class"]["id"]
    assert joined["class"]["joinCode"] is None  # students do not see the code
    assert joined["class"]["studentCount"] == 1


async def test_learners_cannot_create_classes(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()

    body = await api.post(CREATE, {"input": {"name": "Mine"}}, api.token(learner, now))

    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["FORBIDDEN"]


async def test_bad_class_input_and_unknown_codes_come_back_as_errors(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    token = api.token(instructor, now)

    created = await api.data(CREATE, {"input": {"name": " ", "courseIds": ["bogus"]}}, token)
    bad_name = await api.data(CREATE, {"input": {"name": " "}}, token)
    joined = await api.data(JOIN, {"code": "XXXX-XXXX"}, token)

    assert created["createClass"] == {"class": None, "errors": [
        {"field": ["courseIds", "0"], "code": "NOT_FOUND", "message": "'bogus' is not the ID of a Course."}
    ]}  # fmt: skip
    assert fields(bad_name["createClass"]["errors"]) == [(["name"], "INVALID")]
    assert fields(joined["joinClass"]["errors"]) == [(["joinCode"], "NOT_FOUND")]


async def test_a_class_is_visible_to_its_instructor_and_students_only(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    student, stranger = await make_user(session, settings, now), await make_user(session, settings, now)
    class_ = await make_class(session, instructor, now, students=(student,))
    await session.commit()
    variables = {"id": encode("Class", class_.id)}

    as_owner = (await api.data(NODE, variables, api.token(instructor, now)))["node"]
    as_student = (await api.data(NODE, variables, api.token(student, now)))["node"]
    hidden = [(await api.data(NODE, variables, api.token(user, now)))["node"] for user in (other, stranger)]
    anonymous = (await api.data(NODE, variables))["node"]

    assert as_owner["joinCode"] == class_.join_code
    assert as_owner["students"] == {"edges": [{"node": {"id": encode("User", student.id)}}]}
    assert as_student == {"id": encode("Class", class_.id), "name": class_.name, "joinCode": None, "students": None}
    assert hidden == [None, None]
    assert anonymous is None


async def test_viewer_classes_lists_taught_then_joined_classes(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    taught = await make_class(session, instructor, now)
    joined = await make_class(session, other, now, students=(instructor,))
    await make_class(session, other, now)
    await session.commit()

    data = await api.data("{ classes { id } }", token=api.token(instructor, now))

    assert data["classes"] == [{"id": encode("Class", taught.id)}, {"id": encode("Class", joined.id)}]


async def record_setup(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, list[User], Any]:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    students = [await make_user(session, settings, now) for _ in range(2)]
    class_ = await make_class(session, instructor, now, students=tuple(students))
    await session.commit()
    return instructor, students, class_


def grade_row(student: User | str, external_id: str, score: float, max_score: float = 20.0) -> dict[str, Any]:
    student_id = student if isinstance(student, str) else encode("User", student.id)
    return {"studentId": student_id, "subject": "Midterm", "score": score, "maxScore": max_score,
            "externalId": external_id, "date": "2026-03-01"}  # fmt: skip


async def test_record_grades_keeps_good_rows_and_reports_bad_ones(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    instructor, (alice, bob), class_ = await record_setup(session, settings, now)
    rows = [
        grade_row(alice, "m-1", 15),
        grade_row(bob, "m-2", 21),
        grade_row(bob, "m-3", -1),
        grade_row("VXNlcjo5OTk5", "m-4", 10),  # a guessed user id
        grade_row("not-an-id", "m-5", 10),
        grade_row(bob, "m-6", 19.5),
    ]
    variables = {"input": {"classId": encode("Class", class_.id), "rows": rows}}

    first = (await api.data(RECORD, variables, api.token(instructor, now)))["recordGrades"]
    again = (await api.data(RECORD, variables, api.token(instructor, now)))["recordGrades"]

    assert fields(first["errors"]) == [
        (["rows", "1", "score"], "INVALID"),
        (["rows", "2", "score"], "INVALID"),
        (["rows", "3", "studentId"], "NOT_FOUND"),
        (["rows", "4", "studentId"], "NOT_FOUND"),
    ]
    assert first["recorded"] == 2
    assert again == first  # idempotent by external id
    async with engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(Grade))).scalar_one() == 2


async def test_record_grades_is_forbidden_outside_your_classes(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    _, (alice, _bob), class_ = await record_setup(session, settings, now)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    rows = [grade_row(alice, "m-1", 15)]

    attempts = [
        (other, encode("Class", class_.id)),  # a foreign class
        (other, encode("Class", 424242)),  # a guessed one
        (alice, encode("Class", class_.id)),  # a student of the class
    ]
    codes = []
    for viewer, class_id in attempts:
        body = await api.post(RECORD, {"input": {"classId": class_id, "rows": rows}}, api.token(viewer, now))
        codes.append([error["extensions"]["code"] for error in body.get("errors", [])])

    assert codes == [["FORBIDDEN"], ["FORBIDDEN"], ["FORBIDDEN"]]


async def test_a_nan_score_is_refused_by_the_graphql_float_before_any_row_is_stored(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor, (alice, _bob), class_ = await record_setup(session, settings, now)
    query = RECORD.replace("$input: RecordGradesInput!", "$classId: ID!, $student: ID!").replace(
        "recordGrades(input: $input)",
        'recordGrades(input: {classId: $classId, rows: [{studentId: $student, subject: "Quiz", score: NaN, '
        'maxScore: 10, externalId: "q"}]})',
    )

    body = await api.post(query, {"classId": encode("Class", class_.id), "student": encode("User", alice.id)},
                          api.token(instructor, now))  # fmt: skip

    assert body.get("data") is None
    assert len(body["errors"]) == 1  # NaN is not a GraphQL value at all; the domain rejects it too
