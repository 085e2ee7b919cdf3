"""A game's report as CSV, for its host and the course's staff (GET /exports/games/{gameId}/report.csv,
gameId: the Game's global ID)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from domain.games import lifecycle, report
from domain.games.report import GameReport
from domain.models import User
from graph import ids
from graph.context import Context
from graph.exports.downloads import Refused, authorize, csv_lines, rows_of, stream

router = APIRouter()


@router.get("/games/{game_id}/report.csv")
async def game_report_csv(request: Request, game_id: str) -> Response:
    async def check(context: Context, viewer: User) -> GameReport:
        key = ids.decode(game_id, "Game", ["gameId"])
        game = await context.run(lifecycle.hosted_game, viewer, key)
        return await context.run(report.build_report, game)

    try:
        services, _, built = await authorize(request, "No such game.", check)
    except Refused as refused:
        return refused.response
    filename = f"game-{built.game.pin}-{built.game.id}-report.csv"
    # The report is a handful of rows per question, built while checking access: no session needed.
    lines = csv_lines("game_report", rows_of(*report.csv_rows(built)))
    return stream(services, "game_report", lambda _session: lines, "text/csv; charset=utf-8", filename)
