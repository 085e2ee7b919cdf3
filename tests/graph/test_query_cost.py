"""Query cost (graph/cost.py): the static estimate, the declared list sizes, the execution cap, and
`extensions.cost` on every response."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import pytest
from graphql import parse
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Problem, ProblemKind
from domain.settings import Settings
from graph.cost import CostModel, missing_sizes
from graph.ids import encode
from graph.schema import create_schema
from tests.conftest import Database
from tests.factories import make_course
from tests.graph.conftest import Api

TINY = "{ courses(first: 1) { edges { node { id } } } }"
FREEZE = "query($id: ID!) { lesson(id: $id) { problems { lesson { problems { lesson { problems { id } } } } } } }"
ONE_LEVEL_LESS = "query($id: ID!) { lesson(id: $id) { problems { lesson { problems { id } } } } }"


@pytest.fixture(scope="module")
def model() -> CostModel:
    return CostModel(create_schema(Settings())._schema)


def cost(model: CostModel, query: str, variables: dict[str, Any] | None = None, name: str | None = None) -> int:
    """The cost walked afresh, checked against the cost cached under the query text (twice: the miss, the hit)."""
    walked = model.cost(parse(query), name, variables)
    cached = CostModel(model.schema)
    assert cached.cost(parse(query), name, variables, query) == walked
    assert cached.cost(parse(query), name, variables, query) == walked
    return walked


def test_every_list_of_objects_in_the_schema_has_a_size() -> None:
    assert missing_sizes(create_schema(Settings())._schema) == []


def test_each_object_costs_one_and_scalars_nothing(model: CostModel) -> None:
    assert cost(model, "{ viewer { id displayName } }") == 1
    assert cost(model, "{ viewer { id streak { current } profile { accuracy } } }") == 3
    assert cost(model, "{ __typename }") == 0


def test_a_connection_costs_its_page_size_from_the_document_the_variables_or_the_default(model: CostModel) -> None:
    assert cost(model, TINY) == 1 + 1 * (1 + 1)  # the connection, one edge, its node
    assert cost(model, "query($n: Int) { courses(first: $n) { edges { node { id } } } }", {"n": 30}) == 1 + 30 * 2
    assert cost(model, "{ courses { edges { node { id } } } }") == 1 + 20 * 2  # graph/pagination.py's default
    variables_default = "query($n: Int = 7) { courses(first: $n) { edges { node { id } } } }"
    assert cost(model, variables_default) == 1 + 7 * 2


def test_the_cached_cost_follows_the_page_variables_and_the_operation(model: CostModel) -> None:
    cached = CostModel(model.schema)
    query = """
    query Some($n: Int, $id: ID) { courses(first: $n) { edges { node { id } } } }
    query Two { courses(first: 2) { edges { node { id } } } }
    """
    document = parse(query)
    for n, expected in ((30, 61), (5, 11), (30, 61), (None, 41), ("30", 41), (-3, 1)):
        assert cached.cost(document, "Some", {"n": n, "id": "x"}, query) == expected
    assert cached.cost(document, "Some", {"n": 5, "id": "y"}, query) == 11  # `id` is no page: not in the key
    assert cached.cost(document, "Two", None, query) == 5
    assert cached.cost(document, None, None, query) == 0  # which operation is ambiguous


def test_the_cost_cache_forgets_the_least_recently_used_document(model: CostModel) -> None:
    class TwoDocuments(CostModel):
        MAX_DOCUMENTS = 2

    cached = TwoDocuments(model.schema)
    one, nothing = parse("{ viewer { id } }"), parse("{ __typename }")
    cached.cost(one, None, None, "a")
    cached.cost(one, None, None, "b")
    cached.cost(nothing, None, None, "a")  # a hit (the cost of `one`): "b" is now the least recently used
    cached.cost(one, None, None, "c")

    # a text still cached answers the cost of `one`; a forgotten one walks `nothing`
    assert [cached.cost(nothing, None, None, text) for text in ("a", "c", "b")] == [1, 1, 0]


def test_nested_lists_multiply(model: CostModel) -> None:
    lessons = "{ courses(first: 2) { edges { node { lessons(first: 10) { edges { node { id } } } } } } }"
    assert cost(model, lessons) == 1 + 2 * (1 + 1 + (1 + 10 * 2))
    problems = "query($id: ID!) { lesson(id: $id) { problems { id options { id } } } }"
    assert cost(model, problems, {"id": "x"}) == 1 + 50 * (1 + 6)  # the declared sizes of both lists


def test_a_list_with_a_limit_argument_costs_its_limit_and_a_leaderboard_pages_its_entries(model: CostModel) -> None:
    assert cost(model, "{ reviewQueue(limit: 5) { id } }") == 5
    assert cost(model, "{ reviewQueue { id } }") == 20  # the argument's default
    board = "{ leaderboard(scope: {kind: ALL_TIME}, first: 3) { entries { rank user { id } } } }"
    assert cost(model, board) == 1 + 3 * (1 + 1)


def test_fragments_count_where_they_are_spread_and_once_per_spread(model: CostModel) -> None:
    query = """
    query Page { courses(first: 4) { edges { node { ...C } } } }
    fragment C on Course { lessons(first: 5) { edges { node { ...L } } } }
    fragment L on Lesson { id course { id } }
    """
    assert cost(model, query, name="Page") == 1 + 4 * (1 + 1 + (1 + 5 * (1 + 1 + 1)))
    inline = '{ node(id: "x") { ... on Lesson { problems { id } } ... on Problem { options { id } } } }'
    assert cost(model, inline) == 1 + 50 + 6  # alternatives add up: the estimate errs high


def test_the_reported_freezing_query_is_priced_far_over_the_limit(model: CostModel) -> None:
    assert cost(model, FREEZE, {"id": "x"}) == 1 + 50 * (2 + 50 * (2 + 50))
    assert cost(model, FREEZE, {"id": "x"}) > Settings().max_query_cost


async def lesson_with_problems(session: AsyncSession, now: datetime, count: int) -> str:
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    lesson = fixture.lessons[0]
    rows = [
        {
            "lesson_id": lesson.id,
            "kind": ProblemKind.NUMERIC.value,
            "prompt": f"problem {index}",
            "explanation": "",
            "difficulty": 1,
            "position": index + 1,
            "numeric_answer": 1.0,
            "tolerance": 0.0,
            "created_at": now,
        }
        for index in range(count - 1)
    ]
    await session.execute(insert(Problem), rows)
    await session.commit()
    return encode("Lesson", lesson.id)


async def test_the_freezing_query_on_a_lesson_of_1000_problems_is_refused_before_it_runs(
    api: Api, session: AsyncSession, database: Database, now: datetime
) -> None:
    if database.backend != "sqlite":
        pytest.skip("one backend is enough: nothing reaches the database")
    lesson_id = await lesson_with_problems(session, now, 1000)

    started = time.monotonic()
    body = await api.post(FREEZE, {"id": lesson_id})
    elapsed = time.monotonic() - started

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 130_101, "limit": 50_000}
    assert "costs 130101 points, over the limit of 50000" in error["message"]
    assert elapsed < 2  # refused before execution (it froze the server for minutes)
    assert body["extensions"]["cost"]["requested"] == 0  # nothing was taken from the budget


async def test_a_query_within_its_estimate_but_over_the_real_item_cap_is_stopped(
    api: Api, session: AsyncSession, database: Database, now: datetime
) -> None:
    if database.backend != "sqlite":
        pytest.skip("one backend is enough for the executor's cap")
    lesson_id = await lesson_with_problems(session, now, 1000)

    started = time.monotonic()
    body = await api.post(ONE_LEVEL_LESS, {"id": lesson_id})  # estimated 2,601; really 1,001,000 objects
    elapsed = time.monotonic() - started

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "limit": 50_000}
    assert "resolved more than 50000 list items" in error["message"]
    assert body["extensions"]["cost"]["requested"] == 1 + 50 * (2 + 50)
    assert elapsed < 10  # it returned 1M objects in 10.9 s (and 26 MB) before


async def test_every_response_carries_the_cost_and_the_budget(api: Api) -> None:
    valid = await api.post(TINY)
    invalid = await api.post("{ courses { nope } }")
    costly = await api.post(
        "{ courses(first: 100) { edges { node { lessons(first: 100) { edges { node { problems { id } } } } } } } }"
    )

    assert valid["extensions"]["cost"] == {
        "requested": 3,
        "budget": {"maximum": 100_000, "remaining": 99_997, "restoreRate": 1000.0},
    }
    assert invalid["data"] is None
    assert "Cannot query field" in invalid["errors"][0]["message"]
    assert invalid["extensions"]["cost"]["requested"] == 0
    assert costly["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert costly["extensions"]["cost"]["requested"] == 0
    assert costly["extensions"]["cost"]["budget"]["maximum"] == 100_000


async def test_costs_and_budgets_can_be_switched_off(settings: Settings, engine: Any, session: AsyncSession) -> None:
    import httpx

    from learnql.composition import create_app

    app = create_app(settings.model_copy(update={"query_cost": False}), engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        body = (await http.post("/graphql", json={"query": TINY})).json()
    await app.state.services.jobs.close()

    assert body == {"data": {"courses": {"edges": []}}}
