"""The web app's learner pages in a real headless Chromium against a live `learnql serve` (the embedded default with
the demo content), every request outside 127.0.0.1 aborted: the review queue with FSRS ratings, the profile with
its paged history, joining a class and its live leaderboard, an ended session back to sign in, a keyboard-only pass through a lesson, and axe-core on the
main pages. A failing test leaves screenshots in the folder it names."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.graph.live import Web, browser, live_server, login, register, sign_in, web
from tests.test_serve import gql

__all__ = ["browser", "live_server", "web"]  # fixtures of tests/graph/live.py

PASSWORD = "lantern-orbit-walnut-47"
WAIT = 20_000  # ms for a page to show what the server answered, on a busy machine
AXE = Path(__file__).parents[2] / "clients" / "web" / "node_modules" / "axe-core" / "axe.min.js"
COURSE = "Building GraphQL APIs"
LESSON = "Schema design and the type system"

LESSON_PROBLEMS = """query($first: Int) { lessons(first: $first) { edges { node { id title course { id title }
  problems { id kind options { id } } } } } }"""
SUBMIT = """mutation($input: SubmitAnswersInput!) { submitAnswers(input: $input) {
  submission { id } errors { message } } }"""
SUBMIT_ONE = """mutation($input: SubmitAnswerInput!) { submitAnswer(input: $input) {
  submission { id } errors { message } } }"""
CARD = "query($id: ID!) { node(id: $id) { ... on ReviewCard { state due } } }"
STATS = "{ reviewStats { reviewsToday } viewer { xp } }"


def demo_lesson(base: str) -> dict[str, Any]:
    lessons = gql(base, LESSON_PROBLEMS, {"first": 50})["lessons"]["edges"]
    return next(edge["node"] for edge in lessons if edge["node"]["title"] == LESSON)


def any_answer(problem: dict[str, Any]) -> dict[str, Any]:
    """An answer of the right shape for any problem (right or wrong does not matter here)."""
    if problem["options"]:
        return {"problemId": problem["id"], "optionIds": [problem["options"][0]["id"]]}
    if problem["kind"] == "NUMERIC":
        return {"problemId": problem["id"], "number": 32}
    return {"problemId": problem["id"], "text": "an answer"}


def answer_lesson(base: str, token: str, lesson: dict[str, Any]) -> None:
    answers = [any_answer(problem) for problem in lesson["problems"]]
    variables = {"input": {"lessonId": lesson["id"], "answers": answers, "idempotencyKey": uuid.uuid4().hex}}
    assert gql(base, SUBMIT, variables, token)["submitAnswers"]["errors"] == []


def test_a_learner_reviews_due_cards_with_fsrs_ratings_and_sees_when_each_is_next_due(
    live_server: str, web: Web
) -> None:
    from playwright.sync_api import expect

    token = register(live_server, f"Reviewer {uuid.uuid4().hex[:8]}", PASSWORD)
    page = web.page()
    sign_in(page, live_server, token)
    page.goto(f"{live_server}/reviews")
    expect(page.get_by_test_id("queue-empty")).to_be_visible(timeout=WAIT)  # nothing answered: no cards

    answer_lesson(live_server, token, demo_lesson(live_server))  # every answered problem becomes a card
    page.get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Reviews").click()
    card = page.get_by_test_id("review-card")
    expect(card).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("review-stats")).to_contain_text("Today: 0 reviews")
    first = card.get_attribute("data-card")
    assert first

    # recall, show the answer, rate Good: a new card moves to its next learning step, due in minutes
    page.get_by_role("button", name="Show the answer").click()
    expect(page.get_by_test_id("solution")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Good")).click()
    next_due = page.get_by_test_id("next-due")
    expect(next_due).to_contain_text("minute", timeout=WAIT)
    expect(page.get_by_test_id("review-result")).to_contain_text("+5 XP")
    stored = gql(live_server, CARD, {"id": first}, token)["node"]
    assert stored["state"] == "LEARNING"
    assert next_due.get_attribute("data-due") == stored["due"]

    # the next card, with the keyboard alone (focus follows: result, card, answer), rated Easy: due in days
    expect(page.get_by_role("button", name="Next card")).to_be_focused()
    page.keyboard.press("Enter")
    expect(card).not_to_have_attribute("data-card", first, timeout=WAIT)
    second = card.get_attribute("data-card")
    tab_to(page, lambda focused: focused["text"] == "Show the answer")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("solution")).to_be_visible()
    # the pressed button is gone and the answer takes the focus, in an effect after the render: wait for
    # it, or a Tab pressed in between starts from where the button was
    expect(page.locator("[tabindex='-1']:has([data-testid=solution])")).to_be_focused()
    tab_to(page, lambda focused: focused["text"].startswith("Easy"), limit=4)  # from the answer: the ratings
    page.keyboard.press("Space")
    expect(next_due).to_contain_text("day", timeout=WAIT)
    assert gql(live_server, CARD, {"id": second}, token)["node"]["state"] == "REVIEW"
    expect(page.get_by_test_id("review-stats")).to_contain_text("Today: 2 reviews", timeout=WAIT)
    assert gql(live_server, STATS, token=token)["reviewStats"]["reviewsToday"] == 2


def test_the_profile_shows_xp_course_progress_and_pages_through_the_history(live_server: str, web: Web) -> None:
    from playwright.sync_api import expect

    token = register(live_server, f"Historian {uuid.uuid4().hex[:8]}", PASSWORD)
    lesson = demo_lesson(live_server)
    answer_lesson(live_server, token, lesson)
    single = next(problem for problem in lesson["problems"] if problem["kind"] == "SINGLE_CHOICE")
    for _ in range(11):  # 12 submissions in all: a second page
        variables = {
            "input": {"problemId": single["id"], "answer": any_answer(single), "idempotencyKey": uuid.uuid4().hex}
        }
        assert gql(live_server, SUBMIT_ONE, variables, token)["submitAnswer"]["errors"] == []
    xp = gql(live_server, STATS, token=token)["viewer"]["xp"]

    page = web.page()
    sign_in(page, live_server, token)
    page.goto(live_server)
    page.get_by_role("link", name="Profile").click()
    expect(page.get_by_test_id("profile-xp")).to_have_text(str(xp), timeout=WAIT)
    expect(page.get_by_test_id("course-progress")).to_contain_text(COURSE, timeout=WAIT)
    expect(page.get_by_role("heading", name="Submissions (12)")).to_be_visible(timeout=WAIT)
    rows = page.get_by_test_id("submissions").locator("tbody tr")
    expect(rows).to_have_count(10)
    page.get_by_role("button", name="More submissions").click()
    expect(rows).to_have_count(12, timeout=WAIT)
    expect(rows.last).to_contain_text(LESSON)  # oldest last: the lesson came first
    expect(page.get_by_role("button", name="More submissions")).to_have_count(0)

    events = page.get_by_test_id("learning-events").locator("li")
    expect(events).to_have_count(10, timeout=WAIT)
    page.get_by_role("button", name="More activity").click()
    expect(events).to_have_count(20, timeout=WAIT)
    expect(events.first).to_contain_text("Reviewed a card: Good")  # the newest: an answer that reviewed its card
    expect(events.nth(2)).to_contain_text("Submitted 1 answer")


def test_a_learner_joins_a_class_by_its_code_and_follows_the_class_leaderboard_live(live_server: str, web: Web) -> None:
    from playwright.sync_api import expect

    base = live_server
    teacher = login(base, "instructor@demo.learnql.dev", "learnql-demo")
    create = "mutation($name: String!) { createClass(input: {name: $name}) { class { joinCode } errors { message } } }"
    klass = f"Class {uuid.uuid4().hex[:6]}"
    code = gql(base, create, {"name": klass}, teacher)["createClass"]["class"]["joinCode"]
    name = f"Member {uuid.uuid4().hex[:8]}"
    token = register(base, name, PASSWORD)

    page = web.page()
    sign_in(page, base, token)
    page.goto(f"{base}/leaderboard")
    page.get_by_role("button", name="Class").click()
    expect(page.get_by_text("You are in no class yet")).to_be_visible(timeout=WAIT)
    page.get_by_label("Join a class with its code").fill("NOPE-NOPE")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#joinCode-error")).to_be_visible(timeout=WAIT)  # refused, next to its field
    page.get_by_label("Join a class with its code").fill(code)
    page.get_by_role("button", name="Join").click()
    board = page.get_by_test_id("leaderboard")
    expect(board).to_have_attribute("data-kind", "CLASS", timeout=WAIT)
    expect(page.get_by_label("Class", exact=True).locator("option:checked")).to_have_text(klass)
    expect(page.get_by_test_id("link-state")).to_have_attribute("data-state", "live", timeout=WAIT)
    expect(board).not_to_contain_text(name)

    answer_lesson(base, token, demo_lesson(base))  # XP: the class's board moves, no reload
    expect(board).to_contain_text(name, timeout=WAIT)


def test_an_ended_session_goes_back_to_sign_in_from_the_new_pages(live_server: str, web: Web) -> None:
    from playwright.sync_api import expect

    base = live_server
    page = web.page()
    for path in ("/reviews", "/profile"):  # a token the server refuses
        sign_in(page, base, "not-a-token")
        page.goto(f"{base}{path}")
        expect(page).to_have_url(re.compile(r"/login$"), timeout=WAIT)

    # a session ended elsewhere (logoutEverywhere ends every token) while the leaderboard follows it live
    token = register(base, f"Leaving {uuid.uuid4().hex[:8]}", PASSWORD)
    sign_in(page, base, token)
    page.goto(f"{base}/leaderboard")
    expect(page.get_by_test_id("link-state")).to_have_attribute("data-state", "live", timeout=WAIT)
    gql(base, "mutation { logoutEverywhere { errors { message } } }", token=token)
    page.get_by_role("button", name="Course").click()
    expect(page).to_have_url(re.compile(r"/login$"), timeout=WAIT)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


FOCUSED = """() => {
  const e = document.activeElement;
  return {
    tag: e.tagName, type: e.type || "", name: e.name || "", text: (e.innerText || "").trim(),
    kind: e.closest("[data-kind]")?.dataset.kind || "",
  };
}"""


def tab_to(page: Any, wanted: Callable[[dict[str, str]], bool], limit: int = 200) -> dict[str, str]:
    """Presses Tab until the focused element is the one wanted."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused: dict[str, str] = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached it; last focused: {focused}")


