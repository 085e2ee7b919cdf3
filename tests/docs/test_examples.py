"""Every GraphQL example of the guide and the README runs against a live app, as the role its
marker names (the marker format: tests/docs/examples.py), and fails on any error it does not expect."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, OperationType, parse
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.infra.job_queue import InProcessJobQueue
from domain.settings import Settings
from learnql.composition import create_app
from tests.docs.examples import Example, blocks, examples, unmarked_graphql
from tests.graph.realtime.subscriptions.client import GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server, serve

pytestmark = pytest.mark.timeout(60)

PASSWORD = "learnql-demo"
ACCOUNTS = {"learner": "learner@demo.learnql.dev", "instructor": "instructor@demo.learnql.dev"}
LOGIN = "mutation($email: String!, $password: String!) { login(input: {email: $email, password: $password}) { token } }"
SOURCE_TEXT = (
    "The mean is the sum of the values divided by their number. The median is the middle value of "
    "the sorted values. The mode refers to the most frequent value. Variance is the mean squared "
    "distance from the mean. An outlier is a value far away from the others."
)


@dataclass
class Demo:
    """The live app on the demo content, with a token per demo account."""

    server: Server
    tokens: dict[str, str | None]

    async def post(self, role: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        token = self.tokens[role]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.server.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def data(self, role: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.post(role, query, variables)
        assert "errors" not in body, body["errors"]
        assert not codes(body), body
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
async def demo(settings: Settings, engine: AsyncEngine) -> AsyncIterator[Demo]:
    async with serve(create_app(settings, engine), settings) as server:
        running = Demo(server, {"anonymous": None})
        for role, email in ACCOUNTS.items():
            login = await running.data("anonymous", LOGIN, {"email": email, "password": PASSWORD})
            running.tokens[role] = login["login"]["token"]
        yield running


# Sources of ids for `NAME=SOURCE` in a marker: each fetches (or makes) one on the demo content.


async def course(demo: Demo) -> str:
    data = await demo.data("learner", "{ courses(first: 1) { edges { node { id } } } }")
    return str(data["courses"]["edges"][0]["node"]["id"])


async def lesson(demo: Demo) -> str:
    data = await demo.data("learner", "{ lessons(first: 1) { edges { node { id } } } }")
    return str(data["lessons"]["edges"][0]["node"]["id"])


async def problem(demo: Demo) -> str:
    data = await demo.data("learner", "{ lessons(first: 1) { edges { node { problems { id } } } } }")
    return str(data["lessons"]["edges"][0]["node"]["problems"][0]["id"])


async def _new_class(demo: Demo) -> dict[str, Any]:
    query = 'mutation($c: ID!) { createClass(input: {name: "Docs", courseIds: [$c]}) { class { id joinCode } errors { code } } }'
    data = await demo.data("instructor", query, {"c": await course(demo)})
    made: dict[str, Any] = data["createClass"]["class"]
    return made


async def join_code(demo: Demo) -> str:
    return str((await _new_class(demo))["joinCode"])


async def klass(demo: Demo) -> str:
    """A class of the demo instructor that the demo learner has joined."""
    made = await _new_class(demo)
    join = "mutation($code: String!) { joinClass(input: {joinCode: $code}) { errors { code } } }"
    await demo.data("learner", join, {"code": made["joinCode"]})
    return str(made["id"])


async def card(demo: Demo) -> str:
    """The demo learner's review card of the first problem, made by answering it."""
    data = await demo.data("learner", "{ lessons(first: 1) { edges { node { problems { id options { id } } } } } }")
    first = data["lessons"]["edges"][0]["node"]["problems"][0]
    answer = {"problemId": first["id"], "optionIds": [first["options"][0]["id"]]}
    submit = "mutation($i: SubmitAnswerInput!) { submitAnswer(input: $i) { errors { code } } }"
    await demo.data(
        "learner", submit, {"i": {"problemId": first["id"], "idempotencyKey": "docs-card", "answer": answer}}
    )
    queue = await demo.data("learner", "{ reviewQueue(limit: 1) { id } }")
    return str(queue["reviewQueue"][0]["id"])


async def job(demo: Demo) -> str:
    """A finished generation job of the demo instructor."""
    query = "mutation($i: GenerateProblemsInput!) { generateProblems(input: $i) { job { id } errors { code } } }"
    variables = {"i": {"lessonId": await lesson(demo), "sourceText": SOURCE_TEXT, "count": 4}}
    data = await demo.data("instructor", query, variables)
    jobs = demo.server.services.jobs
    assert isinstance(jobs, InProcessJobQueue)
    await jobs.drain()
    return str(data["generateProblems"]["job"]["id"])


async def thread(demo: Demo) -> str:
    """A tutor thread of the demo learner about the first problem, its reply written."""
    ask = "mutation($i: AskTutorInput!) { askTutor(input: $i) { thread { id } errors { code } } }"
    variables = {"i": {"problemId": await problem(demo), "message": "A hint?", "clientMessageId": "docs-thread"}}
    data = await demo.data("learner", ask, variables)
    jobs = demo.server.services.jobs
    assert isinstance(jobs, InProcessJobQueue)
    await jobs.drain()
    return str(data["askTutor"]["thread"]["id"])


async def topic(demo: Demo) -> str:
    """A root topic the demo instructor made (the demo content links no problem to a topic)."""
    create = "mutation($i: TopicCreateInput!) { createTopic(input: $i) { topic { id } errors { code } } }"
    made = await demo.data("instructor", create, {"i": {"name": "Statistics"}})
    return str(made["createTopic"]["topic"]["id"])


