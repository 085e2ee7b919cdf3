"""FastAPI app factory: /graphql (HTTP + WebSocket, GraphiQL), /health, /ready, /metrics, the web app at /.

HTTP operations run through `LearnQLRouter` (graph/http.py: strict JSON, CSRF and subscription
checks), a `RetryingGraphQLRouter` (graph/retries.py): transient failures rerun, what still fails is
UNAVAILABLE / HTTP 503. CORS (graph/cors.py) covers both HTTP and the WebSocket handshake. `/ready` probes each backend and names its state.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from prometheus_client.multiprocess import mark_process_dead
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from domain.games.expiry import ExpiryRule
from domain.games.ticker import GameTicker
from domain.infra import tracing
from domain.infra.health import probe_database, probe_redis, watch_engine
from domain.infra.job_queue import InProcessJobQueue
from domain.jobs import records as jobs
from graph import exports, graphiql, web
from graph.context import Context, Services
from graph.cors import OriginPolicy
from graph.disconnect import CancelOnDisconnect
from graph.http import LearnQLRouter
from graph.observability.exposition import metrics_endpoint, multiprocess
from graph.observability.requests import RequestLog
from graph.realtime.endpoint import WebSocketView
from graph.schema import create_schema

REQUEST_OVERHEAD = 1024 * 1024  # bytes a request may carry besides an uploaded document


class LearnQL(FastAPI):
    """FastAPI, except that WebSocket connections to /graphql skip its middleware and routing
    (graph/realtime/endpoint.py says why).

    Both first pass uvicorn's ProxyHeadersMiddleware: the scope's client becomes the address
    X-Forwarded-For names only when the peer is one of LEARNQL_TRUSTED_PROXIES (none by default),
    so a client cannot choose the address its rate limits are counted under.
    """

    websocket_view: WebSocketView
    proxy_headers: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.proxy_headers(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
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


def client_address(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def build_app(services: Services) -> LearnQL:
    """The app over a process's services (made by the composition root, learnql/composition.py)."""
    settings = services.settings
    watch_engine(services.engine, services.health.database)
    # /ready's own small client: the probe must not queue behind (or disturb) the broker's connections
    redis_probe = (
        Redis.from_url(settings.redis_url, max_connections=2, retry=Retry(NoBackoff(), 0))
        if settings.redis_url
        else None
    )

    async def get_context(request: Request) -> AsyncIterator[Context]:  # HTTP only: see LearnQL
        headers = request.headers
        # RequestLog (graph/observability/requests.py) echoed the client's X-Request-ID or made one
        request_id = getattr(request.state, "request_id", None) or headers.get("x-request-id")
        context = Context(services, headers.get("authorization"), request_id, client_address(request.scope))
        try:
            yield context
        finally:
            await context.release()  # after any loader batch still using the session (a cancelled request)

    schema = create_schema(settings)
    origins = OriginPolicy.of(settings)
    router = LearnQLRouter(
        schema,
        context_getter=cast(Any, get_context),
        graphql_ide="graphiql" if settings.introspection else None,  # GraphiQL reads the schema by introspection
        multipart_uploads_enabled=True,
        fast_json=settings.orjson,
        origins=origins,
    )

    ticker = GameTicker(
        services.readers,
        services.writers,
        lambda: services.clock(),
        services,
        settings.game_tick_interval_ms,
        ExpiryRule(timedelta(minutes=settings.game_idle_minutes), timedelta(hours=settings.game_max_age_hours)),
    )  # the server's clock of live games (domain/games/ticker.py)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await services.realtime.start()
        ticker.start()
        if isinstance(services.jobs, InProcessJobQueue):  # arq workers have their own sweeps and cron
            async with services.reading() as session:
                await services.jobs.send(await jobs.unfinished(session))
            services.jobs.start_periodic()
        yield
        await ticker.close()
        await services.live.close()  # open subscriptions complete
        await services.game_feeds.close()
        await services.limiter.close()
        await services.budget.close()
        if redis_probe is not None:
            await redis_probe.aclose()
        await services.close()  # in-process jobs finish (or are cancelled after a grace period), then connections
        if multiprocess():  # this process's live gauges (open connections, ...) stop counting
            mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

    # A request body over the upload limit (plus room for the other multipart fields) is answered 413
    # before it is read: without this Starlette would spool all of it to disk before any resolver ran.
    app = LearnQL(title="learnql", lifespan=lifespan, max_body_size=settings.upload_max_bytes + REQUEST_OVERHEAD)
    app.state.services = services
    app.state.game_ticker = ticker
    app.add_middleware(CancelOnDisconnect)  # a request whose client hung up stops running
    # CORS answers preflights and marks responses inside FastAPI; the WebSocket, which passes no
    # middleware, checks the same policy at its handshake.
    app.add_middleware(CORSMiddleware, **origins.middleware_options(settings.cors_max_age_seconds))
    app.websocket_view = WebSocketView(schema, services, origins)
    app.proxy_headers = cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, app._dispatch), settings.trusted_proxies))
    app.include_router(router, prefix="/graphql")
    if settings.introspection:  # GraphiQL's own assets (graph/graphiql.py)
        graphiql.mount(app)
    app.include_router(exports.router)

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return await metrics_endpoint(services)

    @app.get("/ready")
    async def ready() -> JSONResponse:
        """Each backend by name, "up" or "down" (the reason goes to the log once, never to the body)."""
        states = {"database": await probe_database(services.engine, services.health.database)}
        if redis_probe is not None:
            states["redis"] = await probe_redis(redis_probe, services.health.redis)
        ok = all(state == "up" for state in states.values())
        body = {"status": "ready" if ok else "unavailable", **states}
        return JSONResponse(body, status_code=200 if ok else 503, headers=None if ok else {"Retry-After": "5"})

    web.mount(app)  # last: the web app's fallback (index.html) answers only paths no route above takes
    return app
