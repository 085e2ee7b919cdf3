"""FastAPI app factory: /graphql (HTTP + WebSocket, GraphiQL), /health, /ready, /metrics."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client.multiprocess import mark_process_dead
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.fastapi import GraphQLRouter

from domain.infra import tracing
from domain.infra.database import create_engine
from domain.infra.job_queue import InProcessJobQueue
from domain.jobs import records as jobs
from domain.settings import Settings, get_settings
from graph.context import Context, Services
from graph.observability.exposition import metrics_endpoint, multiprocess
from graph.observability.requests import RequestLog
from graph.realtime.endpoint import WebSocketView
from graph.schema import create_schema

REQUEST_OVERHEAD = 1024 * 1024  # bytes a request may carry besides an uploaded document


class OrjsonGraphQLRouter(GraphQLRouter[Context, None]):
    """Encodes and decodes JSON with orjson (several times faster than the standard library)."""

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)


class LearnQL(FastAPI):
    """FastAPI, except that WebSocket connections to /graphql skip its middleware and routing
    (graph/realtime/endpoint.py says why)."""

    websocket_view: WebSocketView

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"].rstrip("/") == "/graphql":
            scope["app"] = self
            await self.websocket_view(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def build_middleware_stack(self) -> ASGIApp:
        """The request log outside everything else: it sees every response, error pages included;
        with tracing, each request is a span continuing the client's trace (traceparent)."""
        app = super().build_middleware_stack()
        if tracing.tracing():
            from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

            app = OpenTelemetryMiddleware(app, excluded_urls="health,ready,metrics")
        return RequestLog(app)


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> LearnQL:
    settings = settings or get_settings()
    settings.check_production()
    owns_engine = engine is None
    services = Services(settings=settings, engine=engine or create_engine(settings))

    async def get_context(request: Request) -> AsyncIterator[Context]:  # HTTP only: see LearnQL
        headers = request.headers
        context = Context(services, headers.get("authorization"), getattr(request.state, "request_id", None))
        try:
            yield context
        finally:
            await context.close()

    router_class = OrjsonGraphQLRouter if settings.orjson else GraphQLRouter
    schema = create_schema(settings)
    router: GraphQLRouter[Context, None] = router_class(
        schema,
        context_getter=cast(Any, get_context),
        graphql_ide="graphiql",
        multipart_uploads_enabled=True,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await services.realtime.start()
        if isinstance(services.jobs, InProcessJobQueue):  # arq workers have their own sweep
            async with services.readers() as session:
                await services.jobs.send(await jobs.unfinished(session))
        yield
        await services.live.close()  # open subscriptions complete
        await services.jobs.close()  # in-process jobs finish (or are cancelled after a grace period)
        await services.realtime.close()
        await services.cache.close()
        if owns_engine:
            await services.engine.dispose()
        if multiprocess():  # this process's live gauges (open connections, ...) stop counting
            mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

    # A request body over the upload limit (plus room for the other multipart fields) is answered 413
    # before it is read: without this Starlette would spool all of it to disk before any resolver ran.
    app = LearnQL(title="learnql", lifespan=lifespan, max_body_size=settings.upload_max_bytes + REQUEST_OVERHEAD)
    app.state.services = services
    app.websocket_view = WebSocketView(schema, services)
    app.include_router(router, prefix="/graphql")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return await metrics_endpoint(services)

    @app.get("/ready")
    async def ready() -> JSONResponse:
        try:
            async with services.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            return JSONResponse({"status": "unavailable", "database": str(error)}, status_code=503)
        return JSONResponse({"status": "ready"})

    return app
