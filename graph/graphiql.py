"""GraphiQL at GET /graphql (a browser's Accept: text/html), working offline: every asset comes from
this server, at the versions pinned in graph/static/graphiql/assets.json (refreshed from the npm
registry by `uv run python -m learnql.graphiql_assets`), under /graphiql/.

The page loads its scripts and styles with `integrity` hashes from the manifest and is served with a
Content-Security-Policy that lets it reach this origin only (HTTP and WebSocket): scripts from 'self'
(no inline script), styles from 'self' plus inline style attributes (React and CodeMirror set them).
learnql-graphiql.js starts it: demo logins and example operations in tabs, the token of a login put in
the headers pane (kept by GraphiQL across visits), subscriptions over graphql-ws with those headers.
"""

from __future__ import annotations

import base64
import json
from functools import cache
from html import escape
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).resolve().parent / "static" / "graphiql"
PREFIX = "/graphiql"
SCRIPTS = ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js", "plugin-explorer.umd.js")
STYLES = ("graphiql.min.css", "plugin-explorer.css")
STARTER = "learnql-graphiql.js"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",  # 'self' covers ws:// and wss:// to this host (CSP level 3)
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


def _integrity(name: str, manifest: dict[str, dict[str, dict[str, dict[str, str]]]]) -> str:
    for entry in manifest.values():
        recorded = entry["files"].get(name)
        if recorded is not None:
            return "sha256-" + base64.b64encode(bytes.fromhex(recorded["sha256"])).decode()
    raise LookupError(f"{name} is not in {ASSETS / 'assets.json'}")


@cache
def page() -> str:
    """The GraphiQL page: the pinned assets with their integrity hashes, then the starter script."""
    manifest = json.loads((ASSETS / "assets.json").read_text())
    styles = "\n".join(
        f'    <link rel="stylesheet" href="{PREFIX}/{name}" integrity="{_integrity(name, manifest)}">'
        for name in STYLES
    )
    scripts = "\n".join(
        f'    <script src="{PREFIX}/{name}" integrity="{_integrity(name, manifest)}"></script>' for name in SCRIPTS
    )
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>{escape("learnql · GraphiQL")}</title>
    <link rel="icon" href="data:,">
{styles}
    <link rel="stylesheet" href="{PREFIX}/learnql-graphiql.css">
  </head>
  <body>
    <div id="graphiql">Loading…</div>
{scripts}
    <script src="{PREFIX}/{STARTER}"></script>
  </body>
</html>
"""


def response() -> HTMLResponse:
    return HTMLResponse(
        page(),
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def mount(app: Starlette) -> None:
    """Serve the assets under /graphiql/ (only mounted when GraphiQL is on)."""
    app.mount(PREFIX, StaticFiles(directory=ASSETS), name="graphiql")
