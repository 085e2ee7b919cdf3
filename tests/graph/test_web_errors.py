"""A rate limit on the learner pages, in headless Chromium against a live `learnql serve` whose query budget is small
(1,500 points, 50 back per second) so that a real RATE_LIMITED happens: the wait is shown counting down, then the
page asks again. (An ended session: tests/graph/test_web_learner.py.)"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.graph.live import Web, browser, register, serving, sign_in, web
from tests.test_serve import gql, port_from

__all__ = ["browser", "web"]  # fixtures of tests/graph/live.py

PASSWORD = "lantern-orbit-walnut-47"
WAIT = 20_000  # ms for a page to show what the server answered, on a busy machine
BUDGET = 1_500  # points: the profile page's first reads fit (about 1,460), the next page of submissions does not
RESTORE = 50  # points per second: the refused page waits about 20 s
LESSONS = "query { lessons(first: 1) { edges { node { id problems { id kind options { id } } } } } }"
SUBMIT_ONE = "mutation($input: SubmitAnswerInput!) { submitAnswer(input: $input) { errors { message } } }"


@pytest.fixture(scope="module")
def tight_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = {
        "LEARNQL_MAX_QUERY_COST": str(BUDGET),
        "LEARNQL_BUDGET_MAXIMUM": str(BUDGET),
        "LEARNQL_BUDGET_RESTORE_RATE": str(RESTORE),
    }
    with serving(tmp_path_factory.mktemp("tight"), port_from("LEARNQL_TEST_SERVE_PORT", slot=2), settings) as base:
        yield base


def rested(base: str, token: str) -> None:
    """Waits until the user's budget is full again (read from a cheap query's `extensions.cost`)."""
    deadline = time.monotonic() + 2 * BUDGET / RESTORE
    while time.monotonic() < deadline:
        response = httpx.post(
            f"{base}/graphql", json={"query": "{ viewer { id } }"}, headers={"Authorization": f"Bearer {token}"}
        )
        remaining = response.json()["extensions"]["cost"]["budget"]["remaining"]
        if remaining >= BUDGET - 5:
            return
        time.sleep((BUDGET - remaining) / RESTORE)
    pytest.fail("the budget did not refill")


def test_a_rate_limited_page_shows_the_wait_counting_down_then_asks_again(tight_server: str, web: Web) -> None:
    from playwright.sync_api import expect

    base = tight_server
    token = register(base, f"Hasty {uuid.uuid4().hex[:8]}", PASSWORD)
    problem = next(
        problem
        for problem in gql(base, LESSONS)["lessons"]["edges"][0]["node"]["problems"]
        if problem["kind"] == "SINGLE_CHOICE"
    )
    answer = {"problemId": problem["id"], "optionIds": [problem["options"][0]["id"]]}
    for _ in range(12):  # two pages of submissions
        variables = {"input": {"problemId": problem["id"], "answer": answer, "idempotencyKey": uuid.uuid4().hex}}
        assert gql(base, SUBMIT_ONE, variables, token)["submitAnswer"]["errors"] == []
    rested(base, token)

    web.expected.append("429")  # the browser logs the refused request
    page = web.page()
    sign_in(page, base, token)
    page.goto(f"{base}/profile")
    rows = page.get_by_test_id("submissions").locator("tbody tr")
    expect(rows).to_have_count(10, timeout=WAIT)
    page.get_by_role("button", name="More submissions").click()  # about 1,030 points: not there yet

    failure = page.get_by_test_id("failure")
    expect(failure).to_have_text(re.compile(r"^Too many requests: try again in \d+ s\.$"), timeout=WAIT)
    first = int(re.findall(r"\d+", failure.inner_text())[0])
    expect(failure).not_to_have_text(f"Too many requests: try again in {first} s.", timeout=5_000)  # counting down
    expect(failure).to_have_text("You can try again now.", timeout=(first + 10) * 1000)
    page.get_by_role("button", name="Try again").click()
    expect(rows).to_have_count(12, timeout=WAIT)
    expect(failure).to_have_count(0)
