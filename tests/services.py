"""Where the real PostgreSQL and Redis of the test run are, and whether they answer."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

POSTGRES_URL = os.environ.get("LEARNQL_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("LEARNQL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REQUIRED = os.environ.get("LEARNQL_REQUIRE_SERVICES") == "1"


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("+asyncpg", ""))
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def require(name: str, url: str, default_port: int) -> None:
    """Skip with a visible reason when a service is down; fail instead when CI requires services."""
    if reachable(url, default_port):
        return
    message = f"{name} is not reachable at {url}"
    if REQUIRED:
        pytest.fail(f"{message} and LEARNQL_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(f"{message}; start it to run these tests (see README)")
