"""classAnalytics latency, cold and warm: `uv run python -m bench.analytics` (needs PostgreSQL;
Redis optional). Not a pytest test.

Seeds a scratch database (created, then dropped) with a class of 2,000 students x 50 problems in 5
lessons x 1-4 attempts each (about 5,000 x 2.5 submissions, 250,000 answers) with COPY, then times:
- domain: `analytics.service.class_analytics` alone (access check + cache + SQL);
- api: the full classAnalytics query over HTTP (ASGI transport), in-process LRU and Redis caches.
Cold = the cache is cleared before every run; warm = served from the cache. Medians of several runs.
Prints a table and the slowest statements of a cold run (with EXPLAIN ANALYZE of the slowest one)
and writes everything to a JSON file.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench.analytics_dataset import generate, insert_rows
from bench.services import POSTGRES_URL, REDIS_URL, reachable
from domain.accounts import auth
from domain.analytics import service
from domain.infra.cache import Cache, MemoryCache, RedisCache
from domain.infra.database import create_engine, session_factory
from domain.infra.migrations import upgrade
from domain.models import User
from domain.settings import Settings
from graph.context import Services
from graph.ids import encode
from learnql.composition import create_app

SECRET = "bench-secret-0123456789abcdef0123456789"
COLD_TARGET_MS, WARM_TARGET_MS = 500.0, 5.0
QUERY = """
query Class($classId: ID!) {
  classAnalytics(classId: $classId) {
    studentCount gradedStudentCount mean median standardDeviation
    percentiles { p10 p25 p50 p75 p90 }
    histogram { lower upper count }
    lessons { lesson { id title } mean grades students completionRate cronbachAlpha analysedAttempts }
    subjects { subject mean count }
    atRiskStudents { user { id displayName } count mean reasons trend { slopePerWeek change30Days } }
    items { problem { id } lesson { id } attempts facilityIndex discriminationIndex standardDeviation }
    cache { hit hitRate }
  }
}"""
FLOOR = "query Floor { __typename }"
SUMMARY = """
query Summary($classId: ID!) {
  classAnalytics(classId: $classId) { studentCount mean median standardDeviation atRiskCount cache { hit } }
}"""


async def _admin(statement: str) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _seed(url: str, args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    started = time.perf_counter()
    data = generate(
        students=args.students, problems=args.problems, lessons=args.lessons, max_attempts=args.attempts, now=now
    )
    settings = Settings(database_url=url, jwt_secret=SECRET, demo_content=False)
    engine = create_engine(settings)
    try:
        async with session_factory(engine, write=True)() as session:
            await insert_rows(session, data, copy=True)
            await session.commit()
        async with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            await connection.execute(text("VACUUM ANALYZE"))  # the steady state: statistics and visibility map
    finally:
        await engine.dispose()
    counts = {name: len(rows) for name, rows in data.tables.items()}
    print(f"seeded in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return {"class_id": data.class_id, "instructor_id": data.instructor_id, "rows": counts}


async def _median_ms(run: Callable[[], Awaitable[Any]], before: Callable[[], Awaitable[Any]] | None, n: int) -> float:
    timings = []
    for _ in range(n):
        if before is not None:
            await before()
        started = time.perf_counter()
        await run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


async def _domain(
    engine: AsyncEngine, cache: Cache, seeded: dict[str, Any], now: datetime, runs: int
) -> dict[str, float]:
    readers = session_factory(engine)

    async def once() -> None:
        async with readers() as session:
            await service.class_analytics(session, cache, seeded["instructor_id"], seeded["class_id"], now, 300.0)

    await once()  # warm the connection pool
    cold = await _median_ms(once, cache.clear, runs)
    await once()
    warm = await _median_ms(once, None, runs * 5)
    return {"cold_ms": cold, "warm_ms": warm}


async def _api(
    engine: AsyncEngine, settings: Settings, cache: Cache, seeded: dict[str, Any], runs: int, query: str = QUERY
) -> dict[str, float]:
    app = create_app(settings, engine)
    services: Services = app.state.services
    await services.cache.close()
    services.cache = cache
    instructor = User(id=seeded["instructor_id"], email="-", display_name="-", password_hash="-",
                      role="INSTRUCTOR", created_at=datetime.now(UTC))  # fmt: skip
    headers = {"Authorization": f"Bearer {auth.issue_token(settings, instructor, datetime.now(UTC))}"}
    body = {"query": query, "variables": {"classId": encode("Class", seeded["class_id"])}}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:

        async def once() -> None:
            response = await client.post("/graphql", json=body, headers=headers)
            result = response.json()
            assert "errors" not in result, result["errors"]

        await once()
        cold = await _median_ms(once, cache.clear, runs)
        await once()
        warm = await _median_ms(once, None, runs * 5)
    return {"cold_ms": cold, "warm_ms": warm}


async def _slowest_statements(engine: AsyncEngine, seeded: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """Per-statement timings of one cold computation, and EXPLAIN ANALYZE of the slowest."""
    timings: list[dict[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, _many: bool) -> None:
        context._bench_started = time.perf_counter()

    def after(_conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, _many: bool) -> None:
        elapsed = (time.perf_counter() - context._bench_started) * 1000
        timings.append({"ms": round(elapsed, 2), "statement": " ".join(statement.split()), "parameters": parameters})

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    event.listen(engine.sync_engine, "after_cursor_execute", after)
    try:
        async with session_factory(engine)() as session:
            await service.class_analytics(session, MemoryCache(), seeded["instructor_id"], seeded["class_id"], now, 1.0)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)
        event.remove(engine.sync_engine, "after_cursor_execute", after)
    timings.sort(key=lambda item: -item["ms"])
    slowest = timings[0]
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        plan = await raw.driver_connection.fetch(  # type: ignore[union-attr]
            "EXPLAIN (ANALYZE, BUFFERS) " + slowest["statement"], *slowest["parameters"]
        )
    slowest["explain"] = [row[0] for row in plan]
    for item in timings:
        item["parameters"] = [str(p) for p in item["parameters"]]
    return timings


def _report(results: dict[str, Any]) -> None:
    print(
        f"\n{'measure':<34}{'cold ms':>10}{'warm ms':>10}   targets: cold < {COLD_TARGET_MS:.0f}, warm < {WARM_TARGET_MS:.0f}"
    )
    for name, figures in results["latency"].items():
        cold_ok = "ok" if figures["cold_ms"] < COLD_TARGET_MS else "MISS"
        warm_ok = "ok" if figures["warm_ms"] < WARM_TARGET_MS else "MISS"
        print(f"{name:<34}{figures['cold_ms']:>10.1f}{figures['warm_ms']:>10.2f}   {cold_ok}/{warm_ok}")
    statements = results["cold_statements"]
    print(f"\ncold computation: {len(statements)} statements, {sum(s['ms'] for s in statements):.0f} ms; slowest:")
    for item in statements[:5]:
        print(f"  {item['ms']:>8.1f} ms  {item['statement'][:110]}")
    print("\nEXPLAIN ANALYZE of the slowest:\n  " + "\n  ".join(statements[0]["explain"][:25]))


async def main(args: argparse.Namespace) -> dict[str, Any]:
    name = f"learnql_bench_analytics_{os.getpid()}"
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    now = datetime.now(UTC).replace(microsecond=0)
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        await asyncio.to_thread(upgrade, url)
        seeded = await _seed(url, args, now)
        settings = Settings(database_url=url, jwt_secret=SECRET, demo_content=False)
        engine = create_engine(settings)
        results: dict[str, Any] = {"shape": vars(args), "seeded": seeded, "latency": {}}
        try:
            results["latency"]["domain, in-process LRU"] = await _domain(engine, MemoryCache(), seeded, now, args.runs)
            results["latency"]["api over HTTP, in-process LRU"] = await _api(
                engine, settings, MemoryCache(), seeded, args.runs
            )
            results["latency"]["api, summary fields, in-process LRU"] = await _api(
                engine, settings, MemoryCache(), seeded, args.runs, SUMMARY
            )
            # the framework's floor for comparison: HTTP + GraphQL with no resolver work at all
            results["latency"]["api floor: { __typename }"] = await _api(
                engine, settings, MemoryCache(), seeded, args.runs, FLOOR
            )
            if reachable(REDIS_URL, 6379):
                for label, runner in (("domain, Redis", _domain), ("api over HTTP, Redis", None)):
                    redis_cache = RedisCache.from_url(REDIS_URL, prefix=f"learnql-bench:{os.getpid()}:")
                    try:
                        if runner is not None:
                            figures = await runner(engine, redis_cache, seeded, now, args.runs)
                        else:
                            figures = await _api(engine, settings, redis_cache, seeded, args.runs)
                        results["latency"][label] = figures
                    finally:
                        await redis_cache.clear()
                        await redis_cache.close()
            results["cold_statements"] = await _slowest_statements(engine, seeded, now)
        finally:
            await engine.dispose()
    finally:
        if not args.keep:
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _report(results)
    return results


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--problems", type=int, default=50)
    parser.add_argument("--lessons", type=int, default=5)
    parser.add_argument("--attempts", type=int, default=4, help="at most this many attempts per lesson (1..n)")
    parser.add_argument("--runs", type=int, default=7, help="cold runs; warm runs are 5x as many")
    parser.add_argument("--output", default="bench-analytics.json")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    results = asyncio.run(main(args))
    Path(args.output).write_text(json.dumps(results, indent=2, default=str))
    print(f"\nfigures written to {args.output}")


if __name__ == "__main__":
    cli()
