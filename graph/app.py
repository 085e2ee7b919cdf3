"""FastAPI app factory: /graphql (HTTP + WebSocket, GraphiQL), /health, /ready."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from domain.infra.database import create_engine
from domain.infra.job_queue import InProcessJobQueue
from domain.jobs import records as jobs
from domain.settings import Settings, get_settings
from graph.context import Context, Services
from graph.cors import OriginPolicy
from graph.http import LearnQLRouter
from graph.realtime.endpoint import WebSocketView
from graph.schema import create_schema

REQUEST_OVERHEAD = 1024 * 1024  # bytes a request may carry besides an uploaded document


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


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> LearnQL:
    settings = settings or get_settings()
    settings.check_production()
    owns_engine = engine is None
    services = Services(settings=settings, engine=engine or create_engine(settings))

    async def get_context(request: Request) -> AsyncIterator[Context]:  # HTTP only: see LearnQL
        headers = request.headers
        context = Context(services, headers.get("authorization"), headers.get("x-request-id"))
        try:
            yield context
        finally:
            await context.close()

    schema = create_schema(settings)
    router = LearnQLRouter(
        schema,
        context_getter=cast(Any, get_context),
        graphql_ide="graphiql" if settings.introspection else None,  # GraphiQL reads the schema by introspection
        multipart_uploads_enabled=True,
        fast_json=settings.orjson,
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

    # A request body over the upload limit (plus room for the other multipart fields) is answered 413
    # before it is read: without this Starlette would spool all of it to disk before any resolver ran.
    app = LearnQL(title="learnql", lifespan=lifespan, max_body_size=settings.upload_max_bytes + REQUEST_OVERHEAD)
    app.state.services = services
    origins = OriginPolicy.of(settings)
    app.add_middleware(CORSMiddleware, **origins.middleware_options(settings.cors_max_age_seconds))
    app.websocket_view = WebSocketView(schema, services, origins)
    app.include_router(router, prefix="/graphql")

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready")
    async def ready() -> JSONResponse:
        try:
            async with services.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:
            return JSONResponse({"status": "unavailable", "database": str(error)}, status_code=503)
        return JSONResponse({"status": "ready"})

    return app
