"""The web app on the production backends: `learnql serve` on PostgreSQL and Redis (the leaderboards in Redis, the
subscriptions through Redis pub/sub), driven in headless Chromium with every request outside 127.0.0.1 aborted."""

from __future__ import annotations

import uuid
from typing import Any

from tests.graph.live import Web, browser, login, production_server, register, sign_in, web
from tests.test_serve import gql

__all__ = ["browser", "production_server", "web"]  # fixtures of tests/graph/live.py

PASSWORD = "lantern-orbit-walnut-47"
WAIT = 20_000  # ms for a page to show what the server answered, on a busy machine
COURSE = "Building GraphQL APIs"
LESSON = "Schema design and the type system"
LESSONS = "query { lessons(first: 50) { edges { node { id title } } } }"


def test_a_second_browser_sees_the_course_leaderboard_move_without_reloading(production_server: str, web: Web) -> None:
    from playwright.sync_api import expect

    base = production_server
    name = f"Climber {uuid.uuid4().hex[:8]}"
    lesson = next(e["node"] for e in gql(base, LESSONS)["lessons"]["edges"] if e["node"]["title"] == LESSON)

    # the watcher: the demo learner on the course board, followed live
    board = web.page()
    sign_in(board, base, login(base, "learner@demo.learnql.dev", "learnql-demo"))
    board.goto(f"{base}/leaderboard")
    board.get_by_role("button", name="Course").click()
    board.get_by_label("Course").select_option(label=COURSE)
    table = board.get_by_test_id("leaderboard")
    expect(table).to_have_attribute("data-kind", "COURSE", timeout=WAIT)
    expect(board.get_by_test_id("link-state")).to_have_attribute("data-state", "live", timeout=WAIT)
    expect(table).not_to_contain_text(name)

    # the learner answers the course's first lesson in another browser context
    page = web.page()
    sign_in(page, base, register(base, name, PASSWORD))
    page.goto(f"{base}/lessons/{lesson['id']}")
    answer_every_problem(page)
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_test_id("result")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("xp-awarded")).not_to_have_text("+0")

    expect(table).to_contain_text(name, timeout=WAIT)  # pushed through Redis, no reload
    assert board.evaluate("performance.getEntriesByType('navigation').length") == 1


def answer_every_problem(page: Any) -> None:
    """The first option of each choice, 32 for numbers, a sentence for texts: some right, some wrong."""
    from playwright.sync_api import expect

    expect(page.locator("#lesson-form")).to_be_visible(timeout=WAIT)
    problems = page.locator(".problem")
    for index in range(problems.count()):
        problem = problems.nth(index)
        kind = problem.get_attribute("data-kind")
        if kind in ("SINGLE_CHOICE", "MULTIPLE_CHOICE"):
            problem.locator("input").first.check()
        elif kind == "NUMERIC":
            problem.locator("input").fill("32")
        else:
            problem.locator("input, textarea").first.fill("@deprecated")
