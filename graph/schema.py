"""Assembles Query, Mutation and the schema extensions."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.extensions.tracing import OpenTelemetryExtension
from strawberry.tools import merge_types
from strawberry.types import Info

from domain.settings import Settings, get_settings
from graph import ids, input_plans
from graph.alerts.resolvers import AlertMutation, AlertQuery
from graph.alerts.subscriptions import AlertSubscription
from graph.alerts.types import InstructorAlert
from graph.analytics.resolvers import AnalyticsQuery
from graph.budget import budget_extensions, executor_class
from graph.classes.resolvers import ClassMutation, ClassQuery
from graph.classes.types import Class
from graph.content.mutations import ContentMutation
from graph.content.resolvers import ContentQuery
from graph.content.types import Course, Lesson, Problem, Topic
from graph.context import Context
from graph.errors import ErrorPolicy, Schema
from graph.games.resolvers import GameMutation, GameQuery
from graph.games.subscriptions import GameSubscription
from graph.games.types import Game
from graph.input_limits import InputChecker, InputLimits
from graph.introspection import HideSuggestions, introspection_rules
from graph.jobs.resolvers import JobMutation, JobQuery
from graph.jobs.types import Job
from graph.learning.resolvers import LearningMutation, RegradeMutation
from graph.learning.types import Submission
from graph.observability.operations import Observability
from graph.persisted_queries import PersistedQueries
from graph.rate_limits import TooManyRequests
from graph.realtime.resolvers import RealtimeQuery
from graph.realtime.subscriptions import RealtimeSubscription
from graph.record.types import LearningEvent
from graph.reviews.resolvers import ReviewMutation, ReviewQuery
from graph.reviews.types import ReviewCard
from graph.scalars import SCALAR_OVERRIDES
from graph.transactions import WriteTransactions, with_units_of_work
from graph.tutor.resolvers import TutorMutation, TutorQuery
from graph.tutor.subscriptions import TutorSubscription
from graph.tutor.types import TutorMessage, TutorThread
from graph.users.authentication import VerifyToken
from graph.users.deletion import AccountMutation
from graph.users.resolvers import UserMutation, UserQuery
from graph.users.tokens import TokenMutation
from graph.users.types import User

NODE_TYPES: dict[str, type[relay.Node]] = {
    t.__name__: t
    for t in (
        Course,
        Lesson,
        Problem,
        Topic,
        User,
        Submission,
        ReviewCard,
        Class,
        Job,
        Game,
        TutorThread,
        TutorMessage,
        InstructorAlert,
        LearningEvent,
    )
}


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null when unknown or not yours.")
    async def node(self, info: Info[Context, Any], id: strawberry.ID) -> relay.Node | None:
        try:
            global_id = relay.GlobalID.from_id(id)
        except relay.GlobalIDValueError:
            return None
        node_type = NODE_TYPES.get(global_id.type_name)
        key = ids.key_of(global_id.node_id)
        if node_type is None or key is None:
            return None
        nodes = node_type.resolve_nodes(info=info, node_ids=[str(key)])
        found: Iterable[relay.Node | None] = await nodes if inspect.isawaitable(nodes) else nodes
        return next(iter(found), None)


Query = merge_types(
    "Query",
    (
        NodeQuery,
        UserQuery,
        ContentQuery,
        ReviewQuery,
        RealtimeQuery,
        ClassQuery,
        AnalyticsQuery,
        JobQuery,
        GameQuery,
        TutorQuery,
        AlertQuery,
    ),
)
Mutation = with_units_of_work(  # each mutation field a part of its operation's unit of work
    merge_types(
        "Mutation",
        (
            UserMutation,
            TokenMutation,
            AccountMutation,
            LearningMutation,
            RegradeMutation,
            ContentMutation,
            ReviewMutation,
            ClassMutation,
            JobMutation,
            GameMutation,
            TutorMutation,
            AlertMutation,
        ),
    )
)
Subscription = merge_types(
    "Subscription", (RealtimeSubscription, GameSubscription, TutorSubscription, AlertSubscription)
)


def create_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or get_settings()
    # Factories: a fresh extension per request; the parse/validate LRU caches are shared.
    caches = [lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)] if settings.query_cache else []
    # The limiters' rule classes are built once: fresh classes per request would make every
    # validation a cache miss (the cache is keyed by the rules).
    limits = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_query_aliases).validation_rules,
        *introspection_rules(settings),
    ]
    inputs = InputChecker(settings)
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        execution_context_class=executor_class(settings),  # subscribers of one board share executions
        scalar_overrides=SCALAR_OVERRIDES,  # DateTime, Date, JSON, Upload with their exact formats
        extensions=[
            Observability,  # first: it sees the errors as ErrorPolicy left them
            # Before the others' on_execute: it may refuse the request there, before their hooks begin.
            lambda: InputLimits(inputs),
            ErrorPolicy,
            TooManyRequests,  # after ErrorPolicy: reads the codes it set
            PersistedQueries,
            WriteTransactions,
            VerifyToken,  # after WriteTransactions: a mutation's check runs in its write transaction
            *caches,
            lambda: AddValidationRules(limits),
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            *budget_extensions(settings),  # after the validation cache: they read its outcome
            *([OpenTelemetryExtension] if settings.otel_enabled else []),  # spans per operation and resolver
            *([] if settings.introspection else [HideSuggestions]),
        ],
    )
    input_plans.install(schema)  # input objects built from a plan made once per type
    return schema


def schema_sdl() -> str:
    return create_schema().as_str() + "\n"
