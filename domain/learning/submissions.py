"""Submitting answers: idempotency, grading, then XP, streak and lesson progress.

Idempotency is enforced by the unique (user, idempotency key) constraint with INSERT ... ON CONFLICT
DO NOTHING, never by read-then-write: of concurrent duplicates exactly one insert wins and the
others replay its stored result.

The learner's row is locked before the claim (domain/infra/locks.py): of one learner's concurrent
submissions one writes at a time, and duplicates of a key wait for the winner there and replay it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox, policies
from domain.ai import evaluation
from domain.classes import grades
from domain.content import catalog
from domain.content.catalog import AnswerableOption, AnswerableProblem
from domain.errors import IdempotencyKeyReused, Invalid, NotFound
from domain.infra.bulk import BulkInsert
from domain.infra.database import dialect_insert
from domain.infra.locks import lock_user
from domain.learning.answer_checks import AnswerInput, GradedAnswer, check_answers, grade
from domain.learning.rewards import award_answer_xp, record_lesson_attempt, touch_streak
from domain.learning.rules import lesson_completed
from domain.models import Answer, Lesson, ProblemKind, Submission, SubmissionStatus, User
from domain.realtime import events
from domain.record.journal import Journal
from domain.record.kinds import LearningEventType
from domain.reviews import scheduling

MAX_KEY_LENGTH = 255

__all__ = ["AnswerInput", "Outcome", "SubmissionRequest", "request_hash", "submit"]


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
    """A fingerprint of the payload; the same key with another fingerprint is a reused key.

    `durationMs` and `confidence` are left out: a retry may re-measure the time, and it is still
    the same answers (the stored ones are those of the first call)."""
    answers = sorted(
        (a.problem_id, sorted(a.option_ids) if a.option_ids is not None else None, a.number, a.text)
        for a in request.answers
    )
    canonical = json.dumps([request.lesson_id, request.problem_id, answers], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> None:
    if not key.strip():
        raise Invalid("The idempotency key must not be empty.", field=["idempotencyKey"])
    if len(key) > MAX_KEY_LENGTH:
        raise Invalid(f"The idempotency key is longer than {MAX_KEY_LENGTH} characters.", field=["idempotencyKey"])


async def _target_problems(
    session: AsyncSession, viewer: User, request: SubmissionRequest
) -> tuple[list[AnswerableProblem], Lesson]:
    """The problems a submission must answer (all published ones of the lesson, or the one problem) and
    their lesson. Plain rows of what grading needs (catalog.AnswerableProblem), not ORM objects."""
    if request.lesson_id is not None:
        lesson = (await catalog.rows_by_id(session, Lesson, [request.lesson_id])).get(request.lesson_id)
        if lesson is None or not policies.can_view_lesson(viewer, lesson):
            raise NotFound("No such lesson.", field=["lessonId"])
        # drafts are never answered (policies.can_answer_problem), not even by staff who see them
        problems = await catalog.answerable_problems(session, request.lesson_id)
        if not problems:
            raise Invalid("This lesson has no problems to answer.", field=["lessonId"])
        return problems, lesson
    assert request.problem_id is not None
    problem = await catalog.answerable_problem(session, request.problem_id)
    lesson = None
    if problem is not None:
        lesson = (await catalog.rows_by_id(session, Lesson, [problem.lesson_id])).get(problem.lesson_id)
    if problem is None or lesson is None or not policies.can_answer_problem(viewer, problem, lesson):
        raise NotFound("No such problem.", field=["problemId"])
    assert lesson is not None
    return [problem], lesson


async def _replay(session: AsyncSession, viewer_id: int, key: str, fingerprint: str) -> Outcome | None:
    existing = await catalog.submission_for_key(session, viewer_id, key)
    if existing is None:
        return None
    if existing.request_hash != fingerprint:
        raise IdempotencyKeyReused(
            "This idempotency key was used for a different submission.", field=["idempotencyKey"]
        )
    return Outcome(existing, replayed=True)


async def _claim(
    session: AsyncSession, viewer: User, request: SubmissionRequest, fingerprint: str, max_score: float, now: datetime
) -> int | None:
    """Insert the submission row, or None when a concurrent duplicate holds the key already."""
    claim = (
        dialect_insert(session)(Submission)
        .values(
            user_id=viewer.id,
            lesson_id=request.lesson_id,
            problem_id=request.problem_id,
            idempotency_key=request.idempotency_key,
            request_hash=fingerprint,
            status=SubmissionStatus.PENDING.value,
            max_score=max_score,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["user_id", "idempotency_key"])
        .returning(col(Submission.id))
    )
    return (await session.execute(claim)).scalar_one_or_none()


async def submit(
    session: AsyncSession,
    viewer: User,
    request: SubmissionRequest,
    now: datetime,
    *,
    before_evaluation: Callable[[], Awaitable[None]] | None = None,
) -> Outcome:
    """Grade and record a submission once per (viewer, idempotency key); replays return the original.

    `before_evaluation` runs before anything is written when the submission will queue an AI
    evaluation (free-text answers), and may refuse it by raising (the per-user limit does).
    """
    assert viewer.id is not None
    check_key(request.idempotency_key)
    fingerprint = request_hash(request)
    replay = await _replay(session, viewer.id, request.idempotency_key, fingerprint)
    if replay is not None:
        return replay
    problems, lesson = await _target_problems(session, viewer, request)
    options = await catalog.option_rows_by_problem(session, [p.id for p in problems if p.id is not None])
    check_answers(request.answers, problems, options)
    answered = {answer.problem_id for answer in request.answers}
    if before_evaluation is not None and any(
        problem.kind == ProblemKind.FREE_TEXT.value for problem in problems if problem.id in answered
    ):
        await before_evaluation()

    user = await lock_user(session, viewer.id)  # first: the lock order of domain/infra/locks.py
    submission_id = await _claim(session, viewer, request, fingerprint, float(len(problems)), now)
    if submission_id is None:  # a concurrent duplicate committed first: replay it
        replay = await _replay(session, viewer.id, request.idempotency_key, fingerprint)
        assert replay is not None
        return replay
    by_id = {problem.id: problem for problem in problems}
    answers = [
        _graded_answer(submission_id, viewer.id, by_id[a.problem_id], options.get(a.problem_id, []), a)
        for a in request.answers
    ]
    # one INSERT whatever the number of answers (domain/infra/bulk.py), without the unit of work's
    # per-object bookkeeping: nothing in this request reads the answers back through the session
    await _INSERT_ANSWERS.run(session, [answer.row() for answer in answers])
    pending = any(answer.status == SubmissionStatus.PENDING.value for answer in answers)
    journal = Journal()
    _note_answers(journal, viewer.id, request, lesson, answers, pending, submission_id, now)
    correct = [by_id[a.problem_id] for a in answers if a.correct]
    xp = await award_answer_xp(session, user, correct, now, submission_id=submission_id, journal=journal, lesson=lesson)
    touch_streak(user, now, journal)
    # review cards: created on a first answer; a single-problem answer also reviews an existing card
    practice = request.problem_id is not None
    xp += await scheduling.on_answered(session, user, answers, now, practice=practice, journal=journal)
    score = None if pending else sum(answer.score or 0.0 for answer in answers)
    graded = (
        update(Submission.__table__)  # type: ignore[attr-defined]
        .where(col(Submission.id) == submission_id)
        .values(
            status=SubmissionStatus.PENDING.value if pending else SubmissionStatus.GRADED.value,
            score=score,
            xp_awarded=xp,
            graded_at=None if pending else now,
        )
        .returning(*Submission.__table__.c)  # type: ignore[attr-defined]
    )
    if request.lesson_id is not None and score is not None and lesson_completed(score, float(len(problems))):
        payload = {"lessonId": request.lesson_id, "submissionId": submission_id, "score": score / len(problems)}
        journal.add(
            viewer.id, LearningEventType.LESSON_COMPLETED, payload, now, course_id=lesson.course_id, lesson_id=lesson.id
        )
    # the learning record of this submission goes with the UPDATE, in the same round trip on PostgreSQL:
    # under the learner's row lock, where this learner's other writers wait for every await
    submission = Submission.model_validate((await journal.write_with(session, graded)).mappings().one())
    if request.lesson_id is not None:
        await record_lesson_attempt(session, viewer.id, request.lesson_id, score, float(len(problems)), now)
    if not pending:  # fully graded: it counts as a grade (the evaluation worker records the others later)
        await grades.record_submission(session, submission_id, now)
    if not pending:  # submissionGraded subscribers hear of it once the transaction commits
        outbox.record(session, events.SubmissionGraded(viewer.id, submission_id))
    else:  # free-text answers: an evaluation job, sent to the worker once this commits
        await evaluation.request(session, viewer.id, submission_id, now)
    await session.flush()
    return Outcome(submission, replayed=False)


def _note_answers(
    journal: Journal,
    user_id: int,
    request: SubmissionRequest,
    lesson: Lesson,
    answers: Sequence[GradedAnswer],
    pending: bool,
    submission_id: int,
    now: datetime,
) -> None:
    """The submission (the learner's act, first) and each answer graded in it, for the learning record."""
    where = {"course_id": lesson.course_id, "lesson_id": lesson.id}
    submitted = {
        "submissionId": submission_id,
        "lessonId": request.lesson_id,
        "problemId": request.problem_id,
        "answerCount": len(answers),
        "pending": pending,
    }
    journal.add(user_id, LearningEventType.ANSWER_SUBMITTED, submitted, now, problem_id=request.problem_id, **where)
    for answer in answers:
        if answer.status != SubmissionStatus.GRADED.value:
            continue  # the evaluation worker notes it once graded
        graded = {
            "submissionId": submission_id,
            "problemId": answer.problem_id,
            "correct": bool(answer.correct),
            "score": answer.score or 0.0,
            "grader": "AUTO",
        }
        journal.add(user_id, LearningEventType.ANSWER_GRADED, graded, now, problem_id=answer.problem_id, **where)


_INSERT_ANSWERS = BulkInsert(Answer.__table__)  # type: ignore[attr-defined]


def _graded_answer(
    submission_id: int,
    user_id: int,
    problem: AnswerableProblem,
    options: Sequence[AnswerableOption],
    answer: AnswerInput,
) -> GradedAnswer:
    result = grade(problem, options, answer)
    return GradedAnswer(
        submission_id=submission_id,
        user_id=user_id,
        problem_id=answer.problem_id,
        option_ids=list(answer.option_ids or ()),
        number=answer.number,
        text=answer.text,
        duration_ms=answer.duration_ms,
        confidence=answer.confidence,
        status=SubmissionStatus.PENDING.value if result is None else SubmissionStatus.GRADED.value,
        correct=None if result is None else result.correct,
        score=None if result is None else result.score,
    )
