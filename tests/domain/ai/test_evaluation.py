"""Evaluation: the job a pending submission asks for, the cache key, and grading answers exactly once."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain import outbox
from domain.ai import evaluation
from domain.ai.evaluation import PendingAnswer, Verdict
from domain.infra.database import session_factory
from domain.infra.job_queue import Enqueue
from domain.learning import submissions
from domain.models import (
    Answer,
    Grade,
    Job,
    JobKind,
    JobStatus,
    LessonProgress,
    ProblemKind,
    Submission,
    User,
    XpEvent,
)
from domain.realtime import events
from domain.settings import Settings
from tests.effects import committed
from tests.factories import CourseFixture, make_course, make_user

PASS = 0.6


async def submit_free_text(
    session: AsyncSession, learner: User, fixture: CourseFixture, now: datetime, key: str = "k1"
) -> Submission:
    """Submit text answers to every problem of the first lesson (all FREE_TEXT here); returns the submission."""
    lesson = fixture.lessons[0]
    assert lesson.id is not None
    answers = tuple(
        submissions.AnswerInput(p.id, text=f"answer {index}")  # type: ignore[arg-type]
        for index, p in enumerate(fixture.problems[lesson.id])
    )
    outcome = await submissions.submit(session, learner, submissions.SubmissionRequest(key, answers, lesson.id), now)
    return outcome.submission


async def setup(
    session: AsyncSession, settings: Settings, now: datetime, free_text: int = 2
) -> tuple[User, CourseFixture, Submission, list[int]]:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,) * free_text)
    submission = await submit_free_text(session, learner, fixture, now)
    await session.commit()
    outbox.take(session)
    answer_ids = list((await session.execute(select(Answer.id).order_by(Answer.id))).scalars())  # type: ignore[arg-type]
    await session.commit()  # ends the write transaction (SQLite's write lock)
    return learner, fixture, submission, answer_ids


async def scalar(session: AsyncSession, query: object) -> object:
    return (await session.execute(query)).scalar_one()  # type: ignore[call-overload]


async def test_a_submission_with_free_text_asks_for_an_evaluation_job_sent_after_commit(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,))
    await session.commit()

    submission = await submit_free_text(session, learner, fixture, now)
    before_commit = committed(session, Enqueue)
    await session.commit()
    after_commit = committed(session, Enqueue)

    job = (await session.execute(select(Job))).scalar_one()
    assert (job.kind, job.status, job.created_by) == (JobKind.EVALUATION, JobStatus.QUEUED, learner.id)
    assert job.params == {"submissionIds": [submission.id]}
    assert before_commit == []
    assert [(r.function, r.job_id) for r in after_commit] == [("evaluation_run", job.id)]


async def test_a_rolled_back_submission_sends_no_job(session: AsyncSession, settings: Settings, now: datetime) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,))
    await session.commit()

    await submit_free_text(session, learner, fixture, now)
    await session.rollback()

    assert outbox.take(session) == []


async def test_a_fully_auto_graded_submission_asks_for_no_job(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    lesson_id = fixture.lessons[0].id
    problem = fixture.problems[lesson_id][0]  # type: ignore[index]
    request = submissions.SubmissionRequest("k", (submissions.AnswerInput(problem.id, number=42),), lesson_id)  # type: ignore[arg-type]

    await submissions.submit(session, learner, request, now)
    await session.commit()

    assert committed(session, Enqueue) == []
    assert await scalar(session, select(func.count()).select_from(Job)) == 0


def test_the_cache_key_is_the_problem_and_the_normalized_answer() -> None:
    answer = PendingAnswer(1, 1, 7, "  The MEAN,  moves. ", "Why?", "Reference.", ("mean",))
    same = PendingAnswer(2, 9, 7, "the mean, moves", "Why?", "Reference.", ("mean",))
    other_problem = PendingAnswer(3, 9, 8, "the mean, moves", "Why?", "Reference.", ("mean",))
    new_reference = PendingAnswer(4, 9, 7, "the mean, moves", "Why?", "Changed.", ("mean",))

    keys = {evaluation.cache_key("local:1", a) for a in (answer, same, other_problem, new_reference)}

    assert evaluation.cache_key("local:1", answer) == evaluation.cache_key("local:1", same)
    assert len(keys) == 3


async def test_verdicts_round_trip_through_the_cache(session: AsyncSession, now: datetime) -> None:
    await evaluation.remember(session, {"a" * 64: Verdict(0.5, "Half.")}, now)
    await evaluation.remember(session, {"a" * 64: Verdict(0.9, "Ignored: first one stays.")}, now)

    assert await evaluation.cached(session, ["a" * 64, "b" * 64]) == {"a" * 64: Verdict(0.5, "Half.")}


async def test_grading_the_last_answer_finishes_the_submission_once(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, fixture, submission, (first, second) = await setup(session, settings, now)

    partly = await evaluation.apply(session, {first: Verdict(1.0, "Good.")}, PASS, now)
    finished = await evaluation.apply(session, {second: Verdict(0.5, "Half.")}, PASS, now)
    again = await evaluation.apply(session, {first: Verdict(0.0, "Late."), second: Verdict(0.0, "Late.")}, PASS, now)
    await session.commit()

    assert (partly, finished, again) == ([], [submission.id], [])
    answers = (await session.execute(select(Answer).order_by(Answer.id))).scalars().all()  # type: ignore[arg-type]
    assert [(a.status, a.correct, a.score, a.feedback) for a in answers] == [
        ("GRADED", True, 1.0, "Good."),
        ("GRADED", False, 0.5, "Half."),
    ]
    graded = await session.get(Submission, submission.id, populate_existing=True)
    assert graded is not None
    assert (graded.status, graded.score, graded.graded_at, graded.xp_awarded) == ("GRADED", 1.5, now, 20)
    assert await scalar(session, select(func.sum(XpEvent.amount))) == 20
    assert await scalar(session, select(User.xp).where(User.id == learner.id)) == 20  # type: ignore[arg-type]
    progress = (await session.execute(select(LessonProgress))).scalar_one()
    assert (progress.attempts, progress.best_score, progress.completed) == (1, 0.75, True)
    grade = (await session.execute(select(Grade))).scalar_one()
    assert (grade.submission_id, grade.score, grade.max_score) == (submission.id, 1.5, 2.0)
    assert committed(session, (events.XpAwarded, events.SubmissionGraded)) == [
        events.XpAwarded(learner.id, 20, now, fixture.course.id),  # type: ignore[arg-type]
        events.SubmissionGraded(learner.id, submission.id),  # type: ignore[arg-type]
    ]


async def test_a_later_worse_attempt_keeps_the_best_score(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, fixture, _, answer_ids = await setup(session, settings, now)
    await evaluation.apply(session, dict.fromkeys(answer_ids, Verdict(1.0, "Good.")), PASS, now)
    await submit_free_text(session, learner, fixture, now, key="k2")
    await session.commit()
    later = list((await session.execute(select(Answer.id).where(Answer.status == "PENDING"))).scalars())  # type: ignore[arg-type]

    await evaluation.apply(session, dict.fromkeys(later, Verdict(0.0, "Wrong.")), PASS, now)
    await session.commit()

    progress = (await session.execute(select(LessonProgress))).scalar_one()
    assert (progress.attempts, progress.best_score, progress.completed) == (2, 1.0, True)
    assert await scalar(session, select(func.sum(XpEvent.amount))) == 40  # XP once per problem


async def test_concurrent_batches_finish_a_submission_exactly_once(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    _, _, submission, answer_ids = await setup(session, settings, now, free_text=4)
    writers = session_factory(engine, write=True)

    async def batch(ids: list[int]) -> list[int]:
        async with writers() as own:
            finished = await evaluation.apply(own, dict.fromkeys(ids, Verdict(1.0, "Good.")), PASS, now)
            await own.commit()
            return finished

    results = await asyncio.gather(batch(answer_ids[:2]), batch(answer_ids[2:]))

    assert sorted(results) == [[], [submission.id]]
    assert await scalar(session, select(func.count()).select_from(Grade)) == 1
    assert await scalar(session, select(func.sum(XpEvent.amount))) == 80
