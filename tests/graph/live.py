"""A live `learnql serve` on a fresh directory (the embedded default with the demo content), for tests
that drive it with real clients: node packages, a browser (Debian's chromium driven by Playwright, one per module).

LEARNQL_TEST_SERVE_PORT picks its port (plus the xdist worker's number), else any free one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.test_serve import port_from, serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("live"), port_from("LEARNQL_TEST_SERVE_PORT")) as base:
        yield base


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
