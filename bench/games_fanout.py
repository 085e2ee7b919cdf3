"""Benchmark: the CPU of one game snapshot sent to every player, per player against shared (in-process).

    uv run python -m bench.games_fanout [--players 1000] [--rounds 3]

A reveal snapshot of `--players` players (built in memory, no database or sockets) is executed with
bench/games.py's player selection the way GraphQL runs a subscription, once per player, and the way
graph/games/fanout.py does, once for all plus each player's own `viewer*` fields; both include
encoding the JSON. The figures are process CPU time, which a loaded machine stretches less than wall
time. The per-player figure leaves out strawberry's per-event pipeline (extension hooks, result
conversion), which the fan-out's direct send also skips, so the real saving is larger.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import orjson
from graphql import OperationDefinitionNode, parse

import domain.models  # noqa: F401  (the models' mappers, before the game tables)
from bench.games import PLAYER_FEED
from domain.games.models import Game as GameRow
from domain.games.models import GameAnswer, GamePlayer, GameQuestion, GameState
from domain.games.views import GameView, rank
from domain.models import Course, Option, Problem
from domain.settings import Settings
from graph.games import fanout
from graph.games.seats import Seat
from graph.games.types import Game
from graph.schema import create_schema


def snapshot(players: int) -> tuple[GameView, list[Seat]]:
    now = datetime.now(UTC)
    game = GameRow(id=1, pin="123456", host_id=1, course_id=1, lesson_id=1, created_at=now)
    game.state, game.question_index, game.question_count = GameState.REVEAL.value, 0, 20
    problem = Problem(id=1, lesson_id=1, kind="SINGLE_CHOICE", prompt="?", position=0, created_at=now)
    options = [Option(id=i, problem_id=1, text=f"o{i}", correct=i == 1, position=i) for i in range(1, 5)]
    question = GameQuestion(id=1, game_id=1, position=0, problem_id=1, option_order=[1, 2, 3, 4])
    question.opened_at, question.deadline, question.closed_at = now, now + timedelta(seconds=10), now
    rows = [
        GamePlayer(id=i, game_id=1, nickname=f"p{i}", nickname_key=f"p{i}", joined_at=now)
        for i in range(1, players + 1)
    ]
    answers = {}
    for player in rows:
        player.score, player.correct_count = (player.id or 0) * 37 % 1000, 1
        answers[player.id or 0] = GameAnswer(
            id=player.id,
            game_id=1,
            question_id=1,
            player_id=player.id or 0,
            idempotency_key="k",
            request_hash="h",
            option_ids=[1],
            correct=True,
            points=500,
            elapsed_ms=3000,
            answered_at=now,
        )
    view = GameView(
        game,
        Course(id=1, slug="c", title="C", created_at=now),
        question,
        problem,
        options,
        rank(rows),
        players,
        players,
        answers,
        now,
    )
    return view, [Seat(None, player, host=False) for player in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--players", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    strawberry_schema = create_schema()
    schema = strawberry_schema._schema
    document = parse(PLAYER_FEED)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    plan = fanout._plan_of(schema, operation, {})
    assert plan is not None
    context = SimpleNamespace(settings=Settings())
    variables = {"id": "R2FtZTox"}
    executor_class: Any = strawberry_schema.execution_context_class
    info: Any = SimpleNamespace(
        schema=strawberry_schema,
        _raw_info=SimpleNamespace(schema=schema, variable_values=variables, context=context),
    )
    view, seats = snapshot(args.players)

    def per_player() -> float:
        base = executor_class.build(schema, document, None, context, variables)
        started = time.process_time()
        for seat in seats:
            result = base.build_per_event_executor(Game.from_view(view, seat)).execute_operation(False)
            orjson.dumps({"data": result.data})
        return time.process_time() - started

    async def shared() -> float:
        renderer = fanout.Renderer(info, plan, fanout.variables_key(info))
        fanout._shared.clear()
        started = time.process_time()
        for seat in seats:
            assert await renderer.render(view, seat) is not None
        return time.process_time() - started

    for _ in range(args.rounds):  # interleaved: the machine's load hits both alike
        each, once = per_player(), asyncio.run(shared())
        print(
            f"{args.players} players: per player {each * 1000:.0f} ms CPU, fan-out {once * 1000:.0f} ms CPU "
            f"({each / once:.1f}x)"
        )


if __name__ == "__main__":
    main()
