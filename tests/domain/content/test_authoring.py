"""Authoring: who may change what, the problem rules, lesson order and the topic tree."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from domain.content import courses as authoring
from domain.content import problems as problem_authoring
from domain.content import topics
from domain.content.courses import CourseDraft, CoursePatch, LessonDraft, LessonPatch
from domain.content.problems import OptionDraft, ProblemDraft, ProblemPatch
from domain.content.topics import TopicDraft
from domain.errors import Conflict, DomainError, Forbidden, Invalid, InvalidErrors, NotFound
from domain.infra.database import session_factory
from domain.models import Lesson, Option, ProblemKind, ProblemStatus, ProblemTopic, Role, Topic, User
from domain.settings import Settings
from tests.factories import make_user

SINGLE = ProblemKind.SINGLE_CHOICE
MULTIPLE = ProblemKind.MULTIPLE_CHOICE


def errors_of(error: DomainError) -> list[tuple[list[str] | None, str]]:
    """(field, code) of every error a failure carries, in order."""
    found = error.errors if isinstance(error, InvalidErrors) else [error]
    return [(e.field, e.code) for e in found]


VALID = {
    ProblemKind.SINGLE_CHOICE: ProblemDraft(
        1, SINGLE, "Which?", options=(OptionDraft("Yes", True), OptionDraft("No", False))
    ),
    ProblemKind.MULTIPLE_CHOICE: ProblemDraft(
        1, MULTIPLE, "Which?", options=(OptionDraft("A", True), OptionDraft("B", True))
    ),
    ProblemKind.NUMERIC: ProblemDraft(1, ProblemKind.NUMERIC, "How many?", numeric_answer=42.0, tolerance=0.5),
    ProblemKind.SHORT_TEXT: ProblemDraft(1, ProblemKind.SHORT_TEXT, "Name?", accepted_answers=("@deprecated",)),
    ProblemKind.FREE_TEXT: ProblemDraft(1, ProblemKind.FREE_TEXT, "Why?", reference_answer="Null propagation."),
}


def problem(kind: ProblemKind = SINGLE, **changes: Any) -> ProblemDraft:
    """A valid draft of the kind, with `changes` applied."""
    return replace(VALID[kind], **changes)


@pytest.fixture
async def instructor(session: AsyncSession, settings: Settings, now: datetime) -> User:
    return await make_user(session, settings, now, role=Role.INSTRUCTOR)


@pytest.fixture
async def rival(session: AsyncSession, settings: Settings, now: datetime) -> User:
    return await make_user(session, settings, now, role=Role.INSTRUCTOR)


@pytest.fixture
async def admin(session: AsyncSession, settings: Settings, now: datetime) -> User:
    return await make_user(session, settings, now, role=Role.ADMIN)


@pytest.fixture
async def learner(session: AsyncSession, settings: Settings, now: datetime) -> User:
    return await make_user(session, settings, now)


@pytest.fixture
async def lesson(session: AsyncSession, instructor: User, now: datetime) -> Lesson:
    course = await authoring.create_course(session, instructor, CourseDraft("graphql", "GraphQL"), now)
    assert course.id is not None
    return await authoring.create_lesson(session, instructor, LessonDraft(course.id, "Schemas"), now)


# -- validate_problem: plain rules, no database ---------------------------------------------------


@pytest.mark.parametrize("kind", list(ProblemKind))
def test_a_valid_problem_of_each_kind_has_no_errors(kind: ProblemKind) -> None:
    assert problem_authoring.validate_problem(problem(kind)) == []


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (problem(prompt="  "), [(["prompt"], "REQUIRED")]),
        (problem(prompt="x" * 10_001), [(["prompt"], "TOO_LONG")]),
        (problem(difficulty=0), [(["difficulty"], "OUT_OF_RANGE")]),
        (problem(difficulty=6), [(["difficulty"], "OUT_OF_RANGE")]),
        (problem(options=(OptionDraft("Only", True),)), [(["options"], "OPTION_COUNT")]),
        (problem(options=tuple(OptionDraft(str(i), i == 0) for i in range(11))), [(["options"], "OPTION_COUNT")]),
        (
            problem(options=(OptionDraft("Yes", True), OptionDraft(" ", False))),
            [(["options", "1", "text"], "REQUIRED")],
        ),
        (
            problem(options=(OptionDraft("Yes", True), OptionDraft(" yes ", False))),
            [(["options", "1", "text"], "DUPLICATE_OPTION")],
        ),
        (problem(options=(OptionDraft("Yes", True), OptionDraft("No", True))), [(["options"], "CORRECT_OPTION_COUNT")]),
        (
            problem(options=(OptionDraft("Yes", False), OptionDraft("No", False))),
            [(["options"], "CORRECT_OPTION_COUNT")],
        ),
        (
            problem(MULTIPLE, options=(OptionDraft("A", False), OptionDraft("B", False))),
            [(["options"], "CORRECT_OPTION_COUNT")],
        ),
        (problem(MULTIPLE, options=()), [(["options"], "OPTION_COUNT")]),
        (problem(ProblemKind.NUMERIC, numeric_answer=None), [(["numericAnswer"], "REQUIRED")]),
        (problem(ProblemKind.NUMERIC, numeric_answer=math.inf), [(["numericAnswer"], "NOT_FINITE")]),
        (problem(ProblemKind.NUMERIC, tolerance=-0.1), [(["tolerance"], "OUT_OF_RANGE")]),
        (problem(ProblemKind.NUMERIC, tolerance=math.nan), [(["tolerance"], "OUT_OF_RANGE")]),
        (problem(ProblemKind.SHORT_TEXT, accepted_answers=("", "  ")), [(["acceptedAnswers"], "REQUIRED")]),
        (problem(ProblemKind.FREE_TEXT, reference_answer=None), [(["referenceAnswer"], "REQUIRED")]),
        (problem(ProblemKind.NUMERIC, options=(OptionDraft("42", True),)), [(["options"], "NOT_ALLOWED")]),
        (problem(tags=("x" * 51,)), [(["tags"], "TOO_LONG")]),
        (problem(external_id=" "), [(["externalId"], "INVALID")]),
        (problem(position=-1), [(["position"], "INVALID")]),
    ],
)
def test_validate_problem_reports_each_rule_with_its_field(
    draft: ProblemDraft, expected: list[tuple[list[str], str]]
) -> None:
    assert [(e.field, e.code) for e in problem_authoring.validate_problem(draft)] == expected


def test_validate_problem_collects_every_error_at_once() -> None:
    draft = problem(
        ProblemKind.FREE_TEXT, prompt="", difficulty=9, reference_answer="", options=(OptionDraft("a", True),)
    )
    assert [(e.field, e.code) for e in problem_authoring.validate_problem(draft)] == [
        (["prompt"], "REQUIRED"),
        (["difficulty"], "OUT_OF_RANGE"),
        (["options"], "NOT_ALLOWED"),
        (["referenceAnswer"], "REQUIRED"),
    ]


def test_topic_path_segments_reject_malformed_paths() -> None:
    assert topics.topic_path_segments("backend__api") == ["backend", "api"]
    for bad in ["", "Backend", "a___b", "a__", "a b", "__".join("abcdefghi")]:
        with pytest.raises(Invalid) as caught:
            topics.topic_path_segments(bad)
        assert errors_of(caught.value) == [(["path"], "INVALID")]


# -- courses and lessons -------------------------------------------------------------------------


async def test_learner_cannot_create_course(session: AsyncSession, learner: User, now: datetime) -> None:
    with pytest.raises(Forbidden) as caught:
        await authoring.create_course(session, learner, CourseDraft("a", "A"), now)
    assert errors_of(caught.value) == [(None, "FORBIDDEN")]


async def test_instructor_creates_a_course_they_own(session: AsyncSession, instructor: User, now: datetime) -> None:
    draft = CourseDraft(" GraphQL-101 ", " GraphQL ", "Intro")
    course = await authoring.create_course(session, instructor, draft, now)
    assert (course.slug, course.title, course.description) == ("graphql-101", "GraphQL", "Intro")
    assert course.owner_id == instructor.id


async def test_taken_slug_is_a_conflict(session: AsyncSession, instructor: User, rival: User, now: datetime) -> None:
    await authoring.create_course(session, instructor, CourseDraft("sql", "SQL"), now)
    with pytest.raises(Conflict) as caught:
        await authoring.create_course(session, rival, CourseDraft("sql", "Mine"), now)
    assert errors_of(caught.value) == [(["slug"], "SLUG_TAKEN")]


async def test_bad_slug_and_empty_title_are_reported_together(
    session: AsyncSession, instructor: User, now: datetime
) -> None:
    with pytest.raises(InvalidErrors) as caught:
        await authoring.create_course(session, instructor, CourseDraft("no spaces!", " "), now)
    assert errors_of(caught.value) == [(["slug"], "INVALID"), (["title"], "REQUIRED")]


async def test_other_instructor_cannot_change_a_course_or_its_content(
    session: AsyncSession, lesson: Lesson, rival: User, now: datetime
) -> None:
    assert lesson.id is not None
    lesson_id, course_id = lesson.id, lesson.course_id
    attempts: list[Callable[[], Awaitable[object]]] = [
        lambda: authoring.update_course(session, rival, course_id, CoursePatch("X")),
        lambda: authoring.create_lesson(session, rival, LessonDraft(course_id, "X"), now),
        lambda: authoring.update_lesson(session, rival, lesson_id, LessonPatch("X")),
        lambda: authoring.publish_lesson(session, rival, lesson_id),
        lambda: problem_authoring.create_problem(session, rival, problem(lesson_id=lesson_id), now),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden) as caught:
            await attempt()
        assert errors_of(caught.value) == [(None, "FORBIDDEN")]


async def test_other_instructor_cannot_change_a_problem(
    session: AsyncSession, lesson: Lesson, instructor: User, rival: User, now: datetime
) -> None:
    assert lesson.id is not None
    draft = problem(lesson_id=lesson.id)
    stored = await problem_authoring.create_problem(session, instructor, draft, now)
    assert stored.id is not None
    with pytest.raises(Forbidden) as caught:
        await problem_authoring.update_problem(session, rival, stored.id, ProblemPatch(prompt="X"))
    assert errors_of(caught.value) == [(None, "FORBIDDEN")]


async def test_admin_may_change_any_course_and_lesson(
    session: AsyncSession, lesson: Lesson, admin: User, now: datetime
) -> None:
    assert lesson.id is not None
    patch = CoursePatch(title="Renamed", description="New")
    course = await authoring.update_course(session, admin, lesson.course_id, patch)
    published = await authoring.publish_lesson(session, admin, lesson.id)
    assert (course.title, course.description, published.published) == ("Renamed", "New", True)


async def test_unknown_course_and_lesson_are_not_found(session: AsyncSession, instructor: User, now: datetime) -> None:
    with pytest.raises(NotFound) as course_error:
        await authoring.create_lesson(session, instructor, LessonDraft(999, "X"), now)
    with pytest.raises(NotFound) as lesson_error:
        await authoring.publish_lesson(session, instructor, 999)
    assert errors_of(course_error.value) == [(["courseId"], "NOT_FOUND")]
    assert errors_of(lesson_error.value) == [(["lessonId"], "NOT_FOUND")]


async def test_lessons_are_appended_unpublished_and_can_be_moved(
    session: AsyncSession, lesson: Lesson, instructor: User, now: datetime
) -> None:
    course_id = lesson.course_id
    second = await authoring.create_lesson(session, instructor, LessonDraft(course_id, "Second"), now)
    first = await authoring.create_lesson(session, instructor, LessonDraft(course_id, "First", position=0), now)
    assert second.id is not None
    await authoring.update_lesson(session, instructor, second.id, LessonPatch(position=0))
    query = select(col(Lesson.title), col(Lesson.position), col(Lesson.published)).where(
        col(Lesson.course_id) == course_id
    )
    rows = (await session.execute(query.order_by(col(Lesson.position)))).all()
    assert [tuple(row) for row in rows] == [("Second", 0, False), ("First", 1, False), ("Schemas", 2, False)]
    assert first.position == 1


async def test_lesson_patch_errors_are_collected(session: AsyncSession, lesson: Lesson, instructor: User) -> None:
    assert lesson.id is not None
    patch = LessonPatch(title="", position=-2)
    with pytest.raises(InvalidErrors) as caught:
        await authoring.update_lesson(session, instructor, lesson.id, patch)
    assert errors_of(caught.value) == [(["position"], "INVALID"), (["title"], "REQUIRED")]


# -- problems ------------------------------------------------------------------------------------


async def _option_rows(session: AsyncSession, problem_id: int) -> list[tuple[int | None, str, bool]]:
    query = (
        select(col(Option.id), col(Option.text), col(Option.correct))
        .where(col(Option.problem_id) == problem_id)
        .order_by(col(Option.position))
    )
    return [(row[0], row[1], row[2]) for row in (await session.execute(query)).all()]


async def test_create_problem_stores_options_topics_and_position(
    session: AsyncSession, lesson: Lesson, instructor: User, now: datetime
) -> None:
    assert lesson.id is not None
    topic = await topics.ensure_topic_path(session, "backend__api")
    assert topic.id is not None
    first = await problem_authoring.create_problem(
        session, instructor, problem(lesson_id=lesson.id, external_id="p-1"), now
    )
    draft = problem(MULTIPLE, lesson_id=lesson.id, topic_ids=(topic.id,), status=ProblemStatus.DRAFT)
    second = await problem_authoring.create_problem(session, instructor, draft, now)
    assert second.id is not None
    assert (first.position, second.position) == (0, 1)
    assert (second.kind, second.status) == ("MULTIPLE_CHOICE", "DRAFT")
    assert [row[1:] for row in await _option_rows(session, second.id)] == [("A", True), ("B", True)]
    links = select(col(ProblemTopic.topic_id)).where(col(ProblemTopic.problem_id) == second.id)
    assert list((await session.execute(links)).scalars()) == [topic.id]


async def test_invalid_problem_is_rejected_with_all_its_errors(
    session: AsyncSession, lesson: Lesson, instructor: User, now: datetime
) -> None:
    assert lesson.id is not None
    draft = problem(ProblemKind.NUMERIC, lesson_id=lesson.id, prompt="", numeric_answer=None)
    with pytest.raises(InvalidErrors) as caught:
        await problem_authoring.create_problem(session, instructor, draft, now)
    assert errors_of(caught.value) == [(["prompt"], "REQUIRED"), (["numericAnswer"], "REQUIRED")]


async def test_unknown_topic_and_taken_external_id_are_reported(
    session: AsyncSession, lesson: Lesson, instructor: User, now: datetime
) -> None:
    assert lesson.id is not None
    draft = problem(lesson_id=lesson.id, external_id="same")
    await problem_authoring.create_problem(session, instructor, draft, now)
    with pytest.raises(Conflict) as taken:
        await problem_authoring.create_problem(session, instructor, draft, now)
    with pytest.raises(NotFound) as unknown:
        await problem_authoring.create_problem(session, instructor, problem(lesson_id=lesson.id, topic_ids=(404,)), now)
    assert errors_of(taken.value) == [(["externalId"], "EXTERNAL_ID_TAKEN")]
    assert errors_of(unknown.value) == [(["topicIds", "0"], "NOT_FOUND")]


async def test_update_problem_replaces_options_and_keeps_ids_of_unchanged_texts(
    session: AsyncSession, lesson: Lesson, instructor: User, now: datetime
) -> None:
    assert lesson.id is not None
    stored = await problem_authoring.create_problem(session, instructor, problem(lesson_id=lesson.id), now)
    assert stored.id is not None
    before = await _option_rows(session, stored.id)
    options = (OptionDraft("Maybe", True), OptionDraft("Yes", False))
    patch = ProblemPatch(prompt="Really?", options=options, difficulty=3)
    updated = await problem_authoring.update_problem(session, instructor, stored.id, patch)
    after = await _option_rows(session, stored.id)
    assert (updated.prompt, updated.difficulty) == ("Really?", 3)
    assert [row[1:] for row in after] == [("Maybe", True), ("Yes", False)]
    assert after[1][0] == before[0][0]  # "Yes" kept its id


async def test_update_problem_validates_the_merged_result(
    session: AsyncSession, lesson: Lesson, instructor: User, now: datetime
) -> None:
    assert lesson.id is not None
    stored = await problem_authoring.create_problem(session, instructor, problem(lesson_id=lesson.id), now)
    assert stored.id is not None
    patch = ProblemPatch(kind=ProblemKind.NUMERIC, numeric_answer=3.0)
    with pytest.raises(Invalid) as caught:
        await problem_authoring.update_problem(session, instructor, stored.id, patch)
    assert errors_of(caught.value) == [(["options"], "NOT_ALLOWED")]
    cleared = ProblemPatch(kind=ProblemKind.NUMERIC, numeric_answer=3.0, options=())
    numeric = await problem_authoring.update_problem(session, instructor, stored.id, cleared)
    assert (numeric.kind, numeric.numeric_answer) == ("NUMERIC", 3.0)
    assert await _option_rows(session, stored.id) == []


async def test_unknown_problem_is_not_found(session: AsyncSession, instructor: User) -> None:
    with pytest.raises(NotFound) as caught:
        await problem_authoring.update_problem(session, instructor, 999, ProblemPatch())
    assert errors_of(caught.value) == [(["problemId"], "NOT_FOUND")]


# -- topics --------------------------------------------------------------------------------------


async def test_create_topic_builds_its_path_below_the_parent(session: AsyncSession, instructor: User) -> None:
    root = await topics.create_topic(session, instructor, TopicDraft("Back-end"))
    child = await topics.create_topic(session, instructor, TopicDraft("REST APIs", parent_id=root.id))
    assert (root.path, child.path, child.name, child.parent_id) == (
        "back_end",
        "back_end__rest_apis",
        "REST APIs",
        root.id,
    )
    with pytest.raises(Conflict) as caught:
        await topics.create_topic(session, instructor, TopicDraft("back end"))
    assert errors_of(caught.value) == [(["name"], "TOPIC_EXISTS")]


async def test_learner_cannot_create_topics_and_instructor_cannot_move_them(
    session: AsyncSession, learner: User, instructor: User
) -> None:
    with pytest.raises(Forbidden) as learner_error:
        await topics.create_topic(session, learner, TopicDraft("Mine"))
    topic = await topics.ensure_topic_path(session, "shared")
    assert topic.id is not None
    with pytest.raises(Forbidden) as instructor_error:
        await topics.update_topic(session, instructor, topic.id, name="Renamed")
    assert errors_of(learner_error.value) == [(None, "FORBIDDEN")]
    assert errors_of(instructor_error.value) == [(None, "FORBIDDEN")]


async def test_ensure_topic_path_creates_missing_segments_and_reuses_existing(session: AsyncSession) -> None:
    await topics.ensure_topic_path(session, "backend__api")
    leaf = await topics.ensure_topic_path(session, "backend__api__protocols__graphql")
    again = await topics.ensure_topic_path(session, "backend__api__protocols__graphql")
    rows = list((await session.execute(select(Topic))).scalars())
    ids = {topic.path: topic.id for topic in rows}
    assert {topic.path: (topic.name, topic.parent_id) for topic in rows} == {
        "backend": ("Backend", None),
        "backend__api": ("Api", ids["backend"]),
        "backend__api__protocols": ("Protocols", ids["backend__api"]),
        "backend__api__protocols__graphql": ("Graphql", ids["backend__api__protocols"]),
    }
    assert leaf.id == again.id == ids["backend__api__protocols__graphql"]


async def test_ensure_topic_path_rejects_a_bad_path(session: AsyncSession) -> None:
    with pytest.raises(Invalid) as caught:
        await topics.ensure_topic_path(session, "Backend__API")
    assert errors_of(caught.value) == [(["path"], "INVALID")]


async def test_admin_renames_and_moves_a_topic_with_its_subtree(session: AsyncSession, admin: User) -> None:
    leaf = await topics.ensure_topic_path(session, "backend__api__graphql__schema")
    web = await topics.ensure_topic_path(session, "web")
    api = await topics.ensure_topic_path(session, "backend__api")
    assert api.id is not None
    assert web.id is not None
    moved = await topics.update_topic(session, admin, api.id, name="Web APIs", parent_id=web.id)
    assert (moved.path, moved.name, moved.parent_id) == ("web__web_apis", "Web APIs", web.id)
    assert leaf.path == "web__web_apis__graphql__schema"
    top = await topics.update_topic(session, admin, api.id, to_root=True)
    assert (top.path, top.parent_id, leaf.path) == ("web_apis", None, "web_apis__graphql__schema")


async def test_topic_cannot_move_below_itself(session: AsyncSession, admin: User) -> None:
    leaf = await topics.ensure_topic_path(session, "a__b__c")
    root = await topics.ensure_topic_path(session, "a")
    assert root.id is not None
    for parent_id in (leaf.id, root.id):
        with pytest.raises(Invalid) as caught:
            await topics.update_topic(session, admin, root.id, parent_id=parent_id)
        assert errors_of(caught.value) == [(["parentId"], "CYCLE")]


async def test_topic_rename_onto_an_existing_path_is_a_conflict(session: AsyncSession, admin: User) -> None:
    await topics.ensure_topic_path(session, "sql")
    nosql = await topics.ensure_topic_path(session, "nosql")
    assert nosql.id is not None
    with pytest.raises(Conflict) as caught:
        await topics.update_topic(session, admin, nosql.id, name="SQL")
    assert errors_of(caught.value) == [(["name"], "TOPIC_EXISTS")]


async def test_concurrent_ensure_topic_path_creates_each_topic_once(engine: AsyncEngine) -> None:
    factory = session_factory(engine, write=True)
    path = "backend__api__protocols__graphql"
    postgres = engine.dialect.name == "postgresql"
    ready = asyncio.Barrier(2)

    async def ensure() -> int | None:
        async with factory() as session:
            await session.execute(select(func.count()).select_from(Topic))
            if postgres:  # SQLite writers queue at BEGIN; PostgreSQL ones really race
                await ready.wait()
            topic = await topics.ensure_topic_path(session, path)
            await session.commit()
            return topic.id

    first, second = await asyncio.gather(ensure(), ensure())
    async with factory() as session:
        paths = (await session.execute(select(col(Topic.path)))).scalars().all()
    assert first is not None
    assert first == second
    assert sorted(paths) == ["backend", "backend__api", "backend__api__protocols", "backend__api__protocols__graphql"]
