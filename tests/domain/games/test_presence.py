"""A player's open streams: counted per player, never below zero, the host told only when they come or go."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.games import lifecycle, players, presence, views
from domain.games.rules import GameSettings
from domain.infra.database import session_factory
from domain.models import ProblemKind, Role
from domain.realtime.events import GameChange, GameChanged
from domain.settings import Settings
from tests.effects import Sinks
from tests.factories import make_course, make_user


async def test_the_host_hears_when_a_player_comes_and_goes_not_of_a_second_stream(
    engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=host, kinds=(ProblemKind.SINGLE_CHOICE,))
    game = (await lifecycle.create_game(session, host, course.lessons[0].id or 0, GameSettings(), now)).game
    player = (await players.join(session, None, game.pin, "Gus", now)).player
    await session.commit()
    writers, sinks = session_factory(engine, write=True), Sinks()
    counts = []

    async def connected_now() -> int:
        async with session_factory(engine)() as reader:
            view = await views.load_view(reader, game.id or 0)
        assert view is not None
        return view.connected_count

    async with presence.connected(writers, sinks, player.id or 0):
        async with presence.connected(writers, sinks, player.id or 0):  # a second tab
            counts.append(await connected_now())
        counts.append(await connected_now())
    counts.append(await connected_now())

    assert counts == [1, 1, 0]
    told = [e for kind, batch in sinks.log if kind == "events" for e in batch]
    assert told == [GameChanged(game.id or 0, GameChange.PRESENCE)] * 2  # connected, then gone


async def test_a_stray_disconnect_never_counts_below_zero(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=host, kinds=(ProblemKind.SINGLE_CHOICE,))
    game = (await lifecycle.create_game(session, host, course.lessons[0].id or 0, GameSettings(), now)).game
    player = (await players.join(session, None, game.pin, "Gus", now)).player

    assert await presence.shift(session, player.id or 0, -1) == 0
    assert await presence.shift(session, player.id or 0, +1) == 1
    assert await presence.shift(session, 10**9, +1) is None
