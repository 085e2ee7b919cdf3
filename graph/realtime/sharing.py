"""One execution per leaderboard update for all subscribers asking the same thing.

GraphQL executes a subscription's selection once per event and subscriber; with a thousand
subscribers on one board that is a thousand identical executions per update. When the event is a
shared `Leaderboard` and the operation selects only fields that read the same for every viewer
(PUBLIC_FIELDS), subscribers with the same document and variables share one execution result.
Anything else (e.g. `viewerEntry`, `user { email }`) executes per subscriber as usual.

Beyond the execution, strawberry's per-event pipeline (extension hooks, result conversion, message
building) still costs more than sending itself; on graphql-transport-ws the first subscriber of a
group takes that path and the others send the encoded result directly (`encoded_result`,
graph/realtime/transport.py `send_next`), which keeps a 1,000-subscriber fan-out within tens of ms.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from cachetools import FIFOCache
from graphql import (
    BREAK,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)
from graphql.language import FragmentDefinitionNode
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

PUBLIC_FIELDS = frozenset(
    {
        ("Subscription", "leaderboardUpdated"),
        ("Leaderboard", "scope"),
        ("Leaderboard", "entries"),
        ("Leaderboard", "updatedAt"),
        ("LeaderboardScope", "kind"),
        ("LeaderboardScope", "id"),
        ("LeaderboardEntry", "rank"),
        ("LeaderboardEntry", "xp"),
        ("LeaderboardEntry", "user"),
        ("User", "id"),
        ("User", "displayName"),
        ("User", "role"),
        ("User", "xp"),
    }
)
_CACHE_SIZE = 512
_public: FIFOCache[int, tuple[OperationDefinitionNode, bool]] = FIFOCache(_CACHE_SIZE)


class _PublicFieldsOnly(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.public = True

    def enter_field(self, node: FieldNode, *_: Any) -> Any:
        parent = self.type_info.get_parent_type()
        name = node.name.value
        if name != "__typename" and (parent is None or (parent.name, name) not in PUBLIC_FIELDS):
            self.public = False
            return BREAK
        return None


def is_public(
    schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> bool:
    """Whether the operation (with every fragment of its document) reads only PUBLIC_FIELDS."""
    cached = _public.get(id(operation))
    if cached is not None and cached[0] is operation:
        return cached[1]
    public = True
    for node in (operation, *fragments.values()):
        type_info = TypeInfo(schema)
        visitor = _PublicFieldsOnly(type_info)
        visit(node, TypeInfoVisitor(type_info, visitor))
        public = public and visitor.public
    _public[id(operation)] = (operation, public)  # holding the node keeps its id from being reused
    return public


ShareKey = tuple[int, str]


def share_key(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> ShareKey | None:
    """What subscribers must have in common to share a result; None when the operation is not public."""
    if not is_public(schema, operation, fragments):
        return None
    return (id(operation), repr(sorted(variables.items())))


def encoded_result(payload: Any, key: ShareKey) -> str | None:
    """The JSON of the `next` payload already executed for `key` on this shared payload, if there is one
    (and it has no errors): the WebSocket fan-out sends it as it is (graph/realtime/transport.py)."""
    results: dict[Any, Any] | None = getattr(payload, "shared_results", None)
    found = None if results is None else results.get(key)
    if found is None or isinstance(found, asyncio.Future) or found.errors:
        return None
    assert results is not None
    text: str | None = results.get(("json", key))
    if text is None:
        text = results[("json", key)] = orjson.dumps({"data": found.data}).decode()
    return text


class SharedResultExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Executes a shared payload once per (document, variables) and hands every subscriber the result."""

    shared_as: ShareKey | None = None  # per subscription: None when its operation is not public

    def build_per_event_executor(self, payload: Any) -> Any:
        if self.shared_as is None:
            variables = self.variable_values.coerced
            self.shared_as = share_key(self.schema, self.operation, self.fragment_definitions, variables)
        executor = super().build_per_event_executor(payload)  # a copy: it inherits shared_as
        # graphql-core 3.3 memoizes collected subfields by the identity of per-execution lists in a
        # dict the shallow copy shares with the subscription's executor: without a fresh one, every
        # event of a subscription leaves ~30 objects behind for as long as it lasts.
        executor._relevant_sub_fields = {}
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        results: dict[Any, Any] | None = getattr(self.root_value, "shared_results", None)
        key = self.shared_as
        if results is None or key is None:
            return super().execute_operation(serially)
        found = results.get(key)
        if found is None:
            outcome = super().execute_operation(serially)
            if not self.is_awaitable(outcome):
                results[key] = outcome
                return outcome
            found = results[key] = asyncio.ensure_future(outcome)
        if isinstance(found, asyncio.Future):
            return found.result() if found.done() and not found.cancelled() else _share(found)
        return found


async def _share(execution: asyncio.Future[Any]) -> Any:
    # Shielded: one subscriber leaving mid-execution must not cancel the others' result.
    return await asyncio.shield(execution)
