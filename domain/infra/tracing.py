"""OpenTelemetry traces, off unless LEARNQL_OTEL_ENABLED: GraphQL operations and resolvers
(strawberry's extension, graph/schema.py), HTTP requests (the ASGI middleware, graph/app.py), SQL
statements and Redis commands (their instrumentations), and jobs: the trace context of the request
that queued a job travels with it (`inject` / `job_span`), so one trace covers the mutation, the
job and what the job publishes to subscribers.

Spans go to an OTLP/HTTP collector configured the standard way (OTEL_EXPORTER_OTLP_ENDPOINT,
default http://localhost:4318); tests pass an in-memory exporter instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

from domain.settings import Settings

_provider: TracerProvider | None = None  # set while tracing is on
_exporters: set[int] = set()  # the exporters added to the global provider, by id


def configure_tracing(settings: Settings, exporter: SpanExporter | None = None) -> TracerProvider | None:
    """Set up tracing for this process (before engines and Redis clients are created); None when off.

    OpenTelemetry's global tracer provider can be set once per process: a second call (tests) reuses
    it and adds its exporter to it."""
    global _provider
    if not settings.otel_enabled:
        return None
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        provider = current
    else:
        provider = TracerProvider(resource=Resource.create({"service.name": settings.otel_service_name}))
        trace.set_tracer_provider(provider)
    processor: SpanProcessor
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        processor = BatchSpanProcessor(OTLPSpanExporter())
    else:
        processor = SimpleSpanProcessor(exporter)
    if id(exporter) not in _exporters:
        _exporters.add(id(exporter))
        provider.add_span_processor(processor)
    if _provider is None:
        # Its declared range stops below SQLAlchemy 2.1, whose engine events it uses are unchanged (the
        # tests check the statements are traced).
        SQLAlchemyInstrumentor().instrument(tracer_provider=provider, skip_dep_check=True)
        RedisInstrumentor().instrument(tracer_provider=provider)
    _provider = provider
    return provider


def tracing() -> bool:
    return _provider is not None


def inject() -> dict[str, str] | None:
    """The current trace context as W3C headers, to send along with a job (None: nothing to carry)."""
    if _provider is None:
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier or None


@contextmanager
def job_span(name: str, carrier: dict[str, str] | None, **attributes: str | int) -> Iterator[None]:
    """A consumer span for one job run, child of the request that queued the job when it carried one."""
    if _provider is None:
        yield
        return
    tracer = trace.get_tracer("learnql.jobs")
    parent = propagate.extract(carrier or {})
    with tracer.start_as_current_span(name, context=parent, kind=trace.SpanKind.CONSUMER, attributes=attributes):
        yield


def shutdown_tracing() -> None:
    """Flush what is buffered and stop tracing in this process (a worker's shutdown; tests). The
    provider itself is shut down by the SDK when the process exits."""
    global _provider
    if _provider is None:
        return
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    SQLAlchemyInstrumentor().uninstrument()
    RedisInstrumentor().uninstrument()
    _provider.force_flush()
    _provider = None
