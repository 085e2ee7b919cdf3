"""Abandoned games end by themselves, exactly once: idle lobbies and reveals, and games that ran too long."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from domain.games import expiry, lifecycle, players
from domain.games.expiry import ExpiryRule
from domain.games.models import GameState
from domain.games.rules import GameSettings
from domain.games.ticker import GameTicker
from domain.infra.database import session_factory
from domain.learning.answer_checks import AnswerInput
from domain.models import ProblemKind, Role, User, XpEvent
from domain.realtime.events import GameChange, GameChanged
from domain.settings import Settings
from tests.effects import Sinks
from tests.factories import CourseFixture, make_course, make_user

RULE = ExpiryRule(idle=timedelta(minutes=30), max_age=timedelta(hours=12))


def _tickers(engine: AsyncEngine, at: datetime, sinks: Sinks, count: int = 1) -> list[GameTicker]:
    return [
        GameTicker(session_factory(engine), session_factory(engine, write=True), lambda: at, sinks, 200, RULE)
        for _ in range(count)
    ]


def _told(sinks: Sinks) -> list[tuple[int, GameChange]]:
    return [
        (e.game_id, e.change)
        for kind, batch in sinks.log
        if kind == "events"
        for e in batch
        if isinstance(e, GameChanged)
    ]


async def _game(session: AsyncSession, settings: Settings, now: datetime) -> tuple[int, User, CourseFixture]:
    host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=host, kinds=(ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC))
    created = await lifecycle.create_game(session, host, course.lessons[0].id or 0, GameSettings(), now)
    await session.commit()
    return created.game.id or 0, host, course


async def test_an_idle_lobby_is_cancelled_exactly_once_by_racing_tickers_and_its_watchers_told(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    game_id, _, _ = await _game(session, settings, now)
    sinks = Sinks()

    ended = await asyncio.gather(*(t.expire() for t in _tickers(engine, now + timedelta(minutes=31), sinks, 3)))

    assert sum(ended) == 1
    assert _told(sinks) == [(game_id, GameChange.STATE)]
    game = await lifecycle.load_game(session, game_id)
    assert game.state == GameState.CANCELLED.value
    assert await _tickers(engine, now + timedelta(minutes=40), sinks)[0].expire() == 0


async def test_a_lobby_within_the_idle_time_stays_open(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    game_id, _, _ = await _game(session, settings, now)

    assert await _tickers(engine, now + timedelta(minutes=29), Sinks())[0].expire() == 0
    assert (await lifecycle.load_game(session, game_id)).state == GameState.LOBBY.value


async def test_an_idle_reveal_finishes_the_game_with_its_scores_and_xp_and_a_host_action_restarts_the_clock(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    game_id, host, course = await _game(session, settings, now)
    game = await lifecycle.load_game(session, game_id)
    learner = await make_user(session, settings, now)
    player = (await players.join(session, learner, game.pin, "Lea", now)).player
    problem = course.problems[course.lessons[0].id or 0][0]
    right = course.options[problem.id or 0][0]
    await lifecycle.start(session, host, game_id, now)
    await players.answer(
        session, player, game_id, 0, AnswerInput(problem.id or 0, option_ids=(right.id or 0,)), "k", now
    )
    revealed_at = now + timedelta(minutes=20)
    await lifecycle.reveal(session, host, game_id, revealed_at)
    await session.commit()

    # 40 minutes after the creation but 20 after the reveal (the last action): alive.
    assert await _tickers(engine, now + timedelta(minutes=40), Sinks())[0].expire() == 0
    sinks = Sinks()
    assert await _tickers(engine, revealed_at + timedelta(minutes=31), sinks)[0].expire() == 1

    finished = await lifecycle.load_game(session, game_id)
    assert finished.state == GameState.FINISHED.value
    assert _told(sinks) == [(game_id, GameChange.STATE)]
    xp = (await session.execute(select(XpEvent).where(col(XpEvent.reason) == "game"))).scalars().all()
    assert [(e.user_id, e.amount) for e in xp] == [(learner.id, 10)]


async def test_a_game_past_its_maximum_age_ends_even_in_the_middle_of_a_question(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    game_id, host, _ = await _game(session, settings, now)
    # The host keeps it moving (no idle time), but it has been open for 12 hours.
    later = now + timedelta(hours=12)
    await lifecycle.start(session, host, game_id, later - timedelta(seconds=5))
    await session.commit()

    assert await _tickers(engine, later, Sinks())[0].expire() == 1

    assert (await lifecycle.load_game(session, game_id)).state == GameState.FINISHED.value


async def test_expiry_does_not_end_a_game_the_host_moved_on_since_it_was_found(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    game_id, host, _ = await _game(session, settings, now)
    later = now + timedelta(minutes=31)
    found = await expiry.expired_games(session, RULE, later)
    await lifecycle.start(session, host, game_id, later)  # the host acts between the scan and the expiry

    assert found == [game_id]
    assert await expiry.expire(session, game_id, RULE, later) is None
    assert (await lifecycle.load_game(session, game_id)).state == GameState.QUESTION.value
