"""Regrading a problem after its key was fixed: scores, grades, progress and XP follow, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.errors import Forbidden, Invalid
from domain.learning import regrade
from domain.learning.answer_checks import AnswerInput
from domain.learning.submissions import SubmissionRequest, submit
from domain.models import (
    Answer,
    Grade,
    LearningEvent,
    LessonProgress,
    Option,
    ProblemKind,
    Role,
    Submission,
    User,
    XpEvent,
)
from domain.realtime.events import SubmissionGraded
from domain.settings import Settings
from tests.effects import committed
from tests.factories import CourseFixture, make_course, make_user

KINDS = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC)


async def _submit(
    session: AsyncSession, learner: User, fixture: CourseFixture, key: str, option: Option, at: datetime
) -> None:
    single, numeric = fixture.problems[fixture.lessons[0].id]  # type: ignore[index]
    answers = (
        AnswerInput(single.id, option_ids=(option.id,)),  # type: ignore[arg-type]
        AnswerInput(numeric.id, number=42.0),  # type: ignore[arg-type]
    )
    await submit(session, learner, SubmissionRequest(key, answers, lesson_id=fixture.lessons[0].id), at)
    await session.commit()


async def _fix_key(session: AsyncSession, fixture: CourseFixture) -> int:
    """The key said option 0; the author meant option 1."""
    single = fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]
    options = fixture.options[single.id]  # type: ignore[index]
    await session.execute(update(Option).where(col(Option.id) == options[0].id).values(correct=False))
    await session.execute(update(Option).where(col(Option.id) == options[1].id).values(correct=True))
    await session.commit()
    assert single.id is not None
    return single.id


@dataclass
class World:
    owner: User
    fixture: CourseFixture
    wronged: User
    lucky: User


@pytest.fixture
async def world(session: AsyncSession, settings: Settings, now: datetime) -> World:
    owner = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    fixture = await make_course(session, now, owner=owner, kinds=KINDS)
    wronged, lucky = await make_user(session, settings, now), await make_user(session, settings, now)
    await session.commit()
    options = fixture.options[fixture.problems[fixture.lessons[0].id][0].id]  # type: ignore[index]
    await _submit(session, wronged, fixture, "a", options[1], now)  # right, but marked wrong by the bad key
    await _submit(session, lucky, fixture, "b", options[0], now)  # wrong, but marked right
    await _submit(session, wronged, fixture, "c", options[0], now + timedelta(minutes=1))  # after seeing "the key"
    return World(owner, fixture, wronged, lucky)


async def _scores(session: AsyncSession, user: User) -> list[tuple[float | None, int]]:
    query = select(col(Submission.score), col(Submission.xp_awarded)).where(col(Submission.user_id) == user.id)
    return [tuple(row) for row in (await session.execute(query.order_by(col(Submission.id)))).all()]  # type: ignore[misc]


async def test_regrade_rescores_answers_and_moves_scores_grades_progress_and_xp(
    session: AsyncSession, world: World, now: datetime
) -> None:
    owner, fixture, wronged, lucky = world.owner, world.fixture, world.wronged, world.lucky
    problem_id = await _fix_key(session, fixture)
    xp_before = {user.id: user.xp for user in (wronged, lucky)}

    report = await regrade.regrade(session, owner, problem_id, now + timedelta(hours=1))
    await session.commit()

    assert report == regrade.RegradeReport(regraded=3, examined=3, submissions=3, xp_awarded=20)
    answers = select(col(Answer.user_id), col(Answer.correct)).where(col(Answer.problem_id) == problem_id)
    assert sorted((await session.execute(answers.order_by(col(Answer.id)))).all()) == sorted(
        [(wronged.id, True), (lucky.id, False), (wronged.id, False)]
    )
    # the first answer of `wronged` was right: its XP is owed now; the retry after seeing the key earns none
    assert await _scores(session, wronged) == [(2.0, 40), (1.0, 0)]
    assert await _scores(session, lucky) == [(1.0, 40)]  # keeps the XP the bad key gave (never taken back)
    users = {u.id: u for u in (await session.execute(select(User).execution_options(populate_existing=True))).scalars()}
    assert users[wronged.id].xp == xp_before[wronged.id] + 20
    assert users[lucky.id].xp == xp_before[lucky.id]
    xp_events = select(col(XpEvent.user_id)).where(col(XpEvent.ref) == f"problem:{problem_id}")
    assert sorted((await session.execute(xp_events)).scalars()) == sorted([wronged.id, lucky.id])
    recorded = select(col(LearningEvent.user_id), col(LearningEvent.payload)).where(
        col(LearningEvent.type) == "XP_AWARDED"
    )
    for_problem = [
        user_id
        for user_id, payload in (await session.execute(recorded)).all()
        if payload["ref"] == f"problem:{problem_id}"
    ]
    assert sorted(for_problem) == sorted([wronged.id, lucky.id])  # the owed XP is in the learning record too
    grades = select(col(Grade.user_id), col(Grade.score)).order_by(col(Grade.submission_id))
    assert (await session.execute(grades)).all() == [(wronged.id, 2.0), (lucky.id, 1.0), (wronged.id, 1.0)]
    progress = select(col(LessonProgress.user_id), col(LessonProgress.best_score), col(LessonProgress.completed))
    assert sorted((await session.execute(progress)).all()) == sorted([(wronged.id, 1.0, True), (lucky.id, 0.5, False)])
    graded = committed(session, SubmissionGraded)
    assert len(graded) == 3 + 3  # the three submissions' own, then the regrade's
    assert {(event.user_id, event.submission_id) for event in graded[3:]} == {
        (s.user_id, s.id) for s in (await session.execute(select(Submission))).scalars()
    }


async def test_a_second_regrade_changes_nothing(session: AsyncSession, world: World, now: datetime) -> None:
    owner, fixture = world.owner, world.fixture
    problem_id = await _fix_key(session, fixture)
    await regrade.regrade(session, owner, problem_id, now)
    await session.commit()

    again = await regrade.regrade(session, owner, problem_id, now)

    assert again == regrade.RegradeReport(regraded=0, examined=3, submissions=0, xp_awarded=0)


async def test_regrade_reads_answers_in_batches(
    session: AsyncSession, world: World, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, fixture = world.owner, world.fixture
    problem_id = await _fix_key(session, fixture)
    monkeypatch.setattr(regrade, "BATCH_ANSWERS", 1)

    report = await regrade.regrade(session, owner, problem_id, now)

    assert (report.regraded, report.examined, report.xp_awarded) == (3, 3, 20)


async def test_only_the_course_staff_may_regrade_and_free_text_is_refused(
    session: AsyncSession, settings: Settings, now: datetime, world: World
) -> None:
    fixture, lucky = world.fixture, world.lucky
    rival = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    free = await make_course(session, now, owner=rival, kinds=(ProblemKind.FREE_TEXT,))
    problem_id = fixture.problems[fixture.lessons[0].id][0].id  # type: ignore[index]
    free_id = free.problems[free.lessons[0].id][0].id  # type: ignore[index]
    assert problem_id is not None
    assert free_id is not None

    for outsider in (rival, lucky):
        with pytest.raises(Forbidden):
            await regrade.regrade(session, outsider, problem_id, now)
    with pytest.raises(Invalid) as refused:
        await regrade.regrade(session, admin, free_id, now)

    assert refused.value.field == ["problemId"]
    assert (await regrade.regrade(session, admin, problem_id, now)).examined == 3
