"""register, login and viewer."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.models import User
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import count

REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) { token user { id displayName role timezone xp email } errors { field code message } }
}"""
LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token user { id } errors { field code message } } }"


def registration(**changes: str) -> dict[str, dict[str, str]]:
    values = {
        "email": "Ada@Example.org",
        "password": "correct horse",
        "displayName": "Ada",
        "timezone": "Europe/Berlin",
    }
    return {"input": values | changes}


async def test_register_then_log_in_and_read_the_viewer(api: Api) -> None:
    registered = (await api.data(REGISTER, registration()))["register"]

    assert registered["errors"] == []
    assert registered["user"]["role"] == "LEARNER"
    assert registered["user"]["email"] is None  # the anonymous caller of register is not the user yet
    logged_in = (await api.data(LOGIN, {"input": {"email": "ada@example.org", "password": "correct horse"}}))["login"]
    assert logged_in["errors"] == []
    viewer = await api.data(
        "{ viewer { id email xp streak { current best } profile { totalXp accuracy } } }", token=logged_in["token"]
    )
    assert viewer["viewer"] == {
        "id": registered["user"]["id"],
        "email": "ada@example.org",
        "xp": 0,
        "streak": {"current": 0, "best": 0},
        "profile": {"totalXp": 0, "accuracy": None},
    }


async def test_anonymous_viewer_is_null(api: Api) -> None:
    assert await api.data("{ viewer { id } }") == {"viewer": None}


async def test_registration_errors_are_reported_per_field(api: Api, engine: AsyncEngine) -> None:
    result = (
        await api.data(REGISTER, registration(email="nope", password="short", displayName=" ", timezone="Mars/Base"))
    )["register"]

    assert result["token"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        (["email"], "INVALID"),
        (["password"], "INVALID"),
        (["displayName"], "INVALID"),
        (["timezone"], "INVALID"),
    ]
    assert await count(engine, User) == 0


async def test_a_taken_email_is_refused_even_under_concurrency(api: Api, engine: AsyncEngine) -> None:
    results = await asyncio.gather(*(api.data(REGISTER, registration()) for _ in range(5)))

    codes = sorted(e["code"] for r in results for e in r["register"]["errors"])
    assert codes == ["EMAIL_TAKEN"] * 4
    assert await count(engine, User) == 1


async def test_wrong_password_gets_invalid_credentials(api: Api) -> None:
    await api.data(REGISTER, registration())

    result = (await api.data(LOGIN, {"input": {"email": "ada@example.org", "password": "wrong password"}}))["login"]

    assert result["token"] is None
    assert [e["code"] for e in result["errors"]] == ["INVALID_CREDENTIALS"]


async def test_register_only_makes_learners(api: Api, now: datetime) -> None:
    body = await api.post(
        'mutation { register(input: {email: "x@y.org", password: "12345678", displayName: "X", role: ADMIN}) { token } }'
    )

    assert "role" in body["errors"][0]["message"]
