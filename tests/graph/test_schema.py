"""schema.graphql is the exported SDL of the live schema."""

from __future__ import annotations

from pathlib import Path

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
