"""The benchmark suite: `uv run python -m bench` (about 5 minutes on 2 cores; needs PostgreSQL).

Variants run as separate uvicorn processes on their own ports and are loaded in interleaved rounds
(A, B, C, A, B, C, ...); the first round is dropped and the median of the per-round ratios is
reported. Server CPU time per request is read from /proc. Figures go to a table and a JSON file.

`--cost-only` runs only the query cost on/off rows (with `--baseline CHECKOUT`, that checkout's too).

The other benchmarks run on their own: `python -m bench.analytics` (classAnalytics cold and warm),
`python -m bench.workers` (AI jobs against a chat server with latency), `python -m bench.subscriptions`
(leaderboard fan-out to many WebSocket subscribers), `python -m bench.scaling` (--workers 2 vs 1), `python -m bench.tutor` (first tutor delta and
memory per `tutorReply` subscription), `python -m bench.web` (the web app's bundle size and the lesson page's time
to interactive in headless chromium); each takes --help.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from bench import inprocess, load
from bench.seed import BENCH_DSN, BENCH_URL, Seeded, seed
from bench.servers import Server
from bench.shape import LESSON_PAGE
from bench.submit import submit_workload
from domain.settings import Settings
from graph.ids import encode

SECRET = "bench-secret-0123456789abcdef0123456789"
VIEWER = "query Tiny { viewer { id displayName } }"
COURSES = "{ courses(first: 1) { edges { node { id } } } }"  # issue 12's tiny query for the cost figure


@dataclass
class Goal:
    name: str
    value: float
    goal: str
    met: bool | None
    unit: str = ""


def servers() -> dict[str, Server]:
    env = {
        "LEARNQL_DATABASE_URL": BENCH_URL,
        "LEARNQL_JWT_SECRET": SECRET,
        "LEARNQL_DEMO_CONTENT": "false",
        "LEARNQL_DB_POOL_SIZE": "20",
        # Budgets are charged but never refuse the benchmark's load (the lesson page costs ~35,000).
        "LEARNQL_BUDGET_MAXIMUM": "1000000000",
        "LEARNQL_BUDGET_RESTORE_RATE": "1000000000",
    }
    app = "learnql.composition:create_app"
    return {
        "ours": Server("ours", app, env, factory=True),
        "no_query_cache": Server("no_query_cache", app, env | {"LEARNQL_QUERY_CACHE": "false"}, factory=True),
        "no_query_cost": Server("no_query_cost", app, env | {"LEARNQL_QUERY_COST": "false"}, factory=True),
        "stdlib_json": Server("stdlib_json", app, env | {"LEARNQL_ORJSON": "false"}, factory=True),
        "asyncio_h11": Server("asyncio_h11", app, env, loop="asyncio", http="h11", factory=True),
        "naive": Server("naive", app, env | {"LEARNQL_DATALOADER_BATCHING": "false"}, factory=True),
        "floor": Server("floor", "bench.floors:app", {"BENCH_DSN": BENCH_DSN}),
    }


async def measure(server: Server, client: httpx.AsyncClient, path: str, body: Any, **options: Any) -> load.Sample:
    before = server.cpu_seconds()
    sample = await load.run(client, server.url + path, body, **options)
    sample.cpu = server.cpu_seconds() - before
    return sample


async def rounds(all_servers: dict[str, Server], seeded: Seeded, count: int, quick: bool) -> dict[str, list[float]]:
    """Interleaved rounds; returns per-round figures keyed by name (first round dropped)."""
    token = {"Authorization": f"Bearer {seeded.viewer_token}"}
    tiny = {"query": VIEWER}
    page = {"query": LESSON_PAGE, "variables": {"id": encode("Course", seeded.page.course_id)}}
    n100 = {"query": LESSON_PAGE, "variables": {"id": encode("Course", seeded.n100.course_id)}}
    floor_tiny = {"userId": seeded.viewer_id}
    floor_page = {"courseId": seeded.page.course_id, "userId": seeded.viewer_id}
    figures: dict[str, list[float]] = defaultdict(list)
    tiny_requests, page_requests, page_seconds = (100, 3, 1.0) if quick else (400, 8, 3.0)
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        for index in range(count + 1):
            round_: dict[str, float] = {}
            # Workload 1 and the toggles: CPU per tiny request.
            for name in ("ours", "no_query_cache", "no_query_cost", "stdlib_json", "asyncio_h11"):
                s = await measure(
                    all_servers[name],
                    client,
                    "/graphql",
                    lambda _: tiny,
                    concurrency=4,
                    requests=tiny_requests,
                    headers=lambda _: token,
                )
                round_[f"w1_cpu_{name}"] = s.cpu_per_request
                round_[f"w1_errors_{name}"] = s.errors
            for name in ("ours", "no_query_cost"):  # the cost analysis and budget on a public tiny query
                s = await measure(
                    all_servers[name],
                    client,
                    "/graphql",
                    lambda _: {"query": COURSES},
                    concurrency=4,
                    requests=tiny_requests,
                )
                round_[f"w1c_cpu_{name}"] = s.cpu_per_request
            s = await measure(
                all_servers["floor"], client, "/viewer", lambda _: floor_tiny, concurrency=4, requests=tiny_requests
            )
            round_["w1_cpu_floor"] = s.cpu_per_request
            # Workload 2: lesson page latency at concurrency 1, throughput at 16.
            for name in ("ours", "stdlib_json"):
                s = await measure(
                    all_servers[name],
                    client,
                    "/graphql",
                    lambda _: page,
                    concurrency=1,
                    requests=page_requests,
                    headers=lambda _: token,
                )
                round_[f"w2_p50_{name}"] = s.p50
            s = await measure(
                all_servers["floor"],
                client,
                "/lesson-page",
                lambda _: floor_page,
                concurrency=1,
                requests=page_requests,
            )
            round_["w2_p50_floor"] = s.p50
            s = await measure(
                all_servers["ours"],
                client,
                "/graphql",
                lambda _: page,
                concurrency=16,
                seconds=page_seconds,
                headers=lambda _: token,
            )
            round_["w2_rps_ours"], round_["w2_errors_ours"] = s.throughput, s.errors
            s = await measure(
                all_servers["floor"], client, "/lesson-page", lambda _: floor_page, concurrency=16, seconds=page_seconds
            )
            round_["w2_rps_floor"] = s.throughput
            # Workload 4: naive resolvers against ours at N = 100.
            for name in ("ours", "naive"):
                s = await measure(
                    all_servers[name],
                    client,
                    "/graphql",
                    lambda _: n100,
                    concurrency=1,
                    requests=2,
                    headers=lambda _: token,
                )
                round_[f"w4_p50_{name}"] = s.p50
            if index:
                for key, value in round_.items():
                    figures[key].append(value)
            print(f"  round {index}{' (warm-up, dropped)' if not index else ''} done", flush=True)
    return figures


def ratio(figures: dict[str, list[float]], top: str, bottom: str) -> float:
    return statistics.median(a / b for a, b in zip(figures[top], figures[bottom], strict=True))


def paired_ratio(figures: list[tuple[str, float]]) -> str:
    """The geometric mean of ours/baseline over the rounds and its 95% confidence interval (Student's t),
    from (variant, figure) in the order the rounds ran them, one "ours" and one "baseline" per round.
    An interval around 1 is no difference this run could tell from the machine's noise."""
    logs = []
    for index in range(0, len(figures) - 1, 2):
        pair = dict(figures[index : index + 2])
        logs.append(math.log(pair["ours"] / pair["baseline"]))
    mean, error = statistics.mean(logs), statistics.stdev(logs) / math.sqrt(len(logs))
    t = T_975[min(len(logs) - 1, len(T_975)) - 1]
    return f"{math.exp(mean):.3f} (95% CI {math.exp(mean - t * error):.3f}-{math.exp(mean + t * error):.3f}, {len(logs)} pairs)"


# Student's t at 97.5% for 1..20 degrees of freedom (more: the 20th, slightly wide)
T_975 = (
    12.71,
    4.30,
    3.18,
    2.78,
    2.57,
    2.45,
    2.36,
    2.31,
    2.26,
    2.23,
    2.20,
    2.18,
    2.16,
    2.14,
    2.13,
    2.12,
    2.11,
    2.10,
    2.09,
    2.09,
)


def median(figures: dict[str, list[float]], key: str) -> float:
    return statistics.median(figures[key])


async def submit_only(
    seeded: Seeded, shapes: list[str], seconds: float, baseline: Path | None = None, rounds: int = 1
) -> None:
    """Workload 5 alone, once per LEARNERSxCLIENTS shape (`--submit-only 1x8 32x32`); with `--baseline`
    (another checkout, e.g. `git worktree add /tmp/base <commit>`) its server runs beside ours on the
    same database and the two alternate, `rounds` times per shape, in ABBA order: an A/B of two versions in
    one run (`--baseline` naming a copy of this very checkout is the A/A that shows the noise)."""
    variants = {"ours": servers()["ours"]}
    if baseline is not None:
        variants = {"baseline": replace(variants["ours"], name="baseline", cwd=baseline), **variants}
    results: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as logs:
        for server in variants.values():
            server.start(Path(logs))
        try:
            for server in variants.values():
                server.wait_ready("/health")
            for shape in shapes:
                learners, clients = (int(part) for part in shape.split("x"))
                print(f"workload 5: submitAnswers, {learners} learners x {clients} clients", flush=True)
                for index in range(rounds):
                    # ABBA: the order flips every round, so that going second (a bigger table, a checkpoint
                    # due) is no version's lot
                    order = list(variants.items()) if index % 2 == 0 else list(reversed(variants.items()))
                    for name, server in order:
                        row = await submit_workload(server, seeded, seconds, learners=learners, concurrency=clients)
                        results.append((name, row))
        finally:
            for server in variants.values():
                server.stop()
    print(
        f"\n{'variant':9} {'learners x clients':20} {'submissions/s':>14} {'p50 ms':>8} {'p99 ms':>8} {'cpu ms':>7}"
        " errors lost doubled"
    )
    for name, r in results:
        print(
            f"{name:9} {r['learners']:>8} x {r['concurrency']:<9} {r['per_second']:14.1f} {r['p50_ms']:8.1f}"
            f" {r['p99_ms']:8.1f} {r['cpu_ms_per_request']:7.1f} {r['errors']:6d} {r['lost']:4d} {r['doubled']:7d}"
            + (f"  {r['error_codes']}" if r["error_codes"] else "")
        )
    if baseline is not None:
        for shape in shapes:
            learners, clients = (int(part) for part in shape.split("x"))
            rows = [(n, r) for n, r in results if (r["learners"], r["concurrency"]) == (learners, clients)]
            cpu = {n: statistics.median(r["cpu_ms_per_request"] for m, r in rows if m == n) for n in variants}
            rate = {n: statistics.median(r["per_second"] for m, r in rows if m == n) for n in variants}
            print(
                f"{shape}: CPU per request ours/baseline {cpu['ours'] / cpu['baseline']:.3f}, "
                f"throughput ours/baseline {rate['ours'] / rate['baseline']:.3f} (medians of {rounds} rounds)"
            )
            if rounds > 2:
                for key, label in (("cpu_ms_per_request", "CPU per request"), ("per_second", "throughput")):
                    print(f"{shape}: {label} ours/baseline, {paired_ratio([(name, r[key]) for name, r in rows])}")


async def cost_only(seeded: Seeded, count: int, requests: int, baseline: Path | None = None) -> None:
    """Only the query cost rows: CPU per tiny request with costs and budgets on and off (LEARNQL_QUERY_COST),
    for the viewer query and the public `courses(first: 1)`, in interleaved rounds (first dropped). With
    `--baseline` another checkout's on and off servers join the rounds, so both versions' ratios come
    from one run."""
    ours = servers()
    variants = {"on": ours["ours"], "off": ours["no_query_cost"]}
    if baseline is not None:
        variants |= {
            "base_on": replace(ours["ours"], name="base_on", cwd=baseline),
            "base_off": replace(ours["no_query_cost"], name="base_off", cwd=baseline),
        }
    token = {"Authorization": f"Bearer {seeded.viewer_token}"}
    workloads = {"viewer": ({"query": VIEWER}, token), "courses": ({"query": COURSES}, None)}
    figures: dict[str, list[float]] = defaultdict(list)
    limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
    with tempfile.TemporaryDirectory() as logs:
        for server in variants.values():
            server.start(Path(logs))
        try:
            for server in variants.values():
                server.wait_ready("/health", timeout=300)  # four servers starting at once on a loaded machine
            async with httpx.AsyncClient(timeout=60, limits=limits) as client:
                for index in range(count + 1):
                    for workload, (body, headers) in workloads.items():
                        for name, server in variants.items():
                            s = await measure(
                                server,
                                client,
                                "/graphql",
                                lambda _, body=body: body,
                                concurrency=4,
                                requests=requests,
                                headers=(lambda _, headers=headers: headers) if headers else None,
                            )
                            if s.errors:
                                raise RuntimeError(f"{name}: {s.errors} errors on {workload}")
                            if index:
                                figures[f"{workload}_{name}"].append(s.cpu_per_request)
                    print(f"  round {index}{' (warm-up, dropped)' if not index else ''} done", flush=True)
        finally:
            for server in variants.values():
                server.stop()
    print(f"\n{'query':9} {'version':9} {'CPU ms on':>10} {'CPU ms off':>10} {'on/off (median of rounds)':>26}")
    for workload in workloads:
        for version, prefix in (("ours", ""), ("baseline", "base_")):
            if f"{workload}_{prefix}on" not in figures:
                continue
            on, off = figures[f"{workload}_{prefix}on"], figures[f"{workload}_{prefix}off"]
            print(
                f"{workload:9} {version:9} {statistics.median(on) * 1e3:10.3f} {statistics.median(off) * 1e3:10.3f}"
                f" {ratio(figures, f'{workload}_{prefix}on', f'{workload}_{prefix}off'):26.3f}"
            )


async def main(args: argparse.Namespace) -> None:
    print("seeding PostgreSQL database learnql_bench ...", flush=True)
    seeded = await seed(SECRET)
    if args.cost_only:
        baseline = Path(args.baseline) if args.baseline else None
        await cost_only(seeded, args.rounds, 100 if args.quick else 600, baseline)
        return
    if args.submit_only:
        baseline = Path(args.baseline) if args.baseline else None
        await submit_only(
            seeded, args.submit_only, 5 if args.quick else 20, baseline, args.rounds if baseline is not None else 1
        )
        return
    all_servers = servers()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as logs:
        for server in all_servers.values():
            server.start(Path(logs))
        try:
            for server in all_servers.values():
                server.wait_ready("/health" if server.name != "floor" else "/")
            print(f"servers up; {args.rounds} rounds after a warm-up round", flush=True)
            figures = await rounds(all_servers, seeded, args.rounds, args.quick)
            print("workload 5: submitAnswers at concurrency 32", flush=True)
            results["w5"] = await submit_workload(all_servers["ours"], seeded, seconds=5 if args.quick else 20)
        finally:
            for server in all_servers.values():
                server.stop()
    settings = Settings(database_url=BENCH_URL, jwt_secret=SECRET, demo_content=False)
    print("workloads 3 and 4 in process", flush=True)
    from domain.infra.database import create_engine

    engine = create_engine(settings)
    try:
        results["w3"] = await inprocess.execution_overhead(engine, settings, rounds=args.rounds)
        counts = {}
        for label, shape in (("10", seeded.n10), ("100", seeded.n100), ("1000", seeded.n1000)):
            variables = {"id": encode("Course", shape.course_id)}
            counts[label] = await inprocess.statement_count(
                engine, settings, LESSON_PAGE, variables, seeded.viewer_token
            )
        naive = Settings(database_url=BENCH_URL, jwt_secret=SECRET, demo_content=False, dataloader_batching=False)
        counts["100_naive"] = await inprocess.statement_count(
            engine, naive, LESSON_PAGE, {"id": encode("Course", seeded.n100.course_id)}, seeded.viewer_token
        )
        results["w4_statements"] = counts
    finally:
        await engine.dispose()
    results["rounds"] = dict(figures)
    goals = report(figures, results)
    results["goals"] = [goal.__dict__ for goal in goals]
    await asyncio.to_thread(Path(args.output).write_text, json.dumps(results, indent=2, default=float))
    print(f"\nfigures written to {args.output}")


def report(figures: dict[str, list[float]], results: dict[str, Any]) -> list[Goal]:
    w3, w5, counts = results["w3"], results["w5"], results["w4_statements"]
    equal_counts = counts["10"] == counts["100"] == counts["1000"]
    goals = [
        Goal(
            "1 tiny query: CPU/request ratio to F0", ratio(figures, "w1_cpu_ours", "w1_cpu_floor"), "<= 2.5x", None, "x"
        ),
        Goal("1 tiny query: CPU/request, ours", median(figures, "w1_cpu_ours") * 1e3, "", None, "ms"),
        Goal(
            "2 lesson page (50x20x4): p50 latency ratio to F1",
            ratio(figures, "w2_p50_ours", "w2_p50_floor"),
            "<= 4x",
            None,
            "x",
        ),
        Goal("2 lesson page: p50 latency, ours", median(figures, "w2_p50_ours") * 1e3, "", None, "ms"),
        Goal("2 lesson page: throughput at c=16, ours", median(figures, "w2_rps_ours"), "", None, "req/s"),
        Goal("2 lesson page: throughput at c=16, F1", median(figures, "w2_rps_floor"), "", None, "req/s"),
        Goal("3 large list: overhead ratio to graphql-core", w3["overhead_ratio"], "<= 1.5x", None, "x"),
        Goal("3 large list: us per resolved field", w3["us_per_field"], "<= 10", None, "us"),
        Goal(
            "4 statements per request N=10/100/1000",
            float(counts["10"]),
            "equal",
            equal_counts,
            f" ({counts['10']}/{counts['100']}/{counts['1000']}; naive N=100: {counts['100_naive']})",
        ),
        Goal("4 latency ratio naive/ours at N=100", ratio(figures, "w4_p50_naive", "w4_p50_ours"), ">= 10x", None, "x"),
        Goal("5 submitAnswers c=32: submissions/s", w5["per_second"], "", None, "/s"),
        Goal("5 submitAnswers: p50 / p99 latency", w5["p50_ms"], "", None, f" ms / {w5['p99_ms']:.0f} ms"),
        Goal(
            "5 submitAnswers: errors, lost, doubled",
            float(w5["errors"] + w5["lost"] + w5["doubled"]),
            "0",
            None,
            f" ({w5['errors']}/{w5['lost']}/{w5['doubled']}; XP checked: {w5['xp_consistent']})",
        ),
        Goal(
            "toggle: query caches off, CPU ratio", ratio(figures, "w1_cpu_no_query_cache", "w1_cpu_ours"), "", None, "x"
        ),
        Goal(
            "query cost + budget: CPU ratio on/off (viewer)",
            ratio(figures, "w1_cpu_ours", "w1_cpu_no_query_cost"),
            "<= 1.05x",
            None,
            "x",
        ),
        Goal(
            "query cost + budget: CPU ratio on/off (courses(first:1))",
            ratio(figures, "w1c_cpu_ours", "w1c_cpu_no_query_cost"),
            "<= 1.05x",
            None,
            "x",
        ),
        Goal(
            "toggle: stdlib json, CPU ratio (tiny)", ratio(figures, "w1_cpu_stdlib_json", "w1_cpu_ours"), "", None, "x"
        ),
        Goal(
            "toggle: stdlib json, latency ratio (page)",
            ratio(figures, "w2_p50_stdlib_json", "w2_p50_ours"),
            "",
            None,
            "x",
        ),
        Goal(
            "toggle: asyncio+h11 instead of uvloop+httptools, CPU ratio",
            ratio(figures, "w1_cpu_asyncio_h11", "w1_cpu_ours"),
            "",
            None,
            "x",
        ),
    ]
    checks = {
        "<= 2.5x": lambda v: v <= 2.5,
        "<= 4x": lambda v: v <= 4,
        "<= 1.5x": lambda v: v <= 1.5,
        "<= 1.05x": lambda v: v <= 1.05,
        "<= 10": lambda v: v <= 10,
        ">= 10x": lambda v: v >= 10,
        "0": lambda v: v == 0,
    }
    for goal in goals:
        if goal.met is None and goal.goal in checks:
            goal.met = bool(checks[goal.goal](goal.value))
    print(f"\n{'figure':62} {'value':>12}  {'goal':8} met")
    for goal in goals:
        met = "" if goal.met is None else ("yes" if goal.met else "NO")
        print(f"{goal.name:62} {goal.value:12.3f}{goal.unit:<1}  {goal.goal:8} {met}")
    return goals


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds after one warm-up round")
    parser.add_argument("--quick", action="store_true", help="fewer requests per round (a smoke run)")
    parser.add_argument("--output", default="bench-results.json")
    parser.add_argument(
        "--submit-only",
        nargs="+",
        metavar="LEARNERSxCLIENTS",
        help="run only workload 5, once per shape (e.g. 1x8 32x32: one learner's 8 clients, 32 learners' clients)",
    )
    parser.add_argument(
        "--baseline",
        metavar="CHECKOUT",
        type=lambda path: str(Path(path).resolve()),
        help="with --submit-only or --cost-only: also run this other checkout's servers, alternating with ours (an A/B)",
    )
    parser.add_argument(
        "--cost-only",
        action="store_true",
        help="run only the query cost rows: CPU per tiny query with costs and budgets on vs off",
    )
    asyncio.run(main(parser.parse_args()))
