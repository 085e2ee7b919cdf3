"""Bulk import: good items are stored, bad ones reported by path, ids make it idempotent."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from domain.content.importing import ImportReport, import_problems
from domain.errors import DomainError, Forbidden, Invalid, NotFound
from domain.infra.database import session_factory
from domain.models import Lesson, Option, Problem, ProblemTopic, Role, Topic, User
from domain.settings import Settings
from tests.factories import make_lesson, make_user


def errors_of(error: DomainError) -> list[tuple[list[str] | None, str]]:
    return [(error.field, error.code)]


def item_errors(report: ImportReport) -> list[tuple[int, str | None, list[str], str]]:
    return [(e.index, e.external_id, e.field, e.code) for e in report.errors]


def mcq(id: str = "q-mcq", **changes: Any) -> dict[str, Any]:
    return {
        "id": id,
        "type": "mcq",
        "question": "Which keyword declares a type?",
        "options": ["type", "struct", "class"],
        "answer": "type",
        "explanation": "SDL uses `type`.",
        "difficulty": 1,
        "tags": ["graphql"],
        "topic": "backend__api__graphql",
        **changes,
    }


GOOD_ITEMS: list[dict[str, Any]] = [
    mcq(),
    mcq("q-multi", answer=["type", 2], question="Which are keywords somewhere?"),
    mcq("q-index", answer=1, question="Which is a Go keyword?"),
    {
        "id": "q-numeric",
        "type": "numeric",
        "question": "Bits in a GraphQL Int?",
        "answer": 32,
        "tolerance": 0,
        "difficulty": 2,
    },
    {
        "id": "q-short",
        "type": "short",
        "question": "Directive that marks a field as deprecated?",
        "answer": "@deprecated",
        "accepted": ["deprecated"],
    },
    {
        "id": "q-theory",
        "type": "theory",
        "question": "Explain null propagation.",
        "answer": "The nearest nullable parent becomes null.",
        "rubric": ["nearest nullable parent"],
        "tags": ["graphql"],
    },
    {
        "id": "q-scenario",
        "type": "scenario",
        "question": "Union or interface for unrelated search results?",
        "answer": "A union.",
        "tags": ["scenario"],
    },
]


@pytest.fixture
async def instructor(session: AsyncSession, settings: Settings, now: datetime) -> User:
    return await make_user(session, settings, now, role=Role.INSTRUCTOR)


@pytest.fixture
async def lesson_id(session: AsyncSession, instructor: User, now: datetime) -> int:
    return await make_lesson(session, now, owner=instructor)


async def count(session: AsyncSession, model: type[Any]) -> int:
    return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_good_items_are_stored_and_bad_ones_reported_by_field(
    session: AsyncSession, instructor: User, lesson_id: int, now: datetime
) -> None:
    bad_items: list[Any] = [
        mcq("bad-answer", answer="interface"),
        {"id": "bad-type", "type": "essay", "question": "?", "answer": "x"},
        {"id": "bad-difficulty", "type": "numeric", "question": "?", "answer": 1} | {"difficulty": 7},
        {"id": "bad-topic", "type": "short", "question": "?", "answer": "x"} | {"topic": "Backend/API"},
        {"id": "bad-number", "type": "numeric", "question": "?", "answer": "32"},
        {"id": "no-question", "type": "theory", "answer": "x", "colour": "red"},
        mcq("bad-options", options=["a", "A"], answer="a"),
        mcq("bad-multi", answer=["type", 9]),
        "not an object",
        {"id": "no-answer", "type": "short", "question": "?", "rubric": ["x"]},
    ]
    items = GOOD_ITEMS[:3] + bad_items + GOOD_ITEMS[3:]

    report = await import_problems(session, instructor, lesson_id, items, now)

    assert item_errors(report) == [
        (3, "bad-answer", ["items", "3", "answer"], "ANSWER_NOT_AN_OPTION"),
        (4, "bad-type", ["items", "4", "type"], "UNKNOWN_TYPE"),
        (5, "bad-difficulty", ["items", "5", "difficulty"], "OUT_OF_RANGE"),
        (6, "bad-topic", ["items", "6", "topic"], "INVALID"),
        (7, "bad-number", ["items", "7", "answer"], "WRONG_TYPE"),
        (8, "no-question", ["items", "8", "colour"], "UNKNOWN_FIELD"),
        (8, "no-question", ["items", "8", "question"], "REQUIRED"),
        (9, "bad-options", ["items", "9", "options", "1"], "DUPLICATE_OPTION"),
        (10, "bad-multi", ["items", "10", "answer", "1"], "ANSWER_NOT_AN_OPTION"),
        (11, None, ["items", "11"], "WRONG_TYPE"),
        (12, "no-answer", ["items", "12", "rubric"], "NOT_ALLOWED"),
        (12, "no-answer", ["items", "12", "answer"], "REQUIRED"),
    ]
    assert [p.external_id for p in report.created] == [i["id"] for i in GOOD_ITEMS]
    assert report.updated == []
    stored = {p.external_id: p for p in report.created}
    assert [p.position for p in report.created] == list(range(7))
    assert {key: p.kind for key, p in stored.items()} == {
        "q-mcq": "SINGLE_CHOICE",
        "q-multi": "MULTIPLE_CHOICE",
        "q-index": "SINGLE_CHOICE",
        "q-numeric": "NUMERIC",
        "q-short": "SHORT_TEXT",
        "q-theory": "FREE_TEXT",
        "q-scenario": "FREE_TEXT",
    }
    assert stored["q-numeric"].numeric_answer == 32.0
    assert stored["q-short"].accepted_answers == ["@deprecated", "deprecated"]
    assert stored["q-theory"].tags == ["graphql", "theory"]
    assert stored["q-theory"].rubric == ["nearest nullable parent"]
    assert stored["q-scenario"].tags == ["scenario"]
    assert await count(session, Problem) == 7


async def test_choice_answers_mark_the_right_options_and_topics_are_linked(
    session: AsyncSession, instructor: User, lesson_id: int, now: datetime
) -> None:
    report = await import_problems(session, instructor, lesson_id, GOOD_ITEMS[:3], now)
    assert item_errors(report) == []
    ids = {p.external_id: p.id for p in report.created}
    query = select(col(Option.problem_id), col(Option.text), col(Option.correct)).order_by(
        col(Option.problem_id), col(Option.position)
    )
    correct: dict[int, list[str]] = {}
    for problem_id, text, is_correct in await session.execute(query):
        if is_correct:
            correct.setdefault(problem_id, []).append(text)
    assert {key: correct[value or 0] for key, value in ids.items()} == {
        "q-mcq": ["type"],
        "q-multi": ["type", "class"],
        "q-index": ["struct"],
    }
    links = select(col(Topic.path)).join(ProblemTopic, col(ProblemTopic.topic_id) == col(Topic.id))
    assert set((await session.execute(links)).scalars()) == {"backend__api__graphql"}
    assert await count(session, Topic) == 3


async def test_reimporting_the_same_ids_updates_in_place(
    session: AsyncSession, instructor: User, lesson_id: int, now: datetime
) -> None:
    first = await import_problems(session, instructor, lesson_id, GOOD_ITEMS, now)
    changed = [mcq(question="Which keyword declares an object type?", difficulty=2)]
    other_lesson = await make_lesson(session, now, owner=instructor)

    second = await import_problems(session, instructor, other_lesson, changed + GOOD_ITEMS[1:], now)

    assert item_errors(first) == item_errors(second) == []
    assert second.created == []
    assert [p.id for p in second.updated] == [p.id for p in first.created]
    problem = second.updated[0]
    assert (problem.prompt, problem.difficulty, problem.lesson_id) == (
        "Which keyword declares an object type?",
        2,
        lesson_id,
    )
    assert await count(session, Problem) == len(GOOD_ITEMS)
    assert await count(session, Option) == 9


async def test_learner_and_other_instructors_cannot_import(
    session: AsyncSession, settings: Settings, lesson_id: int, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    rival = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    for viewer in (learner, rival):
        with pytest.raises(Forbidden) as caught:
            await import_problems(session, viewer, lesson_id, GOOD_ITEMS, now)
        assert errors_of(caught.value) == [(None, "FORBIDDEN")]
    assert await count(session, Problem) == 0


async def test_admin_may_import_into_any_lesson(
    session: AsyncSession, settings: Settings, lesson_id: int, now: datetime
) -> None:
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    report = await import_problems(session, admin, lesson_id, GOOD_ITEMS[:1], now)
    assert item_errors(report) == []
    assert len(report.created) == 1


async def test_unknown_lesson_is_not_found(session: AsyncSession, instructor: User, now: datetime) -> None:
    with pytest.raises(NotFound) as caught:
        await import_problems(session, instructor, 999, GOOD_ITEMS, now)
    assert errors_of(caught.value) == [(["lessonId"], "NOT_FOUND")]


async def test_more_than_a_thousand_items_are_refused(
    session: AsyncSession, instructor: User, lesson_id: int, now: datetime
) -> None:
    items = [mcq(f"q-{i}") for i in range(1001)]
    with pytest.raises(Invalid) as caught:
        await import_problems(session, instructor, lesson_id, items, now)
    assert errors_of(caught.value) == [(["items"], "TOO_MANY_ITEMS")]


async def test_an_id_owned_by_another_course_is_a_forbidden_item(
    session: AsyncSession, settings: Settings, instructor: User, lesson_id: int, now: datetime
) -> None:
    rival = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    rival_lesson = await make_lesson(session, now, owner=rival)
    await import_problems(session, rival, rival_lesson, [mcq("taken")], now)

    report = await import_problems(session, instructor, lesson_id, [mcq("taken"), mcq("mine")], now)

    assert item_errors(report) == [(0, "taken", ["items", "0", "id"], "FORBIDDEN")]
    assert [p.external_id for p in report.created] == ["mine"]
    query = select(col(Problem.lesson_id)).where(col(Problem.external_id) == "taken")
    assert (await session.execute(query)).scalar_one() == rival_lesson


async def test_an_id_twice_in_one_import_is_reported_once_stored_once(
    session: AsyncSession, instructor: User, lesson_id: int, now: datetime
) -> None:
    report = await import_problems(session, instructor, lesson_id, [mcq("twice"), mcq("twice")], now)
    assert item_errors(report) == [(1, "twice", ["items", "1", "id"], "DUPLICATE_ID")]
    assert len(report.created) == 1
    assert await count(session, Lesson) == 1


async def test_concurrent_imports_of_a_new_id_store_it_once(
    engine: AsyncEngine, settings: Settings, now: datetime
) -> None:
    factory = session_factory(engine, write=True)
    async with factory() as session:
        owner = await make_user(session, settings, now, role=Role.INSTRUCTOR)
        lesson = await make_lesson(session, now, owner=owner)
        await session.commit()
    postgres = engine.dialect.name == "postgresql"
    ready = asyncio.Barrier(2)

    async def run() -> ImportReport:
        async with factory() as session:
            await session.execute(select(func.count()).select_from(Problem))
            if postgres:  # SQLite writers queue at BEGIN; PostgreSQL ones really race
                await ready.wait()
            report = await import_problems(session, owner, lesson, [mcq("raced")], now)
            await session.commit()
            return report

    reports = await asyncio.gather(run(), run())

    outcomes = sorted((len(r.created), len(r.updated), tuple(item_errors(r))) for r in reports)
    raced = (0, 0, ((0, "raced", ["items", "0", "id"], "EXTERNAL_ID_TAKEN"),))
    assert outcomes == ([raced, (1, 0, ())] if postgres else [(0, 1, ()), (1, 0, ())])
    async with factory() as session:
        assert await count(session, Problem) == 1
