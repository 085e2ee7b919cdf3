"""The README's first command, for real: `learnql serve` on a fresh directory, then a client session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

READY_WITHIN = 120  # seconds: importing, migrating and loading the demo content on a busy machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_from(variable: str, slot: int = 0) -> int:
    """The port that `variable` fixes (a machine that gives a test run fixed ports), plus the pytest-xdist worker's
    number (gw0, gw1, ...) so that two workers never want the same one, plus 8 per `slot` (the second, third...
    server of one module: up to 8 workers never meet); any free port when it is unset."""
    fixed = os.environ.get(variable)
    if not fixed:
        return free_port()
    return int(fixed) + 8 * slot + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


@contextmanager
def serving(workdir: Path, port: int, settings: dict[str, str] | None = None) -> Iterator[str]:
    """`learnql serve` on `port` in `workdir` until the block ends: its URL. The embedded default with the demo
    content, or what `settings` (LEARNQL_ variables) say; no other LEARNQL_ variable of this environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNQL_")}
    env["LEARNQL_PASSWORD_TIME_COST"] = "1"
    env["LEARNQL_PASSWORD_MEMORY_KIB"] = "64"
    env |= settings or {}
    command = [sys.executable, "-m", "learnql.cli", "serve", "--port", str(port)]
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_WITHIN
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"serve exited early:\n{(workdir / 'server.log').read_text()}")
            try:
                if httpx.get(f"{base}/ready", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail(f"serve did not become ready:\n{(workdir / 'server.log').read_text()}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("serve")
    with serving(workdir, free_port()) as base:
        assert (workdir / "learnql.db").exists()
        yield base


def gql(base: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables or {}}, headers=headers, timeout=10
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


def test_serve_loads_demo_content_and_serves_graphiql(server: str) -> None:
    page = httpx.get(f"{server}/graphql", headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()

    data = gql(
        server,
        "{ courses(first: 10) { edges { node { title lessons(first: 50) { edges { node { problems { kind } } } } } } } }",
    )

    courses = data["courses"]["edges"]
    lessons = [lesson for c in courses for lesson in c["node"]["lessons"]["edges"]]
    kinds = {p["kind"] for lesson in lessons for p in lesson["node"]["problems"]}
    assert len(courses) >= 2
    assert len(lessons) >= 6
    assert sum(len(lesson["node"]["problems"]) for lesson in lessons) >= 40
    assert kinds == {"SINGLE_CHOICE", "MULTIPLE_CHOICE", "NUMERIC", "SHORT_TEXT", "FREE_TEXT"}


def test_demo_learner_logs_in_and_answers(server: str) -> None:
    login = gql(
        server,
        'mutation { login(input: {email: "learner@demo.learnql.dev", password: "learnql-demo"}) { token errors { code } } }',
    )
    token = login["login"]["token"]
    problem = gql(server, "{ lessons(first: 1) { edges { node { problems { id kind options { id } } } } } }")
    single = next(p for p in problem["lessons"]["edges"][0]["node"]["problems"] if p["kind"] == "SINGLE_CHOICE")
    answer = {"problemId": single["id"], "optionIds": [single["options"][0]["id"]]}
    variables = {"input": {"problemId": single["id"], "idempotencyKey": "serve-test", "answer": answer}}

    result = gql(
        server,
        "mutation($input: SubmitAnswerInput!) { submitAnswer(input: $input) { errors { code } submission { status answers { problem { explanation } } } } }",
        variables,
        token,
    )

    assert result["submitAnswer"]["errors"] == []
    assert result["submitAnswer"]["submission"]["status"] == "GRADED"
    assert result["submitAnswer"]["submission"]["answers"][0]["problem"]["explanation"]
