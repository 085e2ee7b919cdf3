"""Text limits on every argument: NUL characters and unpaired surrogates, lengths over each input's
documented maximum and deep JSON are refused before anything runs, on both databases."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, get_named_type, parse
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.accounts import auth
from domain.models import Course, Problem, Role, Submission, User
from domain.settings import Settings
from graph.context import Context
from graph.ids import encode
from graph.input_limits import MAX_ID_LENGTH, MAX_JSON_DEPTH, InputChecker, declared_maximum
from graph.schema import create_schema
from learnql.composition import create_app
from tests.factories import make_course, make_user
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import count

REGISTER = "mutation($i: RegisterInput!) { register(input: $i) { token errors { code field } } }"
LOGIN = "mutation($i: LoginInput!) { login(input: $i) { token errors { code field } } }"
CREATE_COURSE = "mutation($i: CourseCreateInput!) { createCourse(input: $i) { course { id } errors { code } } }"
IMPORT = "mutation($i: ImportProblemsInput!) { importProblems(input: $i) { created { id } errors { code field } } }"
SUBMIT = "mutation($i: SubmitAnswersInput!) { submitAnswers(input: $i) { submission { id } errors { code } } }"


def registration(**changes: str) -> dict[str, Any]:
    return {"i": {"email": "new@example.org", "password": "a-long-passphrase", "displayName": "New"} | changes}


def refusals(body: dict[str, Any]) -> list[tuple[str, list[str]]]:
    assert body["data"] is None, body
    return [(error["extensions"]["code"], error["extensions"]["field"]) for error in body["errors"]]


def test_every_text_input_and_argument_declares_a_maximum() -> None:
    schema = create_schema()._schema
    missing = []
    for type_ in schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLInputObjectType):
            for name, field in type_.fields.items():
                if get_named_type(field.type).name == "String" and declared_maximum(field) is None:
                    missing.append(f"{type_.name}.{name}")
        if isinstance(type_, GraphQLObjectType):
            for field_name, field in type_.fields.items():
                for name, argument in field.args.items():
                    if get_named_type(argument.type).name == "String" and declared_maximum(argument) is None:
                        missing.append(f"{type_.name}.{field_name}({name})")

    assert missing == []


def test_the_checker_forgets_the_arguments_of_the_least_recently_used_document() -> None:
    schema = create_schema(Settings())._schema
    checker = InputChecker(Settings(), cache_size=2)
    nul, clean = parse('{ lesson(id: "x\\u0000") { id } }'), parse('{ lesson(id: "x") { id } }')

    def problems(document: Any, text: str) -> int:
        return len(checker.check(schema, document, text, None, None))

    problems(nul, "a")
    problems(nul, "b")
    problems(clean, "a")  # a hit (the arguments of `nul`): "b" is now the least recently used
    problems(nul, "c")

    # a text still cached checks the arguments of `nul`; a forgotten one those of `clean`
    assert [problems(clean, text) for text in ("a", "c", "b")] == [1, 1, 0]


@pytest.mark.parametrize("field", ["email", "password", "displayName", "timezone"])
async def test_a_nul_character_in_any_registration_field_is_refused(field: str, api: Api, engine: AsyncEngine) -> None:
    body = await api.post(REGISTER, registration(**{field: "new\u0000@example.org"}))

    assert refusals(body) == [("INVALID_CHARACTER", ["input", field])]
    assert "NUL character" in body["errors"][0]["message"]
    assert await count(engine, User) == 0


async def test_a_nul_character_in_a_login_is_refused(api: Api) -> None:
    body = await api.post(LOGIN, {"i": {"email": "a@example.org", "password": "pass\u0000word"}})

    assert refusals(body) == [("INVALID_CHARACTER", ["input", "password"])]


async def test_a_nul_character_in_a_literal_is_refused_as_well(api: Api, engine: AsyncEngine) -> None:
    query = 'mutation { register(input: {email: "a@b.org", password: "pass\\u0000word!", displayName: "A"}) { token } }'

    body = await api.post(query)

    assert refusals(body) == [("INVALID_CHARACTER", ["input", "password"])]
    assert await count(engine, User) == 0


async def test_variables_inside_a_literal_and_variable_defaults_are_checked_where_they_land(
    api: Api, engine: AsyncEngine
) -> None:
    nested = 'mutation($p: String!) { register(input: {email: "a@b.org", password: $p, displayName: "A"}) { token } }'
    defaulted = 'mutation($i: RegisterInput! = {email: "a@b.org", password: "pass\\u0000word!", displayName: "A"}) {'
    defaulted += " register(input: $i) { token } }"

    assert refusals(await api.post(nested, {"p": "pass\u0000word"})) == [("INVALID_CHARACTER", ["input", "password"])]
    assert refusals(await api.post(defaulted)) == [("INVALID_CHARACTER", ["input", "password"])]
    assert await count(engine, User) == 0


def test_a_value_of_the_wrong_type_is_left_to_execution_and_its_neighbours_are_still_checked() -> None:
    schema = create_schema(Settings())._schema
    checker = InputChecker(Settings())
    text = "mutation($i: RegisterInput!) { register(input: $i) { token } }"
    document = parse(text)

    def codes(value: dict[str, Any]) -> list[Any]:
        return [error.extensions for error in checker.check(schema, document, text, None, {"i": value})]

    assert codes({"email": ["not", "text"], "password": {"x": 1}, "displayName": 7}) == []
    assert codes({"email": 5, "password": "p", "displayName": "n" * 101}) == [
        {"code": "TOO_LONG", "field": ["input", "displayName"]}
    ]


async def test_a_nul_character_in_an_id_or_a_cursor_is_refused(api: Api) -> None:
    body = await api.post(
        'query($after: String) { courses(after: $after) { edges { cursor } } lesson(id: "x\\u0000") { id } }',
        {"after": "c\u0000"},
    )

    assert sorted(refusals(body)) == [("INVALID_CHARACTER", ["after"]), ("INVALID_CHARACTER", ["id"])]


async def test_text_at_its_maximum_is_accepted_and_one_more_character_is_refused(api: Api, engine: AsyncEngine) -> None:
    longest = await api.data(REGISTER, registration(displayName="n" * 100))
    too_long = await api.post(REGISTER, registration(email="other@example.org", displayName="n" * 101))

    assert longest["register"]["errors"] == []
    assert refusals(too_long) == [("TOO_LONG", ["input", "displayName"])]
    assert too_long["errors"][0]["message"] == "`input.displayName` is longer than 100 characters (101)."
    assert await count(engine, User) == 1


async def staff_and_lesson(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, str]:
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    fixture = await make_course(session, now, owner=teacher, kinds=())
    await session.commit()
    return teacher, encode("Lesson", fixture.lessons[0].id)


async def test_every_problem_of_a_request_is_reported_with_its_path(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    teacher, lesson = await staff_and_lesson(session, settings, now)
    query = """
    mutation($p: ProblemCreateInput!, $c: CourseCreateInput!) {
      a: createProblem(input: $p) { errors { code } }
      b: createCourse(input: $c) { errors { code } }
    }"""
    problem = {
        "lessonId": lesson,
        "kind": "SHORT_TEXT",
        "prompt": "p" * 10_001,
        "acceptedAnswers": ["ok", "x" * 10_001],
        "tags": ["t" * 51],
    }
    course = {"slug": "s" * 101, "title": "Fine", "description": "bad \u0000"}

    body = await api.post(query, {"p": problem, "c": course}, api.token(teacher, now))

    assert sorted(refusals(body)) == [
        ("INVALID_CHARACTER", ["input", "description"]),
        ("TOO_LONG", ["input", "acceptedAnswers", "1"]),
        ("TOO_LONG", ["input", "prompt"]),
        ("TOO_LONG", ["input", "slug"]),
        ("TOO_LONG", ["input", "tags", "0"]),
    ]
    assert await count(engine, Problem) == 0
    assert await count(engine, Course) == 1  # the fixture's


async def test_an_answer_text_over_its_maximum_stores_nothing(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    await session.commit()
    problems = fixture.problems[fixture.lessons[0].id]  # type: ignore[index]
    answers = [{"problemId": encode("Problem", p.id), "text": "t" * 10_001} for p in problems]
    variables = {
        "i": {"lessonId": encode("Lesson", fixture.lessons[0].id), "idempotencyKey": "k" * 256, "answers": answers}
    }

    body = await api.post(SUBMIT, variables, api.token(learner, now))

    assert ("TOO_LONG", ["input", "idempotencyKey"]) in refusals(body)
    assert ("TOO_LONG", ["input", "answers", "0", "text"]) in refusals(body)
    assert await count(engine, Submission) == 0


async def test_the_source_text_maximum_follows_the_setting(
    settings: Settings, engine: AsyncEngine, session: AsyncSession, now: datetime
) -> None:

    teacher, lesson = await staff_and_lesson(session, settings, now)
    app = create_app(settings.model_copy(update={"generation_max_source_chars": 50}), engine)
    context = Context(app.state.services, f"Bearer {auth.issue_token(settings, teacher, now)}")
    schema = app.websocket_view.schema
    query = "mutation($i: GenerateProblemsInput!) { generateProblems(input: $i) { errors { code } } }"

    try:
        result = await schema.execute(query, {"i": {"lessonId": lesson, "sourceText": "s" * 51}}, context)
    finally:
        await context.close()

    assert result.errors is not None
    assert [error.extensions for error in result.errors] == [{"code": "TOO_LONG", "field": ["input", "sourceText"]}]


async def test_an_id_over_its_maximum_is_refused(api: Api) -> None:
    body = await api.post("query($id: ID!) { node(id: $id) { id } }", {"id": "A" * (MAX_ID_LENGTH + 1)})

    assert refusals(body) == [("TOO_LONG", ["id"])]


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


async def test_json_is_nested_at_most_the_limit_and_holds_no_nul(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    teacher, lesson = await staff_and_lesson(session, settings, now)
    token = api.token(teacher, now)

    deep = await api.post(IMPORT, {"i": {"lessonId": lesson, "items": nested(MAX_JSON_DEPTH + 1)}}, token)
    nul_key = await api.post(IMPORT, {"i": {"lessonId": lesson, "items": [{"question\u0000": "q"}]}}, token)
    nul_value = await api.post(
        IMPORT,
        {"i": {"lessonId": lesson, "items": [{"id": "a", "type": "short", "question": "q\u0000", "answer": "a"}]}},
        token,
    )
    shallow = await api.data(IMPORT, {"i": {"lessonId": lesson, "items": nested(MAX_JSON_DEPTH)}}, token)

    assert refusals(deep) == [("TOO_DEEP", ["input", "items"])]
    assert refusals(nul_key) == refusals(nul_value) == [("INVALID_CHARACTER", ["input", "items"])]
    assert shallow["importProblems"]["created"] == []  # not an item, but no limit broken: the import says so
    assert shallow["importProblems"]["errors"] != []
    assert await count(engine, Problem) == 0


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb"])
async def test_an_unpaired_surrogate_is_refused(text: str, settings: Settings, engine: AsyncEngine) -> None:
    """JSON decoding already refuses them on HTTP and WebSocket; the check holds for any other caller."""

    app = create_app(settings, engine)
    context = Context(app.state.services, None)
    try:
        result = await app.websocket_view.schema.execute(REGISTER, registration(displayName=text), context)
    finally:
        await context.close()

    assert result.errors is not None
    assert [error.extensions for error in result.errors] == [
        {"code": "INVALID_CHARACTER", "field": ["input", "displayName"]}
    ]
    assert await count(engine, User) == 0


async def test_surrogates_are_refused_by_both_json_decoders(settings: Settings, engine: AsyncEngine) -> None:
    import httpx

    body = json.dumps({"query": REGISTER, "variables": registration(displayName="\ud800")})  # ASCII: \ud800 escaped
    for orjson in (True, False):
        app = create_app(settings.model_copy(update={"orjson": orjson}), engine)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            response = await http.post("/graphql", content=body, headers={"Content-Type": "application/json"})

        assert response.status_code == 400, orjson


@pytest.mark.parametrize("number", ["1e309", "-1e309"])
async def test_a_float_literal_past_the_double_range_is_refused(
    number: str, api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    await session.commit()
    numeric = encode("Problem", fixture.problems[fixture.lessons[0].id][2].id)  # type: ignore[index]
    query = (
        f'mutation {{ submitAnswer(input: {{problemId: "{numeric}", idempotencyKey: "k", '
        f'answer: {{problemId: "{numeric}", number: {number}}}}}) {{ errors {{ code }} }} }}'
    )
    in_json = f'mutation {{ importProblems(input: {{lessonId: "x", items: [{{answer: {number}}}]}}) {{ errors {{ code }} }} }}'

    body = await api.post(query, token=api.token(learner, now))
    json_body = await api.post(in_json, token=api.token(learner, now))

    assert refusals(body) == [("NOT_FINITE", ["input", "answer", "number"])]
    assert refusals(json_body) == [("NOT_FINITE", ["input", "items"])]
    assert await count(engine, Submission) == 0
