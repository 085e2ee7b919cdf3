"""Inputs of the game mutations."""

from __future__ import annotations

import strawberry

from domain.games.rules import GameSettings
from graph import ids
from graph.learning.resolvers import AnswerInput


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
    pin: str
    nickname: str = strawberry.field(description="Unique in the game (ignoring case), at most 24 characters.")


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
    idempotency_key: str = strawberry.field(description="A retry with the same key and answer replays it.")
