"""Leaderboards on the API (the Job type of `jobProgress` lives in graph/jobs/types.py)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from domain import models as m
from domain.errors import Invalid
from domain.realtime.leaderboards import Board, IsoWeek, Scope, ScopeKind, Standing
from graph import ids
from graph.context import Context
from graph.users.types import User

CLASS_TYPE = "Class"  # the global ID type name of classes (graph type `Class`)


@strawberry.enum(description="Which XP a leaderboard ranks.")
class LeaderboardKind(Enum):
    ALL_TIME = strawberry.enum_value("ALL_TIME", description="Total XP.")
    WEEKLY = strawberry.enum_value(
        "WEEKLY", description="XP earned in one ISO week, Monday 00:00 to Monday 00:00 UTC (the same for everyone)."
    )
    COURSE = strawberry.enum_value("COURSE", description="XP earned by answering the problems of one course.")
    CLASS = strawberry.enum_value("CLASS", description="Total XP of the members of one class.")


@strawberry.input(description="A leaderboard: its kind and, for COURSE and CLASS, whose; WEEKLY may name a week.")
class LeaderboardScopeInput:
    kind: LeaderboardKind
    id: strawberry.ID | None = strawberry.field(
        default=None,
        description="COURSE: a Course ID; CLASS: a Class ID; WEEKLY: an ISO week such as `2026-W09` "
        "(left out: the current week, following it as weeks change); ALL_TIME: left out.",
    )

    def to_domain(self) -> Scope:
        field = ["scope", "id"]
        kind = ScopeKind(self.kind.name)
        if kind == ScopeKind.ALL_TIME:
            if self.id is not None:
                raise Invalid("An ALL_TIME leaderboard takes no id.", field=field)
            return Scope.all_time()
        if kind == ScopeKind.WEEKLY:
            return Scope.weekly(None if self.id is None else IsoWeek.parse(self.id, field))
        if self.id is None:
            raise Invalid(f"A {kind.value} leaderboard needs the id of its {kind.value.lower()}.", field=field)
        if kind == ScopeKind.COURSE:
            return Scope.course(ids.decode(self.id, "Course", field))
        return Scope.of_class(ids.decode(self.id, CLASS_TYPE, field))


@strawberry.type(description="Which board this is; `id` is the Course or Class ID, or the ISO week of a WEEKLY board.")
class LeaderboardScope:
    kind: LeaderboardKind
    id: strawberry.ID | None

    @classmethod
    def from_domain(cls, scope: Scope) -> LeaderboardScope:
        key: strawberry.ID | None = None
        if scope.kind == ScopeKind.WEEKLY:
            key = strawberry.ID(str(scope.week))
        elif scope.kind == ScopeKind.COURSE:
            key = ids.encode("Course", scope.id)
        elif scope.kind == ScopeKind.CLASS:
            key = ids.encode(CLASS_TYPE, scope.id)
        return cls(kind=LeaderboardKind[scope.kind.name], id=key)


@strawberry.type(description="A user's place on a leaderboard.")
class LeaderboardEntry:
    rank: int = strawberry.field(
        description="1 for the most XP. Equal XP is ordered by account age (the lower user ID first), "
        "so ranks are unique and stable."
    )
    xp: int = strawberry.field(description="XP in this leaderboard's scope.")
    user_id: strawberry.Private[int]
    preloaded: strawberry.Private[m.User | None]

    @classmethod
    def from_domain(cls, standing: Standing, users: dict[int, m.User] | None = None) -> LeaderboardEntry:
        preloaded = users.get(standing.user_id) if users is not None else None
        return cls(rank=standing.rank, xp=standing.xp, user_id=standing.user_id, preloaded=preloaded)

    @strawberry.field
    def user(self, info: Info[Context, Any]) -> User:
        # Synchronous when the user came with the board (live updates): a shared update then executes
        # without awaiting anything. Otherwise the loader's awaitable is returned, and awaited by GraphQL.
        if self.preloaded is not None:
            return User.from_model(self.preloaded)
        return self._load(info)  # type: ignore[return-value]

    async def _load(self, info: Info[Context, Any]) -> User:
        model = await info.context.loaders.user_by_id.load(self.user_id)
        assert model is not None
        return User.from_model(model)


@strawberry.type(description="The top of a leaderboard, and where the viewer stands on it.")
class Leaderboard:
    scope: LeaderboardScope
    entries: list[LeaderboardEntry] = strawberry.field(description="The first `first` places, best first.")
    viewer_entry: LeaderboardEntry | None = strawberry.field(
        description="The viewer's own place, also when outside the first places; "
        "null when anonymous or without XP in this scope."
    )
    updated_at: datetime = strawberry.field(description="When these standings were read.")
    # Subscribers of one board with the same selection share one execution of it (graph/realtime/sharing.py).
    shared_results: strawberry.Private[dict[Any, Any] | None] = None

    @classmethod
    def from_domain(cls, board: Board, users: dict[int, m.User] | None = None, *, shared: bool = False) -> Leaderboard:
        return cls(
            scope=LeaderboardScope.from_domain(board.scope),
            entries=[LeaderboardEntry.from_domain(standing, users) for standing in board.entries],
            viewer_entry=None if board.viewer is None else LeaderboardEntry.from_domain(board.viewer, users),
            updated_at=board.computed_at,
            shared_results={} if shared else None,
        )
