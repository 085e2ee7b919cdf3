"""Regrading a problem after its answer key was fixed: every stored answer re-scored with the current key.

What moves, per answer whose correctness or score changed (`regraded` counts those answers):
- the answer's `correct` and `score`;
- its submission's score (the sum of its answers), if the submission is graded, and the grade that
  submission yields (domain/classes/grades.py: class and student analytics go stale);
- the learner's lesson progress: best score and completion follow the regraded attempts, both ways
  (a completion the fixed key no longer supports is withdrawn);
- XP: a learner whose first answer to the problem is now correct gets the answer's XP if they never
  had it (the unique (user, "answer", "problem:<id>") XP event makes it once, whoever awards it),
  added to that submission's `xpAwarded`. XP is never taken back: an answer the fixed key marks wrong
  keeps the XP it earned, as the learner acted in good faith on what the app told them.
- after commit, `submissionGraded` tells each affected learner, leaderboards count new XP, and the
  analytics cache scopes are bumped (all through the outbox).
Running it again changes nothing and reports 0. Free-text problems are not regraded here (their
answers are graded by the evaluation worker against the reference answer).

Answers are read in batches of BATCH_ANSWERS in (user id, answer id) order, never all at once.
Locks (domain/infra/locks.py): the learners of a batch whose answers change are locked before their
rows are written, and because batches follow user ids the whole regrade locks users in ascending id,
like every other writer of several users. The locks are held until the mutation commits: a regrade of
a problem answered by many learners makes their own writes wait until then.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox, policies
from domain.classes import grades
from domain.content import catalog
from domain.errors import Forbidden, Invalid, NotFound
from domain.infra import metrics
from domain.infra.database import dialect_insert
from domain.infra.locks import lock_users
from domain.learning.answer_checks import CHOICE_KINDS, AnswerInput, grade
from domain.learning.rules import PASS_RATIO, xp_for_correct_answer
from domain.models import (
    Answer,
    Course,
    Lesson,
    LessonProgress,
    Option,
    Problem,
    ProblemKind,
    Submission,
    SubmissionStatus,
    User,
    XpEvent,
)
from domain.realtime import events
from domain.record.journal import Journal
from domain.record.kinds import LearningEventType

BATCH_ANSWERS = 500

Change = tuple[Any, tuple[bool, float]]  # a stored answer's row and its new (correct, score)


@dataclass(frozen=True)
class RegradeReport:
    regraded: int  # answers whose correctness or score changed
    examined: int  # graded answers re-scored
    submissions: int  # submissions whose answers changed
    xp_awarded: int


async def regrade(
    session: AsyncSession,
    viewer: User,
    problem_id: int,
    now: datetime,
    *,
    before: Callable[[], Awaitable[None]] | None = None,
) -> RegradeReport:
    """Re-score every graded answer of the problem with its current key (see the module docstring).
    `before` runs once access is checked and before anything is written (the rate limit)."""
    problem, course = await _regradable(session, viewer, problem_id)
    if before is not None:
        await before()
    options = (await catalog.options_by_problem(session, [problem_id])).get(problem_id, [])
    examined = regraded = xp = 0
    submissions: set[int] = set()
    after: tuple[int, int] = (0, 0)
    while True:
        rows = await _batch(session, problem_id, after)
        if not rows:
            break
        after = (rows[-1].user_id, rows[-1].id)
        changed: list[Change] = []
        for row in rows:
            new = _regraded(problem, options, row)
            if new is not None:
                changed.append((row, new))
        examined += len(rows)
        if changed:
            regraded += len(changed)
            touched, gained = await _apply(session, problem, course, changed, now)
            submissions |= touched
            xp += gained
    metrics.REGRADED_ANSWERS.labels("changed").inc(regraded)
    metrics.REGRADED_ANSWERS.labels("unchanged").inc(examined - regraded)
    return RegradeReport(regraded=regraded, examined=examined, submissions=len(submissions), xp_awarded=xp)


async def _regradable(session: AsyncSession, viewer: User, problem_id: int) -> tuple[Problem, Course]:
    problem = (await catalog.rows_by_id(session, Problem, [problem_id])).get(problem_id)
    lesson = (
        (await catalog.rows_by_id(session, Lesson, [problem.lesson_id])).get(problem.lesson_id) if problem else None
    )
    course = (await catalog.rows_by_id(session, Course, [lesson.course_id])).get(lesson.course_id) if lesson else None
    if problem is None or lesson is None or course is None or not policies.can_view_problem(viewer, problem, lesson):
        raise NotFound("No such problem.", field=["problemId"])
    if not policies.can_view_answer_analysis(viewer, course):
        raise Forbidden("Only the course's owner or an admin may regrade its problems.")
    if problem.kind == ProblemKind.FREE_TEXT.value:
        raise Invalid("Free-text answers are graded by the evaluation worker, not regraded.", field=["problemId"])
    return problem, course


async def _batch(session: AsyncSession, problem_id: int, after: tuple[int, int]) -> list[Any]:
    """The next graded answers of the problem in (user id, answer id) order, after `after`."""
    user_id, answer_id = after
    query = (
        select(
            col(Answer.id),
            col(Answer.user_id),
            col(Answer.submission_id),
            col(Answer.option_ids),
            col(Answer.number),
            col(Answer.text),
            col(Answer.correct),
            col(Answer.score),
        )
        .where(
            col(Answer.problem_id) == problem_id,
            col(Answer.status) == SubmissionStatus.GRADED.value,
            or_(col(Answer.user_id) > user_id, and_(col(Answer.user_id) == user_id, col(Answer.id) > answer_id)),
        )
        .order_by(col(Answer.user_id), col(Answer.id))
        .limit(BATCH_ANSWERS)
    )
    return list((await session.execute(query)).all())


def _regraded(problem: Problem, options: Sequence[Option], row: Any) -> tuple[bool, float] | None:
    """The new (correct, score) of a stored answer when it differs from the stored one; None when it
    is the same, or when the answer no longer fits the problem (its kind was changed since)."""
    kind = problem.kind
    if kind in CHOICE_KINDS:
        fits = True
    elif kind == ProblemKind.NUMERIC.value:
        fits = row.number is not None and problem.numeric_answer is not None
    else:
        fits = row.text is not None
    if not fits:
        return None
    assert problem.id is not None
    answer = AnswerInput(problem.id, tuple(row.option_ids or ()), row.number, row.text)
    result = grade(problem, options, answer)
    if result is None:
        return None
    same = (
        row.correct == result.correct and row.score is not None and math.isclose(row.score, result.score, abs_tol=1e-9)
    )
    return None if same else (result.correct, result.score)


async def _apply(
    session: AsyncSession,
    problem: Problem,
    course: Course,
    changed: list[Change],
    now: datetime,
) -> tuple[set[int], int]:
    """Write one batch's changes under the learners' locks; returns the submissions touched and XP given."""
    users = await lock_users(session, {row.user_id for row, _ in changed})
    values = [{"id": row.id, "correct": new[0], "score": new[1]} for row, new in changed]
    await session.execute(update(Answer), values)
    touched = {row.submission_id for row, _ in changed}
    await _rescore_submissions(session, touched)
    await grades.record_submissions(session, sorted(touched), now)
    await _refresh_progress(session, set(users), touched)
    gained = await _award_missing_xp(session, problem, course, users, changed, now)
    graded = select(Submission.user_id, Submission.id).where(  # type: ignore[call-overload]
        col(Submission.id).in_(touched), col(Submission.status) == SubmissionStatus.GRADED.value
    )
    for user_id, submission_id in (await session.execute(graded.order_by(col(Submission.id)))).all():
        outbox.record(session, events.SubmissionGraded(user_id, submission_id))
    return touched, gained


async def _rescore_submissions(session: AsyncSession, submission_ids: set[int]) -> None:
    """A graded submission's score is the sum of its answers' scores (as submit() computed it)."""
    total = (
        select(func.coalesce(func.sum(col(Answer.score)), 0.0))
        .where(col(Answer.submission_id) == col(Submission.id))
        .scalar_subquery()
    )
    await session.execute(
        update(Submission)
        .where(col(Submission.id).in_(submission_ids), col(Submission.status) == SubmissionStatus.GRADED.value)
        .values(score=total)
        .execution_options(synchronize_session=False)
    )


async def _refresh_progress(session: AsyncSession, user_ids: set[int], submission_ids: set[int]) -> None:
    """Best score and completion of the lessons the submissions belong to, recomputed from the learners'
    graded attempts (record_lesson_attempt's rules: best share of points, completed from PASS_RATIO)."""
    lessons = select(col(Submission.lesson_id)).where(
        col(Submission.id).in_(submission_ids), col(Submission.lesson_id).is_not(None)
    )
    lesson_ids = {key for key in (await session.execute(lessons.distinct())).scalars() if key is not None}
    if not lesson_ids:
        return
    best = (
        select(func.max(col(Submission.score) / col(Submission.max_score)))
        .where(
            col(Submission.user_id) == col(LessonProgress.user_id),
            col(Submission.lesson_id) == col(LessonProgress.lesson_id),
            col(Submission.status) == SubmissionStatus.GRADED.value,
            col(Submission.score).is_not(None),
            col(Submission.max_score) > 0,
        )
        .scalar_subquery()
    )
    new_best = func.coalesce(best, col(LessonProgress.best_score))
    await session.execute(
        update(LessonProgress)
        .where(col(LessonProgress.user_id).in_(user_ids), col(LessonProgress.lesson_id).in_(lesson_ids))
        .values(best_score=new_best, completed=new_best >= PASS_RATIO)
        .execution_options(synchronize_session=False)
    )


async def _award_missing_xp(
    session: AsyncSession,
    problem: Problem,
    course: Course,
    users: dict[int, User],
    changed: list[Change],
    now: datetime,
) -> int:
    """XP for learners whose first answer to the problem is now correct (submit()'s rule: XP only for an
    answer given before the solution was shown), once; staff earn none (they always see the key)."""
    now_correct = {row.user_id for row, new in changed if new[0]}
    if not now_correct:
        return 0
    firsts = (
        select(col(Answer.user_id), func.min(col(Answer.id)))
        .where(col(Answer.problem_id) == problem.id, col(Answer.user_id).in_(now_correct))
        .group_by(col(Answer.user_id))
    )
    first_of = dict((await session.execute(firsts)).all())
    newly = {row.id: row.submission_id for row, new in changed if new[0]}
    owed = [
        user_id
        for user_id in sorted(now_correct)
        if first_of.get(user_id) in newly and not policies.can_see_answer_key(users[user_id], answered=False)
    ]
    if not owed:
        return 0
    amount = xp_for_correct_answer(problem.difficulty)
    rows = [
        {"user_id": user_id, "reason": "answer", "ref": f"problem:{problem.id}", "amount": amount,
         "course_id": course.id, "created_at": now}
        for user_id in owed
    ]  # fmt: skip
    # one statement for the batch, in user order (locks.py step 3); the unique key skips XP given before.
    # An executemany of one cached statement (insertmanyvalues sends the rows as one multi-row INSERT, in
    # this order): `.values(rows)` would compile a statement of every row's values.
    statement = (
        dialect_insert(session)(XpEvent.__table__)  # type: ignore[attr-defined]
        .on_conflict_do_nothing(index_elements=["user_id", "reason", "ref"])
        .returning(col(XpEvent.user_id), col(XpEvent.amount))
    )
    awarded = dict((await session.execute(statement, rows)).all())
    journal = Journal()  # the learning record: XP_AWARDED, as award_xp notes it
    for user_id, gained in awarded.items():
        users[user_id].xp += gained
        outbox.record(session, events.XpAwarded(user_id, gained, now, course.id))
        payload = {"amount": gained, "reason": "answer", "ref": f"problem:{problem.id}"}
        journal.add(user_id, LearningEventType.XP_AWARDED, payload, now, course_id=course.id)
    await journal.write(session)
    if awarded:
        credited = [{"sid": newly[first_of[user_id]], "gained": gained} for user_id, gained in awarded.items()]
        submissions = Submission.__table__  # type: ignore[attr-defined]  # Core: an executemany, not ORM bulk
        await session.execute(
            update(submissions)
            .where(submissions.c.id == bindparam("sid"))
            .values(xp_awarded=submissions.c.xp_awarded + bindparam("gained")),
            credited,
        )
    return sum(awarded.values())
