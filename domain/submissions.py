"""Submitting answers: validation, grading, idempotency, XP, streak and lesson progress.

Idempotency and XP are enforced by unique constraints (INSERT ... ON CONFLICT DO NOTHING), never by
read-then-write: of concurrent duplicates exactly one insert wins and the others replay its result.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import catalog
from domain.errors import (
    DomainError,
    Forbidden,
    IdempotencyKeyReused,
    Invalid,
    InvalidErrors,
    NotFound,
)
from domain.gamification import (
    Streak,
    advance_streak,
    lesson_completed,
    local_day,
    xp_for_correct_answer,
)
from domain.grading import (
    Grade,
    grade_multiple_choice,
    grade_numeric,
    grade_short_text,
    grade_single_choice,
)
from domain.models import (
    Answer,
    Lesson,
    LessonProgress,
    Option,
    Problem,
    ProblemKind,
    ProblemStatus,
    Role,
    Submission,
    SubmissionStatus,
    User,
    XpEvent,
)

MAX_KEY_LENGTH = 255
MAX_ANSWERS = 200
MAX_TEXT_LENGTH = 10_000
MAX_ABS_NUMBER = 1e15
CHOICE_KINDS = {ProblemKind.SINGLE_CHOICE.value, ProblemKind.MULTIPLE_CHOICE.value}
TEXT_KINDS = {ProblemKind.SHORT_TEXT.value, ProblemKind.FREE_TEXT.value}


@dataclass(frozen=True)
class AnswerInput:
    problem_id: int
    option_ids: tuple[int, ...] | None = None
    number: float | None = None
    text: str | None = None


@dataclass(frozen=True)
class SubmissionRequest:
    idempotency_key: str
    answers: tuple[AnswerInput, ...]
    lesson_id: int | None = None
    problem_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    submission: Submission
    replayed: bool


def request_hash(request: SubmissionRequest) -> str:
    """A fingerprint of the payload; the same key with another fingerprint is a reused key."""
    answers = sorted(
        (
            a.problem_id,
            sorted(a.option_ids) if a.option_ids is not None else None,
            a.number,
            a.text,
        )
        for a in request.answers
    )
    canonical = json.dumps([request.lesson_id, request.problem_id, answers], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _is_staff(user: User) -> bool:
    return user.role in {Role.INSTRUCTOR.value, Role.ADMIN.value}


def _check_key(key: str) -> None:
    if not key.strip():
        raise Invalid("The idempotency key must not be empty.", field=["idempotencyKey"])
    if len(key) > MAX_KEY_LENGTH:
        raise Invalid(
            f"The idempotency key is longer than {MAX_KEY_LENGTH} characters.",
            field=["idempotencyKey"],
        )


def _check_answer(
    index: int, answer: AnswerInput, problem: Problem | None, options: Sequence[Option]
) -> list[DomainError]:
    """Everything wrong with one answer, each error with its field path."""
    at = ["answers", str(index)]
    if problem is None:
        return [
            NotFound(
                "This problem is not part of what is being submitted.",
                field=[*at, "problemId"],
            )
        ]
    kind = problem.kind
    errors: list[DomainError] = []
    given = [
        name
        for name, value in (
            ("optionIds", answer.option_ids),
            ("number", answer.number),
            ("text", answer.text),
        )
        if value is not None
    ]
    expected = "optionIds" if kind in CHOICE_KINDS else "number" if kind == ProblemKind.NUMERIC.value else "text"
    if expected not in given:
        errors.append(
            Invalid(
                f"A {kind} problem needs `{expected}` in its answer.",
                field=[*at, expected],
                code="MISSING_ANSWER",
            )
        )
    for name in given:
        if name != expected:
            errors.append(Invalid(f"A {kind} problem takes no `{name}`.", field=[*at, name]))
    if kind in CHOICE_KINDS and answer.option_ids is not None:
        ids = answer.option_ids
        own = {option.id for option in options}
        if len(set(ids)) != len(ids):
            errors.append(Invalid("An option is chosen twice.", field=[*at, "optionIds"]))
        if not set(ids) <= own:
            errors.append(
                NotFound(
                    "An option does not belong to this problem.",
                    field=[*at, "optionIds"],
                )
            )
        if kind == ProblemKind.SINGLE_CHOICE.value and len(ids) != 1:
            errors.append(Invalid("Choose exactly one option.", field=[*at, "optionIds"]))
        if kind == ProblemKind.MULTIPLE_CHOICE.value and not ids:
            errors.append(
                Invalid(
                    "Choose at least one option.",
                    field=[*at, "optionIds"],
                    code="MISSING_ANSWER",
                )
            )
    number = answer.number
    if (
        kind == ProblemKind.NUMERIC.value
        and number is not None
        and not (math.isfinite(number) and abs(number) <= MAX_ABS_NUMBER)
    ):
        errors.append(
            Invalid(f"The number must be finite and at most {MAX_ABS_NUMBER:g} in size.", field=[*at, "number"])
        )
    if kind in TEXT_KINDS and answer.text is not None:
        if not answer.text.strip():
            errors.append(
                Invalid(
                    "The answer text is empty.",
                    field=[*at, "text"],
                    code="MISSING_ANSWER",
                )
            )
        elif len(answer.text) > MAX_TEXT_LENGTH:
            errors.append(
                Invalid(
                    f"The answer text is longer than {MAX_TEXT_LENGTH} characters.",
                    field=[*at, "text"],
                    code="TOO_LONG",
                )
            )
    return errors


def grade(problem: Problem, options: Sequence[Option], answer: AnswerInput) -> Grade | None:
    """The grade of a valid answer, or None for free text (graded later by the evaluation worker)."""
    correct_ids = [option.id for option in options if option.correct and option.id is not None]
    match problem.kind:
        case ProblemKind.SINGLE_CHOICE.value:
            return grade_single_choice(answer.option_ids or (), correct_ids)
        case ProblemKind.MULTIPLE_CHOICE.value:
            return grade_multiple_choice(answer.option_ids or (), correct_ids)
        case ProblemKind.NUMERIC.value:
            assert answer.number is not None
            assert problem.numeric_answer is not None
            return grade_numeric(answer.number, problem.numeric_answer, problem.tolerance)
        case ProblemKind.SHORT_TEXT.value:
            return grade_short_text(answer.text or "", problem.accepted_answers)
    return None


async def _target_problems(session: AsyncSession, viewer: User, request: SubmissionRequest) -> list[Problem]:
    """The problems a submission must answer: all published ones of the lesson, or the one problem."""
    staff = _is_staff(viewer)
    if request.lesson_id is not None:
        lesson = (await catalog.rows_by_id(session, Lesson, [request.lesson_id])).get(request.lesson_id)
        if lesson is None or not (lesson.published or staff):
            raise NotFound("No such lesson.", field=["lessonId"])
        problems = (await catalog.problems_by_lesson(session, [request.lesson_id], include_drafts=False)).get(
            request.lesson_id, []
        )
        if not problems:
            raise Invalid("This lesson has no problems to answer.", field=["lessonId"])
        return problems
    assert request.problem_id is not None
    problem = (await catalog.rows_by_id(session, Problem, [request.problem_id])).get(request.problem_id)
    lesson = (
        None
        if problem is None
        else (await catalog.rows_by_id(session, Lesson, [problem.lesson_id])).get(problem.lesson_id)
    )
    visible = (
        problem is not None
        and lesson is not None
        and problem.status == ProblemStatus.PUBLISHED.value
        and (lesson.published or staff)
    )
    if not visible or problem is None:
        raise NotFound("No such problem.", field=["problemId"])
    return [problem]


def _validate(
    request: SubmissionRequest,
    problems: Sequence[Problem],
    options: dict[int, list[Option]],
) -> None:
    by_id = {problem.id: problem for problem in problems}
    errors: list[DomainError] = []
    if not request.answers:
        errors.append(Invalid("Give at least one answer.", field=["answers"], code="MISSING_ANSWER"))
    if len(request.answers) > MAX_ANSWERS:
        raise Invalid(
            f"At most {MAX_ANSWERS} answers can be submitted at once.",
            field=["answers"],
        )
    seen: set[int] = set()
    for index, answer in enumerate(request.answers):
        if answer.problem_id in seen:
            errors.append(
                Invalid(
                    "This problem is answered twice.",
                    field=["answers", str(index), "problemId"],
                )
            )
        seen.add(answer.problem_id)
        problem = by_id.get(answer.problem_id)
        errors.extend(_check_answer(index, answer, problem, options.get(answer.problem_id, [])))
    missing = len(set(by_id) - seen)
    if missing and request.answers:
        errors.append(
            Invalid(
                f"{missing} problem(s) of this lesson have no answer.",
                field=["answers"],
                code="MISSING_ANSWER",
            )
        )
    if errors:
        raise InvalidErrors(errors) if len(errors) > 1 else errors[0]


def _insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def _replay(
    session: AsyncSession, viewer_id: int, request: SubmissionRequest, fingerprint: str
) -> Outcome | None:
    existing = await catalog.submission_for_key(session, viewer_id, request.idempotency_key)
    if existing is None:
        return None
    if existing.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "This idempotency key was used for a different submission.",
            field=["idempotencyKey"],
        )
    return Outcome(existing, replayed=True)


async def submit(session: AsyncSession, viewer: User, request: SubmissionRequest, now: datetime) -> Outcome:
    """Grade and record a submission once per (viewer, idempotency key); replays return the original."""
    assert viewer.id is not None
    _check_key(request.idempotency_key)
    fingerprint = request_hash(request)
    replay = await _replay(session, viewer.id, request, fingerprint)
    if replay is not None:
        return replay
    problems = await _target_problems(session, viewer, request)
    options = await catalog.options_by_problem(session, [p.id for p in problems if p.id is not None])
    _validate(request, problems, options)

    claim = (
        _insert(session)(Submission)
        .values(
            user_id=viewer.id,
            lesson_id=request.lesson_id,
            problem_id=request.problem_id,
            idempotency_key=request.idempotency_key,
            request_hash=fingerprint,
            status=SubmissionStatus.PENDING.value,
            max_score=float(len(problems)),
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "idempotency_key"])
        .returning(col(Submission.id))
    )
    submission_id = (await session.execute(claim)).scalar_one_or_none()
    if submission_id is None:  # a concurrent duplicate committed first
        replay = await _replay(session, viewer.id, request, fingerprint)
        assert replay is not None
        return replay

    # One writer per user from here on: later steps read and update the user's counters.
    user = (
        await session.execute(
            select(User).where(col(User.id) == viewer.id).with_for_update().execution_options(populate_existing=True)
        )
    ).scalar_one()
    by_id = {problem.id: problem for problem in problems}
    answers: list[Answer] = []
    for answer in request.answers:
        problem = by_id[answer.problem_id]
        result = grade(problem, options.get(answer.problem_id, []), answer)
        answers.append(
            Answer(
                submission_id=submission_id,
                user_id=viewer.id,
                problem_id=answer.problem_id,
                option_ids=list(answer.option_ids or ()),
                number=answer.number,
                text=answer.text,
                status=SubmissionStatus.PENDING.value if result is None else SubmissionStatus.GRADED.value,
                correct=None if result is None else result.correct,
                score=None if result is None else result.score,
            )
        )
    session.add_all(answers)
    xp = await award_answer_xp(session, viewer.id, [by_id[a.problem_id] for a in answers if a.correct], now)
    touch_streak(user, now)
    user.xp += xp
    pending = any(answer.status == SubmissionStatus.PENDING.value for answer in answers)
    score = None if pending else sum(answer.score or 0.0 for answer in answers)
    await session.execute(
        update(Submission)
        .where(col(Submission.id) == submission_id)
        .values(
            status=SubmissionStatus.PENDING.value if pending else SubmissionStatus.GRADED.value,
            score=score,
            xp_awarded=xp,
            graded_at=None if pending else now,
        )
    )
    if request.lesson_id is not None:
        await record_lesson_attempt(session, viewer.id, request.lesson_id, score, float(len(problems)), now)
    await session.flush()
    submission = (
        await session.execute(
            select(Submission).where(col(Submission.id) == submission_id).execution_options(populate_existing=True)
        )
    ).scalar_one()
    return Outcome(submission, replayed=False)


async def award_answer_xp(session: AsyncSession, user_id: int, correct: Sequence[Problem], now: datetime) -> int:
    """XP for first-time correct answers; the unique (user, reason, ref) lets each problem pay once."""
    if not correct:
        return 0
    rows = [
        {
            "user_id": user_id,
            "reason": "answer",
            "ref": f"problem:{p.id}",
            "amount": xp_for_correct_answer(p.difficulty),
            "created_at": now,
        }
        for p in sorted(correct, key=lambda p: p.id or 0)
    ]
    statement = (
        _insert(session)(XpEvent)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "reason", "ref"])
        .returning(col(XpEvent.amount))
    )
    return sum((await session.execute(statement)).scalars())


def touch_streak(user: User, now: datetime) -> None:
    """Count activity at `now` toward the user's streak (the caller holds the user's row lock)."""
    streak = advance_streak(
        Streak(user.streak_current, user.streak_best, user.streak_last_day),
        local_day(now, user.timezone),
    )
    user.streak_current, user.streak_best, user.streak_last_day = (
        streak.current,
        streak.best,
        streak.last_day,
    )


async def record_lesson_attempt(
    session: AsyncSession,
    user_id: int,
    lesson_id: int,
    score: float | None,
    max_score: float,
    now: datetime,
) -> None:
    ratio = (score or 0.0) / max_score if max_score else 0.0
    completed = score is not None and lesson_completed(score, max_score)
    insert = _insert(session)(LessonProgress).values(
        user_id=user_id,
        lesson_id=lesson_id,
        best_score=ratio,
        attempts=1,
        completed=completed,
        last_submitted_at=now,
    )
    table = LessonProgress.__table__.c  # type: ignore[attr-defined]
    statement = insert.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={
            "attempts": table.attempts + 1,
            "best_score": _greatest(table.best_score, insert.excluded.best_score),
            "completed": table.completed | insert.excluded.completed,
            "last_submitted_at": insert.excluded.last_submitted_at,
        },
    )
    await session.execute(statement)


def _greatest(a: ColumnElement[float], b: ColumnElement[float]) -> ColumnElement[float]:
    """GREATEST(a, b) in a form both PostgreSQL and SQLite understand."""
    return case((a >= b, a), else_=b)


def forbid_foreign(viewer: User, owner_id: int) -> None:
    if viewer.id != owner_id and viewer.role != Role.ADMIN.value:
        raise Forbidden("This belongs to someone else.")
