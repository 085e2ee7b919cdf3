"""Who is looking at a game: its host (or course staff), one of its players, or an onlooker.

A player is known by their account token (a signed-in player) or by the player token `joinGame`
returned (guests; anyone reconnecting). A player token names one game: used on another it is an
error, never silently an onlooker.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import policies
from domain.errors import Forbidden
from domain.games import players
from domain.games.models import Game, GamePlayer
from domain.games.tokens import decode_player_token, is_player_token
from domain.models import Course, User
from graph.context import Context


@dataclass(frozen=True)
class Seat:
    user: User | None
    player: GamePlayer | None
    host: bool

    @property
    def player_id(self) -> int | None:
        return self.player.id if self.player is not None and not self.player.kicked else None


def player_claims_game(context: Context) -> int | None:
    """The game id a player token was issued for (checked), or None without one."""
    token = context.bearer_token()
    if token is None or not is_player_token(token):
        return None
    return decode_player_token(context.settings, token, context.now()).game_id


async def seat_of(context: Context, game: Game, course: Course) -> Seat:
    token = context.bearer_token()
    if token is not None and is_player_token(token):
        claims = decode_player_token(context.settings, token, context.now())
        if claims.game_id != game.id:
            raise Forbidden("This player token belongs to another game.")
        player = await context.run(players.player_by_id, claims.player_id)
        return Seat(None, player, host=False)
    user = await context.viewer()
    host = policies.can_host_game(user, game, course)
    player = None
    if user is not None and user.id is not None and game.id is not None:
        player = await context.run(players.player_of_user, game.id, user.id)
    return Seat(user, player, host)


async def require_player(context: Context, game_id: int) -> GamePlayer:
    """The requester's player in this game; Forbidden for anyone else."""
    token = context.bearer_token()
    if token is not None and is_player_token(token):
        claims = decode_player_token(context.settings, token, context.now())
        if claims.game_id != game_id:
            raise Forbidden("This player token belongs to another game.")
        player = await context.run(players.player_by_id, claims.player_id)
    else:
        user = await context.require_viewer()
        player = await context.run(players.player_of_user, game_id, user.id or 0)
    if player is None or player.game_id != game_id:
        raise Forbidden("Join the game before answering.")
    return player
