"""Benchmark: time from `askTutor` to the first streamed delta, and server memory per open `tutorReply`.

    uv run python -m bench.tutor [--conversations 50] [--rounds 3] [--subscriptions 300] [--backend sqlite|postgres]

One `learnql serve` process with the openai provider pointed at bench/chat_server.py in a process of
its own, whose first token comes after 200 ms (CHAT_LATENCY_MS) and the next every 20 ms.
`--backend sqlite` (the default) is the embedded default: a scratch SQLite file, the in-process
broker and job runner. `--backend postgres` is the deployed shape: a scratch PostgreSQL database, a
Redis prefix of its own for the broker and the job queue, and a real arq worker process
(`arq workers.settings.TutorWorkerSettings`) writing the replies.

Each of `--conversations` learners runs one conversation at the same time: a first question
(warm-up, which creates the thread), then `--rounds` more, each asked once the previous reply is
done and timed from just before its `askTutor` request to the receipt of the first event with text
of its reply on the thread's `tutorReply` subscription. Target: p95 <= 1.25 x 200 ms.

Memory: `--subscriptions` extra WebSocket connections each holding one `tutorReply` subscription;
VmRSS of the server before and after, divided by their number. Target: < 50 KB each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from redis.asyncio import Redis
from websockets.asyncio.client import ClientConnection, connect

from bench.servers import Server, free_port
from bench.services import POSTGRES_URL, REDIS_URL, drop_keys
from bench.subscriptions import SECRET, admin
from domain.infra.migrations import upgrade

LATENCY_MS = 200
ASK = """mutation($i: AskTutorInput!) { askTutor(input: $i) { thread { id } reply { id } errors { code } } }"""
REPLIES = "subscription($t: ID!) { tutorReply(threadId: $t) { messageId delta status done } }"
REGISTER = """mutation($i: RegisterInput!) { register(input: $i) { token errors { code } } }"""


class ServeProcess(Server):
    """`python -m learnql.cli serve` instead of a bare uvicorn app."""

    def start(self, log_dir: Path) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", self.app, "serve", "--port", str(self.port)]
        log = (log_dir / f"{self.name}.log").open("w")
        self.process = subprocess.Popen(command, env=os.environ | self.env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


async def gql(http: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = (await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)).json()
    assert "errors" not in body, body
    return body["data"]


async def subscribe(ws_url: str, token: str, thread_id: str) -> ClientConnection:
    ws = await connect(ws_url, subprotocols=["graphql-transport-ws"], compression=None)  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    payload = {"query": REPLIES, "variables": {"t": thread_id}}
    await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
    return ws


async def until(ws: ClientConnection, wanted: str | None, first_text: bool) -> float:
    """Receipt time of the first event of message `wanted` (any when None) with text, or with done."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if message.get("type") != "next":
            continue
        event = message["payload"]["data"]["tutorReply"]
        if wanted is not None and event["messageId"] != wanted:
            continue
        if (first_text and event["delta"]) or (not first_text and event["done"]):
            return time.perf_counter()


async def conversation(
    http: httpx.AsyncClient, ws_url: str, token: str, problem_id: str, n: int, rounds: int
) -> list[tuple[float, float]]:
    """(ms to the first delta, ms to the askTutor response) of each timed question."""
    first = await gql(
        http, ASK, {"i": {"problemId": problem_id, "message": "Hint?", "clientMessageId": f"w{n}"}}, token
    )
    thread_id = first["askTutor"]["thread"]["id"]
    ws = await subscribe(ws_url, token, thread_id)
    timings = []
    try:
        await until(ws, first["askTutor"]["reply"]["id"], first_text=False)
        for round_ in range(rounds):
            started = time.perf_counter()
            asked = {
                "threadId": thread_id,
                "message": f"Why is it wrong ({round_})?",
                "clientMessageId": f"q{n}-{round_}",
            }
            second = await gql(http, ASK, {"i": asked}, token)
            answered = time.perf_counter()
            received = await until(ws, second["askTutor"]["reply"]["id"], first_text=True)
            await until(ws, second["askTutor"]["reply"]["id"], first_text=False)
            timings.append(((received - started) * 1000, (answered - started) * 1000))
        return timings
    finally:
        await ws.close()


