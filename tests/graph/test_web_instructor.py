"""The web app's instructor side (clients/web/src/instructor) in a real headless Chromium against a live `learnql
serve` (PostgreSQL, Redis and an arq worker with the local AI provider, and the demo content), every request outside
127.0.0.1 aborted: the demo instructor makes a course and a lesson (a refused slug shows next to its field), imports
problems with one bad item and sees the error at that item, publishes the lesson, makes a class; a learner joins it
with the code and answers (over HTTP); the instructor generates problems from a PDF and follows the job to done,
publishes a draft, adds a problem by hand (an empty option refused at that option), and opens the class's analytics
dashboard with the learner in its histogram. A failing run leaves screenshots in the folder it names."""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING

import pytest

from bench.pdfs import text_pdf
from bench.texts import lesson_text
from tests.graph.live import LocalOnly, browser, photograph, production_server
from tests.test_serve import gql

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["browser", "production_server"]  # the module's live server and browser (tests/graph/live.py)

WAIT = 20_000  # ms for a page to show what the server answered, on a busy machine
JOB_WAIT = 120_000  # ms for the generation job, on a busy machine

ITEMS = [
    {
        "id": "spread-1",
        "type": "mcq",
        "question": "Which statistic is robust to outliers?",
        "options": ["Mean", "Median", "Range"],
        "answer": "Median",
    },
    {"id": "spread-2", "type": "numeric", "question": "Median of 1, 3 and 8?"},  # no answer: refused
    {"id": "spread-3", "type": "numeric", "question": "Mean of 2, 4 and 9?", "answer": 5},
]
RIGHT = {"Which statistic is robust to outliers?": "Median", "Mean of 2, 4 and 9?": 5}


def learner_answers(base: str, join_code: str, lesson_id: str, name: str) -> None:
    """A new learner joins the class with its code and answers the lesson's problems right."""
    registered = gql(
        base,
        "mutation($input: RegisterInput!) { register(input: $input) { token errors { message } } }",
        {
            "input": {
                "email": f"{uuid.uuid4().hex[:12]}@example.com",
                "password": "lantern-orbit-walnut-47",
                "displayName": name,
            }
        },
    )["register"]
    assert registered["errors"] == [], registered
    token = registered["token"]
    joined = gql(
        base,
        "mutation($code: String!) { joinClass(input: {joinCode: $code}) { errors { message } } }",
        {"code": join_code},
        token,
    )["joinClass"]
    assert joined["errors"] == [], joined
    lesson = gql(
        base,
        "query($id: ID!) { lesson(id: $id) { problems { id prompt options { id text } } } }",
        {"id": lesson_id},
        token,
    )["lesson"]
    answers = []
    for problem in lesson["problems"]:
        right = RIGHT[problem["prompt"]]
        if problem["options"]:
            answers.append(
                {"problemId": problem["id"], "optionIds": [o["id"] for o in problem["options"] if o["text"] == right]}
            )
        else:
            answers.append({"problemId": problem["id"], "number": right})
    submitted = gql(
        base,
        "mutation($input: SubmitAnswersInput!) { submitAnswers(input: $input) { submission { status score maxScore } "
        "errors { message } } }",
        {"input": {"lessonId": lesson_id, "answers": answers, "idempotencyKey": uuid.uuid4().hex}},
        token,
    )["submitAnswers"]
    assert submitted["errors"] == [], submitted
    assert submitted["submission"]["status"] == "GRADED"
    assert submitted["submission"]["score"] == submitted["submission"]["maxScore"]


