"""Accounts and tokens: argon2id password hashes, HS256 JWTs with exp/iss/aud checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.accounts.passwords import check_password
from domain.errors import Conflict, Invalid, InvalidErrors, Unauthenticated
from domain.models import Role, User
from domain.settings import Settings

ALGORITHMS = ["HS256"]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD, MAX_PASSWORD = 8, 256
MAX_EMAIL, MAX_DISPLAY_NAME, MAX_TIMEZONE = 320, 100, 64


@dataclass(frozen=True)
class Registration:
    email: str
    password: str
    display_name: str
    timezone: str = "UTC"


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def hash_password(settings: Settings, password: str) -> str:
    return _hasher(settings.password_time_cost, settings.password_memory_kib).hash(password)


def verify_password(settings: Settings, password_hash: str, password: str) -> bool:
    try:
        return _hasher(settings.password_time_cost, settings.password_memory_kib).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(settings: Settings, user: User, now: datetime) -> str:
    claims = {
        "sub": str(user.id),
        "role": user.role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=settings.jwt_ttl_seconds)).timestamp()),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHMS[0])


def decode_token(settings: Settings, token: str, now: datetime) -> int:
    """The user id a valid token speaks for; Unauthenticated with the reason otherwise.

    Expiry is checked against the injected clock rather than PyJWT's wall clock.
    """
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=ALGORITHMS,
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iss", "aud", "sub"], "verify_exp": False},
        )
    except jwt.PyJWTError as error:
        raise Unauthenticated("The token is invalid.") from error
    expiry = claims.get("exp")
    if not isinstance(expiry, int | float) or expiry <= now.timestamp():
        raise Unauthenticated("The token has expired; log in again.")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.isdigit():
        raise Unauthenticated("The token is invalid.")
    return int(subject)


@lru_cache(maxsize=1)
def _known_timezones() -> frozenset[str]:
    """The IANA names the tzdata package ships: the same on every machine."""
    return frozenset(resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split())


def validate_timezone(name: str) -> str:
    """An IANA name from the tz database. Not whatever ZoneInfo opens: that also reads the server's own
    files, such as /usr/share/zoneinfo/localtime, whose meaning changes with the machine."""
    try:
        if name not in _known_timezones():
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise Invalid(f"Unknown IANA time zone {name!r}.", field=["timezone"]) from error
    return name


def _validate(registration: Registration) -> Registration:
    errors: list[Invalid] = []
    email = registration.email.strip().lower()
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        errors.append(Invalid("Enter a valid email address.", field=["email"]))
    if not MIN_PASSWORD <= len(registration.password) <= MAX_PASSWORD:
        errors.append(
            Invalid(
                f"The password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters.",
                field=["password"],
            )
        )
    elif weak := check_password(registration.password, email=email, display_name=registration.display_name):
        errors.append(weak)
    display_name = registration.display_name.strip()
    if not 1 <= len(display_name) <= MAX_DISPLAY_NAME:
        errors.append(Invalid(f"The display name must have 1 to {MAX_DISPLAY_NAME} characters.", field=["displayName"]))
    try:
        validate_timezone(registration.timezone)
    except Invalid as error:
        errors.append(error)
    if errors:
        raise InvalidErrors(errors)
    return Registration(email, registration.password, display_name, registration.timezone)


async def create_user(
    session: AsyncSession,
    settings: Settings,
    registration: Registration,
    *,
    role: Role,
    now: datetime,
) -> User:
    """A new account; the unique email constraint decides between concurrent sign-ups."""
    valid = _validate(registration)
    user = User(
        email=valid.email,
        display_name=valid.display_name,
        password_hash=hash_password(settings, valid.password),
        role=role.value,
        timezone=valid.timezone,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError as error:
        raise Conflict(
            "An account with this email exists already.",
            field=["email"],
            code="EMAIL_TAKEN",
        ) from error
    return user


async def register(session: AsyncSession, settings: Settings, registration: Registration, now: datetime) -> User:
    """Self-service sign-up: always a learner."""
    return await create_user(session, settings, registration, role=Role.LEARNER, now=now)


async def login(session: AsyncSession, settings: Settings, email: str, password: str) -> User:
    user = (await session.execute(select(User).where(col(User.email) == email.strip().lower()))).scalar_one_or_none()
    if user is None or not verify_password(settings, user.password_hash, password):
        raise Invalid("Wrong email or password.", code="INVALID_CREDENTIALS")
    return user