class Backend:
    """Where the server keeps its data: `LEARNQL_*` settings for the API and, with Redis, an arq tutor worker."""

    def __init__(self, name: str, log_dir: Path) -> None:
        self.name = name
        self.database = f"learnql_bench_tutor_{os.getpid()}"
        self.prefix = f"learnql-bench-tutor-{uuid.uuid4().hex[:10]}:"
        if name == "postgres":
            self.env = {
                "LEARNQL_DATABASE_URL": POSTGRES_URL.rsplit("/", 1)[0] + f"/{self.database}",
                "LEARNQL_REDIS_URL": REDIS_URL,
                "LEARNQL_REDIS_PREFIX": self.prefix,
                "LEARNQL_DEMO_CONTENT": "true",  # the lesson asked about
            }
        else:
            self.env = {"LEARNQL_DATABASE_URL": f"sqlite+aiosqlite:///{log_dir / 'tutor.db'}"}
        self.env["LEARNQL_JWT_SECRET"] = SECRET

    async def __aenter__(self) -> Backend:
        if self.name == "postgres":
            await admin(f'DROP DATABASE IF EXISTS "{self.database}"')
            await admin(f'CREATE DATABASE "{self.database}"')
            await asyncio.to_thread(upgrade, self.env["LEARNQL_DATABASE_URL"])  # `serve` migrates only SQLite
        return self

    async def __aexit__(self, *_: object) -> None:
        if self.name == "postgres":
            await drop_keys(REDIS_URL, self.prefix)
            await admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def start_worker(env: dict[str, str], log_dir: Path) -> subprocess.Popen[bytes]:
    """A real arq worker process for the tutor's queue, with the API's settings."""
    command = [sys.executable, "-m", "arq", "workers.settings.TutorWorkerSettings"]
    log = (log_dir / "worker.log").open("w")
    return subprocess.Popen(command, env=os.environ | env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603


async def worker_ready(worker: subprocess.Popen[bytes], prefix: str, within: float = 180) -> None:
    """Until the worker's first health check is in Redis: it takes jobs from then on (a loaded machine
    may take many seconds to import it, which is no part of the latency measured)."""
    redis = Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + within
    try:
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise RuntimeError("the tutor worker exited; see worker.log")
            if [key async for key in redis.scan_iter(match=f"{prefix}*health-check")]:
                return
            await asyncio.sleep(0.2)
    finally:
        await redis.aclose()
    raise RuntimeError("the tutor worker did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


async def run(
    conversations: int, rounds: int, subscriptions: int, log_dir: Path, backend: str = "sqlite"
) -> dict[str, Any]:
    async with Backend(backend, log_dir) as where:
        return await measure(conversations, rounds, subscriptions, log_dir, where)


async def measure(conversations: int, rounds: int, subscriptions: int, log_dir: Path, where: Backend) -> dict[str, Any]:
    chat = Server(
        "chat",
        "bench.chat_server:create_app",
        {"CHAT_LATENCY_MS": str(LATENCY_MS), "CHAT_STREAM_DELAY_MS": "20"},
        factory=True,
    )
    chat.start(log_dir)
    chat.wait_ready("/")
    api = ServeProcess("api", "learnql.cli")  # `learnql serve`: migrates and loads the demo content
    api.env = where.env | {
        "LEARNQL_AI_PROVIDER": "openai",
        "LEARNQL_AI_BASE_URL": chat.url + "/v1",
        "LEARNQL_AI_API_KEYS": "bench-key",
        "LEARNQL_LIMIT_REGISTER_PER_IP": "100000 per hour",
        "LEARNQL_PASSWORD_TIME_COST": "1",
        "LEARNQL_PASSWORD_MEMORY_KIB": "64",
    }
    api.start(log_dir)
    worker = None
    try:
        api.wait_ready("/health", timeout=180)
        if "LEARNQL_REDIS_URL" in api.env:
            worker = start_worker(api.env, log_dir)
            await worker_ready(worker, where.prefix)
        async with httpx.AsyncClient(base_url=api.url, timeout=60) as http:
            ws_url = api.url.replace("http", "ws") + "/graphql"
            problems = await gql(http, "{ lessons(first: 1) { edges { node { problems { id } } } } }", {})
            problem_id = problems["lessons"]["edges"][0]["node"]["problems"][0]["id"]
            tokens = []
            for n in range(conversations):
                user = {
                    "email": f"tutor{n}@bench.dev",
                    "password": "bench-password-1",
                    "displayName": f"T{n}",
                    "timezone": "UTC",
                }
                tokens.append((await gql(http, REGISTER, {"i": user}))["register"]["token"])
            load_before = os.getloadavg()
            per_conversation = await asyncio.gather(
                *(conversation(http, ws_url, token, problem_id, n, rounds) for n, token in enumerate(tokens))
            )
            timings = [timing for timed in per_conversation for timing in timed]
            load_after = os.getloadavg()
            # memory: extra connections, each with one tutorReply subscription on the first learner's thread
            thread = await gql(
                http, ASK, {"i": {"problemId": problem_id, "message": "Hi", "clientMessageId": "m"}}, tokens[0]
            )
            thread_id = thread["askTutor"]["thread"]["id"]
            warm = await subscribe(ws_url, tokens[0], thread_id)
            await asyncio.sleep(1)
            before = api.rss_bytes()
            held = [await subscribe(ws_url, tokens[0], thread_id) for _ in range(subscriptions)]
            await asyncio.sleep(1)
            after = api.rss_bytes()
            for ws in [warm, *held]:
                await ws.close()
    finally:
        if worker is not None:
            stop(worker)
        api.stop()
        chat.stop()
    ordered = sorted(first for first, _ in timings)
    asks = sorted(ask for _, ask in timings)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return {
        "backend": where.name,
        "conversations": conversations,
        "rounds": rounds,
        "samples": len(ordered),
        "first_token_ms": LATENCY_MS,
        "first_delta_ms": {
            "p50": round(statistics.median(ordered), 1),
            "p95": round(p95, 1),
            "max": round(ordered[-1], 1),
        },
        "ratio_p95": round(p95 / LATENCY_MS, 3),
        "ask_response_ms": {
            "p50": round(statistics.median(asks), 1),
            "p95": round(asks[max(0, int(len(asks) * 0.95) - 1)], 1),
            "max": round(asks[-1], 1),
        },
        "subscriptions": subscriptions,
        "memory_per_subscription_kb": round((after - before) / 1024 / max(1, subscriptions), 1),
        "load_average_1m": {"before": round(load_before[0], 2), "after": round(load_after[0], 2)},
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="timed questions per conversation")
    parser.add_argument("--subscriptions", type=int, default=300)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs here (default: a scratch directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        log_dir = args.logs or Path(scratch)
        log_dir.mkdir(parents=True, exist_ok=True)
        results = asyncio.run(run(args.conversations, args.rounds, args.subscriptions, log_dir, args.backend))
    print(json.dumps(results, indent=2))
    verdict = results["ratio_p95"] <= 1.25 and results["memory_per_subscription_kb"] < 50
    print("targets met" if verdict else "targets missed")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
