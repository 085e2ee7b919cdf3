"""AI evaluation of free-text answers: what is pending, the cache, and finishing graded submissions.

`submit` leaves FREE_TEXT answers PENDING and calls `request`, which records an evaluation job for
the submission (sent to the queue after commit). The worker loads the pending answers, serves
identical (problem, normalized answer) pairs from the cache, sends the rest to the provider in
batches, and `apply`s each batch's verdicts in its own transaction:

- answers are updated only while still PENDING, and the submissions' learners and then the
  submissions are locked first (in id order, the lock order of domain/infra/locks.py), so of two
  batches grading the last answers of one submission exactly one sees it complete, and a batch
  never deadlocks with the learner's own submissions;
- a complete submission turns GRADED once (UPDATE ... WHERE status = PENDING), earns answer XP
  once per problem (the XpEvent unique constraint), moves lesson progress, records its grade and
  fires `submissionGraded` after commit.

Running a job twice, or again after it was killed half-way, therefore grades nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, case, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox
from domain.classes import grades
from domain.content import catalog
from domain.infra.database import dialect_insert
from domain.infra.locks import lock_users, no_key_update
from domain.jobs import records as jobs
from domain.jobs.records import Usage
from domain.learning.rewards import award_answer_xp
from domain.learning.rules import lesson_completed
from domain.learning.scoring import normalize_text
from domain.models import (
    AiCacheEntry,
    Answer,
    Job,
    JobKind,
    Lesson,
    LessonProgress,
    Problem,
    ProblemKind,
    Submission,
    SubmissionStatus,
    User,
)
from domain.realtime import events
from domain.record.journal import Journal
from domain.record.kinds import LearningEventType

MAX_FEEDBACK = 2000
CACHE_KIND = "evaluation"


@dataclass(frozen=True)
class EvaluationItem:
    """One answer to judge, as a provider sees it; `key` identifies its verdict."""

    key: str
    question: str
    reference_answer: str
    rubric: tuple[str, ...]
    answer: str


@dataclass(frozen=True)
class Verdict:
    score: float  # 0..1
    feedback: str


@dataclass(frozen=True)
class Evaluated:
    verdicts: dict[str, Verdict]
    usage: Usage


class Evaluator(Protocol):
    """What the worker's AI provider offers for evaluation (workers/ai)."""

    @property
    def identity(self) -> str: ...

    async def evaluate(self, items: Sequence[EvaluationItem]) -> Evaluated: ...


@dataclass(frozen=True)
class PendingAnswer:
    answer_id: int
    submission_id: int
    problem_id: int
    text: str
    question: str
    reference_answer: str
    rubric: tuple[str, ...]

    def item(self, identity: str) -> EvaluationItem:
        return EvaluationItem(
            cache_key(identity, self), self.question, self.reference_answer, self.rubric, self.text.strip()
        )


def cache_key(identity: str, answer: PendingAnswer) -> str:
    """One verdict per (problem, normalized answer), also keyed by what it was judged against."""
    material = [identity, answer.problem_id, answer.reference_answer, list(answer.rubric), normalize_text(answer.text)]
    return hashlib.sha256(json.dumps(material, separators=(",", ":")).encode()).hexdigest()


def clamp(verdict: Verdict) -> Verdict:
    score = min(max(float(verdict.score), 0.0), 1.0)
    return Verdict(round(score, 4), verdict.feedback.strip()[:MAX_FEEDBACK])


# -- asking for it -------------------------------------------------------------------------------


async def request(session: AsyncSession, user_id: int, submission_id: int, now: datetime) -> Job:
    """The evaluation job of a submission with pending free-text answers, queued after commit."""
    key = f"evaluation:submission:{submission_id}"
    job, _ = await jobs.create(
        session,
        kind=JobKind.EVALUATION,
        dedupe_key=key,
        input_hash=hashlib.sha256(key.encode()).hexdigest(),
        params={"submissionIds": [submission_id]},
        created_by=user_id,
        now=now,
    )
    return job


async def request_many(session: AsyncSession, user_id: int, submission_ids: Sequence[int], now: datetime) -> Job:
    """One job for many submissions' pending answers (bulk grading, e.g. after an outage), by `user_id`."""
    ordered = sorted(set(submission_ids))
    digest = hashlib.sha256(json.dumps(ordered).encode()).hexdigest()
    job, _ = await jobs.create(
        session,
        kind=JobKind.EVALUATION,
        dedupe_key=f"evaluation:submissions:{digest}",
        input_hash=digest,
        params={"submissionIds": ordered},
        created_by=user_id,
        now=now,
    )
    return job


# -- reading -------------------------------------------------------------------------------------


