"""Login throttling per account and per address, password changes, deactivated logins, sign-up limits."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench.services import drop_keys
from domain.accounts import activation, auth
from domain.errors import DomainError, Invalid, LoginThrottled, RateLimited
from domain.infra.database import session_factory
from domain.infra.limiter import Limiter, create_limiter
from domain.settings import Settings
from tests.factories import make_user
from tests.services import REDIS_URL, require

PASSWORD = "password-123"  # tests/factories.make_user's
HOME, ELSEWHERE = "198.51.100.1", "198.51.100.2"


@pytest.fixture
async def strict(settings: Settings) -> AsyncIterator[Limiter]:
    """3 failures per account, 5 per address, 2 sign-ups per address."""
    limits = {
        "limit_login_failures_per_account": "3 per 15 minutes",
        "limit_login_failures_per_ip": "5 per 15 minutes",
        "limit_register_per_ip": "2 per hour",
    }
    limiter = create_limiter(settings.model_copy(update=limits))
    yield limiter
    await limiter.close()


async def attempt(
    session: AsyncSession, settings: Settings, limiter: Limiter, email: str, password: str, ip: str
) -> str:
    """The code a login answers with ("OK" when it succeeds)."""
    try:
        await auth.login(session, settings, limiter, email, password, ip)
    except DomainError as error:
        return error.code
    return "OK"


async def test_an_account_is_throttled_after_its_failures_even_for_the_right_password(
    session: AsyncSession, settings: Settings, strict: Limiter, now: datetime
) -> None:
    await make_user(session, settings, now, email="ada@example.org")

    failures = [await attempt(session, settings, strict, "ada@example.org", "wrong", HOME) for _ in range(3)]
    with pytest.raises(LoginThrottled) as throttled:
        await auth.login(session, settings, strict, " ADA@example.org", PASSWORD, ELSEWHERE)

    assert failures == ["INVALID_CREDENTIALS"] * 3
    assert 0 < throttled.value.retry_after <= 15 * 60
    assert throttled.value.message == f"Too many failed logins; try again in {throttled.value.retry_after} seconds."


async def test_an_unknown_email_is_throttled_the_same_way(
    session: AsyncSession, settings: Settings, strict: Limiter
) -> None:
    failures = [await attempt(session, settings, strict, "nobody@example.org", "wrong", HOME) for _ in range(4)]

    assert failures == ["INVALID_CREDENTIALS"] * 3 + ["LOGIN_THROTTLED"]


async def test_a_throttled_login_is_refused_before_it_reads_the_account_or_hashes_a_password(
    session: AsyncSession, settings: Settings, strict: Limiter, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_user(session, settings, now, email="ada@example.org")
    for _ in range(3):
        await attempt(session, settings, strict, "ada@example.org", "wrong", HOME)
    statements: list[object] = []
    record = statements.append  # one bound method: the same object to listen with and to remove
    event.listen(session.sync_session, "do_orm_execute", record)
    hashed: list[str] = []
    verify = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda *args: hashed.append("verify") or verify(*args))

    answer = await attempt(session, settings, strict, "ada@example.org", PASSWORD, HOME)

    event.remove(session.sync_session, "do_orm_execute", record)
    assert (answer, statements, hashed) == ("LOGIN_THROTTLED", [], [])


async def test_an_address_is_throttled_after_failures_on_many_accounts(
    session: AsyncSession, settings: Settings, strict: Limiter, now: datetime
) -> None:
    await make_user(session, settings, now, email="ada@example.org")

    spray = [await attempt(session, settings, strict, f"user{n}@example.org", "wrong", HOME) for n in range(5)]
    from_home = await attempt(session, settings, strict, "ada@example.org", PASSWORD, HOME)
    from_elsewhere = await attempt(session, settings, strict, "ada@example.org", PASSWORD, ELSEWHERE)

    assert spray == ["INVALID_CREDENTIALS"] * 5
    assert (from_home, from_elsewhere) == ("LOGIN_THROTTLED", "OK")


async def test_successful_logins_are_not_counted(
    session: AsyncSession, settings: Settings, strict: Limiter, now: datetime
) -> None:
    await make_user(session, settings, now, email="ada@example.org")

    results = {await attempt(session, settings, strict, "ada@example.org", PASSWORD, HOME) for _ in range(8)}

    assert results == {"OK"}


async def test_a_deactivated_account_cannot_log_in_and_says_so_only_to_its_password(
    session: AsyncSession, settings: Settings, limiter: Limiter, now: datetime
) -> None:
    await make_user(session, settings, now, email="ada@example.org")
    await activation.deactivate(session, "ada@example.org", now)

    wrong = await attempt(session, settings, limiter, "ada@example.org", "wrong", HOME)
    right = await attempt(session, settings, limiter, "ada@example.org", PASSWORD, HOME)

    assert (wrong, right) == ("INVALID_CREDENTIALS", "ACCOUNT_DEACTIVATED")


async def test_a_password_change_needs_the_current_password_and_ends_every_token(
    session: AsyncSession, settings: Settings, limiter: Limiter, now: datetime
) -> None:
    user = await make_user(session, settings, now, email="ada@example.org")

    with pytest.raises(Invalid) as wrong:
        await auth.change_password(session, settings, limiter, user, "wrong", "new password 1", HOME)
    with pytest.raises(Invalid) as short:
        await auth.change_password(session, settings, limiter, user, PASSWORD, "short", HOME)
    version_before = user.token_version
    await auth.change_password(session, settings, limiter, user, PASSWORD, "new password 1", HOME)

    assert (wrong.value.code, wrong.value.field) == ("INVALID_CREDENTIALS", ["currentPassword"])
    assert (short.value.code, short.value.field) == ("INVALID", ["newPassword"])
    assert (version_before, user.token_version) == (0, 1)
    assert await attempt(session, settings, limiter, "ada@example.org", PASSWORD, HOME) == "INVALID_CREDENTIALS"
    assert await attempt(session, settings, limiter, "ada@example.org", "new password 1", HOME) == "OK"


async def test_wrong_current_passwords_count_as_failed_logins(
    session: AsyncSession, settings: Settings, strict: Limiter, now: datetime
) -> None:
    user = await make_user(session, settings, now, email="ada@example.org")
    for _ in range(3):
        with pytest.raises(Invalid):
            await auth.change_password(session, settings, strict, user, "wrong", "new password 1", HOME)

    with pytest.raises(LoginThrottled):
        await auth.change_password(session, settings, strict, user, PASSWORD, "new password 1", HOME)
    assert await attempt(session, settings, strict, "ada@example.org", PASSWORD, ELSEWHERE) == "LOGIN_THROTTLED"


async def test_sign_ups_are_limited_per_address_whatever_their_outcome(
    session: AsyncSession, settings: Settings, strict: Limiter, now: datetime
) -> None:
    def registration(email: str) -> auth.Registration:
        return auth.Registration(email, PASSWORD, "Ada")

    await auth.register(session, settings, strict, registration("ada@example.org"), now, HOME)
    with pytest.raises(DomainError) as taken:
        await auth.register(session, settings, strict, registration("ada@example.org"), now, HOME)
    with pytest.raises(RateLimited) as refused:
        await auth.register(session, settings, strict, registration("bob@example.org"), now, HOME)
    elsewhere = await auth.register(session, settings, strict, registration("bob@example.org"), now, ELSEWHERE)

    assert taken.value.code == "EMAIL_TAKEN"
    assert 0 < refused.value.retry_after <= 3600
    assert elsewhere.email == "bob@example.org"


CHECKS = [("ada@example.org", PASSWORD), ("ada@example.org", "wrong"), ("nobody@example.org", "wrong")]


async def test_password_checks_run_off_the_event_loop(
    session: AsyncSession, settings: Settings, strict: Limiter, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Argon2 costs tens of milliseconds by design: on the loop's thread it would hold up every other request."""
    await make_user(session, settings, now, email="ada@example.org")
    threads: list[int] = []
    verify = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda *args: threads.append(threading.get_ident()) or verify(*args))

    answers = [await attempt(session, settings, strict, email, password, HOME) for email, password in CHECKS]

    assert answers == ["OK", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS"]
    assert len(threads) == 3
    assert threading.get_ident() not in threads


@pytest.mark.parametrize("store", ["memory", "redis"])
async def test_concurrent_wrong_passwords_get_no_more_tries_than_the_limit(
    store: str, session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    """Twelve wrong passwords at once: the attempts in flight count against the limit, so no more than
    its 3 get a password check, however the twelve interleave (on Redis: as two API processes would)."""
    await make_user(session, settings, now, email="ada@example.org")
    await session.commit()
    changes: dict[str, str] = {"limit_login_failures_per_account": "3 per 15 minutes"}
    if store == "redis":
        require("Redis", REDIS_URL, 6379)
        changes |= {"redis_url": REDIS_URL, "redis_prefix": f"learnql-test-{uuid.uuid4().hex[:12]}:"}
    limited = settings.model_copy(update=changes)
    limiters = [create_limiter(limited) for _ in range(2 if store == "redis" else 1)]
    factory = session_factory(engine)

    async def one(index: int) -> str:
        async with factory() as own:
            return await attempt(own, settings, limiters[index % len(limiters)], "ada@example.org", "wrong", HOME)

    try:
        codes = await asyncio.gather(*(one(index) for index in range(12)))
        after = await attempt(session, settings, limiters[0], "ada@example.org", PASSWORD, ELSEWHERE)
    finally:
        for limiter in limiters:
            await limiter.close()
        if store == "redis":
            await drop_keys(REDIS_URL, limited.redis_prefix)

    assert sorted(codes) == ["INVALID_CREDENTIALS"] * 3 + ["LOGIN_THROTTLED"] * 9
    assert after == "LOGIN_THROTTLED"  # the three failures were all counted
