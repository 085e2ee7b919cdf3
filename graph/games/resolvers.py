"""GameQuery / GameMutation: live games. Thin: parse, call domain/games, shape the payload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from domain.errors import DomainError, Forbidden
from domain.games import lifecycle, players, report, views
from domain.games.tokens import issue_player_token
from domain.models import User
from graph.context import Context
from graph.errors import UserError
from graph.games.inputs import (
    MAX_PIN,
    AnswerGameQuestionInput,
    CreateGameInput,
    GameIdInput,
    JoinGameInput,
    KickGamePlayerInput,
)
from graph.games.seats import Seat, require_player, seat_of
from graph.games.types import Game, GameAnswer, GamePlayer, GameReport
from graph.ids import encode
from graph.input_limits import text_argument

MAX_HISTORY = 100


@strawberry.type
class GamePayload:
    game: Game | None = None
    skipped_problem_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="createGame: free-text problems of the lesson left out of the game."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class JoinGamePayload:
    joined: strawberry.Private[tuple[int, Seat] | None] = None
    player: GamePlayer | None = None
    player_token: str | None = strawberry.field(
        default=None,
        description="Acts as this player in this game only (Authorization: Bearer, or connection_init on "
        "WebSocket): how guests answer, and how anyone reconnects.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)

    @strawberry.field(description="The game joined.")
    async def game(self, info: Info[Context, Any]) -> Game | None:
        # Read only when asked: a thousand players joining would each read the whole roster.
        if self.joined is None:
            return None
        game_id, seat = self.joined
        view = await info.context.run(views.load_view, game_id, info.context.now())
        return Game.from_view(view, seat) if view is not None else None


@strawberry.type
class GameAnswerPayload:
    answer: GameAnswer | None = None
    replayed: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


async def game_for(context: Context, game_id: int) -> Game | None:
    """The game as the requester sees it now, or None when it does not exist."""
    view = await context.run(views.load_view, game_id, context.now())
    if view is None:
        return None
    return Game.from_view(view, await seat_of(context, view.game, view.course))


async def visible_game(context: Context, game_id: int) -> Game | None:
    """By id: for its host, the course's staff and its players only."""
    try:
        game = await game_for(context, game_id)
    except Forbidden:
        return None
    if game is None or not (game.seat.host or game.seat.player_id is not None):
        return None
    return game


HostAction = Callable[..., Awaitable[Any]]


async def _host(info: Info[Context, Any], action: HostAction, game_id: int, *args: Any) -> GamePayload:
    context = info.context
    viewer: User = await context.require_viewer()
    try:
        await context.run(action, viewer, game_id, *args, context.now())
    except DomainError as error:
        return GamePayload(errors=UserError.from_domain(error))
    return GamePayload(game=await game_for(context, game_id))


@strawberry.type
class GameQuery:
    @strawberry.field(description="The open game with this PIN (lobby, question or reveal); null when none.")
    async def game(
        self, info: Info[Context, Any], pin: Annotated[str, text_argument(MAX_PIN, "The game's PIN.")]
    ) -> Game | None:
        game_id = await info.context.run(views.game_id_by_pin, pin)
        return await game_for(info.context, game_id) if game_id is not None else None

    @strawberry.field(description="Games you hosted, newest first.")
    async def hosted_games(self, info: Info[Context, Any], first: int = 20) -> list[Game]:
        viewer = await info.context.require_viewer()
        game_ids = await info.context.run(views.hosted_game_ids, viewer.id or 0, max(0, min(first, MAX_HISTORY)))
        found = [await game_for(info.context, game_id) for game_id in game_ids]
        return [game for game in found if game is not None]

    @strawberry.field(
        description="Accuracy and mean time per question, the hardest question, the standings: for the host."
    )
    async def game_report(self, info: Info[Context, Any], game_id: strawberry.ID) -> GameReport:
        context = info.context
        key = GameIdInput(game_id=game_id).key()
        viewer = await context.require_viewer()
        game = await context.run(lifecycle.hosted_game, viewer, key)
        return GameReport.from_domain(await context.run(report.build_report, game))


