"""Two `learnql serve` processes with no shared memory, on a scratch PostgreSQL database and a Redis
namespace of their own: a mutation on one reaches a subscriber of the other through Redis pub/sub;
a server shutting down closes its subscriptions cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.exceptions import ConnectionClosed

from bench.services import drop_keys
from domain.accounts import auth
from domain.infra.database import create_engine, session_factory
from domain.models import ProblemKind, Role
from domain.settings import Settings
from graph.ids import encode
from tests.factories import CourseFixture, make_course, make_user
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.services import REDIS_URL, require

pytestmark = pytest.mark.timeout(60)

SECRET = "process-test-secret-0123456789abcdef"
BOARD = "subscription { leaderboardUpdated(scope: {kind: ALL_TIME}) { entries { xp user { id } } } }"
SUBMIT = "mutation($input: SubmitAnswerInput!) { submitAnswer(input: $input) { errors { code } } }"


@dataclass
class Deployment:
    settings: Settings
    env: dict[str, str]
    workdir: Path


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    base: str
    log: Path

    @property
    def ws_url(self) -> str:
        return self.base.replace("http://", "ws://") + "/graphql"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def deployment(postgres_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """This run's scratch PostgreSQL database and a Redis namespace of its own."""
    require("Redis", REDIS_URL, 6379)
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNQL_")}
    env |= {
        "LEARNQL_DATABASE_URL": postgres_database,
        "LEARNQL_REDIS_URL": REDIS_URL,
        "LEARNQL_REDIS_PREFIX": prefix,
        "LEARNQL_JWT_SECRET": SECRET,
        "LEARNQL_DEMO_CONTENT": "false",
        "LEARNQL_PASSWORD_TIME_COST": "1",
        "LEARNQL_PASSWORD_MEMORY_KIB": "64",
    }
    settings = Settings(database_url=postgres_database, redis_url=REDIS_URL, redis_prefix=prefix, jwt_secret=SECRET)
    try:
        yield Deployment(settings, env, tmp_path_factory.mktemp("processes"))
    finally:
        asyncio.run(drop_keys(REDIS_URL, prefix))


def start(deployment: Deployment, label: str) -> Process:
    port = free_port()
    log = deployment.workdir / f"{label}-{port}.log"
    command = [sys.executable, "-m", "learnql.cli", "serve", "--port", str(port)]
    with log.open("w") as output:
        popen = subprocess.Popen(command, env=deployment.env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    return Process(popen, f"http://127.0.0.1:{port}", log)


def wait_ready(processes: tuple[Process, ...]) -> None:
    deadline = time.monotonic() + 60
    waiting = list(processes)
    while waiting and time.monotonic() < deadline:
        process = waiting[0]
        assert process.popen.poll() is None, process.log.read_text()
        try:
            if httpx.get(f"{process.base}/ready", timeout=1).status_code == 200:
                waiting.pop(0)
                continue
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    if waiting:
        pytest.fail(f"server did not start:\n{waiting[0].log.read_text()}")


def stop(process: Process) -> int:
    if process.popen.poll() is None:
        process.popen.send_signal(signal.SIGTERM)
    return process.popen.wait(timeout=15)


@pytest.fixture
async def engine(deployment: Deployment) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(deployment.settings, pool_size=2, max_overflow=0)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="module")
def processes(deployment: Deployment) -> Iterator[tuple[Process, Process, Process]]:
    """Three servers started together (their start-up dominates): A and B, and one to shut down."""
    started = (start(deployment, "a"), start(deployment, "b"), start(deployment, "shutdown"))
    try:
        wait_ready(started)
        yield started
    finally:
        for process in started:
            stop(process)


async def seed(engine: AsyncEngine, settings: Settings, learners: int) -> tuple[list[str], CourseFixture]:
    now = datetime.now(UTC)
    async with session_factory(engine, write=True)() as session:
        users = [await make_user(session, settings, now) for _ in range(learners)]
        course = await make_course(session, now, lessons=1, kinds=(ProblemKind.NUMERIC,) * 6)
        await session.commit()
    return [auth.issue_token(settings, user, now) for user in users], course


def submission(course: CourseFixture, index: int, key: str) -> dict[str, object]:
    problem_id = encode("Problem", course.problems[course.lessons[0].id][index].id)  # type: ignore[index]
    answer = {"problemId": problem_id, "number": 42}
    return {"input": {"problemId": problem_id, "idempotencyKey": key, "answer": answer}}


