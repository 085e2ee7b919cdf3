"""/graphql over HTTP against a live `learnql serve`, through real clients: the GraphQL-over-HTTP audit
(npm graphql-http), subscriptions over SSE with the npm graphql-sse client, and multipart/mixed.

The node packages are pinned in tests/http_audit (`npm ci` there, as .ci/run does). Without node the
node tests skip, unless LEARNQL_REQUIRE_SERVICES is set: then they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.graph.live import live_server

__all__ = ["live_server"]  # the module's live server (tests/graph/live.py)

PACKAGE = Path(__file__).resolve().parents[1] / "http_audit"
DEMO_LEARNER = ("learner@demo.learnql.dev", "learnql-demo")  # README's demo accounts


def node(script: str, *arguments: str) -> dict[str, Any]:
    """Runs one of tests/http_audit's scripts; its last output line is JSON."""
    executable = shutil.which("node")
    missing = (
        "node is not installed" if executable is None
        else "tests/http_audit has no node_modules (run `npm ci` there)" if not (PACKAGE / "node_modules").is_dir()
        else None
    )  # fmt: skip
    if missing is not None:
        if os.environ.get("LEARNQL_REQUIRE_SERVICES"):
            pytest.fail(f"{missing}, and LEARNQL_REQUIRE_SERVICES is set")
        pytest.skip(missing)
    assert executable is not None
    done = subprocess.run(  # noqa: S603
        [executable, script, *arguments], cwd=PACKAGE, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_graphql_over_http_audit_passes_every_check(live_server: str) -> None:
    report = node("audit.mjs", f"{live_server}/graphql")

    assert report["notOk"] == []
    assert report["ok"] == report["total"] >= 60


def test_the_graphql_sse_client_receives_subscription_events(live_server: str) -> None:
    received = node("sse_client.mjs", f"{live_server}/graphql", *DEMO_LEARNER)

    [refused] = received["refused"]
    assert [error["extensions"]["code"] for error in refused["errors"]] == ["UNAUTHENTICATED"]
    [board] = received["board"]
    assert "entries" in board["data"]["leaderboardUpdated"]
    [graded] = received["graded"]
    assert graded["data"]["submissionGraded"]["status"] == "GRADED"
    assert "errors" not in graded
    assert received["answers"] >= 1


def test_a_multipart_subscription_streams_parts_until_the_client_leaves(live_server: str) -> None:
    query = "subscription { leaderboardUpdated(scope: {kind: ALL_TIME}, first: 3) { entries { rank } } }"
    accept = 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0",application/json'
    parts: list[dict[str, Any]] = []

    with httpx.stream(
        "POST", f"{live_server}/graphql", json={"query": query}, headers={"Accept": accept}, timeout=10
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("multipart/mixed;boundary=graphql;subscriptionSpec=1.0")
        buffer = ""
        for chunk in response.iter_text():
            buffer += chunk
            *complete, buffer = buffer.split("\r\n--graphql")
            for part in complete:
                _, _, body = part.partition("\r\n\r\n")
                if body.strip():
                    parts.append(json.loads(body))
            if any("payload" in part for part in parts):
                break

    assert parts[0] == {}  # the first heartbeat: the stream is open
    payloads = [part["payload"] for part in parts if "payload" in part]
    assert "entries" in payloads[0]["data"]["leaderboardUpdated"]
