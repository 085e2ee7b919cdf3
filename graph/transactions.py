"""The commit boundary of mutations: one unit of work per GraphQL operation.

`WriteTransactions` (a schema extension) makes a mutation's context hand out a write session (on
SQLite it takes the write lock at BEGIN; queries read without locking anyone out). Every root
mutation field runs through `MutationField` (schema.py puts it on each of them), which decides
whether that field's writes stay:

- a resolver whose payload comes back with `errors` (an expected failure) wrote nothing, unless
  its payload type keeps the good items beside per-item errors (`KEEPS_GOOD_ITEMS`: importProblems
  and recordGrades store the valid rows, each bad row rolled back in its own savepoint);
- a resolver that raises (an authentication error, a bug) fails the whole operation: every payload
  is non-null, so the error nulls the operation's data, and nothing of it is written;
- otherwise its writes stay.

After the last resolver, `WriteTransactions` commits once and the outbox flushes (cache scopes,
realtime events, job requests: domain/outbox.py), or rolls back when no field's writes stay or one
raised. An operation with one root field (what clients send) needs no savepoint: its outcome is the
operation's. With several root fields each runs in a SAVEPOINT, so an expected failure of one takes
back only its own writes, as its own payload reports. Errors in the fields of a payload, resolved
after its resolver returned, do not undo its writes (as when resolvers committed themselves).
Resolvers never commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from graphql import FieldNode, GraphQLError
from strawberry.extensions import FieldExtension, SchemaExtension
from strawberry.types import Info
from strawberry.types.graphql import OperationType

from graph.context import Context


def keeps_writes(payload: object) -> bool:
    """Whether a mutation field's writes stay, judged by the payload its resolver returned."""
    errors = getattr(payload, "errors", None)
    return not errors or bool(getattr(payload, "KEEPS_GOOD_ITEMS", False))


class WriteTransactions(SchemaExtension):
    """Write sessions for mutations, committed once after their fields ran; read sessions for the rest."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if not isinstance(context, Context):
            yield
            return
        mutation = self.execution_context.operation_type == OperationType.MUTATION
        context.write = mutation
        context.writes_kept = context.writes_failed = False
        yield
        if not mutation:
            return
        try:
            await context.end_unit_of_work()
        except Exception as error:  # the commit failed: nothing of the operation was written
            result = self.execution_context.result
            if result is None:
                raise
            result.data = None
            result.errors = [GraphQLError("The changes could not be saved.", original_error=error)]


class MutationField(FieldExtension):
    """Runs one root mutation field as a part of the operation's unit of work (see the module docstring)."""

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Context, Any], **kwargs: Any
    ) -> Any:
        context = info.context
        selections = info.operation.selection_set.selections
        if len(selections) == 1 and isinstance(selections[0], FieldNode):
            try:
                payload = await next_(source, info, **kwargs)
            except BaseException:
                context.writes_failed = True
                raise
            context.writes_kept = keeps_writes(payload)
            return payload
        async with context.db() as session:
            savepoint = await session.begin_nested()
        kept = False
        try:
            payload = await next_(source, info, **kwargs)
            kept = keeps_writes(payload)
            return payload
        except BaseException:
            context.writes_failed = True
            raise
        finally:
            async with context.db():
                if kept:
                    await savepoint.commit()
                    context.writes_kept = True
                else:
                    await savepoint.rollback()
                    context.forget_loaded()  # the rows it changed are expired now


def with_units_of_work(mutation: type) -> type:
    """The Mutation type with `MutationField` on each of its fields."""
    for field in mutation.__strawberry_definition__.fields:  # type: ignore[attr-defined]
        if not any(isinstance(extension, MutationField) for extension in field.extensions):
            field.extensions = [*field.extensions, MutationField()]
    return mutation
