"""Benchmark: throughput of `learnql serve --workers 2` against `--workers 1` on one lesson page.

    uv run python -m bench.scaling [--rounds 3] [--seconds 8] [--connections 16]

Both servers run on PostgreSQL and Redis (required above one worker) at the same time, each on its
own port; wrk (Debian's package: a C load generator, so that the client takes little of the two
cores) sends the W3 query - one lesson of 20 problems x 4 options with the viewer's progress - at
`--connections` for `--seconds`, alternating between the two servers, after a warm-up of each. The
figure is the median of the per-round ratios of requests per second. Target: >= 1.6x.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

import httpx

from bench.seed import BENCH_URL, seed
from bench.servers import free_port
from bench.services import REDIS_URL, drop_keys
from graph.ids import encode

SECRET = "bench-scaling-secret-0123456789abcdef-0123456789"
LESSON = """
query Lesson($id: ID!) {
  lesson(id: $id) {
    id title
    viewerProgress { bestScore attempts completed }
    problems { id kind prompt difficulty options { id text } }
  }
}"""


class Serve:
    """`learnql serve --workers N` in a process group of its own."""

    def __init__(self, workers: int, env: dict[str, str], log_dir: Path) -> None:
        self.workers = workers
        self.port = free_port()
        command = [sys.executable, "-m", "learnql.cli", "serve", "--port", str(self.port), "--workers", str(workers)]
        log = (log_dir / f"serve-{workers}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603
            command, env=os.environ | env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve --workers {self.workers} exited; see its log")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"serve --workers {self.workers} did not become ready")

    def stop(self) -> None:
        os.killpg(self.process.pid, 15)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, 9)


def wrk_script(folder: Path, body: Mapping[str, object], token: str) -> Path:
    script = folder / "lesson.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    )
    return script


def wrk(url: str, script: Path, seconds: int, connections: int) -> tuple[float, int]:
    """Requests per second and the number of non-2xx answers."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    assert rate is not None, output
    return float(rate.group(1)), int(bad.group(1)) if bad else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    seeded = asyncio.run(seed(SECRET))
    prefix = f"bench-scaling-{uuid.uuid4().hex[:8]}:"
    env = {
        "LEARNQL_DATABASE_URL": BENCH_URL,
        "LEARNQL_REDIS_URL": REDIS_URL,
        "LEARNQL_REDIS_PREFIX": prefix,
        "LEARNQL_JWT_SECRET": SECRET,
        "LEARNQL_DEMO_CONTENT": "false",
        "LEARNQL_DB_POOL_SIZE": "10",
        "LEARNQL_LOG_FORMAT": "json",
        "LEARNQL_BUDGET_MAXIMUM": "1000000000",
        "LEARNQL_BUDGET_RESTORE_RATE": "1000000000",
    }
    body = {"query": LESSON, "variables": {"id": encode("Lesson", seeded.submit.lesson_ids[0])}}
    with tempfile.TemporaryDirectory(prefix="learnql-scaling-") as folder:
        script = wrk_script(Path(folder), body, seeded.viewer_token)
        servers = [Serve(1, env, Path(folder)), Serve(2, env, Path(folder))]
        try:
            for server in servers:
                server.wait_ready()
                answer = httpx.post(server.url, json=body, headers={"Authorization": f"Bearer {seeded.viewer_token}"})
                assert len(answer.json()["data"]["lesson"]["problems"]) == 20, answer.text
                wrk(server.url, script, 3, args.connections)  # warm-up: caches, pools, JIT of nothing
            rates: dict[int, list[float]] = {1: [], 2: []}
            errors = 0
            for _ in range(args.rounds):
                for server in servers:
                    rate, bad = wrk(server.url, script, args.seconds, args.connections)
                    rates[server.workers].append(rate)
                    errors += bad
        finally:
            for server in servers:
                server.stop()
            asyncio.run(drop_keys(REDIS_URL, prefix))
    ratios = [two / one for one, two in zip(rates[1], rates[2], strict=True)]
    print(f"W3 lesson page, c={args.connections}, {args.rounds} rounds of {args.seconds} s, wrk -t2")
    print(
        f"  --workers 1: {statistics.median(rates[1]):8.1f} req/s  (rounds: {', '.join(f'{r:.0f}' for r in rates[1])})"
    )
    print(
        f"  --workers 2: {statistics.median(rates[2]):8.1f} req/s  (rounds: {', '.join(f'{r:.0f}' for r in rates[2])})"
    )
    ratio = statistics.median(ratios)
    print(f"  ratio (median of rounds): {ratio:.2f}x  target >= 1.6x: {'met' if ratio >= 1.6 else 'NOT met'}")
    print(f"  non-2xx answers: {errors}")


if __name__ == "__main__":
    main()
