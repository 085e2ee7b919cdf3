"""Benchmark: 1,000 WebSocket subscribers to one leaderboard while XP is awarded at 200 per second.

    uv run python -m bench.subscriptions [--subscribers 1000] [--rate 200] [--seconds 30]

One `learnql serve` process runs on the production backends (a scratch PostgreSQL database, Redis
under a prefix of its own). This process holds every subscriber (asyncio WebSocket clients speaking
graphql-transport-ws, each authenticated as its own learner; bench/wsclient.py keeps their CPU
cost below the server's). A second process drives the awards: it commits XP the way a worker or
another API process does (a transaction, then `Realtime.dispatch`) on a fixed schedule. Ten learners earn XP, so the board's top 10 holds all of them and every update shows each
earner's total: an award (user, new total) is delivered to a subscriber by the first update showing
that user at or above the total. Latency runs from the award's commit to that update's receipt.

Reported: delivery latency p50/p90/p99/max over every (award, subscriber) pair, updates per
subscriber, server memory per connection (VmRSS delta over the connections, from /proc), server CPU,
errors (failed connections, protocol errors, awards never delivered). A table is printed and the
figures are written to a JSON file. It is not a pytest test (not collected).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

from bench import wsclient
from bench.services import POSTGRES_URL, REDIS_URL, drop_keys
from domain.accounts import auth
from domain.backends import open_realtime
from domain.infra.database import create_engine, session_factory
from domain.infra.migrations import upgrade
from domain.models import User
from domain.realtime import events
from domain.settings import Settings

TICKS = os.sysconf("SC_CLK_TCK")
SECRET = "bench-secret-0123456789abcdef0123456789"
QUERY = "subscription { leaderboardUpdated(scope: {kind: ALL_TIME}, first: 10) { entries { rank xp user { id } } } }"
EARNERS = 10
PROTOCOL = "graphql-transport-ws"


@dataclass
class Award:
    earner: int  # index into the earners
    total: int  # the earner's XP once this award committed
    committed: float
    dispatched: float = 0.0  # when the store update and the announcement were done


class Subscriber:
    """One subscriber: acknowledges, subscribes, then records (receipt time, state) per update."""

    def __init__(self, token: str, states: States) -> None:
        self.token = token
        self.states = states
        self.connection: wsclient.Subscriber | None = None
        self.received: list[tuple[float, int]] = []
        self.errors: list[str] = []
        self.subscribed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._acknowledged = False

    async def open(self, host: str, port: int) -> None:
        try:
            self.connection = await wsclient.open_subscriber(host, port, "/graphql", PROTOCOL, self.on_text)
            init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {self.token}"}}
            self.connection.send_text(json.dumps(init))
            await asyncio.wait_for(self.subscribed, 60)
        except Exception as error:
            self.errors.append(f"connect: {error!r}")
            self.connection = None

    def on_text(self, received: float, payload: bytes) -> None:
        if not self._acknowledged:
            message = json.loads(payload)
            if message.get("type") != "connection_ack":
                self.errors.append(f"no ack: {payload[:200]!r}")
                return
            self._acknowledged = True
            assert self.connection is not None
            self.connection.send_text(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": QUERY}}))
            return
        try:
            self.received.append((received, self.states.number(payload)))
        except (ValueError, KeyError) as error:
            self.errors.append(f"receive: {error!r}")
            return
        if not self.subscribed.done():
            self.subscribed.set_result(None)


@dataclass
class Results:
    subscribers: int
    connected: int
    awards_per_second: int
    seconds: int
    awards: int
    award_rate_achieved: float
    latency_ms: dict[str, float]
    updates_per_subscriber: dict[str, float]
    distinct_states: int
    server_rss_mb: dict[str, float]
    memory_per_connection_kb: float
    server_cpu_share: float
    clients_cpu_share: float
    driver_cpu_share: float
    dispatch_ms: dict[str, float]
    fanout_ms: dict[str, float]
    errors: int
    error_samples: list[str]
    settings: dict[str, Any]


class States:
    """Distinct update payloads, parsed once: every subscriber receives the same texts."""

    def __init__(self, earner_ids: list[str]) -> None:
        self.numbers: dict[bytes, int] = {}
        self.totals: list[list[int]] = []  # per state: each earner's XP
        self._index = {global_id: index for index, global_id in enumerate(earner_ids)}

    def number(self, text: bytes) -> int:
        found = self.numbers.get(text)
        if found is None:
            message = json.loads(text)
            if message.get("type") != "next" or "errors" in message["payload"]:
                raise ValueError(f"unexpected message {text[:200]!r}")
            totals = [0] * EARNERS
            for entry in message["payload"]["data"]["leaderboardUpdated"]["entries"]:
                totals[self._index[entry["user"]["id"]]] = entry["xp"]
            found = self.numbers[text] = len(self.totals)
            self.totals.append(totals)
        return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def admin(statement: str) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def seed(settings: Settings, subscribers: int) -> tuple[list[int], list[str], list[str]]:
    """Earners and subscriber accounts, inserted in bulk; returns earner ids, their global IDs, tokens."""
    engine = create_engine(settings)
    now = datetime.now(UTC)
    password = auth.hash_password(settings, "bench-password")
    rows = [
        {"email": f"{kind}{n}@bench.learnql.dev", "display_name": f"{kind} {n}", "password_hash": password}
        | {"role": "LEARNER", "timezone": "UTC", "xp": 0, "streak_current": 0, "streak_best": 0, "created_at": now}
        for kind, count in (("earner", EARNERS), ("subscriber", subscribers))
        for n in range(count)
    ]
    try:
        async with engine.begin() as connection:
            await connection.execute(insert(User), rows)
            ids = [row[0] for row in await connection.execute(text("SELECT id FROM users ORDER BY id"))]
    finally:
        await engine.dispose()
    earners, listeners = ids[:EARNERS], ids[EARNERS:]
    tokens = [auth.issue_token(settings, User(id=key, role="LEARNER"), now) for key in listeners]  # type: ignore[call-arg]
    from graph.ids import encode

    return earners, [str(encode("User", key)) for key in earners], tokens


def start_server(settings: Settings, port: int, log: Path, profile: str | None) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNQL_")}
    env |= {
        "LEARNQL_DATABASE_URL": settings.database_url,
        "LEARNQL_REDIS_URL": settings.redis_url or "",
        "LEARNQL_REDIS_PREFIX": settings.redis_prefix,
        "LEARNQL_JWT_SECRET": SECRET,
        "LEARNQL_DEMO_CONTENT": "false",
        "LEARNQL_LEADERBOARD_UPDATE_INTERVAL_MS": str(settings.leaderboard_update_interval_ms),
    }
    command = [sys.executable, "-m", "learnql.cli", "serve", "--port", str(port)]
    if profile:
        command[1:1] = ["-m", "cProfile", "-o", profile]
    with log.open("w") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603


async def wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("the server exited")
            try:
                if (await http.get(f"{base}/ready", timeout=1)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not start")


async def start_driver(settings: Settings, earner_ids: list[int], args: argparse.Namespace) -> Any:
    """The award driver in a process of its own, as awards come from other API processes and workers."""
    job = {
        "database_url": settings.database_url,
        "redis_prefix": settings.redis_prefix,
        "earners": earner_ids,
        "rate": args.rate,
        "seconds": args.seconds,
    }
    command = [sys.executable, "-m", "bench.subscriptions", "--drive", json.dumps(job)]
    return await asyncio.create_subprocess_exec(*command, stdout=subprocess.PIPE)


async def drive_job(job: dict[str, Any]) -> None:
    settings = Settings(database_url=job["database_url"], redis_url=REDIS_URL, redis_prefix=job["redis_prefix"])
    awards: list[Award] = []
    achieved, failures = await drive(settings, job["earners"], job["rate"], job["seconds"], awards)
    rows = [[a.earner, a.total, a.committed, a.dispatched] for a in awards]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    sys.stdout.write(json.dumps({"achieved": achieved, "failures": failures, "awards": rows, "cpu": cpu}))


AWARD = """
WITH awarded AS (
    INSERT INTO xp_events (user_id, reason, ref, amount, created_at) VALUES ($1, 'bench', $2, $3, $4)
    ON CONFLICT (user_id, reason, ref) DO NOTHING RETURNING amount
)
UPDATE users SET xp = xp + COALESCE((SELECT sum(amount) FROM awarded), 0) WHERE id = $1 RETURNING xp
"""


async def drive(
    settings: Settings, earner_ids: list[int], rate: int, seconds: int, awards: list[Award]
) -> tuple[float, list[str]]:
    """Commit awards on schedule, each its own transaction, dispatched after commit.

    An award is the one statement above (what `award_xp` writes: the XP event and the user's total,
    committed together) instead of the ORM path: a load generator must cost less CPU than the server
    it loads, and on two cores the ORM's ~4 ms per award would not leave the server its core. What
    follows the commit is the production path: `Realtime.dispatch` with the committed `XpAwarded`."""
    engine = create_engine(settings, pool_size=1, max_overflow=0)
    realtime = open_realtime(settings, session_factory(engine), lambda: datetime.now(UTC))
    pool = await asyncpg.create_pool(settings.database_url.replace("+asyncpg", ""), min_size=8, max_size=8)
    rng = random.Random(42)
    limit = asyncio.Semaphore(8)
    failures: list[str] = []
    await realtime.start()
    print("started", flush=True)

    async def one(number: int, earner: int, amount: int) -> None:
        async with limit:
            try:
                at = datetime.now(UTC)
                total = await pool.fetchval(AWARD, earner_ids[earner], f"bench:{number}", amount, at)
                award = Award(earner, total, time.monotonic())
                awards.append(award)
                await realtime.dispatch([events.XpAwarded(earner_ids[earner], amount, at)])
                award.dispatched = time.monotonic()
            except Exception as error:
                failures.append(f"award: {error!r}")

    tasks = []
    loop = asyncio.get_running_loop()
    start = loop.time()
    for number in range(rate * seconds):
        delay = start + number / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(number, rng.randrange(EARNERS), rng.choice([10, 20, 30, 40, 50]))))
    await asyncio.gather(*tasks)
    achieved = len(tasks) / (loop.time() - start)
    await realtime.close()
    await pool.close()
    await engine.dispose()
    return achieved, failures


def fanout_spread(subscribers: list[Subscriber]) -> list[float]:
    """Per update: from its first receipt by any subscriber to its last (the server's fan-out time)."""
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    for subscriber in subscribers:
        for received, state in subscriber.received[1:]:
            first[state] = min(first.get(state, received), received)
            last[state] = max(last.get(state, received), received)
    return sorted(last[state] - first[state] for state in first) or [float("nan")]


def latencies(subscribers: list[Subscriber], states: States, awards: list[Award]) -> tuple[list[float], int]:
    """Per (award, subscriber): receipt of the first update showing the award minus its commit."""
    by_earner: list[list[Award]] = [[] for _ in range(EARNERS)]
    for award in sorted(awards, key=lambda a: a.total):
        by_earner[award.earner].append(award)
    found: list[float] = []
    missed = 0
    for subscriber in subscribers:
        if subscriber.connection is None:
            continue
        position = [0] * EARNERS
        for received, state in subscriber.received:
            totals = states.totals[state]
            for earner in range(EARNERS):
                pending, index = by_earner[earner], position[earner]
                while index < len(pending) and pending[index].total <= totals[earner]:
                    found.append(max(0.0, received - pending[index].committed))
                    index += 1
                position[earner] = index
        missed += sum(len(by_earner[e]) - position[e] for e in range(EARNERS))
    return found, missed


async def run(args: argparse.Namespace) -> Results:
    name = f"learnql_bench_rt_{os.getpid()}"
    prefix = f"learnql-bench-{uuid.uuid4().hex[:10]}:"
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    settings = Settings(
        database_url=url,
        redis_url=REDIS_URL,
        redis_prefix=prefix,
        jwt_secret=SECRET,
        password_time_cost=1,
        password_memory_kib=64,
        leaderboard_update_interval_ms=args.interval_ms,
    )
    await admin(f'DROP DATABASE IF EXISTS "{name}"')
    await admin(f'CREATE DATABASE "{name}"')
    process: subprocess.Popen[bytes] | None = None
    subscribers: list[Subscriber] = []
    try:
        await asyncio.to_thread(upgrade, url)
        earner_ids, earner_global_ids, tokens = await seed(settings, args.subscribers)
        states = States(earner_global_ids)
        port = free_port()
        process = start_server(settings, port, Path(args.log), args.profile)
        await wait_ready(f"http://127.0.0.1:{port}", process)
        warm = Subscriber(tokens[0], states)  # warm the server's code paths before the memory baseline
        await warm.open("127.0.0.1", port)
        if warm.connection is not None:
            warm.connection.close()
        await asyncio.sleep(1.0)
        rss_before = rss_mb(process.pid)

        subscribers = [Subscriber(token, states) for token in tokens]
        limit = asyncio.Semaphore(50)

        async def connect_one(subscriber: Subscriber) -> None:
            async with limit:
                await subscriber.open("127.0.0.1", port)

        started = time.monotonic()
        await asyncio.gather(*(connect_one(s) for s in subscribers))
        connect_seconds = time.monotonic() - started
        connected = [s for s in subscribers if s.connection is not None]
        await asyncio.sleep(1.0)
        rss_connected = rss_mb(process.pid)
        print(f"{len(connected)} subscribers connected in {connect_seconds:.1f} s", flush=True)
        for failed in [s for s in subscribers if s.errors][:3]:
            print("  failed:", failed.errors[0], flush=True)

        peak = rss_connected
        driver = await start_driver(settings, earner_ids, args)
        assert driver.stdout is not None
        await driver.stdout.readline()  # "started": its imports and connections are done
        cpu_start, wall_start = cpu_seconds(process.pid), time.monotonic()
        own_start = cpu_seconds(os.getpid())
        output = asyncio.create_task(driver.stdout.read())
        while not output.done():
            await asyncio.sleep(0.5)
            peak = max(peak, rss_mb(process.pid))
        wall = time.monotonic() - wall_start
        cpu_share = (cpu_seconds(process.pid) - cpu_start) / wall
        client_share = (cpu_seconds(os.getpid()) - own_start) / wall
        await driver.wait()
        report_ = json.loads(output.result())
        achieved, failures = report_["achieved"], report_["failures"]
        driver_share = report_["cpu"] / wall
        awards = [Award(*row) for row in report_["awards"]]
        await asyncio.sleep(max(1.0, 5 * args.interval_ms / 1000))  # the last coalesced update
        for subscriber in connected:
            assert subscriber.connection is not None
            if subscriber.connection.closed.done():
                subscriber.errors.append(f"closed by the server: {subscriber.connection.closed.result()}")
            subscriber.connection.close()

        dispatch = sorted(a.dispatched - a.committed for a in awards) or [float("nan")]
        found, missed = latencies(connected, states, awards)
        found.sort()
        if not found:
            found = [float("nan")]
        updates = [len(s.received) - 1 for s in connected]  # minus the initial state
        spread = fanout_spread(connected)
        errors = [e for s in subscribers for e in s.errors] + failures
        errors += [f"{missed} (award, subscriber) deliveries missing at the end"] if missed else []
        return Results(
            subscribers=args.subscribers,
            connected=len(connected),
            awards_per_second=args.rate,
            seconds=args.seconds,
            awards=len(awards),
            award_rate_achieved=round(achieved, 1),
            latency_ms={
                "p50": round(percentile(found, 0.50) * 1000, 1),
                "p90": round(percentile(found, 0.90) * 1000, 1),
                "p99": round(percentile(found, 0.99) * 1000, 1),
                "max": round(found[-1] * 1000, 1),
                "mean": round(statistics.fmean(found) * 1000, 1),
                "samples": len(found),
            },
            updates_per_subscriber={
                "mean": round(statistics.fmean(updates), 1),
                "min": min(updates),
                "max": max(updates),
                "per_second": round(statistics.fmean(updates) / (args.rate * args.seconds / achieved), 1),
            },
            distinct_states=len(states.totals),
            server_rss_mb={
                "before": round(rss_before, 1),
                "connected": round(rss_connected, 1),
                "peak": round(peak, 1),
            },
            memory_per_connection_kb=round((rss_connected - rss_before) * 1024 / max(1, len(connected)), 1),
            server_cpu_share=round(cpu_share, 2),
            clients_cpu_share=round(client_share, 2),
            driver_cpu_share=round(driver_share, 2),
            errors=len(errors),
            error_samples=errors[:10],
            dispatch_ms={
                "p50": round(percentile(dispatch, 0.5) * 1000, 1),
                "p99": round(percentile(dispatch, 0.99) * 1000, 1),
            },
            fanout_ms={
                "p50": round(percentile(spread, 0.5) * 1000, 1),
                "p99": round(percentile(spread, 0.99) * 1000, 1),
            },
            settings={"leaderboard_update_interval_ms": args.interval_ms, "first": 10, "earners": EARNERS},
        )
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT if args.profile else signal.SIGTERM)
            process.wait(timeout=30)
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await drop_keys(REDIS_URL, prefix)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def report(results: Results) -> None:
    rows = [
        ("subscribers connected", f"{results.connected} / {results.subscribers}", ""),
        ("awards", f"{results.awards} at {results.award_rate_achieved}/s for {results.seconds} s", ""),
        ("latency p50 (commit -> receipt)", f"{results.latency_ms['p50']} ms", ""),
        ("latency p90", f"{results.latency_ms['p90']} ms", ""),
        ("latency p99", f"{results.latency_ms['p99']} ms", "< 250 ms"),
        ("latency max", f"{results.latency_ms['max']} ms", ""),
        (
            "  of which commit -> published p50/p99",
            f"{results.dispatch_ms['p50']} / {results.dispatch_ms['p99']} ms",
            "",
        ),
        (
            "  fan-out, first to last subscriber p50/p99",
            f"{results.fanout_ms['p50']} / {results.fanout_ms['p99']} ms",
            "",
        ),
        (
            "updates per subscriber",
            f"{results.updates_per_subscriber['mean']} "
            f"({results.updates_per_subscriber['per_second']}/s, min {results.updates_per_subscriber['min']}, "
            f"max {results.updates_per_subscriber['max']})",
            "",
        ),
        (
            "server RSS before / connected / peak",
            f"{results.server_rss_mb['before']} / "
            f"{results.server_rss_mb['connected']} / {results.server_rss_mb['peak']} MB",
            "",
        ),
        ("memory per connection", f"{results.memory_per_connection_kb} KB", "< 50 KB"),
        (
            "CPU, share of one core: server / clients / driver",
            f"{results.server_cpu_share} / {results.clients_cpu_share} / {results.driver_cpu_share}",
            "2 cores",
        ),
        ("errors", f"{results.errors}", "0"),
    ]
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print(f"\n{'figure':<{width}}  {'measured':<{value_width}}  target")
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:<{value_width}}  {target}")
    for sample in results.error_samples:
        print("  error:", sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=200, help="XP awards per second")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--interval-ms", type=int, default=100, help="LEARNQL_LEADERBOARD_UPDATE_INTERVAL_MS")
    parser.add_argument("--output", default="bench-subscriptions.json")
    parser.add_argument("--log", default="bench-subscriptions-server.log")
    parser.add_argument("--profile", help="write a cProfile of the server to this file")
    parser.add_argument("--drive", help=argparse.SUPPRESS)  # internal: run as the award driver
    args = parser.parse_args()
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:  # pragma: no cover
        runner = asyncio.run
    if args.drive:
        runner(drive_job(json.loads(args.drive)))
        return
    results = runner(run(args))
    report(results)
    Path(args.output).write_text(json.dumps(asdict(results), indent=2) + "\n")
    print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()
