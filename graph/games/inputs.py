"""Inputs of the game mutations."""

from __future__ import annotations

import strawberry

from domain.games import players, rules
from domain.games.rules import GameSettings
from graph import ids
from graph.input_limits import text
from graph.learning.resolvers import AnswerInput

MAX_PIN = 16  # PINs have 6 or 7 digits
MAX_NICKNAME = 4 * rules.NICKNAME_MAX


@strawberry.input
class CreateGameInput:
    lesson_id: strawberry.ID = strawberry.field(description="Its published choice, numeric and short-text problems.")
    seconds_per_question: int = strawberry.field(default=20, description="5 to 240.")
    points_per_question: int = strawberry.field(default=1000, description="0 to 10000.")
    speed_bonus: bool = strawberry.field(
        default=True, description="Faster right answers earn more: points x (1 - elapsed / limit / 2)."
    )
    shuffle: bool = strawberry.field(default=False, description="Shuffle the questions and their options.")
    max_players: int = strawberry.field(default=500, description="1 to 5000.")

    def to_domain(self) -> tuple[int, GameSettings]:
        settings = GameSettings(
            seconds_per_question=self.seconds_per_question,
            points_per_question=self.points_per_question,
            speed_bonus=self.speed_bonus,
            shuffle=self.shuffle,
            max_players=self.max_players,
        )
        return ids.decode(self.lesson_id, "Lesson", ["lessonId"]), settings


@strawberry.input
class JoinGameInput:
    pin: str = text(MAX_PIN, "The game's PIN, as shown on the host's screen.")
    # Room for the spaces the rule trims (domain/games/rules.py): the rule's own limit is 24 characters.
    nickname: str = text(MAX_NICKNAME, "Unique in the game (ignoring case), 24 characters once trimmed.")


@strawberry.input
class GameIdInput:
    game_id: strawberry.ID

    def key(self) -> int:
        return ids.decode(self.game_id, "Game", ["gameId"])


@strawberry.input
class KickGamePlayerInput:
    game_id: strawberry.ID
    player_id: strawberry.ID

    def keys(self) -> tuple[int, int]:
        return ids.decode(self.game_id, "Game", ["gameId"]), ids.decode(self.player_id, "GamePlayer", ["playerId"])


@strawberry.input
class AnswerGameQuestionInput:
    game_id: strawberry.ID
    question_index: int
    answer: AnswerInput
    idempotency_key: str = text(players.MAX_KEY_LENGTH, "A retry with the same key and answer replays it.")