def test_an_instructor_imports_generates_from_a_pdf_publishes_and_reads_the_class_analytics(
    production_server: str, browser: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    local_only = LocalOnly()
    problems: list[str] = []
    context = browser.new_context()
    context.route("**/*", local_only)
    page: Page = context.new_page()
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    tag = uuid.uuid4().hex[:8]
    try:
        page.goto(production_server)
        page.get_by_label("Email").fill("instructor@demo.learnql.dev")
        page.get_by_label("Password").fill("learnql-demo")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Teach").click()

        # a new course: a slug the API refuses shows next to the slug field
        page.get_by_label("Title").fill(f"Statistics {tag}")
        page.get_by_label("Slug").fill("Not a slug!")
        page.get_by_role("button", name="Create course").click()
        expect(page.locator("#new-course-slug-error")).to_be_visible(timeout=WAIT)
        expect(page.get_by_label("Slug")).to_have_attribute("aria-invalid", "true")
        page.get_by_label("Slug").fill(f"statistics-{tag}")
        page.get_by_role("button", name="Create course").click()
        expect(page.get_by_role("heading", name=f"Statistics {tag}")).to_be_visible(timeout=WAIT)
        page.get_by_label("Lesson title").fill("Spread")
        page.get_by_label("Lesson text").fill("Measures of spread: variance, range, interquartile range.")
        page.get_by_role("button", name="Create lesson").click()
        expect(page.get_by_test_id("lesson-status")).to_contain_text("draft", timeout=WAIT)
        lesson_id = page.url.rsplit("/", 1)[1]

        # JSON import: the bad item's error is shown at that item, the good ones are imported
        page.get_by_label("Items (a JSON list; see the example)").fill(json.dumps(ITEMS))
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_test_id("import-summary")).to_contain_text("2 created", timeout=WAIT)
        items = page.get_by_test_id("import-item")
        expect(items).to_have_count(3)
        expect(items.nth(1)).to_have_class(re.compile("refused"))
        expect(items.nth(1).get_by_role("alert")).to_contain_text("answer")
        for good in (0, 2):
            expect(items.nth(good)).to_contain_text("imported")
            expect(items.nth(good).get_by_role("alert")).to_have_count(0)
        expect(page.get_by_test_id("authored-problem")).to_have_count(2, timeout=WAIT)
        page.get_by_role("button", name="Publish lesson").click()
        expect(page.get_by_test_id("lesson-status")).to_have_text("published", timeout=WAIT)

        # a class with a join code; a learner joins with it and answers the lesson
        page.get_by_role("link", name="Classes").click()
        page.get_by_label("Class name").fill(f"Group {tag}")
        page.get_by_role("button", name="Create class").click()
        group = page.get_by_test_id("class").filter(has_text=f"Group {tag}")
        code = group.get_by_test_id("join-code")
        expect(code).to_have_text(re.compile(r"\S+"), timeout=WAIT)
        learner = f"Learner {tag}"
        learner_answers(production_server, code.inner_text(), lesson_id, learner)
        page.reload()
        expect(group).to_contain_text("1 student", timeout=WAIT)
        group.get_by_text("Members").click()
        expect(group.get_by_test_id("members")).to_contain_text(learner)

        # generation from a PDF: the job's progress follows live to done, then a draft is published
        page.go_back()
        expect(page.get_by_test_id("generate")).to_be_visible(timeout=WAIT)
        page.get_by_label("PDF (with a text layer)").set_input_files(
            files=[{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": text_pdf([lesson_text()])}]
        )
        page.get_by_label("How many problems").fill("3")
        with page.expect_response(lambda response: "generateProblems" in (response.request.post_data or "")) as sent:
            page.get_by_role("button", name="Generate").click()
        started = sent.value.json()["data"]["generateProblems"]
        assert started["errors"] == [], started
        assert started["job"]["status"] in ("QUEUED", "RUNNING")  # done is what the jobProgress pushes say
        job = page.get_by_test_id("job")
        expect(job).to_be_visible(timeout=WAIT)
        expect(job).to_have_attribute("data-status", "SUCCEEDED", timeout=JOB_WAIT)
        expect(page.get_by_test_id("job-progress")).to_have_attribute("value", "100")
        drafts = job.locator("[data-testid=generated-problem][data-status=DRAFT]")
        expect(drafts.first).to_be_visible()
        made = drafts.count()
        drafts.first.get_by_role("button", name="Publish").click()
        expect(job.locator("[data-testid=generated-problem][data-status=PUBLISHED]")).to_have_count(1, timeout=WAIT)
        expect(page.locator("[data-testid=authored-problem][data-status=DRAFT]")).to_have_count(made - 1, timeout=WAIT)
        expect(page.locator("[data-testid=authored-problem][data-status=PUBLISHED]")).to_have_count(3)

        # a problem written by hand: an empty option is refused at that option, then it is added
        page.get_by_text("Add a problem").click()
        page.get_by_label("Prompt").fill("Which is a measure of spread?")
        page.get_by_label("Option 1", exact=True).fill("Variance")
        page.get_by_role("button", name="Add problem").click()
        expect(page.locator("#new-problem-options-1-text-error")).to_be_visible(timeout=WAIT)
        page.get_by_label("Option 2", exact=True).fill("Mode")
        page.get_by_role("button", name="Add problem").click()
        expect(page.locator("[data-testid=authored-problem][data-status=PUBLISHED]")).to_have_count(4, timeout=WAIT)

        # the class's analytics: the learner's 100% in the histogram's top bucket, and in the trend per student
        page.get_by_role("link", name="Classes").click()
        group.get_by_role("link", name="Analytics").click()
        histogram = page.get_by_test_id("histogram")
        expect(histogram).to_be_visible(timeout=WAIT)
        expect(histogram).to_have_attribute("data-total", "1")
        expect(histogram.get_by_test_id("histogram-bar")).to_have_count(10)
        expect(histogram.get_by_test_id("histogram-bar").last).to_have_attribute("data-count", "1")
        expect(page.get_by_test_id("trends")).to_contain_text(learner, timeout=WAIT)
        expect(page.get_by_test_id("items")).to_contain_text("Which statistic is robust to outliers?")

        assert problems == [], problems
        assert local_only.outside == [], local_only.outside
    except BaseException as error:
        folder = tmp_path_factory.mktemp("web-instructor-screenshots")
        photograph([page], folder)
        error.add_note(f"screenshots of the browser's pages: {folder}")
        raise
    finally:
        context.close()
