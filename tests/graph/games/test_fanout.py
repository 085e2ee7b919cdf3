"""Players' updates executed once per snapshot for all players, their own fields each (graph/games/fanout.py):
which operations qualify, and over real WebSockets that each player still gets their own standing and
nobody the key before the close."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.games.models import Game as GameRow
from domain.games.views import GameView
from domain.infra.database import session_factory
from domain.models import Course, ProblemKind, Role
from domain.settings import Settings
from graph.games import fanout
from graph.games.fanout import _plan_of
from graph.ids import encode
from graph.schema import create_schema
from tests.factories import make_course, make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server
from tests.metrics import scrape

pytestmark = pytest.mark.timeout(60)

SHARED = """subscription($id: ID!) { gameUpdated(gameId: $id) { state
  currentQuestion { index deadline closed options { id } correctOptionIds answerCounts }
  mine: viewerStanding { rank score } viewerAnswer { correct points } standings(first: 10) { rank score } } }"""
CREATE = "mutation($input: CreateGameInput!) { createGame(input: $input) { game { id pin } errors { code } } }"
JOIN = "mutation($pin: String!, $n: String!) { joinGame(input: {pin: $pin, nickname: $n}) { playerToken } }"
CONTROL = "mutation($id: ID!) { %s(input: {gameId: $id}) { game { state } errors { code } } }"
ANSWER = """mutation($input: AnswerGameQuestionInput!) { answerGameQuestion(input: $input) {
  answer { correct } errors { code } } }"""
EXECUTIONS = "learnql_game_fanout_executions_total"


def _plan(query: str) -> Any:
    schema = create_schema()._schema
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in document.definitions if not isinstance(d, OperationDefinitionNode)}
    return _plan_of(schema, operation, fragments)  # type: ignore[arg-type]


def test_an_operation_of_shared_fields_and_top_level_viewer_fields_is_fanned_out() -> None:
    plan = _plan(SHARED)
    assert plan is not None
    assert plan.viewer_keys == ("mine", "viewerAnswer")
    assert plan.viewer_document is not None
    viewer_operation = plan.viewer_document.definitions[0]
    root = viewer_operation.selection_set.selections[0]
    assert isinstance(root, FieldNode)
    assert root.selection_set is not None
    assert [s.name.value for s in root.selection_set.selections] == ["viewerStanding", "viewerAnswer"]
    assert (
        _plan("subscription($id: ID!) { gameUpdated(gameId: $id) { state standings { rank } } }").viewer_document
        is None
    )


def _info(schema: Any, operation: OperationDefinitionNode, variables: dict[str, Any]) -> Any:
    """What the fan-out reads of strawberry's Info for a subscription."""
    raw = SimpleNamespace(
        schema=schema._schema, operation=operation, fragments={}, variable_values=variables, context=None
    )
    return SimpleNamespace(schema=schema, _raw_info=raw)


def _operation() -> OperationDefinitionNode:
    (operation,) = parse(SHARED).definitions
    assert isinstance(operation, OperationDefinitionNode)
    return operation


def test_the_plans_of_the_last_256_operations_are_kept_first_in_first_out() -> None:
    schema = create_schema()
    infos = [_info(schema, _operation(), {}) for _ in range(257)]  # the operations kept alive: ids stay theirs

    plans = [fanout.plan_for(info) for info in infos[:256]]
    assert fanout.plan_for(infos[0]) is plans[0]  # a hit, which does not renew it
    last = fanout.plan_for(infos[256])

    assert None not in plans
    assert fanout.plan_for(infos[1]) is plans[1]
    assert fanout.plan_for(infos[256]) is last
    assert fanout.plan_for(infos[0]) is not plans[0]


def test_the_renderers_of_the_256_operations_and_variables_used_last_are_kept() -> None:
    schema = create_schema()
    operation = _operation()
    plan = _plan_of(schema._schema, operation, {})
    assert plan is not None
    infos = [_info(schema, operation, {"id": f"game-{n}"}) for n in range(257)]

    renderers = [fanout.renderer_for(info, plan) for info in infos[:256]]
    assert fanout.renderer_for(infos[0], plan) is renderers[0]  # a hit: now the most recently used
    last = fanout.renderer_for(infos[256], plan)

    assert None not in renderers
    assert fanout.renderer_for(infos[0], plan) is renderers[0]
    assert fanout.renderer_for(infos[256], plan) is last
    assert fanout.renderer_for(infos[1], plan) is not renderers[1]


async def test_the_shared_results_of_the_last_16_snapshots_are_kept_first_in_first_out(now: datetime) -> None:
    schema = create_schema()
    query = "subscription($id: ID!) { gameUpdated(gameId: $id) { state playerCount } }"
    (operation,) = parse(query).definitions
    assert isinstance(operation, OperationDefinitionNode)
    plan = _plan_of(schema._schema, operation, {})
    assert plan is not None
    renderer = fanout.renderer_for(_info(schema, operation, {"id": "game-1"}), plan)
    assert renderer is not None
    course = Course(id=1, slug="c", title="C", created_at=now)
    views = [  # kept alive: the results are keyed by their ids
        GameView(GameRow(id=1, pin="123456", host_id=1, course_id=1, lesson_id=1, created_at=now), course)
        for _ in range(17)
    ]

    results = [await fanout._shared_result(renderer, view, False) for view in views[:16]]
    assert await fanout._shared_result(renderer, views[0], False) is results[0]  # a hit, which does not renew it
    last = await fanout._shared_result(renderer, views[16], False)

    assert results[0] is not None
    assert results[0][0] == {"gameUpdated": {"state": "LOBBY", "playerCount": 0}}
    assert await fanout._shared_result(renderer, views[1], False) is results[1]
    assert await fanout._shared_result(renderer, views[16], False) is last
    assert await fanout._shared_result(renderer, views[0], False) is not results[0]