@strawberry.type
class GameMutation:
    @strawberry.mutation(description="Open a game from a lesson (its course's staff); it waits in the LOBBY.")
    async def create_game(self, info: Info[Context, Any], input: CreateGameInput) -> GamePayload:
        context = info.context
        viewer = await context.require_viewer()
        try:
            lesson_id, settings = input.to_domain()
            created = await context.run(lifecycle.create_game, viewer, lesson_id, settings, context.now())
        except DomainError as error:
            return GamePayload(errors=UserError.from_domain(error))
        return GamePayload(
            game=await game_for(context, created.game.id or 0),
            skipped_problem_ids=[encode("Problem", key) for key in created.skipped_problem_ids],
        )

    @strawberry.mutation(description="Join an open game by PIN, signed in or as a guest with a nickname.")
    async def join_game(self, info: Info[Context, Any], input: JoinGameInput) -> JoinGamePayload:
        context = info.context
        viewer = await context.viewer()
        try:
            joined = await context.run(players.join, viewer, input.pin, input.nickname, context.now())
        except DomainError as error:
            return JoinGamePayload(errors=UserError.from_domain(error))
        player, game_id = joined.player, joined.game.id or 0
        token = issue_player_token(context.settings, player.id or 0, game_id, context.now())
        return JoinGamePayload(
            joined=(game_id, Seat(viewer, player, host=False)),
            player=GamePlayer.from_model(player),
            player_token=token,
        )

    @strawberry.mutation(description="Leave the game (a player); the host sees the roster shrink.")
    async def leave_game(self, info: Info[Context, Any], input: GameIdInput) -> GamePayload:
        context = info.context
        try:
            game_id = input.key()
            player = await require_player(context, game_id)
            await context.run(players.leave, player, context.now())
        except DomainError as error:
            return GamePayload(errors=UserError.from_domain(error))
        return GamePayload(game=await game_for(context, game_id))

    @strawberry.mutation(description="Host: open the first question.")
    async def start_game(self, info: Info[Context, Any], input: GameIdInput) -> GamePayload:
        return await _host(info, lifecycle.start, input.key())

    @strawberry.mutation(description="Host: after a reveal, open the next question (or finish after the last).")
    async def next_game_question(self, info: Info[Context, Any], input: GameIdInput) -> GamePayload:
        return await _host(info, lifecycle.next_question, input.key())

    @strawberry.mutation(description="Host: close the open question now (it also closes by itself at its deadline).")
    async def reveal_game_question(self, info: Info[Context, Any], input: GameIdInput) -> GamePayload:
        return await _host(info, lifecycle.reveal, input.key())

    @strawberry.mutation(description="Host: drop the open question (nobody scores on it) and open the next.")
    async def skip_game_question(self, info: Info[Context, Any], input: GameIdInput) -> GamePayload:
        return await _host(info, lifecycle.skip, input.key())

    @strawberry.mutation(description="Host: end the game now (FINISHED; CANCELLED from the lobby).")
    async def end_game(self, info: Info[Context, Any], input: GameIdInput) -> GamePayload:
        return await _host(info, lifecycle.end, input.key())

    @strawberry.mutation(description="Host: remove a player; their answers stop counting and they cannot rejoin.")
    async def kick_game_player(self, info: Info[Context, Any], input: KickGamePlayerInput) -> GamePayload:
        game_id, player_id = input.keys()
        return await _host(info, lifecycle.kick, game_id, player_id)

    @strawberry.mutation(description="Answer the open question, once: graded at once, by the server's clock.")
    async def answer_game_question(self, info: Info[Context, Any], input: AnswerGameQuestionInput) -> GameAnswerPayload:
        context = info.context
        try:
            game_id = GameIdInput(game_id=input.game_id).key()
            player = await require_player(context, game_id)
            given = input.answer.to_domain(["answer"])
            answered = await context.run(
                players.answer, player, game_id, input.question_index, given, input.idempotency_key, context.now()
            )
        except DomainError as error:
            return GameAnswerPayload(errors=UserError.from_domain(error))
        return GameAnswerPayload(
            answer=GameAnswer.from_model(answered.answer, input.question_index), replayed=answered.replayed
        )
