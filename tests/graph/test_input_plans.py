"""Input objects built from plans (graph/input_plans.py) equal what strawberry's own conversion builds."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import pytest
import strawberry
from strawberry.types.base import StrawberryObjectDefinition

from graph import input_plans
from graph.scalars import SCALAR_OVERRIDES
from graph.schema import create_schema


@strawberry.enum
class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.input
class Inner:
    id: strawberry.ID
    colors: list[Color]
    at: datetime | None = None


@strawberry.input
class Outer:
    name: str
    inner: Inner
    more: list[Inner] | None = None
    scores: list[float | None] | None = None
    note: str | None = strawberry.UNSET
    tags: list[str] = strawberry.field(default_factory=lambda: ["x"])
    color: Color = Color.RED
    count: int | None = None


@strawberry.type
class Query:
    @strawberry.field
    def echo(self, value: Outer) -> str:
        return repr(value)


SCHEMA = strawberry.Schema(query=Query, scalar_overrides=SCALAR_OVERRIDES)
ECHO = "query($value: Outer!) { echo(value: $value) }"
VALUES: list[dict[str, Any]] = [
    {"name": "a", "inner": {"id": "1", "colors": ["RED"]}},
    {
        "name": "b",
        "inner": {"id": "2", "colors": [], "at": "2026-12-01T10:00:00Z"},
        "more": [{"id": "3", "colors": ["BLUE", "RED"]}, {"id": "4", "colors": ["BLUE"], "at": None}],
        "scores": [1.5, None, 2],
        "note": None,
        "tags": [],
        "color": "BLUE",
        "count": None,
    },
    {"name": "c", "inner": {"id": "5", "colors": ["RED"]}, "more": None, "scores": None, "note": "n"},
]


def _definitions() -> list[StrawberryObjectDefinition]:
    return [Outer.__strawberry_definition__, Inner.__strawberry_definition__]  # type: ignore[attr-defined]


def _echo(value: dict[str, Any]) -> str:
    result = SCHEMA.execute_sync(ECHO, variable_values={"value": value})
    assert result.errors is None, result.errors
    assert result.data is not None
    return str(result.data["echo"])


@pytest.mark.parametrize("value", VALUES)
def test_a_planned_input_equals_strawberrys_conversion(value: dict[str, Any]) -> None:
    assert all(definition.from_input is None for definition in _definitions())
    expected = _echo(value)  # strawberry's conversion
    input_plans.install(SCHEMA)
    try:
        assert all(isinstance(definition.from_input, input_plans._Plan) for definition in _definitions())
        assert _echo(value) == expected
        assert _echo(value) == expected  # the plan made on first use serves the next requests
    finally:
        for definition in _definitions():
            definition.from_input = None


def test_planned_inputs_are_fresh_objects_with_fresh_default_lists() -> None:
    input_plans.install(SCHEMA)
    try:
        plan = Outer.__strawberry_definition__.from_input  # type: ignore[attr-defined]
        assert plan is not None
        seen: list[Any] = []

        @strawberry.type
        class Probe:
            @strawberry.field
            def keep(self, value: Outer) -> int:
                seen.append(value)
                return len(seen)

        probe = strawberry.Schema(query=Probe, scalar_overrides=SCALAR_OVERRIDES)
        query = "query($value: Outer!) { keep(value: $value) }"
        value = {"name": "a", "inner": {"id": "1", "colors": ["RED"]}, "scores": [1.0]}
        for _ in range(2):
            assert probe.execute_sync(query, variable_values={"value": value}).errors is None
        assert seen[0] is not seen[1]
        assert seen[0].scores is not seen[1].scores
        assert seen[0].inner.at is None
        assert seen[0].note is strawberry.UNSET
        assert seen[0].tags == ["x"]
        assert isinstance(seen[0], Outer)
        assert seen[0].inner.colors == [Color.RED]
        assert seen[0].tags is not seen[1].tags
    finally:
        for definition in _definitions():
            definition.from_input = None


def test_every_input_type_of_our_schema_has_a_plan() -> None:
    schema = create_schema()
    inputs = [
        concrete.definition
        for concrete in schema.schema_converter.type_map.values()
        if isinstance(concrete.definition, StrawberryObjectDefinition) and concrete.definition.is_input
    ]
    assert len(inputs) > 20
    assert all(isinstance(definition.from_input, input_plans._Plan) for definition in inputs)