SOURCES: dict[str, Callable[[Demo], Awaitable[str]]] = {
    "course": course,
    "lesson": lesson,
    "problem": problem,
    "class": klass,
    "joinCode": join_code,
    "card": card,
    "job": job,
    "thread": thread,
    "topic": topic,
}


def codes(body: dict[str, Any]) -> list[str | None]:
    """The codes of every error of a response: GraphQL errors, then payloads' `errors` lists."""
    found: list[str | None] = [(e.get("extensions") or {}).get("code") for e in body.get("errors") or []]

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "errors" and isinstance(item, list):
                    found.extend(error.get("code") for error in item if isinstance(error, dict))
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body.get("data"))
    return found


@dataclass
class Outcome:
    operation: str
    body: dict[str, Any]


async def run(demo: Demo, example: Example) -> list[Outcome]:
    """Every operation of the example in order; subscriptions until their first message."""
    pool = dict(example.variables)
    for name, source in example.sources.items():
        pool[name] = await SOURCES[source](demo)
    outcomes = []
    for definition in parse(example.document).definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        name = definition.name.value if definition.name else None
        declared = [v.variable.name.value for v in definition.variable_definitions or ()]
        variables = {key: pool[key] for key in declared if key in pool}
        payload = {"query": example.document, "operationName": name, "variables": variables}
        if definition.operation is OperationType.SUBSCRIPTION:
            body = await first_event(demo, example.role, payload)
        else:
            token = demo.tokens[example.role]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            body = (await demo.server.http.post("/graphql", json=payload, headers=headers)).json()
        outcomes.append(Outcome(name or "(anonymous)", body))
    return outcomes


async def first_event(demo: Demo, role: str, payload: dict[str, Any]) -> dict[str, Any]:
    async with GraphQLSocket.connected(demo.server.ws_url, demo.tokens[role]) as socket:
        await socket.send({"type": "subscribe", "id": "1", "payload": payload})
        message = await socket.for_operation("1", within=10)
    if message["type"] == "error":  # the subscription was refused: its payload is a list of errors
        return {"errors": message["payload"]}
    assert message["type"] == "next", message
    result: dict[str, Any] = message["payload"]
    return result


EXAMPLES = examples()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
async def test_the_example_runs_as_documented(demo: Demo, example: Example) -> None:
    unknown = set(example.sources.values()) - set(SOURCES)
    assert not unknown, f"{example.where}: unknown id sources {unknown}; known: {sorted(SOURCES)}"

    outcomes = await run(demo, example)

    found = [code for outcome in outcomes for code in codes(outcome.body)]
    if example.expect is None:
        assert found == [], [(o.operation, o.body) for o in outcomes]
    else:
        assert found, f"{example.where} expects {example.expect}, got no error"
        assert set(found) == {example.expect}, [(o.operation, o.body) for o in outcomes]
    for outcome in outcomes:
        assert outcome.body.get("data") is not None or example.expect, outcome.body


def test_every_graphql_block_is_marked_to_run() -> None:
    assert unmarked_graphql() == [], "mark these with <!-- run: as=... --> (tests/docs/examples.py)"


def test_the_guide_has_examples_of_every_role_and_kind() -> None:
    documents = [parse(e.document) for e in EXAMPLES]
    kinds = {d.operation for doc in documents for d in doc.definitions if isinstance(d, OperationDefinitionNode)}

    assert {e.role for e in EXAMPLES} == {"anonymous", "learner", "instructor"}
    assert kinds == {OperationType.QUERY, OperationType.MUTATION, OperationType.SUBSCRIPTION}
    assert any(e.expect for e in EXAMPLES)
    assert len(EXAMPLES) >= 25


def _example(name: str) -> Example:
    return next(e for e in EXAMPLES if f" {name}" in e.document.split("{", 1)[0])


async def test_the_first_lesson_submission_earns_what_the_guide_says(demo: Demo) -> None:
    # docs/api/mutations.md: "the learner earns 70 XP, one multiple choice answer scores 0.666667,
    # and the submission stays PENDING because of its two free-text answers"
    [outcome] = await run(demo, _example("Submit"))

    submission = outcome.body["data"]["submitAnswers"]["submission"]
    pending = [a for a in submission["answers"] if a["status"] == "PENDING"]
    assert submission["xpAwarded"] == 70
    assert submission["status"] == "PENDING"
    assert len(pending) == 2
    assert [a["score"] for a in submission["answers"]].count(pytest.approx(0.666667, abs=1e-6)) == 1


async def test_the_idempotency_walkthrough_replays_then_refuses(demo: Demo) -> None:
    first, retry, reused = await run(demo, _example("First"))

    original = first.body["data"]["submitAnswer"]
    replay = retry.body["data"]["submitAnswer"]
    refused = reused.body["data"]["submitAnswer"]
    assert (original["replayed"], replay["replayed"]) == (False, True)
    assert replay["submission"] == original["submission"]
    assert original["submission"]["xpAwarded"] > 0
    assert refused["submission"] is None
    assert [e["code"] for e in refused["errors"]] == ["IDEMPOTENCY_KEY_REUSED"]


def test_a_marker_needs_a_role_and_a_json_marker_a_json_block(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- run: lessonId=lesson -->\n```graphql\n{ viewer { id } }\n```\n")
    with pytest.raises(ValueError, match="needs as="):
        examples([page])

    page.write_text("<!-- run: as=learner json=variables -->\n```graphql\n{ viewer { id } }\n```\n\ntext\n")
    with pytest.raises(ValueError, match="needs a ```json block"):
        examples([page])


def test_fences_indented_in_a_list_are_found_and_unmarked_ones_reported(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("- item\n\n    ```graphql\n    { viewer { id } }\n    ```\n")

    [block] = blocks(page)

    assert (block.lang, block.text, block.marker) == ("graphql", "{ viewer { id } }", None)
