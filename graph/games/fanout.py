"""One execution of the players' selection per game snapshot, whatever the number of players.

GraphQL executes a subscription's selection once per event and subscriber: a reveal to a thousand
players is a thousand executions of the same fields on the same snapshot. Almost everything a player
sees is the same for every player (the question, the key once revealed, the counts, the top 10); only
the `viewer*` fields of Game are their own. So when a player's operation selects only such shared
fields (SHARED_FIELDS, which read nothing but the snapshot and whether the viewer hosts) plus
`viewerStanding`, `viewerAnswer` or `viewerPlayer` directly under the root field, the snapshot is
executed once for all of them (as a viewer who plays no part), and each player executes only their
own viewer fields and sends the two merged, past strawberry's per-event pipeline
(graph/realtime/transport.py `send_next`), as the leaderboards do (graph/realtime/sharing.py).
Any other operation, the host's, and the legacy graphql-ws protocol go through GraphQL as usual.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import Any, cast

import orjson
from cachetools import FIFOCache, LRUCache
from graphql import (
    BREAK,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)
from graphql.language import FragmentDefinitionNode
from strawberry.types import Info

from domain.games.views import GameView
from domain.infra import metrics
from graph.games.seats import Seat
from graph.games.types import Game

VIEWER_FIELDS = frozenset({"viewerStanding", "viewerAnswer", "viewerPlayer"})
_GAME = ("id", "pin", "state", "playerCount", "questionCount", "secondsPerQuestion", "pointsPerQuestion")
_GAME_MORE = ("speedBonus", "skippedProblemCount", "connectedCount", "serverTime", "currentQuestion")
_QUESTION = ("index", "kind", "prompt", "options", "deadline", "closed", "skipped", "correctOptionIds")
_QUESTION_MORE = ("correctAnswer", "answerCounts", "answeredCount", "correctCount")
_ANSWER = ("id", "questionIndex", "correct", "points", "elapsedMs", "optionIds", "number", "text")
SHARED_FIELDS = frozenset(
    {("Subscription", "gameUpdated")}
    | {("Game", name) for name in (*_GAME, *_GAME_MORE, "standings", "viewerIsHost")}
    | {("GameQuestion", name) for name in (*_QUESTION, *_QUESTION_MORE)}
    | {("GameOption", "id"), ("GameOption", "text")}
    | {("GameStanding", name) for name in ("rank", "player", "score", "correctCount")}
    | {("GamePlayer", name) for name in ("id", "nickname", "connected")}
    | {("GameAnswer", name) for name in _ANSWER}
)  # GameQuestion.problem is left out: Problem's fields may depend on who asks


class _SharedFieldsOnly(Visitor):
    def __init__(self, type_info: TypeInfo, viewer_nodes: list[FieldNode]) -> None:
        super().__init__()
        self.type_info = type_info
        self.viewer_nodes = viewer_nodes
        self.shared = True

    def enter_field(self, node: FieldNode, *_: Any) -> Any:
        parent = self.type_info.get_parent_type()
        name = node.name.value
        if name == "__typename" or any(node is viewer for viewer in self.viewer_nodes):
            return None
        if parent is None or (parent.name, name) not in SHARED_FIELDS:
            self.shared = False
            return BREAK
        return None


@dataclass(frozen=True)
class Plan:
    """How one operation is fanned out: its shared part for everyone, its viewer part per player."""

    operation: OperationDefinitionNode
    document: DocumentNode  # the whole operation: executed once per snapshot (as a viewer without a player)
    viewer_document: DocumentNode | None  # just the root field's viewer fields; None when it selects none
    viewer_keys: tuple[str, ...]  # their response names
    root_key: str


_CACHE_SIZE = 256
_plans: FIFOCache[int, tuple[OperationDefinitionNode, Plan | None]] = FIFOCache(_CACHE_SIZE)


def _plan_of(
    schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> Plan | None:
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode) or selections[0].selection_set is None:
        return None
    root = selections[0]
    if root.name.value != "gameUpdated":
        return None
    assert root.selection_set is not None
    viewer_nodes = [
        s for s in root.selection_set.selections if isinstance(s, FieldNode) and s.name.value in VIEWER_FIELDS
    ]
    for node in (operation, *fragments.values()):
        type_info = TypeInfo(schema)
        visitor = _SharedFieldsOnly(type_info, viewer_nodes if node is operation else [])
        visit(node, TypeInfoVisitor(type_info, visitor))
        if not visitor.shared:
            return None
    document = DocumentNode(definitions=(operation, *fragments.values()))
    viewer_document = None
    if viewer_nodes:
        viewer_root = FieldNode(
            alias=root.alias,
            name=root.name,
            arguments=root.arguments,
            directives=root.directives,
            selection_set=SelectionSetNode(selections=tuple(viewer_nodes)),
        )
        viewer_operation = OperationDefinitionNode(
            operation=operation.operation,
            name=operation.name,
            variable_definitions=operation.variable_definitions,
            directives=operation.directives,
            selection_set=SelectionSetNode(selections=(viewer_root,)),
        )
        viewer_document = DocumentNode(definitions=(viewer_operation, *fragments.values()))
    keys = tuple((n.alias or n.name).value for n in viewer_nodes)
    return Plan(operation, document, viewer_document, keys, (root.alias or root.name).value)


def plan_for(info: Info[Any, Any]) -> Plan | None:
    """The fan-out plan of the subscription being resolved; None when it must run through GraphQL."""
    raw = info._raw_info
    operation = raw.operation
    cached = _plans.get(id(operation))
    if cached is not None and cached[0] is operation:
        return cached[1]
    plan = _plan_of(raw.schema, operation, raw.fragments)
    _plans[id(operation)] = (operation, plan)  # holding the node keeps its id from being reused
    return plan


class Renderer:
    """The fan-out of one operation with one set of variables: its executors are built once and shared
    by all its subscribers (4 KB each; `renderer_for`). They run with the context of the subscriber who
    came first: the fields they execute read the snapshot and the seat in the root Game, never the
    context (the list-item limit reads its settings, the same for everyone)."""

    __slots__ = ("_shared", "_viewer", "plan", "variables")

    def __init__(self, info: Info[Any, Any], plan: Plan, key: str) -> None:
        raw = info._raw_info
        executor_class = info.schema.execution_context_class
        variables = dict(cast(dict[str, Any], raw.variable_values))  # strawberry hands over the coerced dict
        self.plan = plan
        self.variables = key  # `variables_key(info)`: part of the shared results' key
        shared = executor_class.build(raw.schema, plan.document, None, raw.context, variables)
        self._shared = None if isinstance(shared, list) else shared
        viewer = None
        if plan.viewer_document is not None:
            viewer = executor_class.build(raw.schema, plan.viewer_document, None, raw.context, variables)
        self._viewer = None if isinstance(viewer, list) else viewer

    @property
    def usable(self) -> bool:
        return self._shared is not None and (self.plan.viewer_document is None or self._viewer is not None)

    async def render(self, view: GameView, seat: Seat) -> str | None:
        """The `next` payload (JSON) for this subscriber; None when GraphQL should handle it (an error)."""
        shared = await _shared_result(self, view, seat.host)
        if shared is None:
            return None
        data, encoded = shared
        if self._viewer is None:
            return encoded
        own = await _execute(self._viewer, Game.from_view(view, seat))
        metrics.GAME_FANOUT_EXECUTIONS.labels("viewer").inc()
        if own.errors or own.data is None:
            return None
        game = data[self.plan.root_key]
        mine = own.data[self.plan.root_key]
        merged = {**game, **{key: mine[key] for key in self.plan.viewer_keys if key in mine}}
        return orjson.dumps({"data": {self.plan.root_key: merged}}).decode()


_renderers: LRUCache[tuple[int, str], tuple[OperationDefinitionNode, Renderer]] = LRUCache(_CACHE_SIZE)


def variables_key(info: Info[Any, Any]) -> str:
    return repr(sorted(cast(dict[str, Any], info._raw_info.variable_values).items()))


def renderer_for(info: Info[Any, Any], plan: Plan) -> Renderer | None:
    """The shared renderer of this subscription's operation and variables; None if it cannot be built."""
    variables = variables_key(info)
    key = (id(plan.operation), variables)
    found = _renderers.get(key)
    if found is not None and found[0] is plan.operation:
        return found[1]
    renderer = Renderer(info, plan, variables)
    if not renderer.usable:
        return None
    _renderers[key] = (plan.operation, renderer)
    return renderer


