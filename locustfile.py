"""Locust load test of a live game's HTTP side: players join by PIN and answer each open question.

    GAME_PIN=123456 uv run locust -f locustfile.py --host http://127.0.0.1:8000 --headless -u 200 -r 50 -t 2m

A host creates and starts the game (GraphiQL, a client, or `python -m bench.games` for the whole
WebSocket game); every simulated user joins it as a guest with a nickname of its own, then polls the
game by PIN with its player token and answers the open question once (the first option; a second
request with the same idempotency key now and then, which must replay). Refusals that a real game
produces when a question closes under a player (TOO_LATE, QUESTION_NOT_OPEN) count as successes;
any other UserError or GraphQL error is a failure in Locust's statistics.

GAME_PIN: the game's PIN (required). GAME_POLL_SECONDS: the pause between polls (default 1).
"""

from __future__ import annotations

import os
import random
import uuid
from typing import Any

from locust import HttpUser, between, task

JOIN = """mutation($pin: String!, $nickname: String!) { joinGame(input: {pin: $pin, nickname: $nickname}) {
  game { id } playerToken errors { code message } } }"""
GAME = """query($pin: String!) { game(pin: $pin) { id state
  currentQuestion { index closed problem { id } options { id } } } }"""
ANSWER = """mutation($input: AnswerGameQuestionInput!) { answerGameQuestion(input: $input) {
  answer { correct points } replayed errors { code message } } }"""
EXPECTED = frozenset({"TOO_LATE", "QUESTION_NOT_OPEN"})  # a question that closed while the answer travelled
POLL = float(os.environ.get("GAME_POLL_SECONDS", "1"))


class GamePlayer(HttpUser):
    """One player on a phone: joins once, then answers what is open."""

    wait_time = between(POLL * 0.5, POLL * 1.5)

    def on_start(self) -> None:
        self.pin = os.environ["GAME_PIN"]
        self.token: str | None = None
        self.game_id: str | None = None
        self.answered: set[int] = set()
        data = self.graphql("joinGame", JOIN, {"pin": self.pin, "nickname": f"lc-{uuid.uuid4().hex[:12]}"})
        joined = (data or {}).get("joinGame")
        if joined and not joined["errors"]:
            self.token, self.game_id = joined["playerToken"], joined["game"]["id"]

    def graphql(self, name: str, query: str, variables: dict[str, Any], allowed: frozenset[str] = frozenset()) -> Any:
        """POST one operation, named in the statistics; a failure unless it returned data without errors."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        payload = {"query": query, "variables": variables}
        with self.client.post("/graphql", json=payload, headers=headers, name=name, catch_response=True) as response:
            try:
                body = response.json()
            except ValueError:
                response.failure(f"not JSON: HTTP {response.status_code}")
                return None
            if response.status_code != 200 or body.get("errors"):
                response.failure(f"HTTP {response.status_code}: {body.get('errors')}")
                return None
            result = next(iter((body.get("data") or {}).values()), None)
            codes = {error["code"] for error in (result or {}).get("errors", [])} if isinstance(result, dict) else set()
            if codes - allowed:
                response.failure(f"UserError {sorted(codes)}")
                return None
            response.success()
            return body["data"]

    @task
    def play(self) -> None:
        if self.token is None:
            return
        data = self.graphql("game", GAME, {"pin": self.pin})
        game = (data or {}).get("game")
        if not game or game["state"] != "QUESTION" or not game["currentQuestion"]:
            return
        question = game["currentQuestion"]
        index = question["index"]
        if index in self.answered or question["closed"] or not question["options"]:
            return
        answer = {"problemId": question["problem"]["id"], "optionIds": [question["options"][0]["id"]]}
        variables = {
            "input": {"gameId": self.game_id, "questionIndex": index, "answer": answer, "idempotencyKey": f"q{index}"}
        }
        for _ in range(2 if random.random() < 0.1 else 1):  # noqa: S311 - a retry now and then, not a secret
            self.graphql("answerGameQuestion", ANSWER, variables, EXPECTED)
        self.answered.add(index)
