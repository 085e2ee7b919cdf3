"""The host's report of a game: accuracy and mean response time per question, the hardest question,
and the final standings; also as CSV rows (graph/exports.py streams them)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.games.models import Game, GameAnswer, GamePlayer, GameQuestion
from domain.games.views import Standing, rank
from domain.models import Problem


@dataclass(frozen=True)
class QuestionReport:
    index: int
    problem_id: int
    prompt: str
    kind: str
    answered: int
    correct: int
    mean_elapsed_ms: float | None
    skipped: bool
    played: bool  # the question was opened

    @property
    def accuracy(self) -> float | None:
        """Share of the answers that were right, 0-1; None when nobody answered."""
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class GameReport:
    game: Game
    questions: list[QuestionReport]
    standings: list[Standing]

    @property
    def hardest(self) -> QuestionReport | None:
        """The played, unskipped question with the lowest accuracy (the earlier one on a tie)."""
        rated = [q for q in self.questions if q.played and not q.skipped and q.accuracy is not None]
        return min(rated, key=lambda q: (q.accuracy, q.index)) if rated else None


async def build_report(session: AsyncSession, game: Game) -> GameReport:
    stats = (
        select(
            col(GameAnswer.question_id),
            func.count(),
            func.sum(case((col(GameAnswer.correct), 1), else_=0)),
            func.avg(col(GameAnswer.elapsed_ms)),
        )
        .where(col(GameAnswer.game_id) == game.id)
        .group_by(col(GameAnswer.question_id))
    )
    by_question = {row[0]: row[1:] for row in (await session.execute(stats)).all()}
    rows = await session.execute(
        select(GameQuestion, Problem)
        .join(Problem, col(Problem.id) == col(GameQuestion.problem_id))
        .where(col(GameQuestion.game_id) == game.id)
        .order_by(col(GameQuestion.position))
    )
    questions = []
    for question, problem in rows.all():
        answered, correct, mean = by_question.get(question.id, (0, 0, None))
        questions.append(
            QuestionReport(
                index=question.position,
                problem_id=problem.id or 0,
                prompt=problem.prompt,
                kind=problem.kind,
                answered=int(answered),
                correct=int(correct or 0),
                mean_elapsed_ms=float(mean) if mean is not None else None,
                skipped=question.skipped,
                played=question.opened_at is not None,
            )
        )
    players = (
        await session.execute(select(GamePlayer).where(col(GamePlayer.game_id) == game.id, ~col(GamePlayer.kicked)))
    ).scalars()
    return GameReport(game, questions, rank(list(players)))


CSV_HEADER = (
    "question",
    "prompt",
    "kind",
    "played",
    "skipped",
    "answers",
    "correct",
    "accuracy",
    "mean_time_ms",
    "hardest",
)


def csv_rows(report: GameReport) -> Iterator[tuple[object, ...]]:
    """One row per question, in game order, after the header."""
    yield CSV_HEADER
    hardest = report.hardest
    for q in report.questions:
        yield (
            q.index + 1,
            q.prompt,
            q.kind,
            str(q.played).lower(),
            str(q.skipped).lower(),
            q.answered,
            q.correct,
            "" if q.accuracy is None else f"{q.accuracy:.4f}",
            "" if q.mean_elapsed_ms is None else f"{q.mean_elapsed_ms:.0f}",
            str(hardest is not None and hardest.index == q.index).lower(),
        )
