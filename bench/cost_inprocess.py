"""Query cost and budget on vs off, in one process: `uv run python -m bench.cost_inprocess`.

The same app built twice (LEARNQL_QUERY_COST on and off) on the benchmark database (seed it first
with `python -m bench --cost-only` or any `python -m bench` run), driven through ASGI without a
socket, in alternating batches; this process's CPU time per request for each, and the median of the
per-batch ratios on/off. Without uvicorn, the network and a second process, the noise of a shared
machine hits both sides of each ratio alike, which `--cost-only`'s server rows cannot promise.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import httpx

from domain.settings import Settings
from learnql.composition import create_app

QUERIES = {
    "courses": ("{ courses(first: 1) { edges { node { id } } } }", False),
    "viewer": ("query Tiny { viewer { id displayName } }", True),
}
SECRET = "bench-secret-0123456789abcdef0123456789"  # bench/__main__.py's: its seed issued the token


async def viewer_token(settings: Settings) -> str:
    """A token of the seed's viewer (bench0@example.org)."""
    from sqlmodel import col, select

    from domain.accounts import auth
    from domain.infra.database import create_engine
    from domain.models import User

    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            user = (await connection.execute(select(User).where(col(User.email) == "bench0@example.org"))).one()
    finally:
        await engine.dispose()
    now = datetime.now(UTC)
    viewer = User(id=user.id, role="LEARNER", email="", display_name="", password_hash="", created_at=now)
    return auth.issue_token(settings, viewer, now)


async def main(args: argparse.Namespace) -> None:
    from bench.seed import BENCH_URL

    base = {
        "database_url": BENCH_URL,
        "jwt_secret": SECRET,
        "demo_content": False,
        "budget_maximum": 1_000_000_000,
        "budget_restore_rate": 1e9,
    }
    token = await viewer_token(Settings(**base))  # type: ignore[arg-type]
    async with AsyncExitStack() as stack:
        clients: dict[str, httpx.AsyncClient] = {}
        for name, on in (("on", True), ("off", False)):
            app: Any = create_app(Settings(**base, query_cost=on))  # type: ignore[arg-type]
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            clients[name] = await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://b"))
        for workload, (query, needs_token) in QUERIES.items():
            headers = {"Authorization": f"Bearer {token}"} if needs_token else {}
            per: dict[str, list[float]] = {"on": [], "off": []}
            for batch in range(args.batches + 1):
                for name in ("on", "off") if batch % 2 else ("off", "on"):
                    started = time.process_time()
                    for _ in range(args.requests):
                        response = await clients[name].post("/graphql", json={"query": query}, headers=headers)
                        if response.status_code != 200 or "errors" in response.json():
                            raise RuntimeError(f"{name} {workload}: {response.text}")
                    if batch:  # the first batch warms the caches up
                        per[name].append((time.process_time() - started) / args.requests)
            ratios = [a / b for a, b in zip(per["on"], per["off"], strict=True)]
            print(
                f"{workload:8} CPU ms/request on {statistics.median(per['on']) * 1e3:.3f}, off "
                f"{statistics.median(per['off']) * 1e3:.3f}; on/off median {statistics.median(ratios):.3f} "
                f"(quartiles {statistics.quantiles(ratios, n=4)[0]:.3f}-{statistics.quantiles(ratios, n=4)[2]:.3f},"
                f" {len(ratios)} batches of {args.requests})",
                flush=True,
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.cost_inprocess", description=__doc__)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="requests per batch")
    asyncio.run(main(parser.parse_args()))
