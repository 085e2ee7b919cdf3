"""Generation rules: input checks, PDF text, chunking, validation of generated problems, idempotent storing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bench.pdfs import damaged_pdf, encrypted_pdf, image_only_pdf, text_pdf
from domain.ai import generation
from domain.ai.documents import normalize_source, pdf_text
from domain.ai.generation import GenerationInput
from domain.errors import DomainError, Forbidden, InvalidErrors
from domain.infra.job_queue import Enqueue
from domain.jobs import records as jobs
from domain.models import Job, JobStatus, Option, Problem, ProblemKind, Role
from domain.settings import Settings
from tests.effects import committed
from tests.factories import make_course, make_user

TEXT = (
    "The mean is the sum of the values divided by their count. The median is the middle value of a sorted "
    "sample. The mode is the most frequent value in a sample."
)


def errors_of(raised: pytest.ExceptionInfo[DomainError]) -> list[tuple[list[str] | None, str]]:
    error = raised.value
    inner = error.errors if isinstance(error, InvalidErrors) else [error]
    return [(e.field, e.code) for e in inner]


def choice(**changes: Any) -> dict[str, Any]:
    item = {
        "kind": "SINGLE_CHOICE",
        "prompt": "Which statistic is robust?",
        "options": ["Mean", "Median", "Range"],
        "answers": ["Median"],
        "explanation": "Outliers do not move it.",
        "difficulty": 2,
    }
    return item | changes


# -- input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "kinds", "text", "expected"),
    [
        (0, None, TEXT, [(["count"], "OUT_OF_RANGE")]),
        (500, None, TEXT, [(["count"], "OUT_OF_RANGE")]),
        (5, (ProblemKind.NUMERIC,), TEXT, [(["kinds", "0"], "NOT_SUPPORTED")]),
        (5, (), TEXT, [(["kinds"], "REQUIRED")]),
        (5, None, " \n\t ", [(["sourceText"], "REQUIRED")]),
        (0, None, "", [(["count"], "OUT_OF_RANGE"), (["sourceText"], "REQUIRED")]),
    ],
)
def test_bad_input_is_reported_field_by_field(
    count: int, kinds: tuple[ProblemKind, ...] | None, text: str, expected: list[tuple[list[str], str]]
) -> None:
    with pytest.raises(DomainError) as raised:
        generation.check_input(GenerationInput(1, text, count, kinds), Settings())

    assert errors_of(raised) == expected


def test_kinds_default_to_every_kind_that_can_be_generated() -> None:
    text, kinds = generation.check_input(GenerationInput(1, f"  {TEXT}\r\n", 3), Settings())

    assert text == TEXT
    assert ProblemKind.NUMERIC not in kinds
    assert len(kinds) == 4


def test_normalized_sources_hash_equal_and_parameters_change_the_hash() -> None:
    same = generation.source_hash(normalize_source("A  b\r\nc"), 5, [ProblemKind.SHORT_TEXT], "local:1")
    again = generation.source_hash(normalize_source("A b c"), 5, [ProblemKind.SHORT_TEXT], "local:1")
    other_count = generation.source_hash(normalize_source("A b c"), 6, [ProblemKind.SHORT_TEXT], "local:1")
    other_model = generation.source_hash(normalize_source("A b c"), 5, [ProblemKind.SHORT_TEXT], "openai:x")

    assert same == again
    assert len({same, other_count, other_model}) == 3


# -- PDFs ----------------------------------------------------------------------------------------


def test_text_comes_out_of_a_pdf_page_by_page() -> None:
    text = pdf_text(text_pdf([TEXT, "Second page (with parentheses)."]), 10, ["document"])

    assert text.startswith("The mean is the sum")
    assert text.endswith("Second page (with parentheses).")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"Hello, this is plain text.", "NOT_A_PDF"),
        (damaged_pdf(), "INVALID_PDF"),
        (encrypted_pdf([TEXT]), "ENCRYPTED_PDF"),
        (image_only_pdf(), "NO_TEXT"),
    ],
)
def test_unreadable_documents_are_clear_errors(data: bytes, code: str) -> None:
    with pytest.raises(DomainError) as raised:
        pdf_text(data, 10, ["document"])

    assert errors_of(raised) == [(["document"], code)]


def test_a_pdf_over_the_page_limit_is_refused() -> None:
    with pytest.raises(DomainError) as raised:
        pdf_text(text_pdf(["one", "two", "three"]), 2, ["document"])

    assert errors_of(raised) == [(["document"], "TOO_MANY_PAGES")]


# -- chunks --------------------------------------------------------------------------------------


def test_chunks_follow_the_request_size_and_share_out_the_count() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(100))

    chunks = generation.plan_chunks(text, 25, per_request=10, max_chars=100_000)

    assert [chunk.count for chunk in chunks] == [9, 8, 8]
    assert " ".join(chunk.text for chunk in chunks) == text


def test_long_texts_take_more_chunks_each_within_the_size_limit() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(1000))

    chunks = generation.plan_chunks(text, 40, per_request=10, max_chars=5000)

    assert len(chunks) == 6
    assert all(len(chunk.text) <= 5000 for chunk in chunks)
    assert sum(chunk.count for chunk in chunks) == 40


def test_a_short_text_makes_one_chunk() -> None:
    chunks = generation.plan_chunks("Only one sentence here.", 5, per_request=10, max_chars=5000)

    assert [(chunk.text, chunk.count) for chunk in chunks] == [("Only one sentence here.", 5)]


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (choice(answers=[]), "no answer key"),
        (choice(options=["Mean", "mean ", "Median"]), "options are not distinct"),
        (choice(answers=["Mode"]), "an answer is not among the options"),
        (choice(answers=["Mean", "Median"]), "a single-choice problem needs exactly one answer"),
        (choice(kind="NUMERIC"), "NUMERIC was not asked for"),
        (choice(kind="ESSAY"), "unknown kind 'ESSAY'"),
        (choice(prompt="  "), "no prompt"),
        (choice(options=["Median"]), "A SINGLE_CHOICE problem needs 2 to 10 options."),
    ],
)
def test_invalid_generated_problems_are_rejected_with_a_reason(item: dict[str, Any], reason: str) -> None:
    assert generation.validate(item, 1, generation.KINDS) == reason


def test_a_valid_choice_problem_becomes_a_draft_with_the_right_option_marked() -> None:
    draft = generation.validate(choice(answers=["median"]), 7, generation.KINDS)

    assert not isinstance(draft, str)
    assert draft.lesson_id == 7
    assert draft.status == "DRAFT"
    assert [(o.text, o.correct) for o in draft.options] == [("Mean", False), ("Median", True), ("Range", False)]
    assert draft.tags == ("ai-generated",)


def test_free_text_keeps_its_reference_answer_and_rubric() -> None:
    item = {"kind": "FREE_TEXT", "prompt": "Why?", "answers": ["Because."], "rubric": ["because", " "]}

    draft = generation.validate(item, 1, generation.KINDS)

    assert not isinstance(draft, str)
    assert (draft.reference_answer, list(draft.rubric)) == ("Because.", ["because"])


def test_selection_drops_repeated_prompts_and_stops_at_the_count() -> None:
    items = [choice(), choice(), choice(prompt="Another?"), choice(answers=[]), choice(prompt="Third?")]

    drafts, rejected = generation.select_drafts(items, 1, generation.KINDS, 2)

    assert [d.prompt for d in drafts] == ["Which statistic is robust?", "Another?"]
    assert rejected == ["the same prompt twice", "no answer key"]


# -- the request and storing ---------------------------------------------------------------------


async def test_a_request_records_one_queued_job_per_lesson_source_and_parameters(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, kinds=())
    lesson_id = course.lessons[0].id
    assert lesson_id is not None

    job, created = await generation.request(session, author, GenerationInput(lesson_id, TEXT, 3), settings, now)
    again, created_again = await generation.request(
        session, author, GenerationInput(lesson_id, f"{TEXT}  ", 3), settings, now
    )
    await session.commit()

    assert (created, created_again) == (True, False)
    assert again.id == job.id
    assert job.status == JobStatus.QUEUED
    assert job.source_text == TEXT
    assert [request.key for request in committed(session, Enqueue)] == [f"learnql:job:{job.id}"] * 2


async def test_only_the_lessons_author_may_generate(session: AsyncSession, settings: Settings, now: datetime) -> None:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, kinds=())
    lesson_id = course.lessons[0].id
    assert lesson_id is not None

    with pytest.raises(Forbidden):
        await generation.request(session, other, GenerationInput(lesson_id, TEXT, 3), settings, now)

    assert (await session.execute(select(func.count()).select_from(Job))).scalar_one() == 0


async def test_storing_again_finds_the_problems_stored_before(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, kinds=())
    lesson_id = course.lessons[0].id
    assert lesson_id is not None
    job, _ = await generation.request(session, author, GenerationInput(lesson_id, TEXT, 2), settings, now)
    drafts, _ = generation.select_drafts([choice(), choice(prompt="Another?")], lesson_id, generation.KINDS, 2)

    first = await generation.store(session, job, drafts, now)
    second = await generation.store(session, job, drafts, now)

    problems = (await session.execute(select(Problem).order_by(Problem.id))).scalars().all()  # type: ignore[arg-type]
    assert first == second
    assert [(p.external_id, p.status, p.kind) for p in problems] == [
        (f"ai-job-{job.id}-000", "DRAFT", "SINGLE_CHOICE"),
        (f"ai-job-{job.id}-001", "DRAFT", "SINGLE_CHOICE"),
    ]
    assert (await session.execute(select(func.count()).select_from(Option))).scalar_one() == 6


async def test_asking_again_after_a_failure_starts_a_new_job(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, kinds=())
    lesson_id = course.lessons[0].id
    assert lesson_id is not None
    failed, _ = await generation.request(session, author, GenerationInput(lesson_id, TEXT, 3), settings, now)
    assert failed.id is not None
    await jobs.fail(session, failed.id, "the AI provider is unavailable", now)

    fresh, created = await generation.request(session, author, GenerationInput(lesson_id, TEXT, 3), settings, now)

    assert created is True
    assert fresh.id != failed.id
    assert (failed.status, failed.dedupe_key, fresh.status) == ("FAILED", None, "QUEUED")
