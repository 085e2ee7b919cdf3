"""Failed logins against the limiter on Redis, and what they cost everyone else: `uv run python -m bench.logins`.

Issue 12's figure: "1,000 logins per second against the limiter on Redis do not slow other requests
by more than 10%". One `learnql serve` runs on the production backends (PostgreSQL and Redis, a strong
JWT secret, the production checks). A separate process (bench/rawload.py) offers failed logins at
`--rate` per second from one address to a few accounts, known and unknown; after the first failures
(a warm-up, not measured) every one of them is answered LOGIN_THROTTLED, which the login refuses before
it reads the account or hashes anything (domain/accounts/auth.py). Meanwhile this process sends a
paced probe of tiny queries (`viewer { id displayName }` with a token) and times them.

Rounds alternate a quiet phase (the probe alone) and a loaded phase (the probe and the logins); the
first pair is a warm-up and dropped. Reported: the login rate achieved (answered logins per second:
on a small shared machine the client or the server may not reach the target), the probe's p50 and p90
latency with and without the load and their ratio (median of the per-round ratios), the server's CPU
per tiny query (quiet phases) and per throttled login (loaded phases, less the probe's share).

Query budgets are raised out of the way (as in `python -m bench`): at 1,000 logins a second one
address spends its budget in seconds and the logins would be refused with HTTP 429 by the budget,
never reaching the login limiter this figure is about.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlmodel import col

from bench import rawload
from bench.seed import BENCH_DATABASE, recreate_database
from bench.servers import Server
from bench.services import REDIS_URL, drop_keys
from domain.accounts import auth
from domain.infra.database import create_engine
from domain.infra.migrations import upgrade
from domain.models import User
from domain.settings import Settings

TINY = "query Tiny { viewer { id displayName } }"
LOGIN = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { token errors { code } } }"
ACCOUNTS = 20  # the failed logins go to these emails, half of them existing accounts


@dataclass
class Phase:
    latencies: list[float]
    errors: int
    server_cpu: float
    seconds: float
    logins: dict[str, Any] | None = None

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


DATABASE = f"{BENCH_DATABASE}_logins"  # its own: `python -m bench` may be using BENCH_DATABASE meanwhile


async def prepare(secret: str) -> tuple[str, str]:
    """A fresh database with the probe's user and the known half of the attacked accounts: its URL and
    the probe's token."""
    url = await recreate_database(DATABASE)
    await asyncio.to_thread(upgrade, url)
    settings = Settings(database_url=url, jwt_secret=secret, password_time_cost=1, password_memory_kib=64)
    now = datetime.now(UTC)
    engine = create_engine(settings)
    try:
        async with engine.begin() as connection:
            rows = [
                {
                    "email": email,
                    "display_name": email.split("@")[0],
                    "password_hash": auth.hash_password(settings, "the-right-password-42"),
                    "role": "LEARNER",
                    "timezone": "UTC",
                    "xp": 0,
                    "streak_current": 0,
                    "streak_best": 0,
                    "created_at": now,
                }
                for email in ["probe@example.org", *(f"victim{i}@example.org" for i in range(0, ACCOUNTS, 2))]
            ]
            await connection.execute(insert(User), rows)
            probe = (await connection.execute(select(User).where(col(User.email) == "probe@example.org"))).one()
    finally:
        await engine.dispose()
    user = User(id=probe.id, role="LEARNER", email="", display_name="", password_hash="", created_at=now)
    return url, auth.issue_token(settings, user, now)


