"""A small OpenAI-compatible chat-completions server for the tests and the benchmark (never the network).

Each API key follows a script of behaviours, one per request, then the default one:
`ok`, `429` (with Retry-After), `500`, `400`, `401`, `slow` (answers after `slow_seconds`),
`malformed` (200 with content that is not JSON), `partial` (evaluations for only some items).
Every answer waits `latency` seconds first. Answers are deterministic: generation returns `count`
problems quoting the material; evaluation scores 1.0 when the answer holds every rubric keyword
(or the first word of the reference), else 0.25.

    uv run uvicorn bench.chat_server:create_app --factory   # CHAT_LATENCY_MS=200 for the benchmark
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class Script:
    latency: float = 0.0
    slow_seconds: float = 5.0
    default: str = "ok"
    per_key: dict[str, deque[str]] = field(default_factory=lambda: defaultdict(deque))
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (key, task, behaviour)
    in_flight: int = 0
    most_in_flight: int = 0

    def plan(self, key: str, *behaviours: str) -> None:
        self.per_key[key].extend(behaviours)

    def calls(self, behaviour: str | None = None, task: str | None = None) -> int:
        return sum(1 for _, t, b in self.log if (behaviour is None or b == behaviour) and (task is None or t == task))


def _problems(user: dict[str, Any]) -> list[dict[str, Any]]:
    material = str(user.get("material", ""))
    words = [w.strip(".,;:") for w in material.split() if len(w) > 3] or ["material"]
    kinds = user.get("kinds") or ["SINGLE_CHOICE"]
    part = hashlib.sha256(material.encode()).hexdigest()[:8]
    problems = []
    for index in range(int(user.get("count", 1))):
        kind = kinds[index % len(kinds)]
        topic = words[index % len(words)]
        item: dict[str, Any] = {
            "kind": kind,
            "prompt": f"Question {index + 1} on {topic} (part {part}): {material[:60]}?",
            "options": [],
            "answers": [],
            "rubric": [],
            "explanation": "From the material.",
            "difficulty": 2,
        }
        if kind in ("SINGLE_CHOICE", "MULTIPLE_CHOICE"):
            item["options"] = [f"{topic} A", f"{topic} B", f"{topic} C"]
            item["answers"] = item["options"][:1] if kind == "SINGLE_CHOICE" else item["options"][:2]
        elif kind == "SHORT_TEXT":
            item["answers"] = [topic]
        else:
            item["answers"] = [f"{topic} explained."]
            item["rubric"] = [topic.lower()]
        problems.append(item)
    return problems


def _evaluations(user: dict[str, Any]) -> list[dict[str, Any]]:
    verdicts = []
    for item in user.get("items", []):
        answer = str(item.get("answer", "")).lower()
        keywords = [str(k).lower() for k in item.get("rubric") or []] or str(
            item.get("reference", "x")
        ).lower().split()[:1]
        score = 1.0 if all(k in answer for k in keywords) else 0.25
        verdicts.append({"id": item["id"], "score": score, "feedback": f"Scored {score} by the test server."})
    return verdicts


def _answer(body: dict[str, Any], behaviour: str) -> tuple[str, dict[str, Any]]:
    name = body["response_format"]["json_schema"]["name"]
    user = json.loads(body["messages"][-1]["content"])
    if name == "problems":
        content: Any = {"problems": _problems(user)}
    else:
        verdicts = _evaluations(user)
        content = {"evaluations": verdicts[: len(verdicts) // 2] if behaviour == "partial" else verdicts}
    text = "Sure! Here is your JSON: {" if behaviour == "malformed" else json.dumps(content)
    usage = {"prompt_tokens": len(json.dumps(body)) // 4, "completion_tokens": len(text) // 4}
    return name, {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}], "usage": usage}


def create_app(script: Script | None = None) -> Starlette:
    script = script or Script(latency=int(os.environ.get("CHAT_LATENCY_MS", "0")) / 1000)

    async def completions(request: Request) -> Response:
        key = request.headers.get("authorization", "").removeprefix("Bearer ")
        queue = script.per_key.get(key)
        behaviour = queue.popleft() if queue else script.default
        body = await request.json()
        task = body["response_format"]["json_schema"]["name"]
        script.log.append((key, task, behaviour))
        script.in_flight += 1
        script.most_in_flight = max(script.most_in_flight, script.in_flight)
        try:
            await asyncio.sleep(script.slow_seconds if behaviour == "slow" else script.latency)
        finally:
            script.in_flight -= 1
        if behaviour == "429":
            return JSONResponse({"error": {"message": "rate limited"}}, 429, headers={"Retry-After": "0.05"})
        if behaviour in ("500", "400", "401"):
            return JSONResponse({"error": {"message": f"scripted {behaviour}"}}, int(behaviour))
        _, answer = _answer(body, behaviour)
        return JSONResponse(answer)

    app = Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])
    app.state.script = script
    return app
