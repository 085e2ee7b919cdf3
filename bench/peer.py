"""Our read path against PostGraphile v4: `uv run python -m bench.peer` (needs PostgreSQL, Node and npm).

PostGraphile compiles each GraphQL request to one SQL statement; it serves the same seeded data (the
lesson page course: 50 lessons x 20 problems x 4 options) through a schema of views (`peer`), which show
what an anonymous learner may see: published lessons and problems, options without `correct`. The
three logical queries (W1 one course's id and title, W3 one lesson's 20 problems x 4 options, W2 the
course's 50 lessons with their problems and options) run anonymously on both; the answers must be
identical once field names are mapped (our global ids decoded, `problemsByLessonIdList` read as
`problems`, connections unwrapped), else the run stops.

One process each, loaded in interleaved rounds (first dropped, medians of the rest): server CPU per
request from /proc at concurrency 4, throughput at concurrency 16. Statements per request are counted on
separate instances behind a counting proxy (bench/pgwire.py), so the timed runs talk to PostgreSQL
directly. `--baseline CHECKOUT` adds our server run from another checkout (an A/B of two versions in
the same run). Without Node, npm or PostGraphile the peer is skipped with the reason printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import tempfile
from base64 import b64decode
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench import load
from bench.pgwire import CountingProxy
from bench.seed import BENCH_DATABASE, BENCH_DSN, BENCH_URL, seed
from bench.servers import Server, free_port
from graph.ids import encode

SECRET = "bench-secret-0123456789abcdef0123456789"
PEER_DIR = Path(__file__).parent / "peer"
POOL = 8  # database connections per server
PEER_CLI = PEER_DIR / "node_modules" / "postgraphile" / "cli.js"

# What an anonymous learner may read, as PostGraphile's schema: its smart comments declare the keys.
PEER_SCHEMA = """
DROP SCHEMA IF EXISTS peer CASCADE;
CREATE SCHEMA peer;
CREATE VIEW peer.course AS SELECT id, slug, title, description FROM public.courses;
CREATE VIEW peer.lesson AS SELECT id, course_id, title, body, position FROM public.lessons WHERE published;
CREATE VIEW peer.problem AS
    SELECT id, lesson_id, kind, prompt, difficulty, position FROM public.problems WHERE status = 'PUBLISHED';