async def test_a_mutation_on_one_process_reaches_a_subscriber_of_the_other_within_100_ms(
    processes: tuple[Process, Process, Process], engine: AsyncEngine, deployment: Deployment
) -> None:
    a, b, _ = processes
    (token,), course = await seed(engine, deployment.settings, 1)
    latencies = []

    async with GraphQLSocket.connected(a.ws_url) as socket_a, httpx.AsyncClient(base_url=b.base) as http_b:
        operation = await socket_a.subscribe(BOARD)
        await socket_a.next(operation)
        for round_ in range(6):
            await asyncio.sleep(0.15)  # past the update interval: measure delivery, not coalescing
            started = time.monotonic()
            response = await http_b.post(
                "/graphql",
                json={"query": SUBMIT, "variables": submission(course, round_, f"k{round_}")},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.json()["data"]["submitAnswer"]["errors"] == []
            try:
                data = await socket_a.next(operation, within=5)
            except TimeoutError:  # rare in CI, never reproduced alone: say which round, and what A and B logged
                logs = "\n".join(f"--- {p.log.name}:\n{p.log.read_text()[-4000:]}" for p in (a, b))
                pytest.fail(f"round {round_}: no leaderboard update on A within 5 s\n{logs}")
            if round_:  # the first warms B's connections and caches up
                latencies.append(time.monotonic() - started)  # mutation request to receipt: the commit is inside
            assert data["leaderboardUpdated"]["entries"][0]["xp"] == 20 * (round_ + 1)

    latencies.sort()
    print("cross-process latencies (s):", [round(x, 4) for x in latencies])
    assert latencies[len(latencies) // 2] < 0.1, latencies  # the median; the whole path, mutation included
    assert latencies[-1] < 0.25, latencies


async def test_shutdown_closes_subscriptions_cleanly(processes: tuple[Process, Process, Process]) -> None:
    process = processes[2]
    try:
        async with GraphQLSocket.connected(process.ws_url) as socket:
            await socket.next(await socket.subscribe(BOARD))
            process.popen.send_signal(signal.SIGTERM)
            with pytest.raises(ConnectionClosed) as closed:
                await socket.receive(within=10)
        code = process.popen.wait(timeout=15)
    finally:
        stop(process)

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1012  # "service restart": clients reconnect
    assert code in {0, -signal.SIGTERM}  # uvicorn re-raises the signal once it has shut down gracefully
    log = process.log.read_text()
    assert "Application shutdown complete." in log, log
    assert "Traceback" not in log, log
    assert "ERROR" not in log, log


GAME_FEED = """subscription($id: ID!) { gameUpdated(gameId: $id) { state viewerStanding { score }
  currentQuestion { correctOptionIds } } }"""


async def test_a_game_question_closes_at_its_deadline_exactly_once_with_two_processes_racing(
    processes: tuple[Process, Process, Process], engine: AsyncEngine, deployment: Deployment
) -> None:
    a, b, _ = processes
    now = datetime.now(UTC)
    async with session_factory(engine, write=True)() as session:
        host = await make_user(session, deployment.settings, now, role=Role.INSTRUCTOR)
        course = await make_course(session, now, owner=host, kinds=(ProblemKind.SINGLE_CHOICE,))
        await session.commit()
    lesson = course.lessons[0]
    problem = course.problems[lesson.id or 0][0]
    right = course.options[problem.id or 0][0]
    host_auth = {"Authorization": f"Bearer {auth.issue_token(deployment.settings, host, now)}"}

    async def call(base: str, query: str, variables: dict[str, object], headers: dict[str, str]) -> dict:
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            body = (await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)).json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    create = "mutation($l: ID!) { createGame(input: {lessonId: $l, secondsPerQuestion: 5}) { game { id pin } } }"
    game = (await call(a.base, create, {"l": encode("Lesson", lesson.id)}, host_auth))["createGame"]["game"]
    join = 'mutation($p: String!) { joinGame(input: {pin: $p, nickname: "Bee"}) { playerToken } }'
    token = (await call(b.base, join, {"p": game["pin"]}, {}))["joinGame"]["playerToken"]
    async with GraphQLSocket.connected(b.ws_url, token) as socket:
        operation = await socket.subscribe(GAME_FEED, {"id": game["id"]})
        assert (await socket.next(operation))["gameUpdated"]["state"] == "LOBBY"
        start = "mutation($id: ID!) { startGame(input: {gameId: $id}) { errors { code } } }"
        await call(a.base, start, {"id": game["id"]}, host_auth)
        answer = {"problemId": encode("Problem", problem.id), "optionIds": [encode("Option", right.id)]}
        answered = await call(
            b.base,
            "mutation($i: AnswerGameQuestionInput!) { answerGameQuestion(input: $i) { answer { points } errors { code } } }",
            {"i": {"gameId": game["id"], "questionIndex": 0, "answer": answer, "idempotencyKey": "k"}},
            {"Authorization": f"Bearer {token}"},
        )
        points = answered["answerGameQuestion"]["answer"]["points"]
        while True:  # nobody reveals: both processes' tickers race for the deadline
            update = (await socket.next(operation, within=10))["gameUpdated"]
            if update["state"] == "REVEAL":
                break

    assert update["currentQuestion"]["correctOptionIds"] == [encode("Option", right.id)]
    assert update["viewerStanding"] == {"score": points}  # added once, not once per process
    assert 500 <= points <= 1000