async def pending_answers(session: AsyncSession, submission_ids: Sequence[int]) -> list[PendingAnswer]:
    """The FREE_TEXT answers of these submissions still waiting, grouped by submission."""
    if not submission_ids:
        return []
    query = (
        select(
            col(Answer.id),
            col(Answer.submission_id),
            col(Answer.problem_id),
            col(Answer.text),
            col(Problem.prompt),
            col(Problem.reference_answer),
            col(Problem.rubric),
        )
        .join(Problem, col(Problem.id) == col(Answer.problem_id))
        .where(
            col(Answer.submission_id).in_(set(submission_ids)),
            col(Answer.status) == SubmissionStatus.PENDING.value,
            col(Problem.kind) == ProblemKind.FREE_TEXT.value,
        )
        .order_by(col(Answer.submission_id), col(Answer.id))
    )
    return [
        PendingAnswer(
            answer_id or 0, submission_id, problem_id, text or "", prompt, reference or "", tuple(rubric or ())
        )
        for answer_id, submission_id, problem_id, text, prompt, reference, rubric in await session.execute(query)
    ]


async def cached(session: AsyncSession, keys: Sequence[str]) -> dict[str, Verdict]:
    if not keys:
        return {}
    query = select(col(AiCacheEntry.key), col(AiCacheEntry.value)).where(
        col(AiCacheEntry.key).in_(set(keys)), col(AiCacheEntry.kind) == CACHE_KIND
    )
    return {key: Verdict(float(value["score"]), str(value["feedback"])) for key, value in await session.execute(query)}


async def remember(session: AsyncSession, verdicts: Mapping[str, Verdict], now: datetime) -> None:
    if not verdicts:
        return
    rows = [
        {"key": key, "kind": CACHE_KIND, "value": {"score": v.score, "feedback": v.feedback}, "created_at": now}
        for key, v in sorted(verdicts.items())
    ]
    # executemany form: one cached statement whatever the number of rows (a multi-row VALUES compiles anew)
    statement = dialect_insert(session)(AiCacheEntry).on_conflict_do_nothing(index_elements=["key"])
    await session.execute(statement, rows)


# -- writing the grades --------------------------------------------------------------------------


async def apply(session: AsyncSession, graded: Mapping[int, Verdict], pass_score: float, now: datetime) -> list[int]:
    """Grade these answers (by id) if still pending and finish the submissions they complete.

    Returns the ids of the submissions this call turned GRADED."""
    if not graded:
        return []
    owners = select(col(Answer.submission_id), col(Answer.user_id)).where(col(Answer.id).in_(set(graded)))
    found: set[tuple[int, int]] = {(submission_id, user_id) for submission_id, user_id in await session.execute(owners)}
    if not found:
        return []
    submission_ids = sorted(submission_id for submission_id, _ in found)
    users = await lock_users(session, (user_id for _, user_id in found))  # users first, then their submissions
    locked = select(col(Submission.id)).where(col(Submission.id).in_(submission_ids))
    await session.execute(no_key_update(locked.order_by(col(Submission.id))))
    journal = Journal()
    await _note_grades(session, journal, graded, pass_score, now)
    table = Answer.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.id == bindparam("answer_id"), table.c.status == SubmissionStatus.PENDING.value)
        .values(
            status=SubmissionStatus.GRADED.value,
            score=bindparam("score"),
            correct=bindparam("correct"),
            feedback=bindparam("feedback"),
        )
    )
    rows = [
        {"answer_id": answer_id, "score": v.score, "correct": v.score >= pass_score, "feedback": v.feedback}
        for answer_id, v in sorted(graded.items())
    ]
    await session.execute(statement, rows)
    finished = await _finish_complete(session, users, submission_ids, now, journal)
    await journal.write(session)  # the learning record of this grading run, one INSERT
    return finished


async def _note_grades(
    session: AsyncSession, journal: Journal, graded: Mapping[int, Verdict], pass_score: float, now: datetime
) -> None:
    """ANSWER_GRADED for each answer of `graded` still pending (the caller holds their submissions' locks,
    so what is pending now is what this run grades)."""
    query = (
        select(
            col(Answer.id),
            col(Answer.user_id),
            col(Answer.submission_id),
            col(Answer.problem_id),
            col(Lesson.id),
            col(Lesson.course_id),
        )
        .join(Problem, col(Problem.id) == col(Answer.problem_id))
        .join(Lesson, col(Lesson.id) == col(Problem.lesson_id))
        .where(col(Answer.id).in_(set(graded)), col(Answer.status) == SubmissionStatus.PENDING.value)
        .order_by(col(Answer.id))
    )
    for answer_id, user_id, submission_id, problem_id, lesson_id, course_id in await session.execute(query):
        verdict = graded[answer_id or 0]
        payload = {
            "submissionId": submission_id,
            "problemId": problem_id,
            "correct": verdict.score >= pass_score,
            "score": float(verdict.score),
            "grader": "AI",
        }
        journal.add(
            user_id,
            LearningEventType.ANSWER_GRADED,
            payload,
            now,
            course_id=course_id,
            lesson_id=lesson_id,
            problem_id=problem_id,
        )


