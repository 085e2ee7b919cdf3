"""The web app at / (graph/web.py, built from clients/web): how the server serves it, and a learner's way through it in
a real headless Chromium against a live `learnql serve` on the production backends (PostgreSQL, Redis and an arq
worker, with the demo content), with every request outside 127.0.0.1 aborted. A failing browser test leaves
screenshots of every page in the folder it names."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

from tests.graph.live import LocalOnly, browser, photograph, production_server

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["browser", "production_server"]  # the module's live server and browser (tests/graph/live.py)

PASSWORD = "lantern-orbit-walnut-47"
WAIT = 20_000  # ms for a page to show what the server answered, on a busy machine


def test_client_routes_get_the_app_with_its_csp_and_api_paths_keep_their_answers(production_server: str) -> None:
    pages = [httpx.get(f"{production_server}{path}", timeout=10) for path in ("/", "/lessons/TGVzc29uOjE=", "/login")]
    script = re.search(r'src="(/assets/[^"]+\.js)"', pages[0].text)

    for page in pages:
        assert page.status_code == 200
        assert page.text == pages[0].text
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert script is not None
    asset = httpx.get(f"{production_server}{script.group(1)}", timeout=10)
    assert asset.status_code == 200
    assert "immutable" in asset.headers["cache-control"]
    assert httpx.head(f"{production_server}/courses/Q291cnNlOjE=", timeout=10).status_code == 200
    assert httpx.get(f"{production_server}/health", timeout=10).json() == {"status": "ok"}
    assert httpx.get(f"{production_server}/graphql", headers={"Accept": "text/html"}, timeout=10).text != pages[0].text
    for missing in ("/favicon.ico", "/exports/nothing", "/assets/nothing.js", "/graphiql/nothing.js"):
        assert httpx.get(f"{production_server}{missing}", timeout=10).status_code == 404, missing
    assert "https://" not in pages[0].text  # no CDN


def test_a_learner_signs_up_answers_the_demo_lesson_and_a_second_browser_sees_the_leaderboard_move(
    production_server: str, browser: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    local_only = LocalOnly()
    problems: list[str] = []

    learner, watcher = browser.new_context(), browser.new_context()
    pages: list[Page] = []
    try:
        for context in (learner, watcher):
            context.route("**/*", local_only)
            page = context.new_page()
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            pages.append(page)
        page, board = pages
        name = f"Learner {uuid.uuid4().hex[:8]}"

        # the watcher: the demo learner, on the weekly leaderboard, connected live
        board.goto(f"{production_server}/leaderboard")
        expect(board).to_have_url(re.compile(r"/login$"), timeout=WAIT)
        board.get_by_label("Email").fill("learner@demo.learnql.dev")
        board.get_by_label("Password").fill("learnql-demo")
        board.get_by_role("button", name="Sign in").click()
        board.get_by_role("link", name="Leaderboard").click()
        expect(board.get_by_test_id("leaderboard")).to_be_visible(timeout=WAIT)
        expect(board.get_by_test_id("link-state")).to_have_attribute("data-state", "live", timeout=WAIT)
        expect(board.get_by_test_id("leaderboard")).not_to_contain_text(name)
        watcher.set_offline(True)
        expect(board.get_by_test_id("link-state")).to_have_attribute("data-state", "offline", timeout=WAIT)
        watcher.set_offline(False)
        expect(board.get_by_test_id("link-state")).to_have_attribute("data-state", "live", timeout=WAIT)

        # the learner: signs up (a too-short password first: the error is next to its field)
        page.goto(production_server)
        page.get_by_role("button", name="New here? Create an account").click()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Email").fill(f"{uuid.uuid4().hex[:12]}@example.com")
        page.get_by_label("Password").fill("short")
        page.get_by_role("button", name="Create account").click()
        expect(page.locator("#password-error")).to_be_visible(timeout=WAIT)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.get_by_role("link", name="Building GraphQL APIs").click()
        page.get_by_role("link", name="Schema design and the type system").click()
        expect(page.locator("#lesson-form")).to_be_visible(timeout=WAIT)
        assert urlsplit(page.url).path.startswith("/lessons/")

        # answers of three kinds: single choice, numeric, short text
        page.get_by_label("A nullable list whose items, when the list is present, are never null").check()
        page.get_by_role("button", name="Submit answers").click()  # not all answered: the others say so
        expect(page.get_by_text("Answer this problem too")).to_have_count(7, timeout=WAIT)
        for option in ("Removing a field from an object type", "Scalars such as String or ID", "Enums"):
            page.get_by_label(option).first.check()
        page.locator("[data-kind=NUMERIC] input").fill("32")
        short = page.locator("[data-kind=SHORT_TEXT] input")
        short.nth(0).fill("@deprecated")
        short.nth(1).fill("__typename")
        free = page.locator("[data-kind=FREE_TEXT] textarea")
        free.nth(0).fill("The error goes up to the nearest nullable parent, which becomes null; partial data.")
        free.nth(1).fill("A union, read with inline fragments and __typename; the server needs resolveType.")
        # the page follows submissionGraded from its start: wait until it is live, so the push (not the catch-up
        # read after a reconnect) is what turns the result graded
        expect(page.get_by_test_id("link-state")).to_have_attribute("data-state", "live", timeout=WAIT)
        page.get_by_role("button", name="Submit answers").click()
        result = page.get_by_test_id("result")
        expect(result).to_be_visible(timeout=WAIT)
        expect(page.get_by_test_id("xp-awarded")).not_to_have_text("+0")
        expect(page.get_by_test_id("xp-total")).to_contain_text("XP in all", timeout=WAIT)
        expect(page.get_by_test_id("streak")).to_have_text("1 day")
        # the free-text answers were pending; the evaluation's submissionGraded push turns the result graded
        expect(result).to_have_attribute("data-status", "GRADED", timeout=60_000)
        expect(page.get_by_test_id("score")).not_to_have_text("pending")

        # the watcher's leaderboard moved without a reload
        expect(board.get_by_test_id("leaderboard")).to_contain_text(name, timeout=WAIT)

        # a reload on the lesson's own URL comes back to it, still signed in
        page.reload()
        expect(page.locator("#lesson-form")).to_be_visible(timeout=WAIT)
        expect(page.get_by_role("heading", name="Schema design and the type system")).to_be_visible()

        # a refused token goes back to sign in
        page.evaluate("localStorage.setItem('learnql:token', 'not-a-token')")
        page.reload()
        expect(page).to_have_url(re.compile(r"/login$"), timeout=WAIT)
    except BaseException as error:
        folder = tmp_path_factory.mktemp("web-screenshots")
        photograph(pages, folder)
        error.add_note(f"screenshots of the browser's pages: {folder}")
        raise
    finally:
        learner.close()
        watcher.close()

    assert local_only.outside == []
    assert [problem for problem in problems if "401" not in problem] == []
