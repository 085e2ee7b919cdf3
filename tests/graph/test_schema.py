"""schema.graphql is the exported SDL of the live schema."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLObjectType, build_schema, get_named_type
from typer.testing import CliRunner

from graph.schema import schema_sdl
from learnql.cli import cli

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_matches_the_live_schema() -> None:
    committed = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""

    assert committed == schema_sdl(), "schema.graphql is stale: run `uv run learnql export-schema -o schema.graphql`"


def test_contract_names_are_present() -> None:
    sdl = schema_sdl()

    for name in (
        "register(input: RegisterInput!): AuthPayload!",
        "login(input: LoginInput!): AuthPayload!",
        "submitAnswers(input: SubmitAnswersInput!): SubmitAnswersPayload!",
        "submitAnswer(input: SubmitAnswerInput!): SubmitAnswersPayload!",
        "importProblems(input: ImportProblemsInput!): ImportProblemsPayload!",
        "node(id: ID!): Node",
        "viewer: User",
        "lesson(id: ID!): Lesson",
    ):
        assert name in sdl


def test_export_check_passes_on_the_committed_schema() -> None:
    result = CliRunner().invoke(cli, ["export-schema", "--check", "-o", str(SCHEMA_FILE)])

    assert result.exit_code == 0, result.output
    assert "is current" in result.output


def test_export_check_fails_on_a_stale_schema_and_leaves_it_alone(tmp_path: Path) -> None:
    stale = tmp_path / "schema.graphql"
    stale.write_text(schema_sdl().replace("type Query", "type Query @stale", 1))
    before = stale.read_text()

    result = CliRunner().invoke(cli, ["export-schema", "--check", "-o", str(stale)])

    assert result.exit_code == 1
    assert "is stale: run `uv run learnql export-schema" in result.output
    assert stale.read_text() == before


def test_export_check_fails_when_the_schema_file_is_missing(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export-schema", "--check", "-o", str(tmp_path / "schema.graphql")])

    assert result.exit_code == 1
    assert "is missing" in result.output
    assert not (tmp_path / "schema.graphql").exists()


def test_second_round_history_contract_names_are_present() -> None:
    schema = build_schema(schema_sdl())
    contract = {
        ("User", "submissions"): ({"first", "after", "last", "before", "lessonId", "status"}, "SubmissionConnection!"),
        ("ReviewCard", "reviews"): ({"first", "after"}, "CardReviewConnection!"),
        ("Query", "jobs"): ({"first", "after", "kind", "status", "lessonId"}, "JobConnection!"),
    }

    for (type_name, field_name), (arguments, result) in contract.items():
        owner = schema.get_type(type_name)
        assert isinstance(owner, GraphQLObjectType)
        field = owner.fields[field_name]
        assert arguments <= set(field.args), (type_name, field_name)
        assert str(field.type) == result
        connection = get_named_type(field.type)
        assert isinstance(connection, GraphQLObjectType)
        edge = get_named_type(connection.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        assert {"cursor", "node"} <= set(edge.fields)
        assert str(connection.fields["pageInfo"].type) == "PageInfo!"
        assert str(connection.fields["totalCount"].type) == "Int!"
    page_info = schema.get_type("PageInfo")
    assert isinstance(page_info, GraphQLObjectType)
    assert {"hasNextPage", "endCursor"} <= set(page_info.fields)
    user_error = schema.get_type("UserError")
    assert isinstance(user_error, GraphQLObjectType)
    assert str(user_error.fields["code"].type) == "UserErrorCode!"
