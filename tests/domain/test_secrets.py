"""Production refuses JWT secrets that are placeholders, short, or made of few characters."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from domain.settings import GENERATE_SECRET, Settings

PRODUCTION = "postgresql+asyncpg://postgres@127.0.0.1:5432/learnql"
WEAK = {
    "the embedded default": "learnql-embedded-default-secret-change-me",
    "compose.yaml's placeholder": "change-me-to-a-long-random-secret",
    "a placeholder of one's own": "please-CHANGEME-before-deploying-0123456789",
    "one character": "x",
    "31 bytes": "abcdefghijklmnopqrstuvwxyz01234",
    "one repeated character": "a" * 64,
    "fifteen different characters": "abcdefghijklmno" * 4,
}


@pytest.mark.parametrize("case", list(WEAK))
def test_production_refuses_a_weak_secret_and_says_how_to_make_one(case: str) -> None:
    settings = Settings(database_url=PRODUCTION, jwt_secret=WEAK[case])

    with pytest.raises(RuntimeError) as refused:
        settings.check_production()

    message = str(refused.value)
    assert message.startswith("LEARNQL_JWT_SECRET ")
    assert message.endswith(f"generate one with {GENERATE_SECRET}")
    assert "\n" not in message


def test_a_generated_secret_is_accepted() -> None:
    Settings(database_url=PRODUCTION, jwt_secret=secrets.token_urlsafe(48)).check_production()
    Settings(database_url=PRODUCTION, jwt_secret="abcdefghijklmnop" * 2).check_production()  # 32 bytes, 16 kinds


def test_the_embedded_default_keeps_its_own_secret() -> None:
    Settings(database_url="sqlite+aiosqlite:///./learnql.db").check_production()


def test_the_generation_command_makes_an_accepted_secret() -> None:
    made = subprocess.run(  # noqa: S603
        [sys.executable, "-c", GENERATE_SECRET.removeprefix("python -c ").strip('"')],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    Settings(database_url=PRODUCTION, jwt_secret=made).check_production()


@pytest.mark.parametrize("secret", ["change-me-to-a-long-random-secret", "short"])
def test_serve_refuses_to_start_with_one_line(secret: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNQL_")}
    env |= {"LEARNQL_DATABASE_URL": PRODUCTION, "LEARNQL_JWT_SECRET": secret}

    finished = subprocess.run(
        [sys.executable, "-m", "learnql.cli", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 2
    assert finished.stderr.splitlines() == [f"error: {_message(secret)}"]


def _message(secret: str) -> str:
    try:
        Settings(database_url=PRODUCTION, jwt_secret=secret).check_production()
    except RuntimeError as error:
        return str(error)
    raise AssertionError("accepted")
