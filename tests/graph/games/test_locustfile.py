"""locustfile.py (at the root) drives a real game: its Locust users' tasks against a live app join and
answer the open question once each (a retry replays), with no failure in Locust's statistics."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.infra.database import session_factory
from domain.models import GameAnswer, GamePlayer, ProblemKind, Role
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.realtime.subscriptions.conftest import Server

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.timeout(120)

CREATE = "mutation($l: ID!) { createGame(input: {lessonId: $l, secondsPerQuestion: 240}) { game { id pin } } }"
# Three players, each joining and then running its task twice (the second finds the question answered);
# prints {request name: [count, failures]} from Locust's own statistics.
DRIVE = """
import json, sys
from locust.env import Environment
import locustfile
locustfile.GamePlayer.host = sys.argv[1]
environment = Environment(user_classes=[locustfile.GamePlayer], host=sys.argv[1])
environment.create_local_runner()  # what records requests in environment.stats
for _ in range(3):
    player = locustfile.GamePlayer(environment)
    player.on_start()
    player.play()
    player.play()
print(json.dumps({e.name: [e.num_requests, e.num_failures] for e in environment.stats.entries.values()}))
"""
START = "mutation($id: ID!) { startGame(input: {gameId: $id}) { errors { code } } }"


async def test_locust_players_join_and_answer_the_open_question_once_each(
    server: Server, engine: AsyncEngine, settings: Settings, now: datetime, tmp_path: Path
) -> None:
    async with session_factory(engine, write=True)() as session:
        host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
        course = await make_course(session, now, owner=host, kinds=(ProblemKind.SINGLE_CHOICE,))
        await session.commit()
    token = server.token(host, now)
    game = (await server.data(CREATE, {"l": encode("Lesson", course.lessons[0].id)}, token))["createGame"]["game"]
    await server.data(START, {"id": game["id"]}, token)

    locust = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        DRIVE,
        str(server.http.base_url).rstrip("/"),
        cwd=ROOT,
        env=os.environ | {"GAME_PIN": game["pin"]},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip  (a process of its own: importing Locust monkey-patches the standard library with gevent)
    output, _ = await locust.communicate()

    assert locust.returncode == 0, output.decode()[-3000:]
    stats = json.loads(output.decode().strip().splitlines()[-1])
    assert stats == {"joinGame": [3, 0], "game": [6, 0], "answerGameQuestion": [stats["answerGameQuestion"][0], 0]}
    assert stats["answerGameQuestion"][0] >= 3  # one per player, and now and then a retry that replays
    async with session_factory(engine)() as check:
        players = await check.scalar(select(func.count()).select_from(GamePlayer))
        answers = await check.scalar(select(func.count()).select_from(GameAnswer))
    assert (players, answers) == (3, 3)
