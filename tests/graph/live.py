"""A live `learnql serve` on a fresh directory (the embedded default with the demo content), for tests
that drive it with real clients: node packages, a browser (Debian's chromium driven by Playwright, one per module).

LEARNQL_TEST_SERVE_PORT picks its port (when the machine gives a test run fixed ports), else any free one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.test_serve import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
READY_WITHIN = 120  # seconds: migrating and loading the demo content on a busy machine


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("live")
    port = int(os.environ.get("LEARNQL_TEST_SERVE_PORT") or free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNQL_")}
    env["LEARNQL_PASSWORD_TIME_COST"] = "1"
    env["LEARNQL_PASSWORD_MEMORY_KIB"] = "64"
    command = [sys.executable, "-m", "learnql.cli", "serve", "--port", str(port)]
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + READY_WITHIN
            while True:
                if process.poll() is not None:
                    pytest.fail(f"serve exited early:\n{log_path.read_text()}")
                try:
                    if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"serve did not become ready:\n{log_path.read_text()}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's headless chromium (skipped when it is missing, unless LEARNQL_REQUIRE_SERVICES is set)."""
    if not CHROMIUM.exists():
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("LEARNQL_REQUIRE_SERVICES"):
            pytest.fail(f"{reason}, and LEARNQL_REQUIRE_SERVICES is set")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGUMENTS)
        try:
            yield chromium
        finally:
            chromium.close()


class LocalOnly:
    """A Playwright route handler: requests to 127.0.0.1 go through, any other is aborted and noted in
    `outside` (the page must work with no route out)."""

    def __init__(self) -> None:
        self.outside: list[str] = []

    def __call__(self, route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()
