"""Registration refuses common passwords and unknown time zones with a UserError, and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.models import User
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import count

REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { token user { id } errors { code field message } } }"


def registration(**changes: str) -> dict[str, object]:
    return {"i": {"email": "ada@example.org", "password": "tulip river cobalt", "displayName": "Ada"} | changes}


@pytest.mark.parametrize("password", ["password", "Sunshine", "12345678", "ada@example.org"])
async def test_a_common_password_is_refused(password: str, api: Api, engine: AsyncEngine) -> None:
    result = (await api.data(REGISTER, registration(password=password)))["register"]

    assert result["token"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("PASSWORD_TOO_COMMON", ["password"])]
    assert await count(engine, User) == 0


@pytest.mark.parametrize("timezone", ["Mars/Base", "localtime", "posixrules", "../../etc/passwd", "", "utc "])
async def test_an_unknown_time_zone_is_refused(timezone: str, api: Api, engine: AsyncEngine) -> None:
    result = (await api.data(REGISTER, registration(timezone=timezone)))["register"]

    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID", ["timezone"])]
    assert await count(engine, User) == 0


async def test_a_good_password_and_a_real_time_zone_register(api: Api, engine: AsyncEngine) -> None:
    result = (await api.data(REGISTER, registration(timezone="America/Argentina/Buenos_Aires")))["register"]

    assert result["errors"] == []
    assert result["token"] is not None
    assert await count(engine, User) == 1
