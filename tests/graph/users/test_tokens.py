"""logout, logoutEverywhere, changePassword and deactivation through the API; roles come from the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.accounts import activation
from domain.models import Course
from domain.settings import Settings
from tests.factories import make_user
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import count
from tests.graph.test_n_plus_one import StatementCounter

VIEWER = "{ viewer { id role } }"
LOGOUT = "mutation { logout { user { id } errors { code } } }"
LOGOUT_EVERYWHERE = "mutation { logoutEverywhere { user { id } errors { code } } }"
CHANGE = """
mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) { token user { id } errors { field code message } }
}"""
LOGIN = "mutation($input: LoginInput!) { login(input: $input) { token errors { code message retryAfter } } }"
PASSWORD = "password-123"  # tests/factories.make_user's


def error_code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def login(api: Api, email: str, password: str = PASSWORD) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(LOGIN, {"input": {"email": email, "password": password}}))["login"]
    return result


async def test_logout_ends_the_token_it_was_sent_with_and_no_other(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    await session.commit()
    ended, other = api.token(user, now), api.token(user, now)

    logged_out = (await api.data(LOGOUT, token=ended))["logout"]
    after = await api.post(VIEWER, token=ended)
    again = await api.post(LOGOUT, token=ended)

    assert logged_out["errors"] == []
    assert error_code(after) == "UNAUTHENTICATED"
    assert "log in again" in after["errors"][0]["message"]
    assert error_code(again) == "UNAUTHENTICATED"
    assert (await api.data(VIEWER, token=other))["viewer"]["id"] == logged_out["user"]["id"]


async def test_logout_needs_a_token(api: Api) -> None:
    assert error_code(await api.post(LOGOUT)) == "UNAUTHENTICATED"
    assert error_code(await api.post(LOGOUT_EVERYWHERE)) == "UNAUTHENTICATED"


async def test_logout_everywhere_ends_every_token_and_a_new_login_works(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now, email="ada@example.org")
    await session.commit()
    tokens = [api.token(user, now) for _ in range(3)]

    result = (await api.data(LOGOUT_EVERYWHERE, token=tokens[0]))["logoutEverywhere"]
    fresh = await login(api, "ada@example.org")

    assert result["errors"] == []
    assert [error_code(await api.post(VIEWER, token=token)) for token in tokens] == ["UNAUTHENTICATED"] * 3
    assert (await api.data(VIEWER, token=fresh["token"]))["viewer"] is not None


async def test_change_password_needs_the_current_one_and_changes_nothing_without_it(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now, email="ada@example.org")
    await session.commit()
    token = api.token(user, now)

    wrong = await api.data(CHANGE, {"input": {"currentPassword": "nope", "newPassword": "new password 1"}}, token)
    short = await api.data(CHANGE, {"input": {"currentPassword": PASSWORD, "newPassword": "short"}}, token)

    assert [(e["field"], e["code"]) for e in wrong["changePassword"]["errors"]] == [
        (["currentPassword"], "INVALID_CREDENTIALS")
    ]
    assert [(e["field"], e["code"]) for e in short["changePassword"]["errors"]] == [(["newPassword"], "INVALID")]
    assert wrong["changePassword"]["token"] is None
    assert (await api.data(VIEWER, token=token))["viewer"] is not None
    assert (await login(api, "ada@example.org"))["errors"] == []


async def test_a_new_password_must_pass_the_password_policy_and_the_old_one_stays(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now, email="ada@example.org")
    await session.commit()
    token = api.token(user, now)

    common = await api.data(CHANGE, {"input": {"currentPassword": PASSWORD, "newPassword": "iloveyou"}}, token)
    own = await api.data(CHANGE, {"input": {"currentPassword": PASSWORD, "newPassword": "ada@example.org"}}, token)

    for body in (common, own):
        assert [(e["field"], e["code"]) for e in body["changePassword"]["errors"]] == [
            (["newPassword"], "PASSWORD_TOO_COMMON")
        ]
        assert body["changePassword"]["token"] is None
    assert (await login(api, "ada@example.org"))["errors"] == []


async def test_change_password_returns_a_new_token_and_ends_the_others(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now, email="ada@example.org")
    await session.commit()
    this, other = api.token(user, now), api.token(user, now)

    changed = await api.data(CHANGE, {"input": {"currentPassword": PASSWORD, "newPassword": "new password 1"}}, this)

    result = changed["changePassword"]
    assert result["errors"] == []
    assert [error_code(await api.post(VIEWER, token=token)) for token in (this, other)] == ["UNAUTHENTICATED"] * 2
    assert (await api.data(VIEWER, token=result["token"]))["viewer"]["id"] == result["user"]["id"]
    assert [e["code"] for e in (await login(api, "ada@example.org"))["errors"]] == ["INVALID_CREDENTIALS"]
    assert (await login(api, "ada@example.org", "new password 1"))["errors"] == []


async def test_a_deactivated_account_is_refused_at_once_and_cannot_log_in(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now, email="ada@example.org")
    await session.commit()
    token = api.token(user, now)
    assert (await api.data(VIEWER, token=token))["viewer"] is not None

    await activation.deactivate(session, "ada@example.org", now)
    await session.commit()

    refused = await api.post(VIEWER, token=token)
    assert error_code(refused) == "UNAUTHENTICATED"
    assert refused["errors"][0]["message"] == "This account is deactivated."
    assert [e["code"] for e in (await login(api, "ada@example.org"))["errors"]] == ["ACCOUNT_DEACTIVATED"]


async def test_a_forged_admin_role_claim_grants_nothing(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()
    claims = jwt.decode(api.token(learner, now), options={"verify_signature": False})
    forged = jwt.encode(claims | {"role": "ADMIN"}, settings.jwt_secret, algorithm="HS256")  # the right secret

    viewer = await api.data(VIEWER, token=forged)
    create = await api.post(
        'mutation { createCourse(input: {slug: "x", title: "X"}) { course { id } errors { code } } }', token=forged
    )

    assert viewer["viewer"]["role"] == "LEARNER"
    assert error_code(create) == "FORBIDDEN"
    assert await count(engine, Course) == 0


async def test_checking_the_token_costs_no_statement_besides_loading_the_viewer(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    user = await make_user(session, settings, now)
    await session.commit()
    token = api.token(user, now)

    counter = StatementCounter(engine)
    try:
        data = await api.data("{ viewer { id role xp } }", token=token)
    finally:
        counter.close()

    assert data["viewer"]["role"] == "LEARNER"
    assert len(counter.statements) == 1
    assert "revoked_tokens" in counter.statements[0]


async def test_an_invalid_token_fails_only_the_fields_that_need_the_viewer(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    await session.commit()
    token = api.token(user, now)
    await api.data(LOGOUT, token=token)

    body = await api.post("{ courses(first: 1) { edges { node { id } } } viewer { id } }", token=token)

    assert body["data"] == {"courses": {"edges": []}, "viewer": None}
    assert [(error["path"], error["extensions"]["code"]) for error in body["errors"]] == [
        (["viewer"], "UNAUTHENTICATED")
    ]