async def _execute(base: Any, root: Game) -> ExecutionResult:
    result = base.build_per_event_executor(root).execute_operation(False)
    if base.is_awaitable(result):
        result = await result
    assert isinstance(result, ExecutionResult)
    return result


# The shared part of recent snapshots: (view, operation, variables, host) -> (view, its execution). A weak
# reference to the view tells a reused id apart without keeping the view (a whole roster) alive. The
# execution is a task stored before it runs: subscribers that miss at the same time await the same one
# (one execution per snapshot, not one per subscriber that got there before the first finished), and a
# subscriber leaving cancels only its own wait.
Shared = tuple[dict[str, Any], str] | None
_SHARED_SIZE = 16
_shared: FIFOCache[tuple[int, int, str, bool], tuple[weakref.ref[GameView], asyncio.Task[Shared]]] = FIFOCache(
    _SHARED_SIZE
)


async def _shared_result(renderer: Renderer, view: GameView, host: bool) -> Shared:
    key = (id(view), id(renderer.plan.operation), renderer.variables, host)
    found = _shared.get(key)
    if found is None or found[0]() is not view:
        found = (weakref.ref(view), asyncio.ensure_future(_run_shared(renderer, view, host)))
        _shared[key] = found
    try:
        return await asyncio.shield(found[1])
    except Exception:
        if _shared.get(key) is found:  # a failed execution is not kept: the next subscriber runs it again
            del _shared[key]
        raise


async def _run_shared(renderer: Renderer, view: GameView, host: bool) -> Shared:
    assert renderer._shared is not None
    result = await _execute(renderer._shared, Game.from_view(view, Seat(None, None, host=host)))
    metrics.GAME_FANOUT_EXECUTIONS.labels("shared").inc()
    if result.errors or result.data is None:
        return None
    return (result.data, orjson.dumps({"data": result.data}).decode())
