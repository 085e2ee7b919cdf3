"""Tokens end when they should: logout (one), logout everywhere and password changes (all), deactivation."""

from __future__ import annotations

from datetime import datetime, timedelta

import jwt
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.accounts import activation, tokens
from domain.errors import NotFound, Unauthenticated
from domain.models import RevokedToken, User
from domain.settings import Settings
from tests.factories import make_user


def claims_of(settings: Settings, user: User, now: datetime) -> tokens.TokenClaims:
    return tokens.decode_token(settings, tokens.issue_token(settings, user, now), now)


async def refusal(session: AsyncSession, claims: tokens.TokenClaims) -> str:
    with pytest.raises(Unauthenticated) as refused:
        await tokens.authenticate(session, claims)
    return refused.value.message


async def test_a_token_names_its_account_has_its_own_id_and_the_accounts_version(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)

    first, second = claims_of(settings, user, now), claims_of(settings, user, now)

    assert (first.user_id, first.version) == (user.id, 0)
    assert first.jti != second.jti
    assert first.expires_at == now + timedelta(seconds=settings.jwt_ttl_seconds)
    assert await tokens.authenticate(session, first) is user


async def test_logout_ends_that_token_only(session: AsyncSession, settings: Settings, now: datetime) -> None:
    user = await make_user(session, settings, now)
    ended, other = claims_of(settings, user, now), claims_of(settings, user, now)

    await tokens.revoke(session, ended, now)
    await tokens.revoke(session, ended, now)  # twice: no harm done

    assert "log in again" in await refusal(session, ended)
    assert await tokens.authenticate(session, other) is user


async def test_a_logout_deletes_revocations_of_tokens_that_have_expired(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    old = claims_of(settings, user, now - timedelta(seconds=settings.jwt_ttl_seconds + 60))
    await tokens.revoke(session, old, now - timedelta(days=1))

    await tokens.revoke(session, claims_of(settings, user, now), now)

    remaining = (await session.execute(select(RevokedToken.jti))).scalars().all()
    assert len(remaining) == 1
    assert old.jti not in remaining


async def test_ending_all_tokens_ends_those_issued_before_only(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    before = [claims_of(settings, user, now) for _ in range(2)]

    await tokens.end_all(session, user)
    after = claims_of(settings, user, now)

    assert user.token_version == 1
    assert [await refusal(session, claims) for claims in before] == [tokens.REVOKED] * 2
    assert after.version == 1
    assert await tokens.authenticate(session, after) is user


async def test_a_deactivated_account_is_refused_and_reactivation_revives_no_old_token(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now, email="ada@example.org")
    before = claims_of(settings, user, now)

    await activation.deactivate(session, " Ada@Example.org ", now)
    await activation.deactivate(session, "ada@example.org", now)  # again: nothing more changes
    refused_while_deactivated = await refusal(session, before)
    await activation.reactivate(session, "ada@example.org")

    assert refused_while_deactivated == "This account is deactivated."
    assert user.token_version == 1
    assert await refusal(session, before) == tokens.REVOKED
    assert await tokens.authenticate(session, claims_of(settings, user, now)) is user


async def test_deactivating_an_unknown_email_is_not_found(session: AsyncSession, now: datetime) -> None:
    with pytest.raises(NotFound, match="nobody@example.org"):
        await activation.deactivate(session, "nobody@example.org", now)


async def test_a_token_of_a_deleted_account_is_refused(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    claims = claims_of(settings, user, now)
    await session.delete(user)
    await session.flush()

    assert await refusal(session, claims) == "The account of this token no longer exists."


@pytest.mark.parametrize(
    "change",
    [
        {"jti": None},  # issued before tokens had ids
        {"ver": None},
        {"ver": "0"},
        {"sub": "99999999999999999999"},  # past any id column
        {"sub": "²"},
        {"jti": "not\x00hex"},
    ],
)
def test_tokens_without_a_usable_id_or_version_are_invalid(
    change: dict[str, object], settings: Settings, now: datetime
) -> None:
    claims: dict[str, object] = {
        "sub": "1",
        "jti": "abc123",
        "ver": 0,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }
    claims.update(change)
    token = jwt.encode({k: v for k, v in claims.items() if v is not None}, settings.jwt_secret, algorithm="HS256")

    with pytest.raises(Unauthenticated, match="The token is invalid."):
        tokens.decode_token(settings, token, now)
