"""Limits on what a request's arguments may carry, checked on every argument before anything executes.

Every String input (input field or argument) declares a maximum length with `text()` or
`text_argument()`, which also says it in the schema's description; an ID may hold at most
`MAX_ID_LENGTH` characters. No text anywhere (JSON values and their keys included) may hold a NUL
character, which PostgreSQL cannot store in text, or an unpaired UTF-16 surrogate, which cannot be
encoded as UTF-8; JSON values are nested at most `MAX_JSON_DEPTH` levels.

The check reads each field's arguments the way execution will (graphql-core coerces the variables
and literals), so a value is judged where it lands, whether it came as a literal or in a variable. A
request that breaks a limit gets one error per problem, each with `extensions.code` TOO_LONG,
INVALID_CHARACTER, TOO_DEEP or NOT_FINITE (a Float literal such as 1e309, which graphql-core reads
as infinity), the argument path in `extensions.field`, and nothing runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import strawberry
from cachetools import LRUCache
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    get_named_type,
    get_operation_ast,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from domain.settings import Settings

MAX_LENGTH = "learnql.max_length"  # metadata key: an int, or the name of the Settings field that holds it
MAX_ID_LENGTH = 100  # global IDs are base64 of "Type:key" (under 40 characters); ISO weeks are 8
MAX_JSON_DEPTH = 16  # an import item is 3 levels deep inside the list
MAX_REPORTED = 20  # problems reported per request; a request with more is refused all the same
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")  # in a str, a surrogate is always an unpaired one


def _describe(description: str, maximum: int | str, each: bool) -> str:
    if isinstance(maximum, str):
        default = Settings.model_fields[maximum].default
        limit = f"LEARNQL_{maximum.upper()} characters ({default:,} by default)"
    else:
        limit = f"{maximum:,} characters"
    sentence = f"At most {limit}{' each' if each else ''}."
    return f"{description} {sentence}" if description else sentence


def text(maximum: int | str, description: str = "", *, each: bool = False, **options: Any) -> Any:
    """An input field of text (or, with `each`, a list of texts) of at most `maximum` characters; a str
    names the Settings field that holds the maximum."""
    return strawberry.field(
        description=_describe(description, maximum, each), metadata={MAX_LENGTH: maximum}, **options
    )


def text_argument(maximum: int | str, description: str = "") -> Any:
    """`Annotated[str | None, text_argument(...)]`: a text argument of at most `maximum` characters."""
    return strawberry.argument(description=_describe(description, maximum, False), metadata={MAX_LENGTH: maximum})


def declared_maximum(definition: GraphQLArgument | GraphQLInputField) -> int | str | None:
    """The maximum an input declares with `text()` / `text_argument()`, unresolved."""
    origin = (definition.extensions or {}).get("strawberry-definition")
    metadata: Mapping[str, Any] = getattr(origin, "metadata", None) or {}
    maximum = metadata.get(MAX_LENGTH)
    return maximum if isinstance(maximum, int | str) else None


Site = tuple[GraphQLField, FieldNode]  # a field of the operation that is given arguments


@dataclass
class Problem:
    code: str
    message: str
    field: list[str]
    node: FieldNode

    def error(self) -> GraphQLError:
        return GraphQLError(self.message, self.node, extensions={"code": self.code, "field": self.field})


class InputChecker:
    """Per schema: finds the fields of an operation that take arguments (remembered per document text)
    and checks their values."""

    def __init__(self, settings: Settings, cache_size: int = 512) -> None:
        self._settings = settings
        self._sites: LRUCache[tuple[str, str | None], list[Site]] = LRUCache(cache_size)

    def check(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        query: str | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> list[GraphQLError]:
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            return []
        sites = self._sites_of(schema, document, operation, query, operation_name)
        if not sites:
            return []
        # The values as the client sent them, variables put in place: no coercion of our own (execution
        # coerces them anyway, and a second pass cost 0.1 ms for a 20-answer submission). A value of the
        # wrong type is left to execution's own errors: the checks below look only at values in their place.
        raw = dict(variables or {})
        for definition in operation.variable_definitions or ():  # defaults are the client's text too
            if definition.default_value is not None and definition.variable.name.value not in raw:
                raw[definition.variable.name.value] = value_from_ast_untyped(definition.default_value)
        problems: list[Problem] = []
        for field, node in sites:
            for given in node.arguments or ():
                name = given.name.value
                argument = field.args.get(name)
                if argument is None:
                    continue  # validation refused it already
                value = value_from_ast_untyped(given.value, raw)
                self._check(value, argument.type, self._maximum(argument), [name], node, problems)
                if len(problems) >= MAX_REPORTED:
                    return [problem.error() for problem in problems]
        return [problem.error() for problem in problems]

    def _sites_of(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        query: str | None,
        operation_name: str | None,
    ) -> list[Site]:
        key = (query, operation_name) if query is not None else None
        if key is not None and (known := self._sites.get(key)) is not None:
            return known
        sites = _collect_sites(schema, document, operation)
        if key is not None:
            self._sites[key] = sites
        return sites

    def _maximum(self, definition: GraphQLArgument | GraphQLInputField) -> int | None:
        maximum = declared_maximum(definition)
        if isinstance(maximum, str):
            value = getattr(self._settings, maximum)
            return value if isinstance(value, int) else None
        return maximum

    def _check(
        self,
        value: Any,
        type_: GraphQLInputType,
        maximum: int | None,
        path: list[str],
        node: FieldNode,
        problems: list[Problem],
    ) -> None:
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if value is None or value is Undefined:
            return
        if isinstance(type_, GraphQLList):
            for index, item in enumerate(value if isinstance(value, list | tuple) else [value]):
                self._check(item, type_.of_type, maximum, [*path, str(index)], node, problems)
            return
        if isinstance(type_, GraphQLInputObjectType):
            for name, field in type_.fields.items():  # the client's values: keyed by the GraphQL names
                if isinstance(value, Mapping) and name in value:
                    self._check(value[name], field.type, self._maximum(field), [*path, name], node, problems)
            return
        name = type_.name
        if name in {"String", "ID"} and isinstance(value, str):
            limit = MAX_ID_LENGTH if name == "ID" else maximum
            _check_text(value, limit, path, node, problems)
        elif name == "Float" and isinstance(value, float) and not math.isfinite(value):
            problems.append(_not_finite(path, node))
        elif name == "JSON":
            _check_json(value, path, node, problems)


def _bad_character(path: list[str], node: FieldNode) -> Problem:
    message = f"`{'.'.join(path)}` holds a NUL character or an unpaired surrogate, which no text may hold."
    return Problem("INVALID_CHARACTER", message, path, node)


def _not_finite(path: list[str], node: FieldNode) -> Problem:
    # graphql-core reads the literal 1e309 as infinity (JSON cannot carry it: a 400 before this)
    return Problem("NOT_FINITE", f"`{'.'.join(path)}` is not a finite number.", path, node)


def _check_text(value: str, maximum: int | None, path: list[str], node: FieldNode, problems: list[Problem]) -> None:
    if _BAD_CHARACTER.search(value):
        problems.append(_bad_character(path, node))
    elif maximum is not None and len(value) > maximum:
        message = f"`{'.'.join(path)}` is longer than {maximum:,} characters ({len(value):,})."
        problems.append(Problem("TOO_LONG", message, path, node))


def _check_json(value: Any, path: list[str], node: FieldNode, problems: list[Problem]) -> None:
    """Every string (keys too) without a bad character, nested at most MAX_JSON_DEPTH levels; iterative,
    so that depth cannot exhaust the stack here either."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            message = f"`{'.'.join(path)}` is nested deeper than {MAX_JSON_DEPTH} levels."
            problems.append(Problem("TOO_DEEP", message, path, node))
            return
        if isinstance(item, str):
            texts: Iterator[str] = iter((item,))
        elif isinstance(item, Mapping):
            texts = (key for key in item if isinstance(key, str))
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list | tuple):
            texts = iter(())
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, float) and not math.isfinite(item):
            problems.append(_not_finite(path, node))
            return
        else:
            continue
        if any(_BAD_CHARACTER.search(text) for text in texts):
            problems.append(_bad_character(path, node))
            return


