"""CSV exports over HTTP with the same bearer token and visibility as the API: a game's report.

GET /exports/games/{gameId}/report.csv (gameId: the Game's global ID) for its host and the course's
staff; 401 without a valid token, 404 for a game that does not exist or is not the viewer's to see.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from domain.errors import DomainError, Forbidden, NotFound, Unauthenticated
from domain.games import lifecycle, report
from graph import ids
from graph.context import Context, Services

router = APIRouter(prefix="/exports")


def _csv(rows: Iterator[tuple[object, ...]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@router.get("/games/{game_id}/report.csv")
async def game_report_csv(request: Request, game_id: str) -> Response:
    services: Services = request.app.state.services
    context = Context(services, request.headers.get("authorization"), request.headers.get("x-request-id"))
    try:
        viewer = await context.require_viewer()
        key = ids.decode(game_id, "Game", ["gameId"])
        game = await context.run(lifecycle.hosted_game, viewer, key)
        built = await context.run(report.build_report, game)
    except Unauthenticated as error:
        return JSONResponse({"error": error.message, "code": error.code}, status_code=401)
    except (Forbidden, NotFound) as error:
        return JSONResponse({"error": "No such game.", "code": error.code}, status_code=404)
    except DomainError as error:  # pragma: no cover  (no other failure is expected here)
        return JSONResponse({"error": error.message, "code": error.code}, status_code=400)
    finally:
        await context.close()
    filename = f"game-{built.game.pin}-{built.game.id}-report.csv"
    return StreamingResponse(
        _csv(report.csv_rows(built)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
