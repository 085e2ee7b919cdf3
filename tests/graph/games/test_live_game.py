"""A whole game over real WebSockets: a host and three players (one signed in, two guests), a player
reconnecting midway, a question closed by its deadline with no host action, the podium at the end."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from domain.infra.database import session_factory
from domain.models import ProblemKind, Role, XpEvent
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server

pytestmark = pytest.mark.timeout(60)

CREATE = "mutation($input: CreateGameInput!) { createGame(input: $input) { game { id pin } errors { code } } }"
JOIN = """mutation($pin: String!, $nickname: String!) { joinGame(input: {pin: $pin, nickname: $nickname}) {
  player { id } playerToken errors { code } } }"""
CONTROL = "mutation($id: ID!) { %s(input: {gameId: $id}) { game { state } errors { code } } }"
ANSWER = """mutation($input: AnswerGameQuestionInput!) { answerGameQuestion(input: $input) {
  answer { correct points } errors { code } } }"""
PLAYER_FEED = """subscription($id: ID!) { gameUpdated(gameId: $id) { state playerCount
  currentQuestion { index deadline correctOptionIds answerCounts }
  viewerStanding { rank score } viewerAnswer { correct points } standings(first: 10) { rank score player { nickname } } } }"""
HOST_FEED = """subscription($id: ID!) { gameHostUpdated(gameId: $id) { state playerCount
  currentQuestion { index answerCounts answeredCount } } }"""


async def test_a_full_game_over_websockets_with_a_reconnect_and_a_deadline_close(
    server: Server, engine: AsyncEngine, settings: Settings, now: datetime
) -> None:
    async with session_factory(engine, write=True)() as session:
        host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
        learner = await make_user(session, settings, now)
        course = await make_course(session, now, owner=host, kinds=(ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC))
        await session.commit()
    lesson = course.lessons[0]
    choice, numeric = course.problems[lesson.id or 0]
    right, wrong = course.options[choice.id or 0][0], course.options[choice.id or 0][1]
    host_token = server.token(host, now)
    create = {"input": {"lessonId": encode("Lesson", lesson.id), "secondsPerQuestion": 10}}
    game = (await server.data(CREATE, create, host_token))["createGame"]["game"]
    tokens = {
        "Lea": (await server.data(JOIN, {"pin": game["pin"], "nickname": "Lea"}, server.token(learner, now)))[
            "joinGame"
        ]["playerToken"],
        "Gus": (await server.data(JOIN, {"pin": game["pin"], "nickname": "Gus"}))["joinGame"]["playerToken"],
        "Ida": (await server.data(JOIN, {"pin": game["pin"], "nickname": "Ida"}))["joinGame"]["playerToken"],
    }
    account = {"Lea": server.token(learner, now)}  # the signed-in player follows with their account token

    def answer(option_id: int | None, key: str, index: int = 0, number: float | None = None) -> dict[str, Any]:
        given: dict[str, Any] = {"problemId": encode("Problem", (choice if index == 0 else numeric).id)}
        if option_id is not None:
            given["optionIds"] = [encode("Option", option_id)]
        else:
            given["number"] = number
        return {"input": {"gameId": game["id"], "questionIndex": index, "answer": given, "idempotencyKey": key}}

    async with (
        GraphQLSocket.connected(server.ws_url, host_token) as host_ws,
        GraphQLSocket.connected(server.ws_url, account["Lea"]) as lea,
        GraphQLSocket.connected(server.ws_url, tokens["Gus"]) as gus,
    ):
        host_op = await host_ws.subscribe(HOST_FEED, {"id": game["id"]})
        feeds = {
            name: (ws, await ws.subscribe(PLAYER_FEED, {"id": game["id"]})) for name, ws in [("Lea", lea), ("Gus", gus)]
        }
        lobby = await host_ws.until(host_op, "gameHostUpdated", lambda g: g["playerCount"] == 3)
        assert lobby["state"] == "LOBBY"
        for ws, op in feeds.values():
            assert (await ws.until(op, "gameUpdated", lambda g: g["state"] == "LOBBY"))["playerCount"] == 3

        await server.data(CONTROL % "startGame", {"id": game["id"]}, host_token)
        for ws, op in feeds.values():
            opened = await ws.until(op, "gameUpdated", lambda g: g["state"] == "QUESTION")
            assert opened["currentQuestion"]["correctOptionIds"] is None  # no key before the reveal
            assert opened["currentQuestion"]["answerCounts"] is None
            assert opened["currentQuestion"]["deadline"] is not None

        server.services.clock = lambda: now + timedelta(seconds=1)
        results = [
            (await server.data(ANSWER, answer(right.id, "lea-0"), account["Lea"]))["answerGameQuestion"],
            (await server.data(ANSWER, answer(wrong.id, "gus-0"), tokens["Gus"]))["answerGameQuestion"],
        ]
        assert [r["answer"] for r in results] == [{"correct": True, "points": 950}, {"correct": False, "points": 0}]
        live = await host_ws.until(
            host_op, "gameHostUpdated", lambda g: (g["currentQuestion"] or {}).get("answeredCount") == 2
        )
        assert live["currentQuestion"]["answerCounts"] == [1, 1, 0, 0]

        # Ida connects only now, answers, drops her connection and comes back: the state and her answer are there.
        async with GraphQLSocket.connected(server.ws_url, tokens["Ida"]) as ida:
            op = await ida.subscribe(PLAYER_FEED, {"id": game["id"]})
            assert (await ida.until(op, "gameUpdated", lambda g: True))["state"] == "QUESTION"
            server.services.clock = lambda: now + timedelta(seconds=5)
            await server.data(ANSWER, answer(right.id, "ida-0"), tokens["Ida"])
        async with GraphQLSocket.connected(server.ws_url, tokens["Ida"]) as ida:
            op = await ida.subscribe(PLAYER_FEED, {"id": game["id"]})
            back = await ida.until(op, "gameUpdated", lambda g: True)
            assert back["state"] == "QUESTION"
            assert back["viewerAnswer"] == {"correct": True, "points": 750}

            # Nobody reveals: the server's clock passes the deadline and the question closes by itself.
            server.services.clock = lambda: now + timedelta(seconds=11)
            feeds["Ida"] = (ida, op)
            for name, (ws, op_id) in feeds.items():
                revealed = await ws.until(op_id, "gameUpdated", lambda g: g["state"] == "REVEAL")
                question = revealed["currentQuestion"]
                assert question["correctOptionIds"] == [encode("Option", right.id)]
                assert question["answerCounts"] == [2, 1, 0, 0]
                expected = {
                    "Lea": {"rank": 1, "score": 950},
                    "Gus": {"rank": 3, "score": 0},
                    "Ida": {"rank": 2, "score": 750},
                }
                assert revealed["viewerStanding"] == expected[name]

            await server.data(CONTROL % "nextGameQuestion", {"id": game["id"]}, host_token)
            server.services.clock = lambda: now + timedelta(seconds=12)
            closed = (await server.data(ANSWER, answer(right.id, "gus-again"), tokens["Gus"]))["answerGameQuestion"]
            assert closed["errors"] == [{"code": "ALREADY_ANSWERED"}]
            await server.data(ANSWER, answer(None, "gus-1", 1, 42.0), tokens["Gus"])
            await server.data(CONTROL % "endGame", {"id": game["id"]}, host_token)
            for ws, op_id in feeds.values():
                final = await ws.until(op_id, "gameUpdated", lambda g: g["state"] == "FINISHED")
                assert [(s["rank"], s["player"]["nickname"], s["score"]) for s in final["standings"]] == [
                    (1, "Lea", 950),  # 950 + 0: 1 s of 10 on the first question
                    (1, "Gus", 950),  # 0 + 950: 1 s of 10 on the second; a tie shares the rank
                    (3, "Ida", 750),
                ]
                assert (await ws.for_operation(op_id))["type"] == "complete"

    async with session_factory(engine)() as check:
        xp = (await check.execute(select(XpEvent).where(col(XpEvent.reason) == "game"))).scalars().all()
    assert [(e.user_id, e.amount) for e in xp] == [(learner.id, 10)]
    assert server.app.state.game_ticker.closed == 1