def test_a_learner_signs_in_answers_a_lesson_and_sees_the_result_with_the_keyboard_alone(
    live_server: str, web: Web
) -> None:
    from playwright.sync_api import expect

    email = f"{uuid.uuid4().hex[:12]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "displayName": "Keyboard learner"}}
    gql(live_server, "mutation($input: RegisterInput!) { register(input: $input) { token } }", variables)
    page = web.page()
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=WAIT)

    tab_to(page, lambda focused: focused["name"] == "email")
    page.keyboard.type(email)
    tab_to(page, lambda focused: focused["name"] == "password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=COURSE)).to_be_visible(timeout=WAIT)
    tab_to(page, lambda focused: focused["text"] == COURSE)
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name=LESSON)).to_be_visible(timeout=WAIT)
    tab_to(page, lambda focused: focused["text"] == LESSON)
    page.keyboard.press("Enter")
    expect(page.locator("#lesson-form")).to_be_visible(timeout=WAIT)

    answered: set[str] = set()
    while True:
        focused = tab_to(page, lambda focused: focused["name"].startswith("problem-") or focused["tag"] == "BUTTON")
        if focused["tag"] == "BUTTON" and focused["text"] == "Submit answers":
            break
        if focused["name"] in answered or not focused["name"]:
            continue
        if focused["type"] in ("radio", "checkbox"):
            page.keyboard.press("Space")  # the first option of the group
        else:
            page.keyboard.type("32" if focused["kind"] == "NUMERIC" else "An answer typed at the keyboard")
        answered.add(focused["name"])
    assert len(answered) == len(demo_lesson(live_server)["problems"])
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("result")).to_be_visible(timeout=WAIT)
    expect(page.get_by_test_id("score")).to_be_visible()
    expect(page.get_by_test_id("streak")).to_have_text("1 day", timeout=WAIT)