async def probe(server: Server, token: str, seconds: float, rate: float) -> Phase:
    """Tiny queries at `rate` per second, one at a time, for `seconds`; their latencies and the server's CPU."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(timeout=30) as client:
        await client.post(server.url + "/graphql", json={"query": TINY}, headers=headers)  # the connection, opened
        cpu, start = server.cpu_seconds(), time.monotonic()
        index = 0
        while (now := time.monotonic()) < start + seconds:
            due = start + index / rate
            if due > now:
                await asyncio.sleep(due - now)
            index += 1
            sent = time.perf_counter()
            response = await client.post(server.url + "/graphql", json={"query": TINY}, headers=headers)
            latencies.append(time.perf_counter() - sent)
            if response.status_code != 200 or "errors" in response.json():
                errors += 1
        return Phase(latencies, errors, server.cpu_seconds() - cpu, time.monotonic() - start)


def login_requests(server: Server) -> list[bytes]:
    bodies = [
        json.dumps({"query": LOGIN, "variables": {"email": f"victim{i}@example.org", "password": "wrong-password"}})
        for i in range(ACCOUNTS)
    ]
    return [rawload.post("127.0.0.1", server.port, "/graphql", body.encode()) for body in bodies]


async def loaded(
    pool: ProcessPoolExecutor, server: Server, token: str, seconds: float, rate: float, login_rate: float
) -> Phase:
    """The probe while another process sends failed logins at `login_rate` (started first, ending after);
    the server's CPU over the whole load."""
    loop = asyncio.get_running_loop()
    cpu, start = server.cpu_seconds(), time.monotonic()
    logins = loop.run_in_executor(
        pool,
        rawload.drive,
        "127.0.0.1",
        server.port,
        login_requests(server),
        login_rate,
        seconds + 1.5,
        64,
        ("LOGIN_THROTTLED", "INVALID_CREDENTIALS", "RATE_LIMITED"),
    )
    await asyncio.sleep(0.5)  # the driver's process and connections are up
    phase = await probe(server, token, seconds, rate)
    phase.logins = await logins
    phase.server_cpu, phase.seconds = server.cpu_seconds() - cpu, time.monotonic() - start  # the whole load
    return phase


async def throttle(server: Server) -> int:
    """Failed logins one at a time until the address is throttled (each checks a hash until then: slow).
    Concurrent failures would all pass the check before the first is counted, and their hashes, run on
    the event loop, would still be holding the server up when the measured rounds begin."""
    async with httpx.AsyncClient(timeout=60) as client:
        for index in range(1000):
            variables = {"email": f"victim{index % ACCOUNTS}@example.org", "password": "wrong-password"}
            response = await client.post(server.url + "/graphql", json={"query": LOGIN, "variables": variables})
            if "LOGIN_THROTTLED" in response.text:
                return index + 1
    raise RuntimeError("1,000 failed logins and still not throttled")


def ratio(top: list[float], bottom: list[float]) -> float:
    return statistics.median(a / b for a, b in zip(top, bottom, strict=True))


async def main(args: argparse.Namespace) -> None:
    secret = secrets.token_urlsafe(48)
    prefix = f"bench-logins-{uuid.uuid4().hex[:12]}:"
    print(f"preparing database {DATABASE} ...", flush=True)
    url, token = await prepare(secret)
    server = Server(
        "serve",
        "",
        {
            "LEARNQL_DATABASE_URL": url,
            "LEARNQL_REDIS_URL": REDIS_URL,
            "LEARNQL_REDIS_PREFIX": prefix,
            "LEARNQL_JWT_SECRET": secret,
            "LEARNQL_DEMO_CONTENT": "false",
            "LEARNQL_BUDGET_MAXIMUM": "1000000000",
            "LEARNQL_BUDGET_RESTORE_RATE": "1000000000",
        },
        serve=True,
    )
    quiet: list[Phase] = []
    busy: list[Phase] = []
    idle: list[float] = []  # the server's CPU per second doing nothing asked (its periodic work)
    with tempfile.TemporaryDirectory() as logs, ProcessPoolExecutor(max_workers=1) as pool:
        server.start(Path(logs))
        try:
            server.wait_ready("/health", timeout=300)
            print(f"warm-up: {await throttle(server)} failed logins until the address was throttled", flush=True)
            for index in range(args.rounds + 1):
                cpu = server.cpu_seconds()
                await asyncio.sleep(args.seconds)
                background = (server.cpu_seconds() - cpu) / args.seconds
                q = await probe(server, token, args.seconds, args.probe_rate)
                b = await loaded(pool, server, token, args.seconds, args.probe_rate, args.rate)
                if index:
                    idle.append(background)
                    quiet.append(q)
                    busy.append(b)
                assert b.logins is not None
                print(
                    f"  round {index}{' (warm-up, dropped)' if not index else ''}: probe p50 {q.percentile(0.5) * 1e3:.1f}"
                    f" -> {b.percentile(0.5) * 1e3:.1f} ms, logins {b.logins['rate']:.0f}/s"
                    f" ({b.logins['markers'].get('LOGIN_THROTTLED', 0)} throttled of {b.logins['answered']})",
                    flush=True,
                )
        finally:
            server.stop()
            await drop_keys(REDIS_URL, prefix)
    report(idle, quiet, busy, args)


