"""A game as everyone sees it at one moment, read in a handful of queries whatever the player count.

One `GameView` serves every watcher of a game on a process (graph/games/feeds.py): the per-viewer
parts (own answer, own rank, host-only counts) are picked out of it in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.games.models import Game, GameAnswer, GamePlayer, GameQuestion, GameState
from domain.games.players import open_game_by_pin
from domain.models import Course, Option, Problem, ProblemKind

CHOICE_KINDS = {ProblemKind.SINGLE_CHOICE.value, ProblemKind.MULTIPLE_CHOICE.value}


@dataclass(frozen=True)
class Standing:
    rank: int
    player: GamePlayer
    score: int


@dataclass
class GameView:
    game: Game
    course: Course
    question: GameQuestion | None = None
    problem: Problem | None = None
    options: list[Option] = field(default_factory=list)  # in the order players see them
    standings: list[Standing] = field(default_factory=list)  # every player not kicked, best first
    player_count: int = 0  # in the game now: not kicked, not left
    connected_count: int = 0  # of those, with a gameUpdated stream open (presence.py)
    answers: dict[int, GameAnswer] = field(default_factory=dict)  # player id -> answer to `question`
    at: datetime | None = None
    _by_player: dict[int, Standing] | None = field(default=None, repr=False)

    @property
    def revealed(self) -> bool:
        """The open question's answer key may be shown: it has closed."""
        return self.question is not None and self.question.closed_at is not None

    def standing_of(self, player_id: int) -> Standing | None:
        """By an index built once per view: a reveal asks it once for each of a thousand players."""
        if self._by_player is None:
            self._by_player = {s.player.id or 0: s for s in self.standings}
        return self._by_player.get(player_id)

    def option_counts(self) -> list[int] | None:
        """Answers per option, in the order of `options`; None for numeric and short-text questions."""
        if self.problem is None or self.problem.kind not in CHOICE_KINDS:
            return None
        counts = dict.fromkeys((o.id for o in self.options), 0)
        for answer in self.answers.values():
            for option_id in answer.option_ids:
                if option_id in counts:
                    counts[option_id] += 1
        return list(counts.values())

    def correct_option_ids(self) -> list[int]:
        return [o.id for o in self.options if o.correct and o.id is not None]


def rank(players: list[GamePlayer]) -> list[Standing]:
    """Best score first; equal scores share a rank (1, 1, 3), earlier joiners listed first."""
    ordered = sorted(players, key=lambda p: (-p.score, p.joined_at, p.id or 0))
    standings: list[Standing] = []
    for index, player in enumerate(ordered):
        tied = standings and standings[-1].score == player.score
        standings.append(Standing(standings[-1].rank if tied else index + 1, player, player.score))
    return standings


async def load_view(session: AsyncSession, game_id: int, at: datetime | None = None) -> GameView | None:
    game = await session.get(Game, game_id, populate_existing=True)
    if game is None:
        return None
    course = await session.get(Course, game.course_id)
    assert course is not None
    view = GameView(game, course, at=at)
    players = list(
        (
            await session.execute(
                select(GamePlayer)
                .where(col(GamePlayer.game_id) == game_id, ~col(GamePlayer.kicked))
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )
    view.standings = rank(players)
    view.player_count = sum(1 for p in players if p.left_at is None)
    view.connected_count = sum(1 for p in players if p.left_at is None and p.connections > 0)
    if game.question_index >= 0 and game.state != GameState.CANCELLED.value:
        question = (
            await session.execute(
                select(GameQuestion)
                .where(col(GameQuestion.game_id) == game_id, col(GameQuestion.position) == game.question_index)
                .execution_options(populate_existing=True)
            )
        ).scalar_one_or_none()
        if question is not None and question.id is not None:
            view.question = question
            view.problem = await session.get(Problem, question.problem_id)
            found = (
                await session.execute(select(Option).where(col(Option.problem_id) == question.problem_id))
            ).scalars()
            by_id = {o.id: o for o in found}
            view.options = [by_id[i] for i in question.option_order if i in by_id]
            answers = await session.execute(select(GameAnswer).where(col(GameAnswer.question_id) == question.id))
            view.answers = {a.player_id: a for a in answers.scalars()}
    return view


async def with_new_answers(session: AsyncSession, view: GameView, at: datetime | None = None) -> GameView | None:
    """`view` with the answers given since it was read, when only answers came in: the game row and the
    ids of the question's answerers are read, then only the new answers (answers never change once
    written). None when the game moved on (another state or question): read it whole with `load_view`.

    A thousand answers in a question cost a thousand small reads instead of reloading every player and
    answer at each of the host's live-count updates."""
    game = await session.get(Game, view.game.id, populate_existing=True)
    question = view.question
    if (
        game is None
        or question is None
        or question.closed_at is not None
        or (game.state, game.question_index) != (view.game.state, view.game.question_index)
    ):
        return None
    answerers = set(
        (await session.execute(select(col(GameAnswer.player_id)).where(col(GameAnswer.question_id) == question.id)))
        .scalars()
        .all()
    )
    new = answerers - view.answers.keys()
    answers = view.answers
    if new:
        rows = await session.execute(
            select(GameAnswer).where(col(GameAnswer.question_id) == question.id, col(GameAnswer.player_id).in_(new))
        )
        answers = {**answers, **{a.player_id: a for a in rows.scalars()}}
    return replace(view, game=game, answers=answers, at=at)


async def game_and_course(session: AsyncSession, game_id: int) -> tuple[Game, Course] | None:
    """Just what deciding a seat needs (seats.py), without the players and answers of `load_view`."""
    game = await session.get(Game, game_id, populate_existing=True)
    if game is None:
        return None
    course = await session.get(Course, game.course_id)
    assert course is not None
    return game, course


async def game_id_by_pin(session: AsyncSession, pin: str) -> int | None:
    game = await open_game_by_pin(session, pin)
    return game.id if game is not None else None


async def hosted_game_ids(session: AsyncSession, host_id: int, limit: int) -> list[int]:
    """The host's games, newest first: the instructor's game history."""
    rows = await session.execute(
        select(col(Game.id))
        .where(col(Game.host_id) == host_id)
        .order_by(col(Game.created_at).desc(), col(Game.id).desc())
        .limit(limit)
    )
    return [game_id or 0 for game_id in rows.scalars()]