def axe_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is, one line each."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, { resultTypes: ['violations'] })).violations")
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}) at {[node['target'] for node in violation['nodes']]}"
        for violation in found
        if violation["impact"] in ("serious", "critical")
    ]


def test_the_main_learner_pages_have_no_serious_accessibility_violations(live_server: str, web: Web) -> None:
    """axe.min.js comes from clients/web's node_modules (`npm ci --prefix clients/web`), never from a CDN; the
    context bypasses the page's CSP only so that the test may inject it."""
    from playwright.sync_api import expect

    if not AXE.exists():
        reason = "axe-core is not installed (npm ci --prefix clients/web)"
        if os.environ.get("LEARNQL_REQUIRE_SERVICES"):
            pytest.fail(f"{reason}, and LEARNQL_REQUIRE_SERVICES is set")
        pytest.skip(reason)
    token = register(live_server, f"Checker {uuid.uuid4().hex[:8]}", PASSWORD)
    lesson = demo_lesson(live_server)
    answer_lesson(live_server, token, lesson)
    page = web.page(bypass_csp=True)
    violations: list[str] = []

    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=WAIT)
    violations += axe_violations(page)
    page.evaluate("token => localStorage.setItem('learnql:token', token)", token)
    visits = [
        ("/", page.get_by_role("link", name=COURSE)),
        (f"/courses/{lesson['course']['id']}", page.get_by_role("link", name=LESSON)),
        (f"/lessons/{lesson['id']}", page.locator("#lesson-form")),
        ("/reviews", page.get_by_role("button", name="Show the answer")),
        ("/leaderboard", page.get_by_test_id("leaderboard")),
        ("/profile", page.get_by_test_id("submissions").locator("tbody tr").first),
    ]
    for path, ready in visits:
        page.goto(f"{live_server}{path}")
        expect(ready).to_be_visible(timeout=WAIT)
        violations += axe_violations(page)
        if path == "/reviews":  # the card with its answer and the ratings
            page.get_by_role("button", name="Show the answer").click()
            violations += axe_violations(page)
        if path == "/leaderboard":  # the course and class tabs
            page.get_by_role("button", name="Course").click()
            expect(page.get_by_test_id("leaderboard")).to_have_attribute("data-kind", "COURSE", timeout=WAIT)
            violations += axe_violations(page)
            page.get_by_role("button", name="Class").click()
            expect(page.get_by_label("Join a class with its code")).to_be_visible(timeout=WAIT)
            violations += axe_violations(page)
    # a lesson answered: the graded result
    page.goto(f"{live_server}/lessons/{lesson['id']}")
    for problem in lesson["problems"]:
        item = page.locator(".problem").filter(has=page.locator(f"[name='problem-{problem['id']}']"))
        if problem["options"]:
            item.locator("input").first.check()
        else:
            item.locator("input, textarea").first.fill("32" if problem["kind"] == "NUMERIC" else "an answer")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_test_id("result")).to_be_visible(timeout=WAIT)
    violations += axe_violations(page)

    assert violations == []
    # the check sees a fault when there is one: an image with no text alternative is critical
    page.evaluate("document.querySelector('main').append(new Image(16, 16))")
    assert [line for line in axe_violations(page) if "image-alt" in line]
