"""Where the real PostgreSQL and Redis of the test run are (bench/services.py, shared with the benchmark),
and what a test does when one of them does not answer."""

from __future__ import annotations

import os

import pytest

from bench.services import POSTGRES_URL, REDIS_URL, reachable

__all__ = ["POSTGRES_URL", "REDIS_URL", "REQUIRED", "reachable", "require"]

REQUIRED = os.environ.get("LEARNQL_REQUIRE_SERVICES") == "1"


def require(name: str, url: str, default_port: int) -> None:
    """Skip with a visible reason when a service is down; fail instead when CI requires services."""
    if reachable(url, default_port):
        return
    message = f"{name} is not reachable at {url}"
    if REQUIRED:
        pytest.fail(f"{message} and LEARNQL_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(f"{message}; start it to run these tests (see README)")
