"""Out-of-range and malformed IDs and cursors are "not found" or "invalid", never an internal error."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.content.topics import ensure_topic_path
from domain.models import Role, Submission
from domain.settings import Settings
from graph.ids import MAX_KEY, decode, encode, key_of
from tests.factories import make_course, make_user
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import count

# At and past the INTEGER columns' range (32-bit on PostgreSQL) and past 64 bits (SQLite's range).
KEYS = [MAX_KEY + 1, 2**63 - 1, 2**63, 2**64, 10**20]


def raw_id(type_name: str, key: object) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


@pytest.mark.parametrize("text", ["1", "2147483647", "0001"])
def test_key_of_reads_positive_integers_in_range(text: str) -> None:
    assert key_of(text) == int(text)


@pytest.mark.parametrize("text", ["", "0", "-1", "+1", "1.0", " 1", "²", "١٢٣", "2147483648", "9" * 30])
def test_key_of_refuses_anything_else(text: str) -> None:
    assert key_of(text) is None


@pytest.mark.parametrize("key", KEYS)
def test_decode_refuses_keys_past_the_column_range(key: int) -> None:
    with pytest.raises(Exception, match="is not the ID of a Problem") as raised:
        decode(raw_id("Problem", key), "Problem", ["problemId"])

    assert raised.value.field == ["problemId"]  # type: ignore[attr-defined]


LOOKUPS = {
    "node": ('{ node(id: "%s") { id } }', "Problem", "null"),
    "problem": ('{ problem(id: "%s") { id } }', "Problem", "NOT_FOUND"),  # as for any malformed ID
    "lesson": ('{ lesson(id: "%s") { id } }', "Lesson", "NOT_FOUND"),
    "job": ('{ job(id: "%s") { id } }', "Job", "NOT_FOUND"),
    "studentAnalytics": ('{ studentAnalytics(userId: "%s") { count } }', "User", "NOT_FOUND"),
    "course leaderboard": (
        '{ leaderboard(scope: {kind: COURSE, id: "%s"}) { entries { rank } } }',
        "Course",
        "NOT_FOUND",
    ),
    "class leaderboard": ('{ leaderboard(scope: {kind: CLASS, id: "%s"}) { entries { rank } } }', "Class", "NOT_FOUND"),
}


@pytest.mark.parametrize("lookup", list(LOOKUPS))
async def test_out_of_range_ids_are_not_found(
    lookup: str, api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()
    query, type_name, expected = LOOKUPS[lookup]

    for key in KEYS:
        body = await api.post(query % raw_id(type_name, key), token=api.token(learner, now))

        if expected == "null":
            assert "errors" not in body, (key, body)
            assert next(iter(body["data"].values())) is None
        else:
            assert codes(body) == [expected], (key, body)


SUBMIT = "mutation($i: SubmitAnswersInput!) { submitAnswers(input: $i) { submission { id } errors { code field } } }"
SUBMIT_ONE = "mutation($i: SubmitAnswerInput!) { submitAnswer(input: $i) { submission { id } errors { code field } } }"


async def test_submissions_naming_out_of_range_ids_store_nothing(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    await session.commit()
    token = api.token(learner, now)
    lesson = encode("Lesson", fixture.lessons[0].id)

    for key in KEYS:
        problem = raw_id("Problem", key)
        lesson_body = await api.data(
            SUBMIT, {"i": {"lessonId": raw_id("Lesson", key), "idempotencyKey": f"a{key}", "answers": []}}, token
        )
        problem_body = await api.data(
            SUBMIT, {"i": {"lessonId": lesson, "idempotencyKey": f"b{key}", "answers": [{"problemId": problem}]}}, token
        )
        one_body = await api.data(
            SUBMIT_ONE,
            {"i": {"problemId": problem, "idempotencyKey": f"c{key}", "answer": {"problemId": problem}}},
            token,
        )

        assert lesson_body["submitAnswers"]["errors"] == [{"code": "NOT_FOUND", "field": ["lessonId"]}]
        assert {"code": "NOT_FOUND", "field": ["answers", "0", "problemId"]} in problem_body["submitAnswers"]["errors"]
        assert one_body["submitAnswer"]["errors"][0] == {"code": "NOT_FOUND", "field": ["problemId"]}
    assert await count(engine, Submission) == 0


@pytest.mark.parametrize(
    "cursor", ["c:2147483648", "c:99999999999999999999", "c:-99999999999999999999", "c:1:2", "x:1"]
)
async def test_out_of_range_cursors_are_invalid(cursor: str, api: Api) -> None:
    after = base64.urlsafe_b64encode(cursor.encode()).decode()

    body = await api.post("query($after: String) { courses(after: $after) { edges { cursor } } }", {"after": after})

    assert codes(body) == ["INVALID"]
    assert "cursor is malformed" in body["errors"][0]["message"]


async def test_out_of_range_lesson_cursors_are_invalid(api: Api) -> None:
    after = base64.urlsafe_b64encode(f"c:1:{2**40}:1".encode()).decode()

    body = await api.post("query($after: String) { lessons(after: $after) { edges { cursor } } }", {"after": after})

    assert codes(body) == ["INVALID"]


async def test_topics_lists_the_roots_of_the_tree(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    await ensure_topic_path(session, "algebra__linear_equations")
    await ensure_topic_path(session, "geometry")
    await session.commit()
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()

    for token in (None, api.token(teacher, now)):
        data = await api.data("{ topics { name children { name } } }", token=token)

        assert data["topics"] == [
            {"name": "Algebra", "children": [{"name": "Linear Equations"}]},
            {"name": "Geometry", "children": []},
        ]