def _collect_sites(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) -> list[Site]:
    """The fields of the operation (through its fragments) that are given arguments."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    sites: list[Site] = []
    seen: set[str] = set()
    stack: list[tuple[GraphQLNamedType | None, SelectionSetNode]] = [(root, operation.selection_set)]
    while stack:
        parent, selection_set = stack.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
                field = fields.get(selection.name.value)
                if field is None:  # __typename and introspection, or a field validation has refused
                    continue
                if selection.arguments:
                    sites.append((field, selection))
                if selection.selection_set is not None:
                    stack.append((get_named_type(field.type), selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                stack.append((schema.get_type(condition.name.value) if condition else parent, selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    stack.append((schema.get_type(fragment.type_condition.name.value), fragment.selection_set))
    return sites


class InputLimits(SchemaExtension):
    """Refuses a request whose arguments break a limit, before any resolver runs."""

    def __init__(self, checker: InputChecker) -> None:
        super().__init__()
        self.checker = checker

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        assert context.graphql_document is not None
        errors = self.checker.check(
            context.schema._schema, context.graphql_document, context.query, context.operation_name, context.variables
        )
        if errors:
            if context.operation_type == OperationType.SUBSCRIPTION:
                raise errors[0]  # strawberry reads no preset result for subscriptions; it reports what is raised
            context.result = ExecutionResult(data=None, errors=errors)  # strawberry then skips execution
        yield
