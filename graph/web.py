"""The reference web app (clients/web, built by Vite into graph/static/web and committed) at `/`.

Its hashed assets are served from /assets/ (cached for good: a new build has new names). Every other GET (or
HEAD) that no API route answers and that names no file gets index.html, so the app's own routes (/lessons/...,
/login) load on a reload or a shared link; a path under an API prefix such as /exports/ stays a 404. The page is
served with a Content-Security-Policy that lets it reach this origin only (HTTP and WebSocket), with no inline
script or style. Without a built bundle nothing is mounted.
"""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from graph.graphiql import ASSETS as GRAPHIQL_ASSETS

BUNDLE = GRAPHIQL_ASSETS.parent / "web"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",  # 'self' covers ws:// and wss:// to this host (CSP level 3)
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
API_PREFIXES = frozenset({"graphql", "graphiql", "exports", "metrics", "health", "ready", "assets"})  # never the app
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class HashedAssets(StaticFiles):
    """Vite's content-hashed files: cacheable for a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


@cache
def index() -> str:
    return (BUNDLE / "index.html").read_text(encoding="utf-8")


def mount(app: FastAPI) -> None:
    """Mount the app after every API route: its fallback answers only what they leave."""
    if not (BUNDLE / "index.html").is_file():
        return
    app.mount("/assets", HashedAssets(directory=BUNDLE / "assets"), name="web-assets")

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def page(path: str) -> HTMLResponse:
        if PurePosixPath(path).suffix or path.split("/", 1)[0] in API_PREFIXES:  # a file or API path we lack
            raise HTTPException(status_code=404)
        return HTMLResponse(index(), headers=HEADERS)
