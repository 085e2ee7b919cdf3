"""In-process measurements: GraphQL execution overhead (workload 3) and SQL statement counts (workload 4)."""

from __future__ import annotations

import inspect
import statistics
import time
from datetime import UTC, datetime
from typing import Any, cast

import graphql
import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.content.catalog import OptionRow, ProblemRow
from domain.infra import driver
from domain.models import Lesson, Option, Problem
from domain.settings import Settings
from graph.context import Context, Services
from graph.ids import encode
from graph.schema import create_schema, schema_sdl
from learnql.cli import server_gc
from learnql.composition import create_app

LARGE_LIST = "query($id: ID!) { lesson(id: $id) { problems { id kind prompt difficulty options { id text } } } }"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _large_data(problems: int, options: int) -> tuple[Lesson, list[Problem], dict[int, list[Option]]]:
    lesson = Lesson(id=1, course_id=1, title="Large", body="", position=0, published=True, created_at=NOW)
    rows = [
        Problem(id=p, lesson_id=1, kind="SINGLE_CHOICE", prompt=f"Question {p}", difficulty=1 + p % 5, created_at=NOW)
        for p in range(1, problems + 1)
    ]
    opts = {
        p.id or 0: [
            Option(id=(p.id or 0) * 10 + o, problem_id=p.id or 0, text=f"Option {o}", position=o)
            for o in range(options)
        ]
        for p in rows
    }
    return lesson, rows, opts


async def execution_overhead(
    engine: AsyncEngine, settings: Settings, rounds: int, problems: int = 1000, options: int = 5
) -> dict[str, float]:
    """Our strawberry schema (loaders primed: no I/O) against graphql-core running the same SDL with
    default resolvers over the same data. Interleaved rounds; medians. Both run with the garbage
    collector set as `learnql serve` sets it (with the defaults, collections triggered by our extra
    allocations took a quarter of our time)."""
    server_gc()
    schema = create_schema(settings)
    core = graphql.build_schema(schema_sdl())
    lesson, rows, opts = _large_data(problems, options)
    root = {
        "lesson": {
            "problems": [
                {
                    "id": encode("Problem", p.id),
                    "kind": p.kind,
                    "prompt": p.prompt,
                    "difficulty": p.difficulty,
                    "options": [{"id": encode("Option", o.id), "text": o.text} for o in opts[p.id or 0]],
                }
                for p in rows
            ]
        }
    }
    document = graphql.parse(LARGE_LIST)
    variables = {"id": encode("Lesson", 1)}
    fields = 2 + problems * (4 + 1 + options * 2)
    services = Services(settings=settings, engine=engine)

    async def ours() -> float:
        context = Context(services, None)
        loaders = context.loaders
        loaders.lesson_by_id.prime(1, lesson)
        # The ORM objects carry every column of the listing rows the real loaders return.
        loaders.problems_by_lesson.prime(1, cast(list[ProblemRow], rows))
        for key, value in opts.items():
            loaders.options_by_problem.prime(key, cast(list[OptionRow], value))
        started = time.perf_counter()
        result = await schema.execute(LARGE_LIST, variable_values=variables, context_value=context)
        elapsed = time.perf_counter() - started
        assert result.errors is None, result.errors
        assert len(result.data["lesson"]["problems"]) == problems  # type: ignore[index]
        return elapsed

    async def plain() -> float:
        started = time.perf_counter()
        result = graphql.execute(core, document, root_value=root, variable_values=variables)
        if inspect.isawaitable(result):
            result = await result
        elapsed = time.perf_counter() - started
        assert result.errors is None, result.errors
        return elapsed

    ratios, ours_times, core_times = [], [], []
    for index in range(rounds + 1):
        a, b = await ours(), await plain()
        if index:  # the first round warms caches and is dropped
            ratios.append(a / b)
            ours_times.append(a)
            core_times.append(b)
    return {
        "fields": fields,
        "ours_ms": statistics.median(ours_times) * 1000,
        "graphql_core_ms": statistics.median(core_times) * 1000,
        "overhead_ratio": statistics.median(ratios),
        "us_per_field": statistics.median(ours_times) / fields * 1e6,
        "graphql_core_us_per_field": statistics.median(core_times) / fields * 1e6,
    }


async def statement_count(
    engine: AsyncEngine, settings: Settings, query: str, variables: dict[str, Any], token: str
) -> int:
    """SQL statements one request issues, counted at the engine and at the driver-connection reads."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith(("BEGIN", "PRAGMA")):
            statements.append(statement)

    app = create_app(settings, engine)
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    driver.listeners.append(statements.append)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
            )
            body = response.json()
            assert "errors" not in body, body.get("errors")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        driver.listeners.remove(statements.append)
    return len(statements)
