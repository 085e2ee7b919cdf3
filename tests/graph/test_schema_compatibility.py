"""The schema stays backwards compatible with the released one unless a break is deliberate.

tests/graph/schema_baseline.graphql is the schema clients were given (a copy, because CI clones
may not hold the history to `git show` it). graphql-core compares it with the live schema: every
breaking or dangerous change must be in the allow-lists below with its reason, and named in
docs/api/changelog.md. When a release ships, copy schema.graphql over the baseline and empty the lists.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema, find_breaking_changes, find_dangerous_changes

from graph.schema import schema_sdl

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("schema_baseline.graphql")
CHANGELOG = ROOT / "docs" / "api" / "changelog.md"

# (graphql-core's change type, its description) -> why the break is worth it
ALLOWED_BREAKING: dict[tuple[str, str], str] = {
    (
        "FIELD_CHANGED_KIND",
        "Field UserError.code changed type from String! to UserErrorCode!.",
    ): "contract additions, second round: typed clients switch on the error code exhaustively",
}
ALLOWED_DANGEROUS: dict[tuple[str, str], str] = {
    (
        "VALUE_ADDED_TO_ENUM",
        "Enum value JobKind.REVIEW_PARAMETERS was added.",
    ): "issue 18: personalised FSRS parameters are fitted by a job the learner can follow",
}


@pytest.fixture(scope="module")
def schemas() -> tuple[GraphQLSchema, GraphQLSchema]:
    return build_schema(BASELINE.read_text()), build_schema(schema_sdl())


def test_every_breaking_change_is_allowed_with_a_reason(schemas: tuple[GraphQLSchema, GraphQLSchema]) -> None:
    changes = {(change.type.name, change.description) for change in find_breaking_changes(*schemas)}

    unexpected = changes - set(ALLOWED_BREAKING)
    assert not unexpected, f"breaking changes against the released schema: {sorted(unexpected)}"


def test_every_dangerous_change_is_allowed_with_a_reason(schemas: tuple[GraphQLSchema, GraphQLSchema]) -> None:
    changes = {(change.type.name, change.description) for change in find_dangerous_changes(*schemas)}

    unexpected = changes - set(ALLOWED_DANGEROUS)
    assert not unexpected, f"dangerous changes against the released schema: {sorted(unexpected)}"


def test_allowed_changes_are_in_the_changelog() -> None:
    changelog = CHANGELOG.read_text()

    for (_, description), reason in {**ALLOWED_BREAKING, **ALLOWED_DANGEROUS}.items():
        assert reason
        # "Field UserError.code changed ..." -> "UserError.code"; "Enum value JobKind.X was added." -> "JobKind.X"
        subject = next(word.rstrip(".") for word in description.split() if "." in word.rstrip("."))
        assert f"`{subject}`" in changelog, f"docs/api/changelog.md does not mention {subject}"


def test_the_check_catches_a_removed_field() -> None:
    released = build_schema("type Query { a: String  b: String }")
    changed = build_schema("type Query { a: String }")

    assert [change.type.name for change in find_breaking_changes(released, changed)] == ["FIELD_REMOVED"]
