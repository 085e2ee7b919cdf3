"""Input objects built from a plan made once per input type, through strawberry's `from_input` hook.

Strawberry builds an input object field by field, resolving each field's annotation and GraphQL name
again for every value of every request: 10% of `submitAnswers`' server CPU with 8 answers (py-spy,
`bench --submit-only 32x32`). The plan keeps, per input type, each field's GraphQL name, Python name
and resolved type. Leaf values (scalars, enums and lists of them) are kept as graphql-core parsed
them, which is what strawberry does with them too; everything else (nested inputs, other lists) goes
through `InputContext.convert`, strawberry's own conversion, whose nested inputs use their plans in
turn. Fields without a default start as None, as in strawberry's conversion.

Types with `Maybe` fields keep strawberry's conversion: its validation rule for `Maybe` nulls skips
types that build their own value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

import strawberry
from strawberry.scalars import is_scalar
from strawberry.types.arguments import InputContext
from strawberry.types.base import StrawberryList, StrawberryMaybe, StrawberryObjectDefinition, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.unset import UNSET

Convert = Callable[[object, InputContext], object]


def _is_leaf(type_: Any, registry: Mapping[object, Any]) -> bool:
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if type_ is strawberry.relay.GlobalID:  # built from its string by strawberry
        return False
    return is_scalar(type_, registry) or isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_)


def _leaf(value: object, _context: InputContext) -> object:
    return value


def _leaf_list(value: object, _context: InputContext) -> object:
    # copied: graphql-core gives the same default list to every request that omits the value
    return value if value is None or value is UNSET else list(value)  # type: ignore[call-overload]


def _converter(type_: Any, graphql_name: str, registry: Mapping[object, Any]) -> Convert:
    if _is_leaf(type_, registry):
        return _leaf
    inner = type_.of_type if isinstance(type_, StrawberryOptional) else type_
    if isinstance(inner, StrawberryList) and _is_leaf(inner.of_type, registry):
        return _leaf_list

    def convert(value: object, context: InputContext) -> object:
        return context.convert(value, type_, graphql_name)

    return convert


class _Plan:
    def __init__(self, definition: StrawberryObjectDefinition) -> None:
        self._definition = definition
        self._fields: list[tuple[str, str, Convert]] | None = None
        self._defaults: dict[str, object] = {
            field.python_name: None
            for field in definition.fields
            if field.default_value is MISSING and field.default_factory is MISSING
        }

    def _made(self, context: InputContext) -> list[tuple[str, str, Convert]]:
        if self._fields is None:  # on first use: field types may be lazy until the schema is complete
            self._fields = [
                (
                    name := context.config.name_converter.from_field(field),
                    field.python_name,
                    _converter(field.resolve_type(type_definition=self._definition), name, context.scalar_registry),
                )
                for field in self._definition.fields
            ]
        return self._fields

    def __call__(self, type_: type, value: Mapping[str, Any], context: InputContext) -> Any:
        kwargs = dict(self._defaults)
        for graphql_name, python_name, convert in self._made(context):
            if graphql_name in value:
                kwargs[python_name] = convert(value[graphql_name], context)
        return type_(**kwargs)


def install(schema: strawberry.Schema) -> None:
    """Give every input type of `schema` without a `from_input` of its own (and without `Maybe` fields)
    a plan. Idempotent: a type planned by an earlier schema keeps its plan."""
    for concrete in schema.schema_converter.type_map.values():
        definition = concrete.definition
        if not isinstance(definition, StrawberryObjectDefinition) or not definition.is_input:
            continue
        if definition.from_input is not None:
            continue
        if any(isinstance(field.type, StrawberryMaybe) for field in definition.fields):
            continue
        definition.from_input = _Plan(definition)