def report(idle: list[float], quiet: list[Phase], busy: list[Phase], args: argparse.Namespace) -> None:
    logins = [b.logins or {} for b in busy]
    achieved = statistics.median(login["rate"] for login in logins)
    throttled = sum(login["markers"].get("LOGIN_THROTTLED", 0) for login in logins)
    answered = sum(login["answered"] for login in logins)
    other = {k: v for login in logins for k, v in login["statuses"].items() if k != 200}
    # Per round: a phase's CPU less the periodic work's (the idle phase), then less the probe's share.
    per_query = [(q.server_cpu - rest * q.seconds) / len(q.latencies) for rest, q in zip(idle, quiet, strict=True)]
    per_login = [
        (b.server_cpu - rest * b.seconds - query * len(b.latencies)) / max(1, (b.logins or {})["answered"])
        for rest, query, b in zip(idle, per_query, busy, strict=True)
    ]
    cpu_query, cpu_login = statistics.median(per_query), statistics.median(per_login)
    rows = [
        ("login rate offered", args.rate, "/s"),
        ("login rate achieved (answered, median of rounds)", achieved, "/s"),
        ("logins answered LOGIN_THROTTLED", 100 * throttled / max(1, answered), "%"),
        ("tiny query p50, quiet", statistics.median(q.percentile(0.5) for q in quiet) * 1e3, "ms"),
        ("tiny query p50, under logins", statistics.median(b.percentile(0.5) for b in busy) * 1e3, "ms"),
        (
            "tiny query p50 ratio loaded/quiet",
            ratio([b.percentile(0.5) for b in busy], [q.percentile(0.5) for q in quiet]),
            "x",
        ),
        (
            "tiny query p90 ratio loaded/quiet",
            ratio([b.percentile(0.9) for b in busy], [q.percentile(0.9) for q in quiet]),
            "x",
        ),
        ("server CPU per tiny query (quiet)", cpu_query * 1e3, "ms"),
        ("server CPU per throttled login", cpu_login * 1e3, "ms"),
        ("server CPU used under logins", statistics.median(b.server_cpu / b.seconds for b in busy), "cores"),
        ("server CPU when idle (periodic work)", statistics.median(idle), "cores"),
        ("server CPU 1,000 throttled logins/s would take", cpu_login * 1000, "cores"),
        ("probe errors (quiet / loaded)", float(sum(q.errors for q in quiet)), f" / {sum(b.errors for b in busy)}"),
    ]
    print(f"\n{'figure':52} {'value':>10}")
    for name, value, unit in rows:
        print(f"{name:52} {value:10.3f} {unit}")
    if other:
        print(f"login responses other than HTTP 200: {other}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.logins", description=__doc__)
    parser.add_argument("--rate", type=float, default=1000.0, help="failed logins offered per second")
    parser.add_argument("--rounds", type=int, default=5, help="quiet/loaded pairs after a warm-up pair")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each phase")
    parser.add_argument("--probe-rate", type=float, default=40.0, help="tiny queries per second (one at a time)")
    asyncio.run(main(parser.parse_args()))
