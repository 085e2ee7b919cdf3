"""Benchmark: time from `askTutor` to the first streamed delta, and server memory per open `tutorReply`.

    uv run python -m bench.tutor [--conversations 50] [--subscriptions 300]

One `learnql serve` process on the embedded default (SQLite, in-process broker and jobs) with the
openai provider pointed at bench/chat_server.py in a process of its own, whose first token comes
after 200 ms (CHAT_LATENCY_MS) and the next every 20 ms. Each of `--conversations` learners runs one
conversation at the same time: a first question (warm-up, which creates the thread), then a second
one, timed from just before its `askTutor` request to the receipt of the first event with text of
its reply on the thread's `tutorReply` subscription. Target: p95 <= 1.25 x 200 ms.

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
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.servers import Server, free_port

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
    http: httpx.AsyncClient, ws_url: str, token: str, problem_id: str, n: int
) -> tuple[float, float]:
    """(ms to the first delta, ms to the askTutor response) of the timed question."""
    first = await gql(
        http, ASK, {"i": {"problemId": problem_id, "message": "Hint?", "clientMessageId": f"w{n}"}}, token
    )
    thread_id = first["askTutor"]["thread"]["id"]
    ws = await subscribe(ws_url, token, thread_id)
    try:
        await until(ws, first["askTutor"]["reply"]["id"], first_text=False)
        started = time.perf_counter()
        asked = {"threadId": thread_id, "message": "Why is it wrong?", "clientMessageId": f"q{n}"}
        second = await gql(http, ASK, {"i": asked}, token)
        answered = time.perf_counter()
        received = await until(ws, second["askTutor"]["reply"]["id"], first_text=True)
        await until(ws, second["askTutor"]["reply"]["id"], first_text=False)
        return (received - started) * 1000, (answered - started) * 1000
    finally:
        await ws.close()


async def run(conversations: int, subscriptions: int, log_dir: Path) -> dict[str, Any]:
    chat = Server(
        "chat",
        "bench.chat_server:create_app",
        {"CHAT_LATENCY_MS": str(LATENCY_MS), "CHAT_STREAM_DELAY_MS": "20"},
        factory=True,
    )
    chat.start(log_dir)
    chat.wait_ready("/")
    api = ServeProcess("api", "learnql.cli")  # `learnql serve`: migrates and loads the demo content
    database = log_dir / "tutor.db"
    api.env = {
        "LEARNQL_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "LEARNQL_AI_PROVIDER": "openai",
        "LEARNQL_AI_BASE_URL": chat.url + "/v1",
        "LEARNQL_AI_API_KEYS": "bench-key",
        "LEARNQL_LIMIT_REGISTER_PER_IP": "100000 per hour",
        "LEARNQL_PASSWORD_TIME_COST": "1",
        "LEARNQL_PASSWORD_MEMORY_KIB": "64",
    }
    api.start(log_dir)
    api.wait_ready("/health")
    try:
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
            timings = await asyncio.gather(
                *(conversation(http, ws_url, token, problem_id, n) for n, token in enumerate(tokens))
            )
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
        api.stop()
        chat.stop()
    ordered = sorted(first for first, _ in timings)
    asks = sorted(ask for _, ask in timings)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return {
        "conversations": conversations,
        "first_token_ms": LATENCY_MS,
        "first_delta_ms": {
            "p50": round(statistics.median(ordered), 1),
            "p95": round(p95, 1),
            "max": round(ordered[-1], 1),
        },
        "ratio_p95": round(p95 / LATENCY_MS, 3),
        "ask_response_ms": {"p50": round(statistics.median(asks), 1), "max": round(asks[-1], 1)},
        "subscriptions": subscriptions,
        "memory_per_subscription_kb": round((after - before) / 1024 / max(1, subscriptions), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--subscriptions", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        results = asyncio.run(run(args.conversations, args.subscriptions, Path(scratch)))
    print(json.dumps(results, indent=2))
    verdict = results["ratio_p95"] <= 1.25 and results["memory_per_subscription_kb"] < 50
    print("targets met" if verdict else "targets missed")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
