"""Downloads over HTTP with the API's bearer token and visibility rules, streamed (docs/exports.md).

GET /exports/classes/{classId}/gradebook.csv?by=lesson|problem   the class's instructor, admins
GET /exports/classes/{classId}/items.csv                         the same
GET /exports/me/review-log.csv                                   the viewer's own review log (FSRS format)
GET /exports/me.json                                             the viewer's own data
GET /exports/games/{gameId}/report.csv                           the host and the course's staff

401 without a valid token; 404 for what does not exist or is not the viewer's to see; 429 past
LEARNQL_LIMIT_EXPORTS_PER_USER.
"""

from fastapi import APIRouter

from graph.exports import classes, games, me

router = APIRouter(prefix="/exports")
router.include_router(classes.router)
router.include_router(me.router)
router.include_router(games.router)

__all__ = ["router"]
