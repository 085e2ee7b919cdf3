"""Types of live games. A Game is one snapshot (domain/games/views.py) seen from one seat: the answer
key appears only once the question has closed, live answer counts only to the host."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from domain import policies
from domain.games import report as reports
from domain.games.models import GameAnswer as GameAnswerRow
from domain.games.models import GamePlayer as GamePlayerRow
from domain.games.views import GameView, Standing
from graph.content.types import Problem, ProblemKind
from graph.context import Context
from graph.games.seats import Seat
from graph.ids import encode
from graph.nodes import EncodedNode

MAX_STANDINGS = 100


@strawberry.enum(description="LOBBY -> QUESTION -> REVEAL -> ... -> FINISHED; CANCELLED when ended in the lobby.")
class GameState(Enum):
    LOBBY = "LOBBY"
    QUESTION = "QUESTION"
    REVEAL = "REVEAL"
    FINISHED = "FINISHED"
    CANCELLED = "CANCELLED"


@strawberry.type(description="A player of a game: a nickname (signed-in learners and guests alike).")
class GamePlayer:
    id: strawberry.ID
    nickname: str
    connected: bool | None = strawberry.field(
        description="True while the player follows the game (a gameUpdated stream is open); for the host only, "
        "null for everyone else."
    )

    @classmethod
    def from_model(cls, player: GamePlayerRow, *, host: bool = False) -> GamePlayer:
        connected = player.connections > 0 if policies.can_see_game_presence(hosts=host) else None
        return cls(id=encode("GamePlayer", player.id), nickname=player.nickname, connected=connected)


@strawberry.type
class GameStanding:
    rank: int = strawberry.field(description="1 for the best score; equal scores share a rank.")
    player: GamePlayer
    score: int
    correct_count: int

    @classmethod
    def from_domain(cls, standing: Standing, *, host: bool = False) -> GameStanding:
        return cls(
            rank=standing.rank,
            player=GamePlayer.from_model(standing.player, host=host),
            score=standing.score,
            correct_count=standing.player.correct_count,
        )


@strawberry.type(description="One option of a choice question, in the order players see it (maybe shuffled).")
class GameOption:
    id: strawberry.ID
    text: str


@strawberry.type(description="A player's answer to a question: graded at once; its points count at the close.")
class GameAnswer:
    id: strawberry.ID
    question_index: int
    correct: bool
    points: int
    elapsed_ms: int = strawberry.field(description="Server time from the question's opening to the answer.")
    option_ids: list[strawberry.ID]
    number: float | None
    text: str | None

    @classmethod
    def from_model(cls, answer: GameAnswerRow, question_index: int) -> GameAnswer:
        return cls(
            id=encode("GameAnswer", answer.id),
            question_index=question_index,
            correct=answer.correct,
            points=answer.points,
            elapsed_ms=answer.elapsed_ms,
            option_ids=[encode("Option", option_id) for option_id in answer.option_ids],
            number=answer.number,
            text=answer.text,
        )


@strawberry.type(description="The game's current question. Its answer key stays null until it has closed.")
class GameQuestion:
    view: strawberry.Private[GameView]
    seat: strawberry.Private[Seat]

    @strawberry.field(description="0-based position in the game.")
    def index(self) -> int:
        return self.view.game.question_index

    @strawberry.field
    def problem(self) -> Problem:
        assert self.view.problem is not None
        return Problem.from_model(self.view.problem)

    @strawberry.field
    def kind(self) -> ProblemKind:
        assert self.view.problem is not None
        return ProblemKind(self.view.problem.kind)

    @strawberry.field
    def prompt(self) -> str:
        assert self.view.problem is not None
        return self.view.problem.prompt

    @strawberry.field(description="The options in the order players see them; empty for numeric and text questions.")
    def options(self) -> list[GameOption]:
        return [GameOption(id=encode("Option", o.id), text=o.text) for o in self.view.options]

    @strawberry.field(description="When the question closes, by the server's clock; null once it has closed.")
    def deadline(self) -> datetime | None:
        question = self.view.question
        return None if question is None or question.closed_at is not None else question.deadline

    @strawberry.field(description="True once the question has closed (revealed).")
    def closed(self) -> bool:
        return self.view.revealed

    @strawberry.field(description="True when the host skipped it: nobody scored on it.")
    def skipped(self) -> bool:
        return self.view.question is not None and self.view.question.skipped

    @strawberry.field(description="The correct options; null until the question has closed.")
    def correct_option_ids(self) -> list[strawberry.ID] | None:
        if not self.view.revealed:
            return None
        return [encode("Option", option_id) for option_id in self.view.correct_option_ids()]

    @strawberry.field(description="The accepted answer of a numeric or short-text question; null until it has closed.")
    def correct_answer(self) -> str | None:
        problem = self.view.problem
        if not self.view.revealed or problem is None:
            return None
        if problem.numeric_answer is not None:
            return f"{problem.numeric_answer:g}" + (f" ± {problem.tolerance:g}" if problem.tolerance else "")
        return problem.accepted_answers[0] if problem.accepted_answers else None

    @strawberry.field(description="Answers per option (in `options` order): after the close, and live for the host.")
    def answer_counts(self) -> list[int] | None:
        return self.view.option_counts() if self.view.revealed or self.seat.host else None

    @strawberry.field(description="How many players answered: after the close, and live for the host.")
    def answered_count(self) -> int | None:
        return len(self.view.answers) if self.view.revealed or self.seat.host else None

    @strawberry.field(description="How many answered correctly; null until the question has closed.")
    def correct_count(self) -> int | None:
        if not self.view.revealed:
            return None
        return sum(1 for answer in self.view.answers.values() if answer.correct)


@strawberry.type(description="A live quiz game run by a host; players join with its PIN.")
class Game(EncodedNode):
    id: relay.NodeID[int]
    pin: str
    state: GameState
    player_count: int = strawberry.field(description="Players in the game now (not kicked, not left).")
    question_count: int
    seconds_per_question: int
    points_per_question: int
    speed_bonus: bool
    skipped_problem_count: int = strawberry.field(description="Free-text problems of the lesson left out.")
    view: strawberry.Private[GameView]
    seat: strawberry.Private[Seat]

    @classmethod
    def from_view(cls, view: GameView, seat: Seat) -> Game:
        game = view.game
        assert game.id is not None
        return cls(
            id=game.id,
            pin=game.pin,
            state=GameState(game.state),
            player_count=view.player_count,
            question_count=game.question_count,
            seconds_per_question=game.seconds_per_question,
            points_per_question=game.points_per_question,
            speed_bonus=game.speed_bonus,
            skipped_problem_count=len(game.skipped_problem_ids),
            view=view,
            seat=seat,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info[Context, Any], node_ids: Iterable[str], required: bool = False
    ) -> list[Game | None]:
        """Its host, the course's staff and its players see a game by id; others look it up by PIN."""
        from graph.games.resolvers import visible_game

        return [await visible_game(info.context, int(key)) if key.isdigit() else None for key in node_ids]

    @strawberry.field(
        description="Players in the game whose gameUpdated stream is open now, on any API process: it drops "
        "when a player's socket closes and comes back when they reconnect. For the host only, null for others."
    )
    def connected_count(self) -> int | None:
        return self.view.connected_count if policies.can_see_game_presence(hosts=self.seat.host) else None

    @strawberry.field(description="The server's time when this state was read: clients sync their countdown to it.")
    def server_time(self) -> datetime | None:
        return self.view.at

    @strawberry.field(description="The question being asked or just revealed; null in the lobby.")
    def current_question(self) -> GameQuestion | None:
        if self.view.question is None or self.view.problem is None:
            return None
        return GameQuestion(view=self.view, seat=self.seat)

    @strawberry.field(description="The best players (scores change when a question closes); at the end, the podium.")
    def standings(self, first: int = 10) -> list[GameStanding]:
        size = max(0, min(first, MAX_STANDINGS))
        return [GameStanding.from_domain(s, host=self.seat.host) for s in self.view.standings[:size]]

    @strawberry.field(description="The viewer's own place; null unless the viewer plays in this game.")
    def viewer_standing(self) -> GameStanding | None:
        player_id = self.seat.player_id
        standing = self.view.standing_of(player_id) if player_id is not None else None
        return GameStanding.from_domain(standing, host=self.seat.host) if standing is not None else None

    @strawberry.field(description="The viewer's player in this game, if any.")
    def viewer_player(self) -> GamePlayer | None:
        player = self.seat.player
        if player is None or player.kicked:
            return None
        return GamePlayer.from_model(player, host=self.seat.host)

    @strawberry.field(description="The viewer's answer to the current question (after a reconnect too).")
    def viewer_answer(self) -> GameAnswer | None:
        player_id = self.seat.player_id
        answer = self.view.answers.get(player_id) if player_id is not None else None
        return GameAnswer.from_model(answer, self.view.game.question_index) if answer is not None else None

    @strawberry.field(description="True when the viewer hosts this game (or is staff of its course).")
    def viewer_is_host(self) -> bool:
        return self.seat.host


