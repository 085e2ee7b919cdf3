"""Accounts: sign-up, login and password changes over argon2id password hashes.

Login is throttled: failed logins are counted per account (normalized email, whether it exists or
not) and per client address, and past either limit every login of that account or address answers
LOGIN_THROTTLED until the window frees up - the same answer for a known and an unknown email. A
login for an unknown email verifies the password against a dummy hash, so it takes as long as a
wrong password for a real account. Sign-ups are limited per address: `register` still answers
EMAIL_TAKEN (people need to know), and the limit keeps it from being a faster way to test many
emails than login is. Tokens: domain/accounts/tokens.py.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from domain.accounts import tokens
from domain.accounts.passwords import check_password
from domain.accounts.tokens import decode_token, issue_token
from domain.errors import Conflict, Invalid, InvalidErrors, LoginThrottled
from domain.infra.limiter import Limiter, LimitName, client_key
from domain.models import Role, User
from domain.settings import Settings

__all__ = [
    "Registration",
    "change_password",
    "check_current_password",
    "create_user",
    "decode_token",
    "hash_password",
    "issue_token",
    "login",
    "register",
    "verify_password",
]

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


def _costs(settings: Settings) -> tuple[int, int]:
    return settings.password_time_cost, settings.password_memory_kib


def hash_password(settings: Settings, password: str) -> str:
    return _hasher(*_costs(settings)).hash(password)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_kib: int) -> str:
    """A hash of no one's password, made with the current parameters: what unknown emails are checked against."""
    return _hasher(time_cost, memory_kib).hash("not anyone's password")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def verify_password(settings: Settings, password_hash: str, password: str) -> bool:
    try:
        return _hasher(*_costs(settings)).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Argon2 takes tens of milliseconds of CPU by design; argon2-cffi lets go of the GIL while it works, so in a
# thread of the default executor it no longer holds up every other request of the event loop.


async def hash_password_off_loop(settings: Settings, password: str) -> str:
    return await asyncio.to_thread(hash_password, settings, password)


async def verify_password_off_loop(settings: Settings, password_hash: str | None, password: str) -> bool:
    """`verify_password` in a worker thread; no hash (an unknown email) is checked against a decoy hash."""

    def verify() -> bool:
        return verify_password(settings, password_hash or _dummy_hash(*_costs(settings)), password)

    return await asyncio.to_thread(verify)


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


def password_problem(password: str, field: list[str], *, email: str = "", display_name: str = "") -> Invalid | None:
    """What is wrong with a new password, if anything: its length, or the policy of domain/accounts/passwords.py."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        return Invalid(f"The password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters.", field=field)
    return check_password(password, email=email, display_name=display_name, field=field)


def _validate(registration: Registration) -> Registration:
    errors: list[Invalid] = []
    email = normalize_email(registration.email)
    if len(email) > MAX_EMAIL or not EMAIL.match(email):
        errors.append(Invalid("Enter a valid email address.", field=["email"]))
    if problem := password_problem(
        registration.password, ["password"], email=email, display_name=registration.display_name
    ):
        errors.append(problem)
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
        password_hash=await hash_password_off_loop(settings, valid.password),
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


async def register(
    session: AsyncSession,
    settings: Settings,
    limiter: Limiter,
    registration: Registration,
    now: datetime,
    client: str | None,
) -> User:
    """Self-service sign-up: always a learner; at most `limit_register_per_ip` attempts per address."""
    await limiter.acquire("register_per_ip", client_key(client), "sign-ups from this address")
    return await create_user(session, settings, registration, role=Role.LEARNER, now=now)


@asynccontextmanager
async def _login_attempt(limiter: Limiter, email: str, client: str | None) -> AsyncIterator[None]:
    """A login attempt under the throttle: refused first if throttled, before the account is read or a
    password hashed; else in flight until its failure, if any, is counted (`_count_failure` in the
    body). The attempts in flight count against the limits too, so of concurrent wrong passwords no
    more pass the check than the limits have room for. The windows and the in-flight counters are
    read at once (two Redis round trips' wait in all)."""
    keys: dict[LimitName, str] = {"login_failures_per_account": email, "login_failures_per_ip": client_key(client)}
    in_flight = await asyncio.gather(*(limiter.begin(name, key) for name, key in keys.items()))
    try:
        waits = await asyncio.gather(
            *(
                limiter.retry_after(name, key, in_flight=count)
                for (name, key), count in zip(keys.items(), in_flight, strict=True)
            )
        )
        for name, wait in zip(keys, waits, strict=True):
            if wait:
                limiter.refused(name)
        if max(waits):
            raise LoginThrottled(max(waits))
        yield
    finally:
        await asyncio.gather(*(limiter.end(name, key) for name, key in keys.items()))


async def _count_failure(limiter: Limiter, email: str, client: str | None) -> None:
    await asyncio.gather(
        limiter.hit("login_failures_per_account", email), limiter.hit("login_failures_per_ip", client_key(client))
    )


async def login(
    session: AsyncSession, settings: Settings, limiter: Limiter, email: str, password: str, client: str | None
) -> User:
    """The account of these credentials; throttled by failures per account and per client address."""
    address = normalize_email(email)
    async with _login_attempt(limiter, address, client):
        query = select(User).where(col(User.email) == address)
        user = (await session.execute(query)).scalar_one_or_none()
        # An unknown email costs a hash verification too: its answer must not come back faster.
        expected = user.password_hash if user is not None else None
        if not await verify_password_off_loop(settings, expected, password) or user is None:
            await _count_failure(limiter, address, client)
            raise Invalid("Wrong email or password.", code="INVALID_CREDENTIALS")
    if user.deactivated_at is not None:  # told only to whoever knows the password
        raise Invalid("This account is deactivated.", code="ACCOUNT_DEACTIVATED")
    return user


async def check_current_password(
    settings: Settings, limiter: Limiter, user: User, password: str, client: str | None, field: list[str]
) -> None:
    """The viewer proves they know their password (a stolen token is not enough to change or delete the
    account); a wrong one counts as a failed login of the account, so the login throttle applies."""
    async with _login_attempt(limiter, user.email, client):
        if not await verify_password_off_loop(settings, user.password_hash, password):
            await _count_failure(limiter, user.email, client)
            raise Invalid("The current password is wrong.", field=field, code="INVALID_CREDENTIALS")


async def change_password(
    session: AsyncSession,
    settings: Settings,
    limiter: Limiter,
    user: User,
    current: str,
    new: str,
    client: str | None,
) -> User:
    """A new password for the viewer, who must know the current one; every token issued before ends.

    Wrong current passwords count as failed logins of the account: a stolen token is no way around
    the login throttle.
    """
    await check_current_password(settings, limiter, user, current, client, ["currentPassword"])
    if problem := password_problem(new, ["newPassword"], email=user.email, display_name=user.display_name):
        raise problem
    user.password_hash = await hash_password_off_loop(settings, new)
    await tokens.end_all(session, user)
    return user
