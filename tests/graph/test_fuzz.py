"""Schema-driven fuzzing: hypothesis-graphql writes valid queries and mutations for every root field,
sent as an anonymous client, a learner and an instructor, on SQLite and on PostgreSQL. The root
fields are read from the schema, so every new one (games, tokens, ...) is fuzzed; history lists are
fields of `viewer` and `user`, reached through them.

The values are hostile: strings with NUL characters and unpaired surrogates, strings just over the
documented maxima, IDs of real objects beside IDs at and past the 32- and 64-bit limits and garbage,
integers past 32 bits, floats past the double range, deep JSON. Whatever the answer, it is never a
5xx and never an INTERNAL_SERVER_ERROR. Kept small (a few operations per root field and role) so that
it runs in seconds; `LEARNQL_FUZZ_EXAMPLES` asks for more.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes
from sqlalchemy.ext.asyncio import AsyncSession

from domain.games.lifecycle import create_game
from domain.games.rules import GameSettings
from domain.models import Role
from domain.settings import Settings
from graph.ids import encode
from graph.schema import create_schema
from tests.factories import make_class, make_course, make_job, make_review_card, make_user
from tests.graph.conftest import Api

SCHEMA = create_schema()._schema
ROOT_FIELDS = [
    *(name for name in SCHEMA.query_type.fields),  # type: ignore[union-attr]
    *(name for name in SCHEMA.mutation_type.fields),  # type: ignore[union-attr]
]
EXAMPLES = int(os.environ.get("LEARNQL_FUZZ_EXAMPLES", "3"))  # per root field and role
pytestmark = pytest.mark.timeout(60 + 40 * EXAMPLES)
KEYS = [0, -1, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**20]
TYPES = [
    *("Course", "Lesson", "Problem", "Option", "User", "Class", "ReviewCard", "Job", "Topic", "Submission"),
    *("Game", "GamePlayer"),
]

# Text: anything, NUL and unpaired surrogates included, and lengths just past the documented maxima.
TEXT = st.one_of(
    st.text(st.characters(codec=None, min_codepoint=0), max_size=20),
    st.sampled_from(
        ["", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "2026-W09", "Europe/Paris", "password", "123456"]
    ),
    st.sampled_from([65, 101, 201, 257, 10_001]).map(lambda n: "x" * n),
)


def raw_id(type_name: str, key: object) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def ids(known: list[str]) -> st.SearchStrategy[graphql.ValueNode]:
    return st.one_of(
        st.sampled_from(known),
        st.builds(raw_id, st.sampled_from(TYPES), st.sampled_from(KEYS)),
        TEXT,
    ).map(nodes.String)


INTS = st.one_of(
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
    st.sampled_from([2**31, -(2**31) - 1, 2**63, 10**30]),
).map(nodes.Int)
FLOATS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
    st.sampled_from(["1e308", "1e309", "-1e309", "1e-400", "123456789012345678901234567890"]).map(
        lambda text: graphql.FloatValueNode(value=text)
    ),
)
NAMES = st.sampled_from(["id", "type", "question", "options", "answer", "accepted", "rubric", "topic", "x"])
JSON_VALUES: st.SearchStrategy[graphql.ValueNode] = st.recursive(
    st.one_of(TEXT.map(nodes.String), INTS, st.booleans().map(nodes.Boolean), st.just(graphql.NullValueNode())),
    lambda children: st.one_of(
        st.lists(children, max_size=4).map(nodes.List),
        st.dictionaries(NAMES, children, max_size=4).map(
            lambda fields: nodes.Object(
                [graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=v) for k, v in fields.items()]
            )
        ),
    ),
    max_leaves=30,
)
DATES = st.one_of(st.dates().map(lambda day: day.isoformat()), TEXT).map(nodes.String)


def operations(field: str, known: list[str]) -> st.SearchStrategy[str]:
    return from_schema(
        SCHEMA,
        fields=[field],
        custom_scalars={
            "String": TEXT.map(nodes.String),
            "ID": ids(known),
            "Int": INTS,
            "Float": FLOATS,
            "JSON": JSON_VALUES,
            "Date": DATES,
            "DateTime": DATES,
            "Upload": st.just(graphql.NullValueNode()),
        },
    )


async def populate(session: AsyncSession, settings: Settings, now: datetime) -> tuple[dict[str, str], list[str]]:
    """A learner in an instructor's class, a course of every problem kind, a review card, a job, a game in
    its lobby: real IDs (and the game's PIN) to aim at."""
    learner = await make_user(session, settings, now)
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    fixture = await make_course(session, now, owner=teacher, lessons=2)
    class_ = await make_class(session, teacher, now, courses=(fixture.course,), students=(learner,))
    problems = [problem for lesson in fixture.lessons for problem in fixture.problems[lesson.id]]  # type: ignore[index]
    card = await make_review_card(session, learner, problems[0], now)
    job = await make_job(session, teacher, now, lesson=fixture.lessons[0])
    game = (await create_game(session, teacher, fixture.lessons[0].id, GameSettings(), now)).game  # type: ignore[arg-type]
    await session.commit()
    known = [
        encode("Course", fixture.course.id),
        *(encode("Lesson", lesson.id) for lesson in fixture.lessons),
        *(encode("Problem", problem.id) for problem in problems),
        *(encode("Option", option.id) for options in fixture.options.values() for option in options),
        encode("User", learner.id),
        encode("User", teacher.id),
        encode("Class", class_.id),
        encode("ReviewCard", card.id),
        class_.join_code,
        encode("Job", job.id),
        encode("Game", game.id),
        game.pin,
    ]
    return {"learner": learner, "instructor": teacher}, known  # type: ignore[return-value]


def internal_errors(body: Any) -> list[Any]:
    results = body if isinstance(body, list) else [body]
    return [
        error
        for result in results
        if isinstance(result, dict)
        for error in result.get("errors") or []
        if (error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR"
    ]


@dataclass
class World:
    tokens: dict[str, str]  # by role
    strategies: dict[str, st.SearchStrategy[str]]  # by root field


@pytest.fixture
async def world(api: Api, session: AsyncSession, settings: Settings, now: datetime) -> World:
    users, known = await populate(session, settings, now)
    tokens = {role: api.token(user, now) for role, user in users.items()}  # type: ignore[arg-type]
    return World(tokens, {field: operations(field, known) for field in ROOT_FIELDS})


@pytest.mark.parametrize("role", ["anonymous", "learner", "instructor"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the work tree
    # No shrinking: the failing query is in the assertion message, and shrinking one draw per root field
    # takes minutes.
    phases=[Phase.explicit, Phase.generate],
    # One database and one app for all examples: state left by earlier operations is more to fuzz.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
async def test_no_generated_operation_is_an_internal_error(
    role: str, data: st.DataObject, api: Api, world: World
) -> None:
    headers = {"Content-Type": "application/json"}
    if role in world.tokens:
        headers["Authorization"] = f"Bearer {world.tokens[role]}"

    for field, strategy in world.strategies.items():
        query = data.draw(strategy, label=field)
        # ensure_ascii: an unpaired surrogate travels as \ud800, as a JavaScript client would send it
        response = await api.http.post("/graphql", content=json.dumps({"query": query}), headers=headers)

        assert response.status_code < 500, (query, response.text)
        if response.headers.get("content-type", "").startswith("application/json"):
            assert internal_errors(response.json()) == [], query
