"""`learnql deactivate-user` and `reactivate-user` against the test databases."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from domain.infra.database import create_engine, session_factory
from domain.models import User
from domain.settings import Settings, get_settings
from learnql.cli import cli


@pytest.fixture
def configured(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The commands read their settings from the environment."""
    monkeypatch.setenv("LEARNQL_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def account(settings: Settings, email: str) -> tuple[bool, int]:
    """Whether the account is deactivated, and its token version."""

    async def read() -> tuple[bool, int]:
        engine = create_engine(settings)
        try:
            async with session_factory(engine)() as session:
                user = (await session.execute(select(User).where(col(User.email) == email))).scalar_one()
                return user.deactivated_at is not None, user.token_version
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_deactivate_user_ends_its_tokens_and_reactivate_user_lets_it_back(configured: Settings) -> None:
    email = f"ada-{uuid.uuid4().hex[:8]}@example.org"
    runner = CliRunner()
    arguments = ["--email", email, "--name", "Ada", "--role", "LEARNER", "--password", "password-123"]
    assert runner.invoke(cli, ["create-user", *arguments]).exit_code == 0

    deactivated = runner.invoke(cli, ["deactivate-user", email.upper()])
    while_deactivated = account(configured, email)
    reactivated = runner.invoke(cli, ["reactivate-user", email])

    assert (deactivated.exit_code, deactivated.output) == (
        0,
        f"deactivated {email.upper()}; every token of the account has ended\n",
    )
    assert while_deactivated == (True, 1)
    assert reactivated.exit_code == 0
    assert account(configured, email) == (False, 1)


def test_deactivating_an_unknown_email_fails_with_a_message(configured: Settings) -> None:
    result = CliRunner().invoke(cli, ["deactivate-user", "nobody@example.org"])

    assert result.exit_code == 1
    assert "No account has the email 'nobody@example.org'." in result.output
