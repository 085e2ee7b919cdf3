"""A game's life on the real databases: creation, joining, answers, the deadline close, XP, the report."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from domain.errors import Conflict, DomainError, Forbidden, NotFound
from domain.games import lifecycle, players, report, views
from domain.games.models import GameAnswer, GamePlayer, GameState
from domain.games.rules import GameSettings
from domain.games.ticker import GameTicker
from domain.infra.database import session_factory
from domain.learning.answer_checks import AnswerInput
from domain.models import ProblemKind, Role, User, XpEvent
from domain.settings import Settings
from tests.effects import Sinks
from tests.factories import CourseFixture, make_course, make_user

KINDS = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC, ProblemKind.FREE_TEXT)


async def _setup(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, CourseFixture]:
    host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=host, kinds=KINDS)
    await session.commit()
    return host, course


async def _game(session: AsyncSession, host: User, course: CourseFixture, now: datetime, **options: object):
    created = await lifecycle.create_game(session, host, course.lessons[0].id or 0, GameSettings(**options), now)  # type: ignore[arg-type]
    await session.commit()
    return created


def _choice(course: CourseFixture, correct: bool) -> AnswerInput:
    problem = course.problems[course.lessons[0].id or 0][0]
    option = course.options[problem.id or 0][0 if correct else 1]
    return AnswerInput(problem.id or 0, option_ids=(option.id or 0,))


async def test_a_game_takes_the_playable_problems_and_reports_the_free_text_one_skipped(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _setup(session, settings, now)

    created = await _game(session, host, course, now)

    free_text = course.problems[course.lessons[0].id or 0][2]
    assert created.game.question_count == 2
    assert created.skipped_problem_ids == (free_text.id,)
    assert created.game.state == GameState.LOBBY.value
    assert len(created.game.pin) == 6


async def test_a_learner_cannot_open_a_game_and_nothing_is_written(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    _, course = await _setup(session, settings, now)
    learner = await make_user(session, settings, now)

    with pytest.raises(Forbidden):
        await lifecycle.create_game(session, learner, course.lessons[0].id or 0, GameSettings(), now)

    assert await session.scalar(select(func.count()).select_from(GamePlayer)) == 0


async def test_answers_score_at_the_close_and_the_finish_awards_xp_once(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _setup(session, settings, now)
    game = (await _game(session, host, course, now)).game
    learner = await make_user(session, settings, now)
    fast = (await players.join(session, learner, game.pin, "Fast", now)).player
    slow = (await players.join(session, None, game.pin, "slow", now)).player
    await lifecycle.start(session, host, game.id or 0, now)
    await session.commit()

    first = await players.answer(
        session, fast, game.id or 0, 0, _choice(course, True), "k1", now + timedelta(seconds=5)
    )
    second = await players.answer(
        session, slow, game.id or 0, 0, _choice(course, False), "k2", now + timedelta(seconds=1)
    )
    await session.commit()
    before_close = await views.load_view(session, game.id or 0)
    await lifecycle.reveal(session, host, game.id or 0, now + timedelta(seconds=6))
    await session.commit()
    after_close = await views.load_view(session, game.id or 0)

    assert (first.answer.correct, first.answer.points, first.answer.elapsed_ms) == (True, 875, 5000)
    assert (second.answer.correct, second.answer.points) == (False, 0)
    assert before_close is not None
    assert [s.score for s in before_close.standings] == [0, 0]
    assert after_close is not None
    assert [(s.rank, s.player.nickname, s.score) for s in after_close.standings] == [(1, "Fast", 875), (2, "slow", 0)]
    assert after_close.option_counts() == [1, 1, 0, 0]

    await lifecycle.end(session, host, game.id or 0, now + timedelta(seconds=7))
    await session.commit()
    xp = (await session.execute(select(XpEvent).where(col(XpEvent.reason) == "game"))).scalars().all()
    assert [(e.user_id, e.ref, e.amount) for e in xp] == [(learner.id, f"game:{game.id}", 10)]


async def test_the_same_key_replays_and_a_second_answer_is_refused(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _setup(session, settings, now)
    game = (await _game(session, host, course, now)).game
    player = (await players.join(session, None, game.pin, "P", now)).player
    await lifecycle.start(session, host, game.id or 0, now)
    await session.commit()
    await players.answer(session, player, game.id or 0, 0, _choice(course, True), "k", now)
    await session.commit()

    replay = await players.answer(session, player, game.id or 0, 0, _choice(course, True), "k", now)
    with pytest.raises(Conflict) as refused:
        await players.answer(session, player, game.id or 0, 0, _choice(course, False), "k2", now)

    assert replay.replayed
    assert refused.value.code == "ALREADY_ANSWERED"
    assert await session.scalar(select(func.count()).select_from(GameAnswer)) == 1


@pytest.mark.parametrize(
    ("index", "delay", "code"),
    [(1, 1, "QUESTION_NOT_OPEN"), (0, 21, "TOO_LATE"), (7, 1, "QUESTION_NOT_OPEN")],
)
async def test_answers_to_a_question_not_open_or_after_its_deadline_are_refused(
    session: AsyncSession, settings: Settings, now: datetime, index: int, delay: int, code: str
) -> None:
    host, course = await _setup(session, settings, now)
    game = (await _game(session, host, course, now)).game
    player = (await players.join(session, None, game.pin, "P", now)).player
    await lifecycle.start(session, host, game.id or 0, now)
    await session.commit()

    with pytest.raises(DomainError) as refused:
        await players.answer(
            session, player, game.id or 0, index, _choice(course, True), "k", now + timedelta(seconds=delay)
        )

    assert refused.value.code == code
    assert await session.scalar(select(func.count()).select_from(GameAnswer)) == 0


async def test_joining_refuses_unknown_pins_duplicate_nicknames_and_full_games(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _setup(session, settings, now)
    game = (await _game(session, host, course, now, max_players=2)).game
    await players.join(session, None, game.pin, "Ana", now)
    await session.commit()
    codes = []
    for pin, nickname in [("000000", "X"), (game.pin, " ana "), (game.pin, "Bo"), (game.pin, "Cy")]:
        try:
            await players.join(session, None, pin, nickname, now)
            await session.commit()
            codes.append("OK")
        except DomainError as error:
            await session.rollback()
            codes.append(error.code)

    assert codes == ["GAME_NOT_FOUND", "NICKNAME_TAKEN", "OK", "GAME_FULL"]
    assert await session.scalar(select(func.count()).select_from(GamePlayer)) == 2


async def test_a_finished_games_pin_is_not_found(session: AsyncSession, settings: Settings, now: datetime) -> None:
    host, course = await _setup(session, settings, now)
    game = (await _game(session, host, course, now)).game
    await lifecycle.end(session, host, game.id or 0, now)
    await session.commit()

    with pytest.raises(NotFound) as refused:
        await players.join(session, None, game.pin, "Late", now)

    assert refused.value.code == "GAME_NOT_FOUND"
    assert game.state == GameState.CANCELLED.value


async def test_a_player_cannot_control_the_game(session: AsyncSession, settings: Settings, now: datetime) -> None:
    host, course = await _setup(session, settings, now)
    game = (await _game(session, host, course, now)).game
    learner = await make_user(session, settings, now)

    for control in (lifecycle.start, lifecycle.reveal, lifecycle.next_question, lifecycle.skip, lifecycle.end):
        with pytest.raises(Forbidden):
            await control(session, learner, game.id or 0, now)

    assert (await lifecycle.load_game(session, game.id or 0)).state == GameState.LOBBY.value


async def test_two_racing_tickers_close_a_due_question_exactly_once(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _setup(session, settings, now)
    game = (await _game(session, host, course, now)).game
    player = (await players.join(session, None, game.pin, "P", now)).player
    await lifecycle.start(session, host, game.id or 0, now)
    await session.commit()
    await players.answer(session, player, game.id or 0, 0, _choice(course, True), "k", now)
    await session.commit()
    sinks = Sinks()
    later = now + timedelta(seconds=21)
    tickers = [
        GameTicker(session_factory(engine), session_factory(engine, write=True), lambda: later, sinks, 200)
        for _ in range(4)
    ]
    closed = await asyncio.gather(*(ticker.tick() for ticker in tickers))

    assert sum(closed) == 1
    assert [kind for kind, _ in sinks.log] == ["events"]  # one close, one flush
    view = await views.load_view(session, game.id or 0)
    assert view is not None
    assert view.game.state == GameState.REVEAL.value
    assert [s.score for s in view.standings] == [1000]


async def test_a_ticker_leaves_questions_before_their_deadline_open(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _setup(session, settings, now)
    game = (await _game(session, host, course, now, seconds_per_question=5)).game
    await lifecycle.start(session, host, game.id or 0, now)
    await session.commit()

    early = GameTicker(
        session_factory(engine), session_factory(engine, write=True), lambda: now + timedelta(seconds=4), Sinks(), 200
    )

    assert await early.tick() == 0
    assert (await lifecycle.load_game(session, game.id or 0)).state == GameState.QUESTION.value


async def test_the_report_names_the_hardest_question(session: AsyncSession, settings: Settings, now: datetime) -> None:
    host, course = await _setup(session, settings, now)
    game = (await _game(session, host, course, now)).game
    a = (await players.join(session, None, game.pin, "A", now)).player
    b = (await players.join(session, None, game.pin, "B", now)).player
    gid = game.id or 0
    numeric = course.problems[course.lessons[0].id or 0][1]
    await lifecycle.start(session, host, gid, now)
    await players.answer(session, a, gid, 0, _choice(course, True), "a0", now + timedelta(seconds=2))
    await players.answer(session, b, gid, 0, _choice(course, True), "b0", now + timedelta(seconds=4))
    await lifecycle.reveal(session, host, gid, now + timedelta(seconds=5))
    await lifecycle.next_question(session, host, gid, now + timedelta(seconds=6))
    later = now + timedelta(seconds=7)
    await players.answer(session, a, gid, 1, AnswerInput(numeric.id or 0, number=42.0), "a1", later)
    await players.answer(session, b, gid, 1, AnswerInput(numeric.id or 0, number=7.0), "b1", later)
    await lifecycle.end(session, host, gid, later)
    await session.commit()

    built = await report.build_report(session, await lifecycle.load_game(session, gid))

    assert [(q.answered, q.correct, q.mean_elapsed_ms) for q in built.questions] == [(2, 2, 3000.0), (2, 1, 1000.0)]
    assert built.hardest is not None
    assert built.hardest.index == 1
    rows = list(report.csv_rows(built))
    assert rows[0][0] == "question"
    assert rows[2][-1] == "true"
