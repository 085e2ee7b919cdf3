"""GameSubscription: gameUpdated (players and onlookers) and gameHostUpdated (the host).

Both check the seat before returning the stream (a bad request is the protocol's `error` message),
then yield the game from the process's shared feed (graph/games/feeds.py) as it changes, releasing
the connection's database session between updates. A stream completes after the game has ended.
A player's stream also counts them connected for the host while it is open.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AbstractAsyncContextManager, nullcontext
from typing import Any

import strawberry
from strawberry.types import Info

from domain.errors import Forbidden, NotFound
from domain.games import presence, views
from domain.games.models import GameState
from domain.infra import metrics
from graph import ids
from graph.context import Context
from graph.games import fanout
from graph.games.seats import Seat, seat_of
from graph.games.types import Game
from graph.realtime.transport import direct_sender, send_next

ENDED = {GameState.FINISHED.value, GameState.CANCELLED.value}


async def _seat(context: Context, game_id: strawberry.ID) -> tuple[int, Seat]:
    key = ids.decode(game_id, "Game", ["gameId"])
    found = await context.run(views.game_and_course, key)
    if found is None:
        raise NotFound("No such game.", field=["gameId"], code="GAME_NOT_FOUND")
    seat = await seat_of(context, *found)
    await context.release()
    return key, seat


def _presence(context: Context, seat: Seat) -> AbstractAsyncContextManager[None]:
    """A player's stream counts them connected while it is open (domain/games/presence.py)."""
    services = context.services
    if seat.player_id is None:
        return nullcontext()
    return presence.connected(services.writers, services, seat.player_id)


async def _games(context: Context, game_id: int, seat: Seat, renderer: fanout.Renderer | None) -> AsyncIterator[Game]:
    feeds = context.services.game_feeds
    sender = direct_sender() if renderer is not None else None
    watch = await feeds.watch(game_id, host=seat.host)
    try:
        async with _presence(context, seat):
            async for view in watch:
                ended = view.game.state in ENDED
                if sender is not None and renderer is not None:
                    # Players: the snapshot's shared part executed once for all, only their own fields here.
                    rendered = await renderer.render(view, seat)
                    if rendered is not None:
                        del view
                        if not await send_next(sender, rendered):
                            return
                        metrics.SUBSCRIPTION_MESSAGES.labels("gameUpdated").inc()  # sent past GraphQL's extensions
                        if ended:
                            return
                        continue
                # Nothing of the snapshot stays referenced while suspended here: watchers that came in at
                # different moments would each keep a read of the whole roster alive (a thousand views).
                out = [Game.from_view(view, seat)]
                del view
                yield out.pop()
                await context.release()
                if ended:
                    return
    finally:
        await feeds.unwatch(watch)


@strawberry.type
class GameSubscription:
    @strawberry.subscription(
        description="The game now, then on every change players see: the lobby roster, a question opening "
        "(without its answer key, with its deadline), its reveal (key, answer counts, the viewer's own result), "
        "the standings, the end. Send the player token (guests) or your account token in connection_init."
    )
    async def game_updated(self, info: Info[Context, Any], game_id: strawberry.ID) -> AsyncGenerator[Game, None]:
        key, seat = await _seat(info.context, game_id)
        plan = None if seat.host else fanout.plan_for(info)
        renderer = fanout.renderer_for(info, plan) if plan is not None else None
        return _games(info.context, key, seat, renderer)  # type: ignore[return-value]

    @strawberry.subscription(
        description="For the host: the game now, then on every change, with live answer counts per option "
        "(coalesced to about ten updates a second) and players joining and leaving."
    )
    async def game_host_updated(self, info: Info[Context, Any], game_id: strawberry.ID) -> AsyncGenerator[Game, None]:
        key, seat = await _seat(info.context, game_id)
        if not seat.host:
            raise Forbidden("Only the game's host and the course's staff follow it as host.")
        return _games(info.context, key, seat, None)  # type: ignore[return-value]