@pytest.mark.parametrize(
    "selection",
    [
        "currentQuestion { problem { id } }",  # Problem's fields may depend on the viewer
        "... on Game { viewerStanding { rank } }",  # a viewer field the shared execution would answer
        "...F",  # the same in a named fragment
    ],
)
def test_anything_else_goes_through_graphql(selection: str) -> None:
    query = f"subscription($id: ID!) {{ gameUpdated(gameId: $id) {{ state {selection} }} }}"
    assert _plan(query + " fragment F on Game { viewerAnswer { correct } }") is None


async def test_players_share_one_execution_per_snapshot_and_keep_their_own_fields(
    server: Server, engine: AsyncEngine, settings: Settings, now: datetime
) -> None:
    async with session_factory(engine, write=True)() as session:
        host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
        course = await make_course(session, now, owner=host, kinds=(ProblemKind.SINGLE_CHOICE,))
        await session.commit()
    lesson = course.lessons[0]
    (choice,) = course.problems[lesson.id or 0]
    right, wrong = course.options[choice.id or 0][0], course.options[choice.id or 0][1]
    host_token = server.token(host, now)
    create = {"input": {"lessonId": encode("Lesson", lesson.id), "secondsPerQuestion": 30}}
    game = (await server.data(CREATE, create, host_token))["createGame"]["game"]
    names = ["Ana", "Bo", "Cy"]
    tokens = {n: (await server.data(JOIN, {"pin": game["pin"], "n": n}))["joinGame"]["playerToken"] for n in names}

    async with (
        GraphQLSocket.connected(server.ws_url, tokens["Ana"]) as ana,
        GraphQLSocket.connected(server.ws_url, tokens["Bo"]) as bo,
        GraphQLSocket.connected(server.ws_url, tokens["Cy"]) as cy,
    ):
        sockets = {"Ana": ana, "Bo": bo, "Cy": cy}
        ops = {name: await ws.subscribe(SHARED, {"id": game["id"]}) for name, ws in sockets.items()}
        for name, ws in sockets.items():
            await ws.until(ops[name], "gameUpdated", lambda g: g["state"] == "LOBBY")

        feed = next(iter(server.services.game_feeds.feeds.values()))
        before, reads = await scrape(server.http), feed.reads
        await server.data(CONTROL % "startGame", {"id": game["id"]}, host_token)
        for name, ws in sockets.items():
            opened = await ws.until(ops[name], "gameUpdated", lambda g: g["state"] == "QUESTION")
            assert opened["currentQuestion"]["correctOptionIds"] is None  # no key before the close
            assert opened["currentQuestion"]["answerCounts"] is None
            assert opened["viewerAnswer"] is None
        after, reads = await scrape(server.http), feed.reads - reads
        # One execution of the shared part per read of the game (not per player), own fields per player and read.
        assert 1 <= after.value(EXECUTIONS, kind="shared") - before.value(EXECUTIONS, kind="shared") <= reads
        assert 3 <= after.value(EXECUTIONS, kind="viewer") - before.value(EXECUTIONS, kind="viewer") <= 3 * reads

        for name, option in [("Ana", right), ("Bo", wrong)]:
            given = {"problemId": encode("Problem", choice.id), "optionIds": [encode("Option", option.id)]}
            variables = {"input": {"gameId": game["id"], "questionIndex": 0, "answer": given, "idempotencyKey": "k"}}
            assert (await server.data(ANSWER, variables, tokens[name]))["answerGameQuestion"]["errors"] == []
        await server.data(CONTROL % "revealGameQuestion", {"id": game["id"]}, host_token)
        revealed = {
            name: await ws.until(ops[name], "gameUpdated", lambda g: g["state"] == "REVEAL")
            for name, ws in sockets.items()
        }
        assert {name: g["mine"]["rank"] for name, g in revealed.items()} == {"Ana": 1, "Bo": 2, "Cy": 2}
        assert revealed["Ana"]["mine"]["score"] > 0
        assert [g["viewerAnswer"] for g in revealed.values()] == [
            {"correct": True, "points": revealed["Ana"]["mine"]["score"]},
            {"correct": False, "points": 0},
            None,
        ]
        for g in revealed.values():  # the shared part is the same for everyone
            assert g["currentQuestion"]["correctOptionIds"] == [encode("Option", right.id)]
            assert g["currentQuestion"]["answerCounts"][:2] == [1, 1]
            assert g["standings"] == revealed["Ana"]["standings"]
            assert list(g) == ["state", "currentQuestion", "mine", "viewerAnswer", "standings"]  # the selection's order
