"""LEARNQL_INTROSPECTION: on by default; off, the schema cannot be read or guessed from error messages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.settings import Settings
from learnql.composition import create_app

GUESSES = {
    "field": ("{ viewr { id } }", None),
    "argument": ("{ courses(frist: 1) { edges { cursor } } }", None),
    "enum value": ("{ leaderboard(scope: {kind: ALLTIME}) { entries { xp } } }", None),
    "type": ("query($s: LeaderbordScopeInput!) { leaderboard(scope: $s) { entries { xp } } }", None),
    "input field": (
        "mutation($i: RegisterInput!) { register(input: $i) { token } }",
        {"i": {"emial": "a@b.org", "password": "long-enough", "displayName": "A"}},
    ),
    "subfields": ("{ courses }", None),
}


@asynccontextmanager
async def client(settings: Settings, engine: AsyncEngine, introspection: bool) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"introspection": introspection}), engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def post(http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}})
    body: dict[str, Any] = response.json()
    return body


async def test_introspection_and_suggestions_are_on_by_default(settings: Settings, engine: AsyncEngine) -> None:
    assert Settings().introspection

    async with client(settings, engine, introspection=True) as http:
        schema = await post(http, "{ __schema { queryType { name } } }")
        guess = await post(http, "{ viewr { id } }")
        ide = await http.get("/graphql", headers={"Accept": "text/html"})

    assert schema["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    assert guess["errors"][0]["message"] == "Cannot query field 'viewr' on type 'Query'. Did you mean 'viewer'?"
    assert ide.status_code == 200


@pytest.mark.parametrize("query", ["{ __schema { types { name } } }", '{ __type(name: "User") { fields { name } } }'])
async def test_without_introspection_the_schema_cannot_be_read(
    query: str, settings: Settings, engine: AsyncEngine
) -> None:
    async with client(settings, engine, introspection=False) as http:
        body = await post(http, query)
        typename = await post(http, "{ __typename }")
        ide = await http.get("/graphql", headers={"Accept": "text/html"})

    assert body["data"] is None
    assert "introspection has been disabled" in body["errors"][0]["message"]
    assert typename["data"] == {"__typename": "Query"}
    assert ide.status_code == 404


@pytest.mark.parametrize("guess", list(GUESSES))
async def test_without_introspection_errors_suggest_nothing(
    guess: str, settings: Settings, engine: AsyncEngine
) -> None:
    query, variables = GUESSES[guess]
    async with client(settings, engine, introspection=True) as http:
        suggested = await post(http, query, variables)
    async with client(settings, engine, introspection=False) as http:
        hidden = await post(http, query, variables)

    suggesting = [error["message"] for error in suggested["errors"] if " Did you mean " in error["message"]]
    assert suggesting != []
    assert [error["message"] for error in hidden["errors"]] == [
        re.sub(r" Did you mean [^?]*\?", "", error["message"]) for error in suggested["errors"]
    ]
    assert all("Did you mean" not in error["message"] for error in hidden["errors"])