async def _finish_complete(
    session: AsyncSession,
    users: Mapping[int, User],
    submission_ids: Sequence[int],
    now: datetime,
    journal: Journal,
) -> list[int]:
    """Finish the locked submissions that have no pending answer left (a few statements for all of them);
    `users` are their learners, locked. XP and completed lessons are noted in `journal`."""
    still_pending = exists().where(
        col(Answer.submission_id) == col(Submission.id), col(Answer.status) == SubmissionStatus.PENDING.value
    )
    query = select(
        col(Submission.id), col(Submission.user_id), col(Submission.lesson_id), col(Submission.max_score)
    ).where(
        col(Submission.id).in_(submission_ids),
        col(Submission.status) == SubmissionStatus.PENDING.value,
        ~still_pending,
    )
    complete = sorted(
        (
            (sid or 0, user_id, lesson_id, max_score)
            for sid, user_id, lesson_id, max_score in await session.execute(query)
        ),
        key=lambda row: (row[1], row[0]),
    )
    if not complete:
        return []
    answers = select(col(Answer.submission_id), col(Answer.problem_id), col(Answer.score), col(Answer.correct))
    answers = answers.where(col(Answer.submission_id).in_([row[0] for row in complete]))
    scores: dict[int, float] = defaultdict(float)
    correct: dict[int, list[int]] = defaultdict(list)
    for submission_id, problem_id, score, right in await session.execute(answers):
        scores[submission_id] += score or 0.0
        if right:
            correct[submission_id].append(problem_id)
    problems = await catalog.rows_by_id(session, Problem, [p for ids in correct.values() for p in ids])
    graded: list[dict[str, Any]] = []
    for submission_id, user_id, lesson_id, max_score in complete:
        # Answers graded inside the mutation earned their XP then (award_answer_xp would skip them anyway).
        free_text = [problems[p] for p in correct[submission_id] if problems[p].kind == ProblemKind.FREE_TEXT]
        gained = await award_answer_xp(
            session, users[user_id], free_text, now, submission_id=submission_id, journal=journal
        )
        score = round(scores[submission_id], 6)
        graded.append({"sid": submission_id, "score": score, "gained": gained})
        if lesson_id is not None:
            await record_lesson_score(session, user_id, lesson_id, score, max_score)
            if lesson_completed(score, max_score):
                await _note_completed(session, journal, user_id, lesson_id, submission_id, score / max_score, now)
    table = Submission.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.id == bindparam("sid"), table.c.status == SubmissionStatus.PENDING.value)
        .values(
            status=SubmissionStatus.GRADED.value,
            score=bindparam("score"),
            graded_at=now,
            xp_awarded=table.c.xp_awarded + bindparam("gained"),
        )
    )
    await session.execute(statement, graded)
    for submission_id, user_id, _, _ in complete:
        await grades.record_submission(session, submission_id, now)
        outbox.record(session, events.SubmissionGraded(user_id, submission_id))
    return [row[0] for row in complete]


async def _note_completed(
    session: AsyncSession,
    journal: Journal,
    user_id: int,
    lesson_id: int,
    submission_id: int,
    ratio: float,
    now: datetime,
) -> None:
    course_id = (await session.execute(select(col(Lesson.course_id)).where(col(Lesson.id) == lesson_id))).scalar()
    payload = {"lessonId": lesson_id, "submissionId": submission_id, "score": ratio}
    journal.add(user_id, LearningEventType.LESSON_COMPLETED, payload, now, course_id=course_id, lesson_id=lesson_id)


async def record_lesson_score(
    session: AsyncSession, user_id: int, lesson_id: int, score: float, max_score: float
) -> None:
    """A late-graded attempt moves best score and completion; `submit` counted the attempt already."""
    ratio = score / max_score if max_score else 0.0
    completed = lesson_completed(score, max_score)
    progress = LessonProgress.__table__.c  # type: ignore[attr-defined]
    await session.execute(
        update(LessonProgress)
        .where(col(LessonProgress.user_id) == user_id, col(LessonProgress.lesson_id) == lesson_id)
        .values(
            best_score=case((progress.best_score >= ratio, progress.best_score), else_=ratio),
            completed=progress.completed | completed,
        )
    )
