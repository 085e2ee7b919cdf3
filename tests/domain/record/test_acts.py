"""The acts outside submitAnswers write their events in their own transaction: a tutor message, the AI
grading of free text, the end of a game, a streak found broken. Every payload has its documented shape."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.ai import evaluation
from domain.ai.evaluation import Verdict
from domain.games import lifecycle, players
from domain.games.rules import GameSettings
from domain.learning import submissions
from domain.learning.answer_checks import AnswerInput
from domain.models import Answer, LearningEvent, ProblemKind, Role, User
from domain.record.kinds import LearningEventType, shape_errors
from domain.settings import Settings
from domain.tutor import threads
from domain.tutor.threads import AskInput
from tests.factories import make_course, make_user


async def _events(session: AsyncSession, user: User) -> list[LearningEvent]:
    query = select(LearningEvent).where(col(LearningEvent.user_id) == user.id).order_by(col(LearningEvent.id))
    rows = list((await session.execute(query)).scalars())
    assert [(row.type, shape_errors(LearningEventType(row.type), row.payload)) for row in rows] == [
        (row.type, []) for row in rows
    ]
    return rows


async def test_a_tutor_message_is_an_event_of_its_problem(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,))
    problem = fixture.problems[fixture.lessons[0].id or 0][0]
    await session.commit()

    asked = await threads.ask(session, learner, AskInput("Hint?", "m1", problem_id=problem.id), settings, now)
    await threads.ask(session, learner, AskInput("Hint?", "m1", problem_id=problem.id), settings, now)  # a resend
    await session.commit()

    events = await _events(session, learner)
    assert [(e.type, e.course_id, e.lesson_id, e.problem_id) for e in events] == [
        ("TUTOR_MESSAGE", fixture.course.id, problem.lesson_id, problem.id)
    ]
    assert events[0].payload == {"threadId": asked.thread.id, "messageId": asked.message.id, "problemId": problem.id}


async def test_the_ai_grading_of_free_text_writes_the_grade_and_the_completed_lesson(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.FREE_TEXT,))
    lesson = fixture.lessons[0]
    problem = fixture.problems[lesson.id or 0][0]
    await session.commit()
    request = submissions.SubmissionRequest("k1", (AnswerInput(problem.id or 0, text="It batches."),), lesson.id)
    made = await submissions.submit(session, learner, request, now)
    await session.commit()
    answer_id = (await session.execute(select(col(Answer.id)))).scalar_one()

    later = now + timedelta(minutes=1)
    await evaluation.apply(session, {answer_id: Verdict(0.9, "good")}, 0.6, later)
    await evaluation.apply(session, {answer_id: Verdict(0.9, "good")}, 0.6, later)  # run twice: graded once
    await session.commit()

    events = await _events(session, learner)
    assert [e.type for e in events] == [
        "ANSWER_SUBMITTED",
        "STREAK_EXTENDED",
        "ANSWER_GRADED",
        "XP_AWARDED",
        "LESSON_COMPLETED",
    ]
    assert events[0].payload["pending"] is True
    assert events[2].payload == {
        "submissionId": made.submission.id,
        "problemId": problem.id,
        "correct": True,
        "score": 0.9,
        "grader": "AI",
    }
    assert events[2].occurred_at == later
    assert events[4].payload == {"lessonId": lesson.id, "submissionId": made.submission.id, "score": 0.9}


async def test_a_finished_game_is_played_by_each_signed_in_player(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    fixture = await make_course(session, now, owner=host, kinds=(ProblemKind.SINGLE_CHOICE,))
    await session.commit()
    game = (await lifecycle.create_game(session, host, fixture.lessons[0].id or 0, GameSettings(), now)).game
    learner = await make_user(session, settings, now)
    player = (await players.join(session, learner, game.pin, "Ann", now)).player
    await players.join(session, None, game.pin, "guest", now)
    await lifecycle.start(session, host, game.id or 0, now)
    problem = fixture.problems[fixture.lessons[0].id or 0][0]
    right = AnswerInput(problem.id or 0, option_ids=(fixture.options[problem.id or 0][0].id or 0,))
    await players.answer(session, player, game.id or 0, 0, right, "a1", now + timedelta(seconds=2))
    await lifecycle.end(session, host, game.id or 0, now + timedelta(seconds=30))
    await session.commit()

    events = await _events(session, learner)
    assert [e.type for e in events] == ["GAME_PLAYED", "XP_AWARDED"]
    assert events[0].payload["gameId"] == game.id
    assert events[0].payload["playerId"] == player.id
    assert events[0].payload["correctAnswers"] == 1
    assert (events[0].course_id, events[0].lesson_id) == (fixture.course.id, fixture.lessons[0].id)
    assert await _events(session, host) == []


async def test_activity_after_a_missed_day_writes_the_broken_streak_then_the_new_one(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    problem = fixture.problems[fixture.lessons[0].id or 0][0]
    await session.commit()

    for key, day in (("a", 0), ("b", 1), ("c", 3)):
        request = submissions.SubmissionRequest(key, (AnswerInput(problem.id or 0, number=1.0),), problem_id=problem.id)
        await submissions.submit(session, learner, request, now + timedelta(days=day))
        await session.commit()

    streaks = [(e.type, e.payload) for e in await _events(session, learner) if e.type.startswith("STREAK")]
    assert streaks == [
        ("STREAK_EXTENDED", {"current": 1, "best": 1, "day": "2026-03-10"}),
        ("STREAK_EXTENDED", {"current": 2, "best": 2, "day": "2026-03-11"}),
        ("STREAK_BROKEN", {"previous": 2, "lastActiveOn": "2026-03-11", "day": "2026-03-13"}),
        ("STREAK_EXTENDED", {"current": 1, "best": 2, "day": "2026-03-13"}),
    ]
