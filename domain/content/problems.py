"""Instructor problem authoring: validation, options, topic links, create and update."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime

from sqlalchemy import delete, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.content.courses import (
    CHOICE_KINDS,
    MAX_ENTRIES,
    MAX_EXTERNAL_ID,
    MAX_OPTIONS,
    MAX_PROMPT,
    MAX_TAG,
    MAX_TEXT,
    MIN_OPTIONS,
    Positioned,
    after_last,
    authorable_lesson,
    check_position,
    check_text,
    fail_if,
    invalid,
    place,
    require_author,
)
from domain.errors import Conflict, Invalid, NotFound
from domain.infra.database import dialect_insert
from domain.models import Option, Problem, ProblemKind, ProblemStatus, ProblemTopic, Topic, User


@dataclass(frozen=True)
class OptionDraft:
    text: str
    correct: bool


@dataclass(frozen=True)
class ProblemDraft:
    lesson_id: int
    kind: ProblemKind
    prompt: str
    explanation: str = ""
    difficulty: int = 1
    options: Sequence[OptionDraft] = ()
    numeric_answer: float | None = None
    tolerance: float = 0.0
    accepted_answers: Sequence[str] = ()
    reference_answer: str | None = None
    rubric: Sequence[str] = ()
    tags: Sequence[str] = ()
    topic_ids: Sequence[int] = ()
    status: ProblemStatus = ProblemStatus.PUBLISHED
    external_id: str | None = None
    position: int | None = None  # None: after the last one (on update: where it is)


@dataclass(frozen=True)
class ProblemPatch:
    """None leaves a field as it is; `options` and `topic_ids` replace the whole set."""

    lesson_id: int | None = None
    kind: ProblemKind | None = None
    prompt: str | None = None
    explanation: str | None = None
    difficulty: int | None = None
    options: Sequence[OptionDraft] | None = None
    numeric_answer: float | None = None
    tolerance: float | None = None
    accepted_answers: Sequence[str] | None = None
    reference_answer: str | None = None
    rubric: Sequence[str] | None = None
    tags: Sequence[str] | None = None
    topic_ids: Sequence[int] | None = None
    status: ProblemStatus | None = None
    external_id: str | None = None
    position: int | None = None


# -- problems ------------------------------------------------------------------------------------


def _validate_options(kind: ProblemKind, options: Sequence[OptionDraft]) -> list[Invalid]:
    if kind not in CHOICE_KINDS:
        message = f"A {kind} problem takes no options."
        return [invalid(message, ["options"], "NOT_ALLOWED")] if options else []
    errors: list[Invalid] = []
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        message = f"A {kind} problem needs {MIN_OPTIONS} to {MAX_OPTIONS} options."
        errors.append(invalid(message, ["options"], "OPTION_COUNT"))
    seen: set[str] = set()
    for index, option in enumerate(options):
        at = ["options", str(index), "text"]
        key = " ".join(option.text.casefold().split())
        if not key:
            errors.append(invalid("The option text is empty.", at, "REQUIRED"))
        elif len(option.text) > MAX_TEXT:
            errors.append(invalid(f"Over {MAX_TEXT} characters.", at, "TOO_LONG"))
        elif key in seen:
            errors.append(invalid("This option is there twice.", at, "DUPLICATE_OPTION"))
        seen.add(key)
    correct = sum(1 for option in options if option.correct)
    if options and kind == ProblemKind.SINGLE_CHOICE and correct != 1:
        message = "Mark exactly one option correct."
        errors.append(invalid(message, ["options"], "CORRECT_OPTION_COUNT"))
    if options and kind == ProblemKind.MULTIPLE_CHOICE and correct < 1:
        message = "Mark at least one option correct."
        errors.append(invalid(message, ["options"], "CORRECT_OPTION_COUNT"))
    return errors


def _validate_answer(kind: ProblemKind, draft: ProblemDraft) -> list[Invalid]:
    errors: list[Invalid] = []
    if kind == ProblemKind.NUMERIC:
        if draft.numeric_answer is None:
            message = "A numeric problem needs its answer."
            errors.append(invalid(message, ["numericAnswer"], "REQUIRED"))
        elif not math.isfinite(draft.numeric_answer):
            message = "The answer must be a finite number."
            errors.append(invalid(message, ["numericAnswer"], "NOT_FINITE"))
        if not (math.isfinite(draft.tolerance) and draft.tolerance >= 0):
            message = "The tolerance is a finite number, 0 or more."
            errors.append(invalid(message, ["tolerance"], "OUT_OF_RANGE"))
    if kind == ProblemKind.SHORT_TEXT and not _clean(draft.accepted_answers):
        message = "Give at least one accepted answer."
        errors.append(invalid(message, ["acceptedAnswers"], "REQUIRED"))
    if kind == ProblemKind.FREE_TEXT:
        errors += check_text(draft.reference_answer or "", "referenceAnswer", MAX_TEXT)
    return errors


def validate_problem(draft: ProblemDraft) -> list[Invalid]:
    """Everything wrong with a problem definition, each error with its input field path."""
    errors = check_text(draft.prompt, "prompt", MAX_PROMPT)
    errors += check_text(draft.explanation, "explanation", MAX_TEXT, False)
    try:
        kind = ProblemKind(draft.kind)
    except ValueError:
        return [*errors, invalid(f"Unknown kind {draft.kind!r}.", ["kind"])]
    if isinstance(draft.difficulty, bool) or draft.difficulty not in range(1, 6):
        errors.append(invalid("Difficulty is 1 to 5.", ["difficulty"], "OUT_OF_RANGE"))
    errors += _validate_options(kind, draft.options) + _validate_answer(kind, draft)
    for field, values, limit in (
        ("acceptedAnswers", draft.accepted_answers, MAX_TEXT),
        ("rubric", draft.rubric, MAX_TEXT),
        ("tags", draft.tags, MAX_TAG),
    ):
        if len(values) > MAX_ENTRIES or any(len(value) > limit for value in values):
            message = f"At most {MAX_ENTRIES} entries of {limit} characters each."
            errors.append(invalid(message, [field], "TOO_LONG"))
    external_id = draft.external_id
    if external_id is not None and not 0 < len(external_id.strip()) <= MAX_EXTERNAL_ID:
        message = f"The external id has 1 to {MAX_EXTERNAL_ID} characters."
        errors.append(invalid(message, ["externalId"]))
    return errors + check_position(draft.position)


def _clean(values: Sequence[str]) -> list[str]:
    """Stripped and non-empty, each once, in order."""
    return list(dict.fromkeys(value.strip() for value in values if value.strip()))


async def _set_options(session: AsyncSession, problem_id: int, drafts: Sequence[OptionDraft], fresh: bool) -> None:
    """Replace the options, keeping the row (and id) of each option whose text stays."""
    existing: dict[str, Option] = {}
    if not fresh:
        query = select(Option).where(col(Option.problem_id) == problem_id)
        rows = (await session.execute(query)).scalars()
        existing = {option.text: option for option in rows}
    for position, draft in enumerate(drafts):
        text = draft.text.strip()
        option = existing.pop(text, None) or Option(problem_id=problem_id, text=text)
        option.correct, option.position = draft.correct, position
        session.add(option)
    for stale in existing.values():
        await session.delete(stale)


async def _set_topics(session: AsyncSession, problem_id: int, topic_ids: Sequence[int], fresh: bool) -> None:
    """Link exactly these topics with Core statements (link rows never enter the ORM); an unknown
    id is NotFound, told by the INSERT ... SELECT that links only the topics that exist."""
    wanted = set(topic_ids)
    links = col(ProblemTopic.problem_id) == problem_id
    query = select(col(ProblemTopic.topic_id)).where(links)
    linked = set() if fresh else set((await session.execute(query)).scalars())
    if linked - wanted:
        stale = col(ProblemTopic.topic_id).in_(linked - wanted)
        await session.execute(delete(ProblemTopic).where(links, stale))
    if wanted - linked:
        existing = select(literal(problem_id), col(Topic.id)).where(col(Topic.id).in_(wanted - linked))
        statement = insert(ProblemTopic).from_select(["problem_id", "topic_id"], existing)
        added = set((await session.execute(statement.returning(col(ProblemTopic.topic_id)))).scalars())
        missing = [i for i, topic_id in enumerate(topic_ids) if topic_id not in linked | added]
        fail_if([NotFound("No such topic.", field=["topicIds", str(i)]) for i in missing])


def external_id_taken(field: list[str]) -> Conflict:
    return Conflict("A problem with this external id exists.", field=field, code="EXTERNAL_ID_TAKEN")


async def write_problem(
    session: AsyncSession, draft: ProblemDraft, now: datetime, problem: Problem | None = None
) -> Problem:
    """Validate and store a new problem, or `problem` changed in place. Checks no permissions: callers do.

    Call it inside a SAVEPOINT (`session.begin_nested()`): a taken external id is an IntegrityError."""
    fail_if(validate_problem(draft))
    kind = ProblemKind(draft.kind)
    external_id = draft.external_id.strip() if draft.external_id is not None else None
    fresh = problem is None
    moved = problem is None or problem.lesson_id != draft.lesson_id
    if problem is None:
        problem = Problem(lesson_id=draft.lesson_id, kind=kind.value, prompt="", created_at=now)
    numeric = kind == ProblemKind.NUMERIC
    values = {
        "lesson_id": draft.lesson_id,
        "kind": kind.value,
        "status": ProblemStatus(draft.status).value,
        "prompt": draft.prompt.strip(),
        "explanation": draft.explanation.strip(),
        "difficulty": draft.difficulty,
        "numeric_answer": draft.numeric_answer if numeric else None,
        "tolerance": draft.tolerance if numeric else 0.0,
        "accepted_answers": _clean(draft.accepted_answers),
        "reference_answer": (draft.reference_answer or "").strip() or None,
        "rubric": _clean(draft.rubric),
        "tags": _clean(draft.tags),
        "external_id": external_id,
    }
    for name, value in values.items():
        if getattr(problem, name) != value:
            setattr(problem, name, value)
    same_lesson = col(Problem.lesson_id) == draft.lesson_id
    if draft.position is not None:
        query = select(Problem).where(same_lesson)
        if problem.id is not None:
            query = query.where(col(Problem.id) != problem.id)
        query = query.order_by(col(Problem.position), col(Problem.id))
        siblings: list[Positioned] = list((await session.execute(query)).scalars())
        place(siblings, problem, draft.position)
    elif moved:
        problem.position = await after_last(session, col(Problem.position), same_lesson)
    session.add(problem)
    await session.flush()
    assert problem.id is not None
    await _set_options(session, problem.id, draft.options, fresh)
    await _set_topics(session, problem.id, draft.topic_ids, fresh)
    await session.flush()
    return problem


def _row(draft: ProblemDraft, position: int, now: datetime) -> dict[str, object]:
    """The `problems` row of a new, valid problem (the values `write_problem` sets)."""
    kind = ProblemKind(draft.kind)
    numeric = kind == ProblemKind.NUMERIC
    return {
        "lesson_id": draft.lesson_id,
        "kind": kind.value,
        "status": ProblemStatus(draft.status).value,
        "prompt": draft.prompt.strip(),
        "explanation": draft.explanation.strip(),
        "difficulty": draft.difficulty,
        "position": position,
        "numeric_answer": draft.numeric_answer if numeric else None,
        "tolerance": draft.tolerance if numeric else 0.0,
        "accepted_answers": _clean(draft.accepted_answers),
        "reference_answer": (draft.reference_answer or "").strip() or None,
        "rubric": _clean(draft.rubric),
        "tags": _clean(draft.tags),
        "external_id": draft.external_id.strip() if draft.external_id is not None else None,
        "created_at": now,
    }


async def write_problems(
    session: AsyncSession, lesson_id: int, drafts: Sequence[ProblemDraft], now: datetime
) -> list[Problem]:
    """Validate and store new problems of one lesson, in order after its last problem, with a few
    multi-row statements (problems, options, topic links) instead of one `write_problem` each.
    Checks no permissions: callers do.

    A draft whose external id is taken is skipped (INSERT ... ON CONFLICT DO NOTHING), not an error:
    the stored problems come back in draft order, without the skipped ones. Drafts name no position
    (they go after the last one); an invalid draft or an unknown topic stores nothing."""
    if any(draft.lesson_id != lesson_id or draft.position is not None for draft in drafts):
        raise ValueError("write_problems stores drafts of its lesson, each after the last one")
    for draft in drafts:
        fail_if(validate_problem(draft))
    if not drafts:
        return []
    wanted = {topic_id for draft in drafts for topic_id in draft.topic_ids}
    if wanted:
        known = set((await session.execute(select(col(Topic.id)).where(col(Topic.id).in_(wanted)))).scalars())
        fail_if(
            [
                NotFound("No such topic.", field=["topicIds", str(i)])
                for draft in drafts
                for i, topic_id in enumerate(draft.topic_ids)
                if topic_id not in known
            ]
        )
    first = await after_last(session, col(Problem.position), col(Problem.lesson_id) == lesson_id)
    rows = [_row(draft, first + index, now) for index, draft in enumerate(drafts)]
    # executemany with RETURNING: SQLAlchemy sends it as one multi-row INSERT ("insertmanyvalues"),
    # compiled once and cached, where .values(rows) would compile a statement of every row's values.
    # render_nulls: the ORM leaves None out of a row (for the column default), so rows of different
    # kinds (a numeric answer or not) would have different columns and go in one INSERT per run of
    # alike rows; every column whose value can be None here defaults to NULL anyway.
    statement = dialect_insert(session)(Problem).on_conflict_do_nothing(index_elements=["external_id"])
    statement = statement.execution_options(render_nulls=True)
    stored = {problem.position: problem for problem in (await session.scalars(statement.returning(Problem), rows))}
    problems: list[tuple[Problem, ProblemDraft]] = [
        (stored[first + index], draft) for index, draft in enumerate(drafts) if first + index in stored
    ]
    options = [
        {"problem_id": problem.id, "text": option.text.strip(), "correct": option.correct, "position": position}
        for problem, draft in problems
        for position, option in enumerate(draft.options)
    ]
    if options:
        await session.execute(insert(Option), options)
    links = [
        {"problem_id": problem.id, "topic_id": topic_id}
        for problem, draft in problems
        for topic_id in dict.fromkeys(draft.topic_ids)
    ]
    if links:
        await session.execute(insert(ProblemTopic), links)
    return [problem for problem, _ in problems]


async def _write_in_savepoint(
    session: AsyncSession, draft: ProblemDraft, now: datetime, problem: Problem | None = None
) -> Problem:
    try:
        async with session.begin_nested():
            return await write_problem(session, draft, now, problem)
    except IntegrityError as error:  # the unique external id: the one constraint a valid draft can break
        raise external_id_taken(["externalId"]) from error


async def create_problem(session: AsyncSession, viewer: User, draft: ProblemDraft, now: datetime) -> Problem:
    await authorable_lesson(session, viewer, draft.lesson_id)
    return await _write_in_savepoint(session, draft, now)


async def problem_draft(session: AsyncSession, problem: Problem) -> ProblemDraft:
    """A stored problem as a draft (position None: stays), the base that a patch changes."""
    options = select(Option).where(col(Option.problem_id) == problem.id)
    options = options.order_by(col(Option.position), col(Option.id))
    topics = select(col(ProblemTopic.topic_id)).where(col(ProblemTopic.problem_id) == problem.id)
    return ProblemDraft(
        lesson_id=problem.lesson_id,
        kind=ProblemKind(problem.kind),
        prompt=problem.prompt,
        explanation=problem.explanation,
        difficulty=problem.difficulty,
        options=[OptionDraft(option.text, option.correct) for option in (await session.execute(options)).scalars()],
        numeric_answer=problem.numeric_answer,
        tolerance=problem.tolerance,
        accepted_answers=problem.accepted_answers,
        reference_answer=problem.reference_answer,
        rubric=problem.rubric,
        tags=problem.tags,
        topic_ids=sorted((await session.execute(topics)).scalars()),
        status=ProblemStatus(problem.status),
        external_id=problem.external_id,
    )


async def update_problem(session: AsyncSession, viewer: User, problem_id: int, patch: ProblemPatch) -> Problem:
    require_author(viewer)
    problem = await session.get(Problem, problem_id)
    if problem is None:
        raise NotFound("No such problem.", field=["problemId"])
    await authorable_lesson(session, viewer, problem.lesson_id)
    if patch.lesson_id is not None and patch.lesson_id != problem.lesson_id:
        await authorable_lesson(session, viewer, patch.lesson_id)
    changes = {f.name: getattr(patch, f.name) for f in fields(patch)}
    draft = replace(
        await problem_draft(session, problem), **{name: value for name, value in changes.items() if value is not None}
    )
    return await _write_in_savepoint(session, draft, problem.created_at, problem)
