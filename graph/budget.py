"""Each request's cost against the limits: QUERY_TOO_COSTLY, the client's budget, `extensions.cost`.

Right after validation (so only valid documents are costed, and a refusal is a pre-execution error
on every transport: data null over HTTP, an `error` message over graphql-transport-ws) the operation's
static cost (graph/cost.py) is checked against `max_query_cost`, then taken from the client's budget
(domain/infra/budget.py): the user for a valid token, else the client's IP address. An empty budget
refuses the request whole with RATE_LIMITED, HTTP 429 and Retry-After. A subscription pays its cost
once, when it subscribes; its events are free. An HTTP operation rerun after a transient failure
(graph/retries.py) is not charged again: the failure was the server's.

Every response carries `extensions.cost {requested, budget {maximum, remaining, restoreRate}}`
(`requested` is 0 when the document was not valid, and nothing was taken); a subscription carries it
on its first result only, so that the shared results of a leaderboard fan-out stay shareable.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterator
from functools import lru_cache
from typing import Any

from graphql import GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from domain.errors import Unauthenticated
from domain.infra.budget import Charge
from domain.settings import Settings
from graph.context import Context
from graph.cost import CostModel, CountingExecutor, QueryTooCostly
from graph.realtime.sharing import SharedResultExecutionContext


def budget_extensions(settings: Settings) -> list[type[SchemaExtension]]:
    """The schema's cost extension, unless LEARNQL_QUERY_COST=0 turns costs and budgets off."""
    return [QueryBudget] if settings.query_cost else []


def executor_class(settings: Settings) -> type[SharedResultExecutionContext]:
    """The executor: with costs on, one that also caps the list items a request resolves."""
    return CountingExecutor if settings.query_cost else SharedResultExecutionContext


@lru_cache(maxsize=8)
def cost_model(schema: GraphQLSchema) -> CostModel:
    return CostModel(schema)


def client_of(context: Context) -> str:
    """Whose budget a request spends: the user a signed, unexpired token names, else the client's address.

    The budget is charged at validation, before VerifyToken (graph/users/authentication.py) checks the
    token against its account in the operation's own transaction (a mutation's write transaction, which
    does not exist yet). The signature is enough to name whose budget it is: only a token we issued for
    that user spends it, and a logged-out one is refused by the resolvers anyway."""
    try:
        claims = context.token
    except Unauthenticated:  # answered as such by the resolvers; meanwhile it spends the address's budget
        claims = None
    if claims is not None:
        return f"user:{claims.user_id}"
    return f"ip:{context.client or 'unknown'}"


def rate_limited(charge: Charge) -> GraphQLError:
    seconds = charge.retry_after_header
    return GraphQLError(
        f"This client's query budget holds {math.floor(charge.remaining)} points and this request costs "
        f"{charge.cost}; it refills at {charge.restore_rate:g} points per second: retry in {seconds} s.",
        extensions={"code": "RATE_LIMITED", "retryAfter": int(seconds), "cost": charge.cost},
    )


class QueryBudget(SchemaExtension):
    """Put after ValidationCache in the schema's extensions: it reads the validation's outcome."""

    def __init__(self) -> None:
        self.requested = 0
        self.charge: Charge | None = None
        self.reported = False

    async def on_validate(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if execution.pre_execution_errors is None:  # no validation cache ran before this extension
            assert execution.graphql_document is not None
            execution.pre_execution_errors = validate_document(
                execution.schema._schema, execution.graphql_document, execution.validation_rules
            )
        if not execution.pre_execution_errors and isinstance(context, Context):
            error = await self._admit(context)
            if error is not None:
                execution.pre_execution_errors = [error]
        yield

    async def _admit(self, context: Context) -> GraphQLError | None:
        execution = self.execution_context
        assert execution.graphql_document is not None
        cost = cost_model(execution.schema._schema).cost(
            execution.graphql_document, execution.operation_name, execution.variables, execution.query
        )
        limit = context.settings.max_query_cost
        if cost > limit:
            return QueryTooCostly(
                f"This query costs {cost} points, over the limit of {limit} (LEARNQL_MAX_QUERY_COST): ask for "
                "smaller pages (`first`) or fewer nested lists.",
                cost=cost,
                limit=limit,
            )
        self.requested = cost
        if context.rerun and context.charged is not None:  # graph/retries.py reruns it: paid already
            self.charge = context.charged
            return None
        self.charge = context.charged = await context.services.budget.take(client_of(context), cost)
        if self.charge.allowed:
            return None
        return rate_limited(self.charge)  # graph/rate_limits.py answers it with HTTP 429 and Retry-After

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or []
        capped = next((e for e in errors if isinstance(e.original_error, QueryTooCostly)), None)
        if capped is not None:  # graph/cost.py CountingExecutor stopped it: no partial data
            result.data = None  # type: ignore[union-attr]
            limit = self.execution_context.context.settings.max_query_nodes
            result.errors = [QueryTooCostly(capped.message, limit=limit)]  # type: ignore[union-attr]

    async def get_results(self) -> dict[str, Any]:
        context = self.execution_context.context
        if self.reported or not isinstance(context, Context):
            return {}
        self.reported = True
        charge = self.charge
        if charge is None:  # refused or invalid before anything was taken: the budget as it is
            charge = await context.services.budget.take(client_of(context), 0)
        budget = {
            "maximum": charge.maximum,
            "remaining": math.floor(charge.remaining),
            "restoreRate": charge.restore_rate,
        }
        return {"cost": {"requested": self.requested, "budget": budget}}
