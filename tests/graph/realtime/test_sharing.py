"""Which subscription operations share one execution (graph/realtime/sharing.py): the verdict per operation
is remembered for the last 512 operations seen."""

from __future__ import annotations

from graphql import OperationDefinitionNode, parse

from domain.settings import Settings
from graph.realtime import sharing
from graph.schema import create_schema

BOARD = "subscription { leaderboardUpdated(scope: {kind: ALL_TIME}) { entries { rank xp } } }"


def operation(query: str) -> OperationDefinitionNode:
    (definition,) = parse(query).definitions
    assert isinstance(definition, OperationDefinitionNode)
    return definition


def test_the_verdicts_of_the_last_512_operations_are_kept_first_in_first_out() -> None:
    schema = create_schema(Settings())._schema
    operations = [operation(BOARD) for _ in range(513)]  # kept alive: their ids stay theirs

    verdicts = [sharing.is_public(schema, node, {}) for node in operations[:512]]
    assert sharing.is_public(schema, operations[0], {})  # a hit, which does not renew it
    sharing.is_public(schema, operations[512], {})

    assert all(verdicts)
    assert id(operations[0]) not in sharing._public
    assert all(id(node) in sharing._public for node in operations[1:])
