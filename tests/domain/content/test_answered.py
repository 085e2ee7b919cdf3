"""Which problems a learner has answered (solutions show, XP is fair): per problem, optionally only in
submissions older than a given one, and never another learner's answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.content import catalog
from domain.models import Answer, ProblemKind, Submission, User
from domain.settings import Settings
from tests.factories import make_course, make_submission, make_user


async def _answer(session: AsyncSession, user: User, submission: Submission, problem_ids: list[int]) -> None:
    assert user.id is not None
    assert submission.id is not None
    for problem_id in problem_ids:
        session.add(Answer(submission_id=submission.id, user_id=user.id, problem_id=problem_id, correct=False))
    await session.flush()


async def test_answered_problems_per_learner_and_before_a_submission(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    other = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE,) * 4)
    lesson = fixture.lessons[0]
    p1, p2, p3, p4 = [p.id or 0 for p in fixture.problems[lesson.id or 0]]
    first = await make_submission(session, learner, now, lesson=lesson)
    second = await make_submission(session, learner, now, lesson=lesson)
    theirs = await make_submission(session, other, now, lesson=lesson)
    await _answer(session, learner, first, [p1, p2])
    await _answer(session, learner, first, [p1])  # answered twice: still one problem
    await _answer(session, learner, second, [p2, p3])
    await _answer(session, other, theirs, [p4])

    assert await catalog.answered_problems(session, learner.id or 0, [p1, p2, p3, p4]) == {p1, p2, p3}
    before = await catalog.answered_problems(session, learner.id or 0, [p1, p2, p3, p4], before_submission=second.id)
    assert before == {p1, p2}
    assert await catalog.answered_problems(session, learner.id or 0, [p3], before_submission=first.id) == set()
    assert await catalog.answered_problems(session, other.id or 0, [p1, p2, p3, p4]) == {p4}
    assert await catalog.answered_problems(session, learner.id or 0, []) == set()
