"""The `learnql` command as an operator meets it, run as a subprocess: one clear line for what is
wrong, `--version`, `check`, and `serve --workers 2` (several processes, one set of metrics, a
graceful shutdown)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from bench.services import drop_keys
from domain.settings import Settings
from learnql import doctor
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.metrics import parse
from tests.services import REDIS_URL, require
from tests.test_serve import free_port

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[1]
SECRET = "cli-test-secret-0123456789abcdefghijklmnopqrstuvwxyz"
NOWHERE_DB = "postgresql+asyncpg://postgres:hunter2@127.0.0.1:1/learnql"  # port 1: nothing listens
BOARD = "subscription { leaderboardUpdated(scope: {kind: ALL_TIME}) { entries { xp } } }"


def environment(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEARNQL_", "PROMETHEUS_"))}
    return env | {"LEARNQL_PASSWORD_TIME_COST": "1", "LEARNQL_PASSWORD_MEMORY_KIB": "64"} | settings


def learnql(*args: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "learnql.cli", *args]
    return subprocess.run(command, cwd=cwd, env=environment(**settings), capture_output=True, text=True, timeout=60)  # noqa: S603


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    result = learnql("--version", cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout.strip() == "learnql 0.1.0"


@pytest.mark.parametrize("command", ["serve", "migrate"])
def test_an_unreachable_database_is_one_line_without_the_password(command: str, tmp_path: Path) -> None:
    result = learnql(command, cwd=tmp_path, LEARNQL_DATABASE_URL=NOWHERE_DB, LEARNQL_JWT_SECRET=SECRET)

    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot reach the database at postgresql+asyncpg://postgres:***@127.0.0.1:1/learnql")
    assert "LEARNQL_DATABASE_URL" in line
    assert "hunter2" not in result.stderr + result.stdout
    assert "GraphiQL" not in result.stdout


def test_an_unreachable_redis_is_one_line(postgres_database: str, tmp_path: Path) -> None:
    result = learnql(
        "serve",
        cwd=tmp_path,
        LEARNQL_DATABASE_URL=postgres_database,
        LEARNQL_REDIS_URL="redis://:s3cret@127.0.0.1:1/0",
        LEARNQL_JWT_SECRET=SECRET,
    )

    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot reach Redis at redis://:***@127.0.0.1:1/0")
    assert "s3cret" not in result.stderr


def test_several_workers_without_redis_are_refused(tmp_path: Path) -> None:
    result = learnql("serve", "--workers", "2", cwd=tmp_path)

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: --workers 2 needs LEARNQL_REDIS_URL")


def test_a_taken_port_is_reported_before_the_banner(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = learnql("serve", "--port", str(port), cwd=tmp_path)

    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == f"error: port {port} on 127.0.0.1 is in use by another program; stop it or choose another with --port"
    )
    assert "GraphiQL" not in result.stdout
    assert not (tmp_path / "learnql.db").exists()  # nothing was started


def test_check_passes_on_the_embedded_default_with_a_warning(tmp_path: Path) -> None:
    learnql("migrate", cwd=tmp_path)

    result = learnql("check", cwd=tmp_path)

    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0].startswith("OK    database: reachable at sqlite+aiosqlite:///./learnql.db")
    assert lines[1].startswith("OK    migrations: at the newest revision")
    assert any(line.startswith("WARN  secret:") for line in lines)


def test_check_fails_on_an_unmigrated_database_a_weak_secret_and_a_missing_ai_key(tmp_path: Path) -> None:
    result = learnql(
        "check",
        cwd=tmp_path,
        LEARNQL_JWT_SECRET="short",
        LEARNQL_AI_PROVIDER="openai",
        LEARNQL_AI_API_KEYS="",
    )

    assert result.returncode == 1
    failures = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert [line.split(":")[0] for line in failures] == ["FAIL  migrations", "FAIL  secret", "FAIL  ai provider"]
    assert "learnql migrate" in failures[0]


def test_check_reports_production_services(postgres_database: str, tmp_path: Path) -> None:
    require("Redis", REDIS_URL, 6379)
    healthy = learnql(
        "check",
        cwd=tmp_path,
        LEARNQL_DATABASE_URL=postgres_database,
        LEARNQL_REDIS_URL=REDIS_URL,
        LEARNQL_JWT_SECRET=SECRET,
        LEARNQL_CORS_ORIGINS="https://app.example.org",
    )
    broken = learnql(
        "check",
        cwd=tmp_path,
        LEARNQL_DATABASE_URL=NOWHERE_DB,
        LEARNQL_REDIS_URL="redis://127.0.0.1:1/0",
        LEARNQL_JWT_SECRET=SECRET,
    )

    assert healthy.returncode == 0, healthy.stdout
    assert [line.split(":")[0] for line in healthy.stdout.splitlines()] == [
        "OK    database", "OK    migrations", "OK    redis", "OK    secret", "OK    cors", "OK    ai provider",
    ]  # fmt: skip
    assert broken.returncode == 1
    assert [line.split(":")[0] for line in broken.stdout.splitlines() if line.startswith("FAIL")] == [
        "FAIL  database",
        "FAIL  redis",
    ]
    assert "hunter2" not in broken.stdout


@pytest.mark.parametrize(
    ("database", "origins", "expected"),
    [
        ("sqlite+aiosqlite:///./x.db", None, "ok"),
        ("postgresql+asyncpg://db/x", None, "warn"),  # no web app can call it: probably forgotten
        ("postgresql+asyncpg://db/x", "", "ok"),
        ("postgresql+asyncpg://db/x", "*", "warn"),
        ("postgresql+asyncpg://db/x", "http://app.example.org", "warn"),  # tokens in clear
        ("postgresql+asyncpg://db/x", "http://localhost:5173,https://app.example.org", "ok"),
    ],
)
def test_check_judges_the_cors_origins(database: str, origins: str | None, expected: str) -> None:
    settings = Settings(database_url=database, cors_origins=origins)

    assert doctor.cors_finding(settings).level == expected


# -- several processes ---------------------------------------------------------------------------


@pytest.fixture
def two_workers(postgres_database: str, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    require("Redis", REDIS_URL, 6379)
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    port = free_port()
    log = tmp_path / "serve.log"
    env = environment(
        LEARNQL_DATABASE_URL=postgres_database,
        LEARNQL_REDIS_URL=REDIS_URL,
        LEARNQL_REDIS_PREFIX=prefix,
        LEARNQL_JWT_SECRET=SECRET,
        LEARNQL_LOG_FORMAT="json",
        LEARNQL_DB_POOL_SIZE="3",
    )
    command = [sys.executable, "-m", "learnql.cli", "serve", "--port", str(port), "--workers", "2"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail(f"serve --workers 2 did not start:\n{log.read_text()}")
        yield base, process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        asyncio.run(drop_keys(REDIS_URL, prefix))


async def scrape(base: str) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        scraped = parse((await http.get("/metrics")).text)
    return {
        "graphql": scraped.value("learnql_http_request_duration_seconds_count", route="/graphql"),
        "sockets": scraped.value("learnql_websocket_connections"),
    }


async def test_two_workers_share_the_port_one_set_of_metrics_and_shut_down_gracefully(
    two_workers: tuple[str, subprocess.Popen[bytes], Path],
) -> None:
    base, process, log = two_workers
    for _ in range(20):  # a new connection each: the kernel spreads them over the processes
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            response = await http.post("/graphql", json={"query": "{ courses(first: 1) { edges { cursor } } }"})
        assert response.status_code == 200

    ws_url = base.replace("http://", "ws://") + "/graphql"
    async with GraphQLSocket.connected(ws_url) as socket_:
        await socket_.next(await socket_.subscribe(BOARD))
        scrapes = [await scrape(base) for _ in range(6)]  # answered by either process, each time the sum of both
        process.send_signal(signal.SIGTERM)
        with pytest.raises(ConnectionClosed) as closed:
            await socket_.receive(within=20)
    code = process.wait(timeout=30)

    assert [s["graphql"] for s in scrapes] == [20.0] * 6
    assert [s["sockets"] for s in scrapes] == [1.0] * 6
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1012  # service restart: clients reconnect elsewhere
    assert code == 0
    output = log.read_text()
    assert "Traceback" not in output
    assert '"POST /graphql HTTP/1.1" 200' not in output  # uvicorn's access log is replaced by ours
    assert sum(1 for line in output.splitlines() if '"event":"http.request"' in line and '"/graphql"' in line) == 20
