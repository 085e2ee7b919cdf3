"""Who may read which analytics, tried with foreign, guessed and malformed IDs.

Policy: anything you may not read is FORBIDDEN, whether or not it exists (so guessing IDs reveals
nothing); an ID that is not an ID of the right type at all is NOT_FOUND; anonymous is UNAUTHENTICATED.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Role
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_class, make_user
from tests.graph.conftest import Api

STUDENT = "query S($userId: ID) { studentAnalytics(userId: $userId) { count cache { hit } } }"
CLASS = "query C($classId: ID!) { classAnalytics(classId: $classId) { studentCount } }"


@pytest.fixture
async def world(session: AsyncSession, settings: Settings, now: datetime) -> dict[str, Any]:
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    rival = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    alice, bob, stranger = [await make_user(session, settings, now) for _ in range(3)]
    mine = await make_class(session, teacher, now, students=(alice, bob))
    theirs = await make_class(session, rival, now, students=(stranger,))
    await session.commit()
    return {
        "teacher": teacher, "rival": rival, "admin": admin, "alice": alice, "bob": bob, "stranger": stranger,
        "mine": mine, "theirs": theirs,
    }  # fmt: skip


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def read(api: Api, query: str, variables: dict[str, Any], token: str | None) -> tuple[Any, list[str]]:
    body = await api.post(query, variables, token)
    return body.get("data"), codes(body)


async def test_a_learner_cannot_read_another_learners_analytics(api: Api, world: dict[str, Any], now: datetime) -> None:
    token = api.token(world["alice"], now)
    targets = [
        encode("User", world["bob"].id),  # a classmate
        encode("User", world["stranger"].id),  # someone in another class
        encode("User", world["teacher"].id),  # their instructor
        encode("User", 987654),  # a guessed id
    ]

    results = [await read(api, STUDENT, {"userId": target}, token) for target in targets]

    assert results == [(None, ["FORBIDDEN"])] * 4


async def test_a_learner_cannot_read_any_class_analytics(api: Api, world: dict[str, Any], now: datetime) -> None:
    token = api.token(world["alice"], now)
    classes = [encode("Class", world["mine"].id), encode("Class", world["theirs"].id), encode("Class", 9999)]

    results = [await read(api, CLASS, {"classId": class_id}, token) for class_id in classes]

    assert results == [(None, ["FORBIDDEN"])] * 3


async def test_an_instructor_cannot_read_another_instructors_class_or_students(
    api: Api, world: dict[str, Any], now: datetime
) -> None:
    token = api.token(world["teacher"], now)

    foreign_class = await read(api, CLASS, {"classId": encode("Class", world["theirs"].id)}, token)
    guessed_class = await read(api, CLASS, {"classId": encode("Class", world["theirs"].id + 100)}, token)
    foreign_student = await read(api, STUDENT, {"userId": encode("User", world["stranger"].id)}, token)
    guessed_student = await read(api, STUDENT, {"userId": encode("User", 987654)}, token)

    assert foreign_class == guessed_class == foreign_student == guessed_student == (None, ["FORBIDDEN"])


async def test_the_refusal_reads_the_same_for_foreign_and_unknown_ids(
    api: Api, world: dict[str, Any], now: datetime
) -> None:
    token = api.token(world["rival"], now)

    foreign = await api.post(CLASS, {"classId": encode("Class", world["mine"].id)}, token)
    unknown = await api.post(CLASS, {"classId": encode("Class", 31337)}, token)

    assert foreign["errors"][0]["message"] == unknown["errors"][0]["message"]


async def test_malformed_and_wrong_type_ids_are_not_found(api: Api, world: dict[str, Any], now: datetime) -> None:
    token = api.token(world["teacher"], now)

    malformed = await read(api, CLASS, {"classId": "garbage"}, token)
    a_user_id = await read(api, CLASS, {"classId": encode("User", world["alice"].id)}, token)
    a_class_id = await read(api, STUDENT, {"userId": encode("Class", world["mine"].id)}, token)

    assert malformed == a_user_id == a_class_id == (None, ["NOT_FOUND"])


async def test_anonymous_viewers_must_log_in(api: Api, world: dict[str, Any]) -> None:
    student = await read(api, STUDENT, {}, None)
    class_ = await read(api, CLASS, {"classId": encode("Class", world["mine"].id)}, None)

    assert student == class_ == (None, ["UNAUTHENTICATED"])


async def test_allowed_readers_get_the_figures(api: Api, world: dict[str, Any], now: datetime) -> None:
    alice = encode("User", world["alice"].id)
    mine = {"classId": encode("Class", world["mine"].id)}

    own = await read(api, STUDENT, {}, api.token(world["alice"], now))
    own_by_id = await read(api, STUDENT, {"userId": alice}, api.token(world["alice"], now))
    teacher_on_student = await read(api, STUDENT, {"userId": alice}, api.token(world["teacher"], now))
    teacher_on_class = await read(api, CLASS, mine, api.token(world["teacher"], now))
    admin_on_class = await read(api, CLASS, mine, api.token(world["admin"], now))
    admin_on_student = await read(api, STUDENT, {"userId": alice}, api.token(world["admin"], now))

    assert own[1] == own_by_id[1] == teacher_on_student[1] == admin_on_student[1] == []
    assert own[0]["studentAnalytics"]["count"] == 0
    assert teacher_on_class == admin_on_class == ({"classAnalytics": {"studentCount": 2}}, [])


async def test_a_refused_reader_never_sees_a_cached_result(api: Api, world: dict[str, Any], now: datetime) -> None:
    mine = {"classId": encode("Class", world["mine"].id)}
    await read(api, CLASS, mine, api.token(world["teacher"], now))  # now cached

    refused = await read(api, CLASS, mine, api.token(world["rival"], now))

    assert refused == (None, ["FORBIDDEN"])
