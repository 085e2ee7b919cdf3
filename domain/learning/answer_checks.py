"""Checking and grading answers against their problems: plain functions, no database."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from domain.content.catalog import AnswerableOption, AnswerableProblem
from domain.errors import DomainError, Invalid, InvalidErrors, NotFound
from domain.learning.scoring import Grade, grade_multiple_choice, grade_numeric, grade_short_text, grade_single_choice
from domain.models import ProblemKind

MAX_ANSWERS = 200
MAX_TEXT_LENGTH = 10_000
MAX_ABS_NUMBER = 1e15
MAX_DURATION_MS = 3_600_000  # an hour: longer is a tab left open, not time spent on the problem
CONFIDENCE_RANGE = range(1, 6)  # 1 = guessing .. 5 = certain
CHOICE_KINDS = {ProblemKind.SINGLE_CHOICE.value, ProblemKind.MULTIPLE_CHOICE.value}
TEXT_KINDS = {ProblemKind.SHORT_TEXT.value, ProblemKind.FREE_TEXT.value}


@dataclass(frozen=True)
class AnswerInput:
    problem_id: int
    option_ids: tuple[int, ...] | None = None
    number: float | None = None
    text: str | None = None
    duration_ms: int | None = None  # time the learner spent on the problem, as the client measured it
    confidence: int | None = None  # 1-5, the learner's own rating before seeing the result


@dataclass(frozen=True, slots=True)
class GradedAnswer:
    """An answer as the mutation graded it (`status` GRADED, or PENDING for the evaluation worker): the
    row of `answers` it is stored as. A plain dataclass: the ORM entity's validation and instrumentation
    cost more than grading, and nothing in the mutation reads the stored answer back."""

    submission_id: int
    user_id: int
    problem_id: int
    option_ids: list[int]
    number: float | None
    text: str | None
    duration_ms: int | None
    confidence: int | None
    status: str
    correct: bool | None
    score: float | None

    def row(self) -> dict[str, object]:
        """The columns of `answers` (feedback comes from the evaluation worker, later)."""
        return {
            "submission_id": self.submission_id,
            "user_id": self.user_id,
            "problem_id": self.problem_id,
            "option_ids": self.option_ids,
            "number": self.number,
            "text": self.text,
            "duration_ms": self.duration_ms,
            "confidence": self.confidence,
            "status": self.status,
            "correct": self.correct,
            "score": self.score,
            "feedback": None,
        }


def _check_reported(at: list[str], answer: AnswerInput) -> list[DomainError]:
    """The client-reported figures: optional, each within its documented range."""
    errors: list[DomainError] = []
    if answer.duration_ms is not None and not 0 <= answer.duration_ms <= MAX_DURATION_MS:
        message = f"`durationMs` must be between 0 and {MAX_DURATION_MS}."
        errors.append(Invalid(message, field=[*at, "durationMs"]))
    if answer.confidence is not None and answer.confidence not in CONFIDENCE_RANGE:
        message = f"`confidence` must be between {CONFIDENCE_RANGE.start} and {CONFIDENCE_RANGE.stop - 1}."
        errors.append(Invalid(message, field=[*at, "confidence"]))
    return errors


def _expected_value(kind: str) -> str:
    if kind in CHOICE_KINDS:
        return "optionIds"
    return "number" if kind == ProblemKind.NUMERIC.value else "text"


def _check_choice(
    at: list[str], kind: str, ids: tuple[int, ...], options: Sequence[AnswerableOption]
) -> list[DomainError]:
    errors: list[DomainError] = []
    if len(set(ids)) != len(ids):
        errors.append(Invalid("An option is chosen twice.", field=[*at, "optionIds"]))
    if not set(ids) <= {option.id for option in options}:
        errors.append(NotFound("An option does not belong to this problem.", field=[*at, "optionIds"]))
    if kind == ProblemKind.SINGLE_CHOICE.value and len(ids) != 1:
        errors.append(Invalid("Choose exactly one option.", field=[*at, "optionIds"]))
    if kind == ProblemKind.MULTIPLE_CHOICE.value and not ids:
        errors.append(Invalid("Choose at least one option.", field=[*at, "optionIds"], code="MISSING_ANSWER"))
    return errors


def _check_text(at: list[str], text: str) -> list[DomainError]:
    if not text.strip():
        return [Invalid("The answer text is empty.", field=[*at, "text"], code="MISSING_ANSWER")]
    if len(text) > MAX_TEXT_LENGTH:
        message = f"The answer text is longer than {MAX_TEXT_LENGTH} characters."
        return [Invalid(message, field=[*at, "text"], code="TOO_LONG")]
    return []


def check_answer(
    index: int, answer: AnswerInput, problem: AnswerableProblem | None, options: Sequence[AnswerableOption]
) -> list[DomainError]:
    """Everything wrong with one answer, each error with its field path."""
    at = ["answers", str(index)]
    if problem is None:
        return [NotFound("This problem is not part of what is being submitted.", field=[*at, "problemId"])]
    kind = problem.kind
    values = {"optionIds": answer.option_ids, "number": answer.number, "text": answer.text}
    given = [name for name, value in values.items() if value is not None]
    expected = _expected_value(kind)
    errors: list[DomainError] = []
    if expected not in given:
        message = f"A {kind} problem needs `{expected}` in its answer."
        errors.append(Invalid(message, field=[*at, expected], code="MISSING_ANSWER"))
    errors += [Invalid(f"A {kind} problem takes no `{name}`.", field=[*at, name]) for name in given if name != expected]
    if kind in CHOICE_KINDS and answer.option_ids is not None:
        errors += _check_choice(at, kind, answer.option_ids, options)
    number = answer.number
    if (
        kind == ProblemKind.NUMERIC.value
        and number is not None
        and not (math.isfinite(number) and abs(number) <= MAX_ABS_NUMBER)
    ):
        message = f"The number must be finite and at most {MAX_ABS_NUMBER:g} in size."
        errors.append(Invalid(message, field=[*at, "number"]))
    if kind in TEXT_KINDS and answer.text is not None:
        errors += _check_text(at, answer.text)
    return errors + _check_reported(at, answer)


def check_answers(
    answers: Sequence[AnswerInput],
    problems: Sequence[AnswerableProblem],
    options: Mapping[int, Sequence[AnswerableOption]],
) -> None:
    """One answer per problem, each valid; raises every problem found, with field paths."""
    if len(answers) > MAX_ANSWERS:
        raise Invalid(f"At most {MAX_ANSWERS} answers can be submitted at once.", field=["answers"])
    by_id = {problem.id: problem for problem in problems}
    errors: list[DomainError] = []
    if not answers:
        errors.append(Invalid("Give at least one answer.", field=["answers"], code="MISSING_ANSWER"))
    seen: set[int] = set()
    for index, answer in enumerate(answers):
        if answer.problem_id in seen:
            errors.append(Invalid("This problem is answered twice.", field=["answers", str(index), "problemId"]))
        seen.add(answer.problem_id)
        errors += check_answer(index, answer, by_id.get(answer.problem_id), options.get(answer.problem_id, []))
    missing = len(set(by_id) - seen)
    if missing and answers:
        message = f"{missing} problem(s) of this lesson have no answer."
        errors.append(Invalid(message, field=["answers"], code="MISSING_ANSWER"))
    if errors:
        raise InvalidErrors(errors) if len(errors) > 1 else errors[0]


def grade(problem: AnswerableProblem, options: Sequence[AnswerableOption], answer: AnswerInput) -> Grade | None:
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