@strawberry.type
class GameQuestionReport:
    index: int
    problem_id: strawberry.ID
    prompt: str
    kind: ProblemKind
    played: bool
    skipped: bool
    answered: int
    correct: int
    accuracy: float | None = strawberry.field(description="Share of right answers, 0-1; null when nobody answered.")
    mean_elapsed_ms: float | None

    @classmethod
    def from_domain(cls, q: reports.QuestionReport) -> GameQuestionReport:
        return cls(
            index=q.index,
            problem_id=encode("Problem", q.problem_id),
            prompt=q.prompt,
            kind=ProblemKind(q.kind),
            played=q.played,
            skipped=q.skipped,
            answered=q.answered,
            correct=q.correct,
            accuracy=q.accuracy,
            mean_elapsed_ms=q.mean_elapsed_ms,
        )


@strawberry.type(description="The host's report of a game; also GET /exports/games/{gameId}/report.csv.")
class GameReport:
    questions: list[GameQuestionReport]
    hardest_question: GameQuestionReport | None = strawberry.field(
        description="The played question with the lowest accuracy."
    )
    standings: list[GameStanding]

    @classmethod
    def from_domain(cls, built: reports.GameReport) -> GameReport:
        hardest = built.hardest
        return cls(
            questions=[GameQuestionReport.from_domain(q) for q in built.questions],
            hardest_question=GameQuestionReport.from_domain(hardest) if hardest is not None else None,
            standings=[GameStanding.from_domain(s) for s in built.standings],
        )
