"""docs/security.md lists the maximum length of every text input as the schema declares it."""

from __future__ import annotations

from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type

from domain.settings import Settings
from graph.input_limits import MAX_ID_LENGTH, declared_maximum
from graph.schema import create_schema
from tests.docs.examples import ROOT

PAGE = ROOT / "docs" / "security.md"


def _maximum(maximum: int | str | None, type_: object) -> str:
    assert maximum is not None
    if isinstance(maximum, str):
        text = f"`LEARNQL_{maximum.upper()}` ({Settings.model_fields[maximum].default:,})"
    else:
        text = f"{maximum:,}"
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return f"{text} each" if isinstance(type_, GraphQLList) else text


def expected_rows() -> list[str]:
    schema = create_schema()._schema
    rows = []
    for type_ in sorted(schema.type_map.values(), key=lambda t: t.name):
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLInputObjectType):
            for name, field in type_.fields.items():
                if get_named_type(field.type).name == "String":
                    rows.append(f"| `{type_.name}.{name}` | {_maximum(declared_maximum(field), field.type)} |")
        if isinstance(type_, GraphQLObjectType):
            for field_name, field in type_.fields.items():
                for name, argument in field.args.items():
                    if get_named_type(argument.type).name == "String":
                        maximum = _maximum(declared_maximum(argument), argument.type)
                        rows.append(f"| `{type_.name}.{field_name}({name})` | {maximum} |")
    return [*rows, f"| any `ID` | {MAX_ID_LENGTH:,} |"]


def test_the_security_page_lists_every_text_input_with_its_maximum() -> None:
    page = PAGE.read_text().splitlines()
    start = page.index("| input | at most (characters) |") + 2
    listed = page[start : start + len(expected_rows()) + 1]

    assert listed[:-1] == expected_rows()
    assert listed[-1] == ""  # and nothing more
