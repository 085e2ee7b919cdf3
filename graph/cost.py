"""Query cost: what a request asks for, computed before it runs, and a cap on what it actually resolves.

The static cost counts the objects an operation can return (GitHub's node count, Shopify's requested
cost): every object field costs 1, a list multiplies its selection by its size, nested lists multiply.
A list's size is, in this order:

1. its own page argument (`first`, `last`, `limit`), from the document or the variables, else that
   argument's default (a connection without `first` gets graph/pagination.py's default page);
2. the page argument of the field that returned its parent: `edges` of a connection and
   `entries` of a leaderboard are as long as the connection's or leaderboard's `first`;
3. the size declared for it in LIST_SIZES, or for lists of its item type in ITEM_SIZES: an assumption
   about lists that have no argument (a lesson's problems, a problem's options).

Scalars, `__typename` and introspection cost nothing (introspection is bounded by the schema; its
nesting, like everything else, by the execution cap below). Fragments are counted where they are
spread, so fragments on alternative types add up: the estimate errs high, never low.

A declared size is an assumption, and a lesson can hold more problems than assumed (the freeze of
issue 12: 1,000 problems, `lesson{problems{lesson{problems{lesson{problems{id}}}}}}`). So execution
counts the items of every list it completes (`CountingExecutor`) and stops the request with
QUERY_TOO_COSTLY once they pass `max_query_nodes`, whatever the estimate said.

Why not a graphql-core validation rule: a rule sees the document but not the variables (`first: $n`),
and the shared validation cache (ValidationCache) keys its results by document, so a cost that
depends on variables must not be part of it. The cost is computed by graph/budget.py's extension
right after validation, on a valid document, with graphql-core's own type information.

Clients send the same few documents again and again, so the cost is cached like the parse and the
validation: keyed by the query text and operation name, then by the values of the variables the walk
read (the page arguments given as variables, and nothing else: no other variable changes the cost).
A cached request costs two dict lookups instead of a walk of its document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sized
from typing import Any

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    VariableNode,
    get_named_type,
    is_composite_type,
)

from graph.pagination import DEFAULT_PAGE
from graph.realtime.sharing import SharedResultExecutionContext

PAGE_ARGUMENTS = ("first", "last", "limit")

# Sizes assumed for lists without a page argument: typical values, not maxima. Where a real list can
# be longer, the execution cap (max_query_nodes) still bounds what a request resolves.
LIST_SIZES: dict[str, int] = {
    "Lesson.problems": 50,
    "Problem.options": 6,
    "Problem.topics": 5,
    "Query.topics": 50,  # the roots of the topic tree
    "Topic.children": 20,
    "Query.classes": 20,  # the viewer's classes
    "Class.courses": 10,
    "Submission.answers": 50,  # one per problem of a lesson
    "Job.problems": 100,  # generation_max_count's default
    "Job.submissions": 100,  # an evaluation job's batch
    "ImportProblemsPayload.created": 1000,  # an import takes at most 1,000 items
    "ImportProblemsPayload.updated": 1000,
    "Leaderboard.entries": 100,  # when no `first` reached it: the most a leaderboard shows
    "AnswerAnalysis.options": 6,  # like Problem.options
    "ClassAnalytics.histogram": 10,
    "ClassAnalytics.lessons": 50,
    "ClassAnalytics.subjects": 20,
    "ClassAnalytics.items": 200,  # one per problem of the class's courses
    "StudentAnalytics.lessons": 50,
    "StudentAnalytics.subjects": 20,
    "StudentAnalytics.topics": 100,
    "StudentAnalytics.bestTopics": 5,
    "StudentAnalytics.worstTopics": 5,
    "StudentAnalytics.atRiskReasons": 5,
    "StudentAnalytics.timeSpent": 50,  # one per lesson practised
    "StudentAnalytics.topicTime": 100,  # like StudentAnalytics.topics
    "AtRiskStudent.reasons": 5,
    "ReviewStats.dueByDay": 31,
    "GameQuestion.options": 6,  # like Problem.options: a game question is a problem's
    "GameReport.questions": 50,  # one per question of the game (a lesson's problems)
    "GameReport.standings": 500,  # every player: the default of a game's max_players
    "ClassAlertSettings.kinds": 4,  # one per AlertKind
    "ClassAlertSettings.mutedStudents": 20,
}
# Lists of these item types, wherever they appear.
ITEM_SIZES: dict[str, int] = {
    "UserError": 2,  # a payload's errors: usually none
}
UNDECLARED_SIZE = 100  # a list nobody declared (tests/graph/test_query_cost.py fails on one)


def _unwrap(type_: GraphQLOutputType) -> GraphQLOutputType:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def is_list(type_: GraphQLOutputType) -> bool:
    return isinstance(_unwrap(type_), GraphQLList)


class _Costs:
    """The costs of one operation of one document: the variables its cost depends on, and its cost for
    each combination of their values seen (at most MAX_VALUES; past that the oldest go)."""

    MAX_VALUES = 64

    def __init__(self, variables: tuple[str, ...]) -> None:
        self.variables = variables
        self.by_values: dict[tuple[Any, ...], int] = {}

    def key(self, sent: Mapping[str, Any] | None) -> tuple[Any, ...]:
        """What the cost sees of the variables sent: an int, none (the default applies), or another value
        (a page of DEFAULT_PAGE, and an error when the variables are coerced)."""
        if not self.variables:
            return ()
        sent = sent or {}
        return tuple(_page_value_key(sent.get(name)) for name in self.variables)

    def remember(self, key: tuple[Any, ...], cost: int) -> None:
        if len(self.by_values) >= self.MAX_VALUES:
            del self.by_values[next(iter(self.by_values))]
        self.by_values[key] = cost


def _page_value_key(value: Any) -> Any:
    if value is None or value is Undefined:
        return None
    return value if isinstance(value, int) else Undefined  # any other value: DEFAULT_PAGE


class CostModel:
    """The static cost of operations against one schema (built once, used per request)."""

    MAX_DOCUMENTS = 512  # like the parse and validation caches (graph/schema.py)

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.sizes = dict(LIST_SIZES)
        self._cached: LRUCache[tuple[str, str | None], _Costs] = LRUCache(self.MAX_DOCUMENTS)

    def cost(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        query: str | None = None,
    ) -> int:
        """The number of objects the operation can return; 0 for an operation the document lacks.
        `query`, the text `document` was parsed from, caches the cost under it."""
        if query is None:
            return self._walk(document, operation_name, variables)[0]
        costs = self._cached.get((query, operation_name))
        if costs is not None:
            key = costs.key(variables)
            cost = costs.by_values.get(key)
            if cost is None:
                cost = self._walk(document, operation_name, variables)[0]
                costs.remember(key, cost)
            return cost
        cost, read = self._walk(document, operation_name, variables)
        costs = _Costs(tuple(sorted(read)))
        costs.remember(costs.key(variables), cost)
        self._cached[(query, operation_name)] = costs
        return cost

    def _walk(
        self, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
    ) -> tuple[int, set[str]]:
        """The cost, and the names of the variables it read."""
        operation = _operation(document, operation_name)
        if operation is None:
            return 0, set()
        root = {
            OperationType.QUERY: self.schema.query_type,
            OperationType.MUTATION: self.schema.mutation_type,
            OperationType.SUBSCRIPTION: self.schema.subscription_type,
        }[operation.operation]
        if root is None:
            return 0, set()
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        walk = _Walk(self, fragments, _variables(operation, variables or {}))
        return walk.selections(root, operation.selection_set, None), walk.read

    def list_size(self, parent: str, field: str, item: str, inherited: int | None) -> int:
        if inherited is not None:
            return inherited
        size = self.sizes.get(f"{parent}.{field}")
        if size is None:
            size = ITEM_SIZES.get(item, UNDECLARED_SIZE)
        return size


class _Walk:
    """One cost computation: the fragments and variables of a request, fragment costs memoized."""

    def __init__(self, model: CostModel, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]):
        self.model = model
        self.fragments = fragments
        self.variables = variables
        self.memo: dict[tuple[str, int | None], int] = {}  # a fragment spread many times is costed once
        self.read: set[str] = set()  # the variables the cost depends on

    def selections(self, parent: Any, selection_set: SelectionSetNode | None, page: int | None) -> int:
        """The cost of a selection set on `parent`; `page` is the page size its lists inherit."""
        if selection_set is None:
            return 0
        fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}  # unions: none
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                definition = fields.get(selection.name.value)
                if definition is not None and not selection.name.value.startswith("__"):
                    total += self.field(parent.name, selection, definition, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.model.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(target, selection.selection_set, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread(selection.name.value, page)
        return total

    def spread(self, name: str, page: int | None) -> int:
        key = (name, page)
        if key not in self.memo:
            fragment = self.fragments.get(name)
            if fragment is None:
                return 0
            self.memo[key] = 0  # a cycle (refused by validation anyway) costs nothing more
            target = self.model.schema.get_type(fragment.type_condition.name.value)
            self.memo[key] = self.selections(target, fragment.selection_set, page)
        return self.memo[key]

    def field(self, parent: str, node: FieldNode, definition: GraphQLField, inherited: int | None) -> int:
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return 0
        own = self.page_argument(node, definition)
        if is_list(definition.type):
            size = own if own is not None else self.model.list_size(parent, node.name.value, named.name, inherited)
            return size * (1 + self.selections(named, node.selection_set, None))
        return 1 + self.selections(named, node.selection_set, own)

    def page_argument(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The field's page size: the argument sent, else its default; None for a field without one."""
        for name in PAGE_ARGUMENTS:
            argument = definition.args.get(name)
            if argument is None:
                continue
            sent = next((a.value for a in node.arguments or () if a.name.value == name), None)
            value: Any = Undefined
            if isinstance(sent, IntValueNode):
                value = int(sent.value)
            elif isinstance(sent, VariableNode):
                self.read.add(sent.name.value)
                value = self.variables.get(sent.name.value, Undefined)
            if value is Undefined or value is None:
                value = argument.default_value
            if value is Undefined or value is None:
                value = DEFAULT_PAGE
            return max(0, value) if isinstance(value, int) else DEFAULT_PAGE
        return None


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def _variables(operation: OperationDefinitionNode, sent: Mapping[str, Any]) -> dict[str, Any]:
    """The variables sent, with the operation's integer defaults for those that were not."""
    values = dict(sent)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if values.get(name) is None and isinstance(definition.default_value, IntValueNode):
            values[name] = int(definition.default_value.value)
    return values


