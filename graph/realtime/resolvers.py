"""RealtimeQuery: leaderboard."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from domain.errors import Invalid
from domain.realtime import leaderboards
from domain.realtime.leaderboards import Scope
from graph.context import Context
from graph.realtime.types import Leaderboard, LeaderboardScopeInput

DEFAULT_BOARD_SIZE = 10


def board_size(first: int | None, maximum: int) -> int:
    size = DEFAULT_BOARD_SIZE if first is None else first
    if not 1 <= size <= maximum:
        raise Invalid(f"`first` must be between 1 and {maximum}.", field=["first"])
    return size


async def checked_scope(context: Context, scope: LeaderboardScopeInput) -> Scope:
    """The scope the input names, once the viewer may see it."""
    wanted = scope.to_domain()
    await context.run(leaderboards.check_scope, wanted, context.viewer_id)
    return wanted


@strawberry.type
class RealtimeQuery:
    @strawberry.field(
        description="A leaderboard: the first `first` places (1-100) and the viewer's own. "
        "Subscribe to `leaderboardUpdated` for changes."
    )
    async def leaderboard(
        self, info: Info[Context, Any], scope: LeaderboardScopeInput, first: int | None = 10
    ) -> Leaderboard:
        context = info.context
        size = board_size(first, context.settings.max_page_size)
        wanted = (await checked_scope(context, scope)).resolve(context.now())
        board = await context.run(context.services.realtime.board, wanted, size, context.viewer_id)
        return Leaderboard.from_domain(board)
