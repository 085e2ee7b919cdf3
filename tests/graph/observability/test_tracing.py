"""LEARNQL_OTEL_ENABLED: one trace from the HTTP request through the GraphQL operation and its SQL to
the job it queued, recorded with the OpenTelemetry SDK's in-memory exporter."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import AsyncSession

from bench.services import drop_keys
from domain.infra import tracing
from domain.infra.cache import RedisCache
from domain.settings import Settings
from tests.graph.conftest import Api
from tests.graph.jobs.test_jobs import GENERATE, authoring, generate_input, queue
from tests.services import REDIS_URL, require

EXPORTER = InMemorySpanExporter()  # OpenTelemetry's tracer provider is set once per process: one exporter


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    tracing.configure_tracing(Settings(otel_enabled=True), EXPORTER)
    EXPORTER.clear()
    yield EXPORTER
    tracing.shutdown_tracing()
    EXPORTER.clear()


@pytest.fixture
def settings(spans: InMemorySpanExporter, settings: Settings) -> Settings:
    """Tracing on, set up before the test's engine exists (the instrumentation wraps engine creation)."""
    return settings.model_copy(update={"otel_enabled": True})


def named(spans: list[ReadableSpan], prefix: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name.startswith(prefix)]


async def test_one_trace_covers_the_request_its_sql_and_the_job_it_queued(
    api: Api, spans: InMemorySpanExporter, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author, lesson = await authoring(session, settings, now)
    spans.clear()
    parent_trace = "0af7651916cd43dd8448eb211c80319c"

    response = await api.http.post(
        "/graphql",
        json={"query": GENERATE, "variables": generate_input(lesson)},
        headers={
            "Authorization": f"Bearer {api.token(author, now)}",
            "traceparent": f"00-{parent_trace}-b7ad6b7169203331-01",
        },
    )
    await queue(api).drain()

    assert response.json()["data"]["generateProblems"]["errors"] == []
    finished = list(spans.get_finished_spans())
    trace_ids = {span.context.trace_id for span in finished if span.context is not None}
    assert trace_ids == {int(parent_trace, 16)}  # the client's trace, continued everywhere
    (request,) = [span for span in finished if span.name == "POST /graphql"]
    (operation,) = named(finished, "GraphQL Query: Generate")  # strawberry's name for any operation
    (job,) = named(finished, "job generation_run")
    assert job.kind == trace.SpanKind.CONSUMER
    assert job.attributes is not None
    assert job.attributes["learnql.job_id"] > 0
    by_id = {span.context.span_id: span for span in finished if span.context is not None}
    ancestors = []
    cursor = job.parent
    while cursor is not None and cursor.span_id in by_id:
        ancestors.append(by_id[cursor.span_id])
        cursor = by_id[cursor.span_id].parent
    assert operation in ancestors  # queued while the mutation ran
    assert request in ancestors
    assert request.parent is not None
    assert request.parent.is_remote  # the client's span
    sql = [span for span in finished if span.attributes and "db.statement" in span.attributes]
    assert any(span.parent is not None and span.parent.span_id == job.context.span_id for span in sql)  # type: ignore[union-attr]
    assert len(sql) > 5  # the mutation's and the job's statements


async def test_redis_commands_are_spans_of_the_current_trace(spans: InMemorySpanExporter) -> None:
    require("Redis", REDIS_URL, 6379)
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    cache = RedisCache.from_url(REDIS_URL, prefix)
    tracer = trace.get_tracer("test")
    try:
        with tracer.start_as_current_span("outer") as outer:
            await cache.bump(["class:1"])
    finally:
        await cache.close()
        await drop_keys(REDIS_URL, prefix)

    redis_spans = [
        span for span in spans.get_finished_spans() if span.attributes and span.attributes.get("db.system") == "redis"
    ]
    outer_id = outer.get_span_context()
    inside = [span for span in redis_spans if span.parent is not None and span.parent.span_id == outer_id.span_id]
    assert inside  # the pipelined INCR of `bump` (cleaning up afterwards is outside the trace)
    assert all(span.context.trace_id == outer_id.trace_id for span in inside)  # type: ignore[union-attr]


def test_tracing_is_off_by_default() -> None:
    assert tracing.configure_tracing(Settings()) is None
    assert tracing.inject() is None
