"""Bearer tokens: HS256 JWTs with exp/iss/aud checked, each with its own id (`jti`) and the version of
the account's tokens it was issued under (`ver`).

A token is good while all of this holds, checked on every request in the one statement that loads
the viewer (no cache, so no moment in which an ended token still works):

- its account exists and is not deactivated;
- the account's `token_version` equals the token's `ver`: logoutEverywhere, changePassword and
  deactivation raise the version, which ends every token issued before;
- its jti is not in revoked_tokens (logout). A revocation is kept until the token would have
  expired anyway; each logout deletes the revocations that have.

Nothing else in a token is trusted: the role in particular is always the account's, read from the
database with the viewer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from sqlalchemy import and_, delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from domain.errors import Unauthenticated
from domain.infra.database import dialect_insert
from domain.models import RevokedToken, User
from domain.settings import Settings

ALGORITHMS = ["HS256"]
REVOKED = "This token has ended (logged out or password changed); log in again."


@dataclass(frozen=True)
class TokenClaims:
    """What a valid token says: whose it is, its id, the account's token version and its expiry."""

    user_id: int
    jti: str
    version: int
    expires_at: datetime


def issue_token(settings: Settings, user: User, now: datetime) -> str:
    claims = {
        "sub": str(user.id),
        "jti": uuid.uuid4().hex,
        "ver": user.token_version,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=settings.jwt_ttl_seconds)).timestamp()),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHMS[0])


def decode_token(settings: Settings, token: str, now: datetime) -> TokenClaims:
    """The claims of a well-formed, correctly signed, unexpired token; Unauthenticated otherwise.

    Expiry is checked against the injected clock rather than PyJWT's wall clock.
    """
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=ALGORITHMS,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iss", "aud", "sub", "jti", "ver"], "verify_exp": False},
        )
    except jwt.PyJWTError as error:
        raise Unauthenticated("The token is invalid.") from error
    expiry = claims.get("exp")
    if not isinstance(expiry, int | float) or expiry <= now.timestamp():
        raise Unauthenticated("The token has expired; log in again.")
    subject, jti, version = claims.get("sub"), claims.get("jti"), claims.get("ver")
    # Only we sign tokens, but their values still go into SQL: nothing a column could not hold.
    if not (isinstance(subject, str) and subject.isascii() and subject.isdigit() and int(subject) < 2**31):
        raise Unauthenticated("The token is invalid.")
    if not (isinstance(jti, str) and jti.isascii() and jti.isalnum() and len(jti) <= 64 and type(version) is int):
        raise Unauthenticated("The token is invalid.")
    return TokenClaims(int(subject), jti, version, datetime.fromtimestamp(expiry, UTC))


async def authenticate(session: AsyncSession, claims: TokenClaims) -> User:
    """The account a token speaks for, if the token has not ended; one statement."""
    query = (
        select(User, col(RevokedToken.jti))
        .outerjoin(RevokedToken, and_(col(RevokedToken.jti) == claims.jti, col(RevokedToken.user_id) == col(User.id)))
        .where(col(User.id) == claims.user_id)
    )
    row = (await session.execute(query)).one_or_none()
    if row is None:
        raise Unauthenticated("The account of this token no longer exists.")
    user, revoked = row
    if user.deactivated_at is not None:
        raise Unauthenticated("This account is deactivated.")
    if revoked is not None or user.token_version != claims.version:
        raise Unauthenticated(REVOKED)
    return user


async def revoke(session: AsyncSession, claims: TokenClaims, now: datetime) -> None:
    """End this one token (logout); revocations of tokens that have expired since are deleted."""
    await session.execute(delete(RevokedToken).where(col(RevokedToken.expires_at) <= now))
    insert = dialect_insert(session)(RevokedToken).values(
        jti=claims.jti, user_id=claims.user_id, expires_at=claims.expires_at
    )
    await session.execute(insert.on_conflict_do_nothing(index_elements=["jti"]))


async def end_all(session: AsyncSession, user: User) -> None:
    """End every token of the account issued so far; tokens issued after this carry the new version."""
    assert user.id is not None
    bump = (
        update(User)
        .where(col(User.id) == user.id)
        .values(token_version=col(User.token_version) + 1)
        .returning(col(User.token_version))
        .execution_options(synchronize_session=False)
    )
    version = (await session.execute(bump)).scalar_one()
    set_committed_value(user, "token_version", version)  # the database's count, not a stale copy + 1
