"""schema.graphql is the exported SDL of the live schema."""

from __future__ import annotations

from pathlib import Path

from graph.schema import schema_sdl

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
