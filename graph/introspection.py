"""LEARNQL_INTROSPECTION=false: the schema stays private.

`__schema` and `__type` are refused by graphql-core's NoSchemaIntrospectionCustomRule (what
strawberry's DisableIntrospection adds), and error messages lose their "Did you mean ...?"
suggestions, which would otherwise spell the schema out one guess at a time. graphql-core can leave
suggestions out itself (`hide_suggestions`), but strawberry 0.341 passes that neither to validation
nor to execution (where variables are coerced), so the suggestions are taken out of the finished
messages instead: graphql-core always writes them as " Did you mean ...?" (pyutils/did_you_mean.py
and the scalar-leafs rule). `__typename` keeps working.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from domain.settings import Settings

_SUGGESTION = re.compile(r" Did you mean [^?]*\?")


def introspection_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    return [] if settings.introspection else [NoSchemaIntrospectionCustomRule]


def without_suggestions(error: GraphQLError) -> GraphQLError:
    message = _SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message, error.nodes, error.source, error.positions, error.path, error.original_error, error.extensions
    )


class HideSuggestions(SchemaExtension):
    """Takes the suggestions out of every error of a result (each one of a subscription's too)."""

    def on_operation(self) -> Iterator[None]:
        yield
        self._apply(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        self._apply(result)
        yield

    @staticmethod
    def _apply(result: Any) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = [without_suggestions(error) for error in errors]