def missing_sizes(schema: GraphQLSchema) -> list[str]:
    """Lists of objects whose size the cost would have to guess (none allowed: a test checks)."""
    paged_parents = _always_paged(schema)
    missing = []
    for type_ in schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for name, field in type_.fields.items():
            item = get_named_type(field.type)
            if not is_list(field.type) or not is_composite_type(item):
                continue
            covered = (
                any(argument in field.args for argument in PAGE_ARGUMENTS)
                or f"{type_.name}.{name}" in LIST_SIZES
                or item.name in ITEM_SIZES
                or type_.name in paged_parents
            )
            if not covered:
                missing.append(f"{type_.name}.{name}")
    return sorted(missing)


def _always_paged(schema: GraphQLSchema) -> set[str]:
    """Types that every field returning them pages (connections, leaderboards): their lists inherit it."""
    paged: dict[str, bool] = {}
    for type_ in schema.type_map.values():
        if type_.name.startswith("__") or not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field in type_.fields.values():
            if is_list(field.type):
                continue
            target = get_named_type(field.type).name
            has_page = any(argument in field.args for argument in PAGE_ARGUMENTS)
            paged[target] = paged.get(target, True) and has_page
    return {name for name, always in paged.items() if always}


class QueryTooCostly(GraphQLError):
    """QUERY_TOO_COSTLY: the estimate before execution, or the items resolved during it, passed the limit."""

    def __init__(self, message: str, **details: int) -> None:
        super().__init__(message, extensions={"code": "QUERY_TOO_COSTLY", **details})


class CountingExecutor(SharedResultExecutionContext):
    """Counts the items of every list it completes and stops the operation past `max_query_nodes`."""

    resolved_items = 0

    def complete_list_value(self, return_type: Any, field_details_list: Any, info: Any, path: Any, *rest: Any) -> Any:
        result = rest[0]
        if isinstance(result, Sized):
            self.resolved_items += len(result)
            limit: int = self.context_value.settings.max_query_nodes
            if self.resolved_items > limit:
                raise QueryTooCostly(
                    f"This query resolved more than {limit} list items (LEARNQL_MAX_QUERY_NODES) and was "
                    "stopped; ask for fewer or smaller lists.",
                    limit=limit,
                )
        return super().complete_list_value(return_type, field_details_list, info, path, *rest)
