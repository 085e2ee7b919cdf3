"""A live `learnql serve` on a fresh directory, for tests that drive it with real clients: node packages, a browser
(Debian's chromium driven by Playwright, one per module). `live_server` is the embedded default with the demo
content; `production_server` the production backends (PostgreSQL and Redis) with the demo content.

LEARNQL_TEST_SERVE_PORT picks their ports (tests/test_serve.port_from: plus the xdist worker's number, and 8 more
for each further server of a module), else any free ones.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.services import drop_keys
from domain.infra.migrations import upgrade
from tests.services import POSTGRES_URL, REDIS_URL, require
from tests.test_serve import gql, port_from, serving

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
    """`learnql serve` on the embedded default: SQLite, in-process broker and jobs, demo content."""
    workdir = tmp_path_factory.mktemp("live")
    with serving(workdir, port_from("LEARNQL_TEST_SERVE_PORT")) as base:
        yield base


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`learnql serve` on the production backends: a PostgreSQL database of its own (migrated, then the demo
    content loaded), Redis for the broker, the leaderboards, the limits and the job queue under a prefix of its own,
    and a real arq worker process (`arq workers.settings.WorkerSettings`) that grades free text and generates
    problems from the queue, as deployed."""
    require("PostgreSQL", POSTGRES_URL, 5432)
    require("Redis", REDIS_URL, 6379)
    name = f"learnql_test_{os.getpid()}_web"
    prefix = f"learnql-test-{uuid.uuid4().hex[:12]}:"
    database_url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'))
    try:
        upgrade(database_url)
        env = {
            "LEARNQL_DATABASE_URL": database_url,
            "LEARNQL_REDIS_URL": REDIS_URL,
            "LEARNQL_REDIS_PREFIX": prefix,
            "LEARNQL_JWT_SECRET": "web-test-secret-0123456789abcdef0123456789",
            "LEARNQL_DEMO_CONTENT": "true",
        }
        port = port_from("LEARNQL_TEST_SERVE_PORT", slot=1)
        with serving(tmp_path_factory.mktemp("production"), port, env) as base, working(env, tmp_path_factory):
            yield base
    finally:
        asyncio.run(drop_keys(REDIS_URL, prefix))
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def working(settings: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """An arq worker process with these LEARNQL_ settings until the block ends; its output in worker.log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNQL_")} | settings
    env |= {"LEARNQL_PASSWORD_TIME_COST": "1", "LEARNQL_PASSWORD_MEMORY_KIB": "64"}
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    with log_path.open("w") as log:
        command = [sys.executable, "-m", "arq", "workers.settings.WorkerSettings"]
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def _pg_admin(*statements: str) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


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


def photograph(pages: list[Any], folder: Path) -> None:
    """A full-page screenshot of each page into `folder` (or why it could not be taken)."""
    for index, page in enumerate(pages):
        try:
            page.screenshot(path=str(folder / f"page-{index}.png"), full_page=True)
        except Exception as error:
            (folder / f"page-{index}.txt").write_text(str(error))


def register(base: str, name: str, password: str) -> str:
    """A new learner through the API; their token."""
    query = "mutation($input: RegisterInput!) { register(input: $input) { token errors { message } } }"
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    variables = {"input": {"email": email, "password": password, "displayName": name}}
    payload = gql(base, query, variables)["register"]
    assert payload["errors"] == [], payload
    return str(payload["token"])


def login(base: str, email: str, password: str) -> str:
    query = (
        "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { token } }"
    )
    return str(gql(base, query, {"email": email, "password": password})["login"]["token"])


def sign_in(page: Any, base: str, token: str) -> None:
    """The app signed in with `token` (as after the sign-in form): kept where the app keeps it."""
    page.goto(f"{base}/login")
    page.evaluate("token => localStorage.setItem('learnql:token', token)", token)


class Web:
    """The browser pages of one test, each in a context of its own that reaches 127.0.0.1 only, with the errors
    their consoles report."""

    def __init__(self, chromium: Any) -> None:
        self.chromium = chromium
        self.local_only = LocalOnly()
        self.problems: list[str] = []
        self.expected = ["401"]  # console errors a test expects (the browser logs a refused request's status)
        self.contexts: list[Any] = []
        self.pages: list[Any] = []

    def page(self, **options: Any) -> Any:
        context = self.chromium.new_context(**options)
        context.route("**/*", self.local_only)
        page = context.new_page()
        page.on("console", lambda message: self.problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(str(error)))
        self.contexts.append(context)
        self.pages.append(page)
        return page


@pytest.fixture
def web(browser: Any, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """Pages for one test; when the test fails, screenshots of them in a folder the output names. Afterwards: no
    request left 127.0.0.1, and no page logged an error but those the test expects (`Web.expected`)."""
    failed = request.session.testsfailed
    opened = Web(browser)
    try:
        yield opened
        if request.session.testsfailed > failed:
            folder = tmp_path_factory.mktemp("web-screenshots")
            photograph(opened.pages, folder)
            print(f"screenshots of the browser's pages: {folder}")
    finally:
        for context in opened.contexts:
            context.close()
    assert opened.local_only.outside == [], opened.local_only.outside
    unexpected = [problem for problem in opened.problems if not any(code in problem for code in opened.expected)]
    assert unexpected == [], unexpected
