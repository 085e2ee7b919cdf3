"""CORS: which pages may call the API from a browser, answered by Starlette's CORSMiddleware.

The `settings` fixture is the embedded default on SQLite and production on PostgreSQL, so the tests
that leave LEARNQL_CORS_ORIGINS unset see both defaults.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from graph.cors import OriginPolicy
from learnql.composition import create_app

LOCAL = "http://localhost:5173"
APP = "https://app.example.org"
SENT_HEADERS = "authorization, content-type, x-request-id, apollo-require-preflight, x-apollo-operation-name"


@asynccontextmanager
async def client(settings: Settings, engine: AsyncEngine, **changes: object) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=changes), engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def preflight(http: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await http.options(
        "/graphql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": SENT_HEADERS,
        },
    )


async def post(http: httpx.AsyncClient, origin: str) -> httpx.Response:
    return await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": origin})


async def test_the_default_allows_local_development_pages_only_on_the_embedded_default(
    settings: Settings, engine: AsyncEngine
) -> None:
    async with client(settings, engine) as http:
        answer = await preflight(http, LOCAL)
        response = await post(http, LOCAL)

    if settings.production:
        assert answer.status_code == 400
        assert "access-control-allow-origin" not in answer.headers
        assert "access-control-allow-origin" not in response.headers
    else:
        assert answer.status_code == 200
        assert answer.headers["access-control-allow-origin"] == LOCAL
        assert response.headers["access-control-allow-origin"] == LOCAL
    assert response.json()["data"] == {"__typename": "Query"}  # CORS is the browser's to enforce


async def test_a_preflight_allows_what_clients_send_and_may_be_cached(settings: Settings, engine: AsyncEngine) -> None:
    async with client(settings, engine, cors_origins=[APP], cors_max_age_seconds=900) as http:
        answer = await preflight(http, APP)

    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == APP
    assert answer.headers["access-control-max-age"] == "900"
    assert {"GET", "POST"} <= set(answer.headers["access-control-allow-methods"].split(", "))
    allowed = {header.lower() for header in answer.headers["access-control-allow-headers"].split(", ")}
    assert set(SENT_HEADERS.split(", ")) <= allowed
    assert "access-control-allow-credentials" not in answer.headers  # tokens travel in headers, not cookies


async def test_configured_origins_replace_the_default(settings: Settings, engine: AsyncEngine) -> None:
    async with client(settings, engine, cors_origins=[APP]) as http:
        allowed = await post(http, APP)
        local = await preflight(http, LOCAL)
        other = await preflight(http, "https://evil.example")

    assert allowed.headers["access-control-allow-origin"] == APP
    assert allowed.headers["access-control-expose-headers"] == "Retry-After"
    assert local.status_code == other.status_code == 400
    assert "access-control-allow-origin" not in other.headers


async def test_a_star_allows_every_origin(settings: Settings, engine: AsyncEngine) -> None:
    async with client(settings, engine, cors_origins=["*"]) as http:
        answer = await preflight(http, "https://anywhere.example")
        response = await post(http, "https://anywhere.example")

    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-origin"] == "*"


async def test_an_empty_list_allows_none_even_on_the_embedded_default(settings: Settings, engine: AsyncEngine) -> None:
    async with client(settings, engine, cors_origins=[]) as http:
        answer = await preflight(http, LOCAL)

    assert answer.status_code == 400


def test_origins_are_read_from_a_comma_separated_list_and_normalized() -> None:
    settings = Settings(cors_origins=" https://App.Example.org:443/ ,http://localhost:8080")

    assert settings.cors_origins == [APP, "http://localhost:8080"]
    assert Settings(cors_origins="").cors_origins == []


@pytest.mark.parametrize("origin", ["app.example.org", "ftp://app.example.org", "https://app.example.org/path"])
def test_a_value_that_is_not_an_origin_is_refused_at_start(origin: str) -> None:
    with pytest.raises(ValueError, match="is not an origin"):
        Settings(cors_origins=origin)


@pytest.mark.parametrize(
    "origin", ["http://localhost", "http://localhost:5173", "https://127.0.0.1:8443", "http://[::1]:3000"]
)
def test_the_development_pattern_allows_local_pages(origin: str) -> None:
    assert OriginPolicy.of(Settings()).allows(origin)


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost.evil.example",
        "http://localhost:5173.evil.example",
        "https://evil.example/?http://localhost",
        "http://127.0.0.1.evil.example",
        "null",
        "file://",
    ],
)
def test_the_development_pattern_refuses_look_alikes(origin: str) -> None:
    assert not OriginPolicy.of(Settings()).allows(origin)


def test_production_allows_no_origin_until_configured() -> None:
    production = Settings(database_url="postgresql+asyncpg://db/learnql")

    assert not OriginPolicy.of(production).allows(LOCAL)
    assert OriginPolicy.of(production.model_copy(update={"cors_origins": [APP]})).allows(APP)