CREATE VIEW peer.option AS SELECT id, problem_id, text, position FROM public.options;
COMMENT ON VIEW peer.course IS E'@primaryKey id';
COMMENT ON VIEW peer.lesson IS E'@primaryKey id\\n@foreignKey (course_id) references peer.course (id)';
COMMENT ON VIEW peer.problem IS E'@primaryKey id\\n@foreignKey (lesson_id) references peer.lesson (id)';
COMMENT ON VIEW peer.option IS E'@primaryKey id\\n@foreignKey (problem_id) references peer.problem (id)';
"""

_ORDER = "orderBy: [POSITION_ASC, ID_ASC]"
_PROBLEMS = "{ id kind prompt difficulty options { id text } }"
_PEER_PROBLEMS = f"{{ id kind prompt difficulty optionsByProblemIdList({_ORDER}) {{ id text }} }}"


@dataclass(frozen=True)
class Workload:
    name: str
    ours: str
    peer: str
    key: Callable[[Page], tuple[str, int]]  # (our node type, database key)
    cpu_requests: int  # per round, at concurrency 4


WORKLOADS = [
    Workload(
        "W1 course(id){id title}",
        "query W1($id: ID!) { course(id: $id) { id title } }",
        "query W1($id: Int!) { course: courseById(id: $id) { id title } }",
        lambda page: ("Course", page.course_id),
        400,
    ),
    Workload(
        "W3 one lesson, 20 problems x 4 options",
        f"query W3($id: ID!) {{ lesson(id: $id) {{ id title problems {_PROBLEMS} }} }}",
        f"query W3($id: Int!) {{ lesson: lessonById(id: $id) {{ id title problemsByLessonIdList({_ORDER}) "
        f"{_PEER_PROBLEMS} }} }}",
        lambda page: ("Lesson", page.lesson_ids[0]),
        200,
    ),
    Workload(
        "W2 50 lessons",
        "query W2($id: ID!) { course(id: $id) { title lessons(first: 100) { edges { node { "
        f"id title position problems {_PROBLEMS} }} }} }} }} }}",
        "query W2($id: Int!) { course: courseById(id: $id) { title "
        f"lessonsByCourseIdList(first: 100, {_ORDER}) {{ id title position problemsByLessonIdList({_ORDER}) "
        f"{_PEER_PROBLEMS} }} }} }}",
        lambda page: ("Course", page.course_id),
        16,
    ),
]


@dataclass(frozen=True)
class Page:
    """The seeded lesson page course: 50 lessons x 20 problems x 4 options."""

    course_id: int
    lesson_ids: list[int]


async def seeded_page(reuse: bool) -> Page:
    """Seed the bench database, or with `reuse` read back the page course of an earlier seed."""
    if not reuse:
        page = (await seed(SECRET)).page
        return Page(page.course_id, page.lesson_ids)
    engine = create_async_engine(BENCH_URL)
    try:
        async with engine.connect() as connection:
            course_id = (await connection.execute(text("SELECT id FROM courses WHERE slug = 'page'"))).scalar_one()
            lessons = await connection.execute(
                text("SELECT id FROM lessons WHERE course_id = :id ORDER BY position, id"), {"id": course_id}
            )
            return Page(course_id, list(lessons.scalars()))
    finally:
        await engine.dispose()


_RENAMED = {
    "problemsByLessonIdList": "problems",
    "optionsByProblemIdList": "options",
    "lessonsByCourseIdList": "lessons",
}


def canonical(value: Any) -> Any:
    """An answer with the servers' naming differences taken out: ids as database keys, lists as lists."""
    if isinstance(value, list):
        return [canonical(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"edges"}:
        return [canonical(edge["node"]) for edge in value["edges"]]
    result = {}
    for name, item in value.items():
        if name == "id" and isinstance(item, str):
            item = int(b64decode(item).decode().rsplit(":", 1)[1])
        result[_RENAMED.get(name, name)] = canonical(item)
    return result


def peer_missing() -> str | None:
    """Why the peer cannot run here, or None; installs bench/peer's locked packages when npm is there."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not PEER_CLI.exists():
        if shutil.which("npm") is None:
            return "npm is not installed (needed once: npm ci --prefix bench/peer)"
        done = subprocess.run(  # noqa: S603
            ["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(PEER_DIR)],  # noqa: S607
            capture_output=True,
            check=False,
        )
        if done.returncode != 0 or not PEER_CLI.exists():
            return "npm ci --prefix bench/peer failed: " + done.stderr.decode(errors="replace")[-300:]
    return None


def server_set(database_url: str, baseline: Path | None, peer: bool) -> dict[str, Server]:
    env = {
        "LEARNQL_DATABASE_URL": database_url,
        "LEARNQL_JWT_SECRET": SECRET,
        "LEARNQL_DEMO_CONTENT": "false",
        # The same pool for both servers, small: several benchmarks may share one PostgreSQL's connections.
        "LEARNQL_DB_POOL_SIZE": str(POOL),
        "LEARNQL_DB_MAX_OVERFLOW": "0",
        "LEARNQL_BUDGET_MAXIMUM": "1000000000",
        "LEARNQL_BUDGET_RESTORE_RATE": "1000000000",
    }
    ours = Server("ours", "learnql.composition:create_app", env, factory=True)
    found = {"ours": ours}
    if baseline is not None:
        found["baseline"] = replace(ours, name="baseline", cwd=baseline)
    if peer:
        dsn = database_url.replace("+asyncpg", "")
        command = ["node", str(PEER_CLI), "-c", dsn, "--schema", "peer", "--host", "127.0.0.1", "--port", "{port}"]
        command += ["--simple-collections", "only", "--disable-default-mutations", "--disable-query-log"]
        command += ["--disable-graphiql", "--max-pool-size", str(POOL)]
        found["peer"] = Server("peer", "", {"NODE_ENV": "production"}, command=command)
    return found


def body(server: str, workload: Workload, seeded: Page) -> dict[str, Any]:
    node_type, key = workload.key(seeded)
    if server == "peer":
        return {"query": workload.peer, "variables": {"id": key}}
    return {"query": workload.ours, "variables": {"id": encode(node_type, key)}}


def start(servers: dict[str, Server], log_dir: Path) -> None:
    for server in servers.values():  # one after the other: the next free port is picked once this one is bound
        server.start(log_dir)
        server.wait_ready("/graphql", timeout=300)  # a loaded machine starts slowly


async def statements_and_answers(
    seeded: Page, baseline: Path | None, peer: bool, log_dir: Path
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, Any]], dict[str, dict[str, list[str]]]]:
    """Statements per request (data statements; transaction control apart) and each server's answers,
    from instances that reach PostgreSQL through their own counting proxy."""
    names = ["ours"] + (["baseline"] if baseline is not None else []) + (["peer"] if peer else [])
    proxies: dict[str, CountingProxy] = {}
    for name in names:  # each bound before the next free port is picked
        proxies[name] = CountingProxy(free_port(), ("127.0.0.1", 5432))
        await proxies[name].start()
    servers = {
        name: server_set(BENCH_URL.replace(":5432/", f":{proxies[name].port}/"), baseline, peer)[name] for name in names
    }
    statements: dict[str, dict[str, float]] = defaultdict(dict)
    texts: dict[str, dict[str, list[str]]] = defaultdict(dict)
    answers: dict[str, dict[str, Any]] = defaultdict(dict)
    try:
        await asyncio.to_thread(start, servers, log_dir)
        async with httpx.AsyncClient(timeout=120) as client:
            for workload in WORKLOADS:
                for name, server in servers.items():
                    payload = body(name, workload, seeded)
                    for _ in range(3):  # connections opened, statements prepared, caches filled
                        await client.post(server.url + "/graphql", json=payload)
                    proxies[name].reset()
                    repeats = 5
                    for _ in range(repeats):
                        response = await client.post(server.url + "/graphql", json=payload)
                    counts = proxies[name].reset()
                    # What the server runs on its own meanwhile (our periodic game sweep) lands in the count
                    # too: 1.2 is one such statement during the 5 requests; the output's `texts` list them.
                    statements[name][workload.name] = counts.data / repeats
                    statements[name][workload.name + " (control)"] = counts.control / repeats
                    texts[name][workload.name] = [statement[:160] for statement in counts.texts]
                    answers[name][workload.name] = response.json()
    finally:
        for server in servers.values():
            server.stop()
        for proxy in proxies.values():
            await proxy.stop()
    return statements, answers, texts


def check_answers(answers: dict[str, dict[str, Any]]) -> None:
    """Every server's data equal to ours once names are mapped (extensions such as our cost report aside)."""
    for workload in WORKLOADS:
        for name, by_workload in answers.items():
            answer = by_workload[workload.name]
            if "errors" in answer or not answer.get("data"):
                raise SystemExit(f"{workload.name}: {name} answered no data: {json.dumps(answer)[:500]}")
        expected = canonical(answers["ours"][workload.name]["data"])
        for name, by_workload in answers.items():
            got = canonical(by_workload[workload.name]["data"])
            if got != expected:
                shown = json.dumps(got)[:300], json.dumps(expected)[:300]
                raise SystemExit(
                    f"{workload.name}: {name} answers differently from ours: {shown[0]} against {shown[1]}"
                )


async def measure(
    server: Server, client: httpx.AsyncClient, payload: dict[str, Any], failures: list[Any], **options: Any
) -> load.Sample:
    def check(answer: dict[str, Any]) -> bool:
        if "errors" in answer:
            failures.append(answer["errors"])
        return "errors" not in answer

    before = server.cpu_seconds()
    sample = await load.run(client, server.url + "/graphql", lambda _: payload, check=check, **options)
    sample.cpu = server.cpu_seconds() - before
    return sample


async def rounds(
    servers: dict[str, Server], seeded: Page, count: int, quick: bool, seconds: float
) -> dict[str, dict[str, list[float]]]:
    """Per workload and server: CPU per request and throughput of each round (the first dropped)."""
    figures: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        for index in range(count + 1):
            for workload in WORKLOADS:
                requests = max(4, workload.cpu_requests // (4 if quick else 1))
                for name, server in servers.items():
                    payload = body(name, workload, seeded)
                    failures: list[Any] = []
                    cpu = await measure(server, client, payload, failures, concurrency=4, requests=requests)
                    rate = await measure(server, client, payload, failures, concurrency=16, seconds=seconds)
                    if cpu.errors or rate.errors:  # counted; the run goes on
                        first = json.dumps(failures[0])[:300] if failures else "(HTTP or connection failure)"
                        print(f"{workload.name}: {name} answered {cpu.errors + rate.errors} errors, e.g. {first}")
                        figures[workload.name][f"errors_{name}"].append(cpu.errors + rate.errors)
                    if index:
                        figures[workload.name][f"cpu_{name}"].append(cpu.cpu_per_request)
                        figures[workload.name][f"rate_{name}"].append(rate.throughput)
            print(f"round {index}{' (warm-up, dropped)' if not index else ''} done", flush=True)
    return figures


def table(
    figures: dict[str, dict[str, list[float]]], statements: dict[str, dict[str, float]], names: list[str]
) -> list[str]:
    median = {w: {k: statistics.median(v) for k, v in f.items()} for w, f in figures.items()}
    header = "| workload | ours CPU/req |"
    rule = "|---|---|"
    if "baseline" in names:
        header += " baseline CPU/req | ours/baseline CPU | ours/baseline throughput |"
        rule += "---|---|---|"
    if "peer" in names:
        header += " PostGraphile CPU/req | ratio | throughput ratio c=16 |"
        rule += "---|---|---|"
    header += " statements/request " + " / ".join(names) + " |"
    rule += "---|"
    lines = [header, rule]
    for workload in WORKLOADS:
        m = median[workload.name]
        line = f"| {workload.name} | {m['cpu_ours'] * 1000:.2f} ms |"
        if "baseline" in names:
            line += f" {m['cpu_baseline'] * 1000:.2f} ms | {m['cpu_ours'] / m['cpu_baseline']:.2f}x |"
            line += f" {m['rate_ours'] / m['rate_baseline']:.2f}x |"
        if "peer" in names:
            line += f" {m['cpu_peer'] * 1000:.2f} ms | {m['cpu_ours'] / m['cpu_peer']:.1f}x |"
            line += f" {m['rate_ours'] / m['rate_peer']:.2f}x |"
        line += " " + " / ".join(f"{statements[name][workload.name]:g}" for name in names) + " |"
        lines.append(line)
    return lines


async def main(args: argparse.Namespace, baseline: Path | None) -> dict[str, Any] | None:
    reason = peer_missing()
    if reason is not None:
        print(f"PostGraphile peer skipped: {reason}")
        if baseline is None:
            return None
    peer = reason is None
    print(f"{'reusing' if args.reuse else 'seeding'} {BENCH_DATABASE} ...", flush=True)
    seeded = await seeded_page(args.reuse)
    engine = create_async_engine(BENCH_URL)
    try:
        async with engine.begin() as connection:
            for statement in filter(str.strip, PEER_SCHEMA.split(";")):
                await connection.execute(text(statement))
    finally:
        await engine.dispose()
    names = ["ours"] + (["baseline"] if baseline else []) + (["peer"] if peer else [])
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as logs:
        log_dir = Path(logs)
        statements, answers, texts = await statements_and_answers(seeded, baseline, peer, log_dir)
        check_answers(answers)
        print("answers identical after mapping names: " + ", ".join(names), flush=True)
        servers = server_set(BENCH_URL, baseline, peer)
        try:
            await asyncio.to_thread(start, servers, log_dir)
            figures = await rounds(servers, seeded, args.rounds, args.quick, 0.5 if args.quick else args.seconds)
        finally:
            for server in servers.values():
                server.stop()
    lines = table(figures, statements, names)
    print("\n".join(lines))
    controls = {n: [statements[n][w.name + " (control)"] for w in WORKLOADS] for n in names}
    for workload in WORKLOADS:
        for name in names:
            if errors := sum(figures[workload.name].get(f"errors_{name}", [])):
                print(f"{workload.name}: {name} answered {errors:g} errors over the measured rounds")
    print("transaction control statements per request (BEGIN/COMMIT/SET...): " + json.dumps(controls))
    return {"figures": figures, "statements": statements, "texts": texts, "dsn": BENCH_DSN, "table": lines}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds after one warm-up round")
    parser.add_argument("--seconds", type=float, default=2.0, help="throughput run per server, workload and round")
    parser.add_argument("--quick", action="store_true", help="fewer requests per round (a smoke run)")
    parser.add_argument("--baseline", help="another checkout of learnql (e.g. /work/main): ours vs it, same run")
    parser.add_argument("--output", default="bench-peer.json")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run (no seeding)")
    arguments = parser.parse_args()
    result = asyncio.run(main(arguments, Path(arguments.baseline).resolve() if arguments.baseline else None))
    if result is not None:
        Path(arguments.output).write_text(json.dumps(result, indent=2))
