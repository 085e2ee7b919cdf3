"""GraphiQL offline (graph/graphiql.py): its pinned assets, and the page in a real headless Chromium
(Debian's, driven by Playwright) against a live server, with every request outside 127.0.0.1 aborted."""

from __future__ import annotations

import json
import re

import httpx

from graph import graphiql
from learnql.graphiql_assets import PACKAGES, mismatches
from tests.graph.live import LocalOnly, browser, live_server

__all__ = ["browser", "live_server"]  # the module's live server and browser (tests/graph/live.py)


def test_the_served_assets_are_the_ones_the_manifest_records() -> None:
    manifest = json.loads((graphiql.ASSETS / "assets.json").read_text())

    assert mismatches() == []
    assert {package: entry["version"] for package, entry in manifest.items()} == {
        package: version for package, (version, _) in PACKAGES.items()
    }


def test_the_page_loads_only_local_assets_with_their_integrity(live_server: str) -> None:
    response = httpx.get(f"{live_server}/graphql", headers={"Accept": "text/html"}, timeout=10)
    page = response.text

    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert links
    assert [link for link in links if not link.startswith((f"{graphiql.PREFIX}/", "data:"))] == []  # no CDN
    for name in (*graphiql.SCRIPTS, *graphiql.STYLES):
        assert f'{graphiql.PREFIX}/{name}" integrity="sha256-' in page
        asset = httpx.get(f"{live_server}{graphiql.PREFIX}/{name}", timeout=10)
        assert asset.status_code == 200
        assert len(asset.content) > 500


def test_graphiql_logs_in_runs_a_query_and_receives_a_subscription_event_offline(
    live_server: str, browser: object
) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    local_only = LocalOnly()
    problems: list[str] = []

    context = browser.new_context()
    context.route("**/*", local_only)
    page = context.new_page()
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(f"{live_server}/graphql")
        run = page.locator(".graphiql-execute-button")
        run.wait_for(timeout=30_000)

        # the first tab: the demo learner's login; its token goes to the headers pane, and is kept
        run.click()
        page.wait_for_selector(".result-window:has-text('\"token\"')", timeout=15_000)
        page.wait_for_function("() => (localStorage.getItem('graphiql:headers') || '').includes('Bearer ')")

        # a query in another tab with that token, after a reload: the token was remembered
        page.reload()
        run.wait_for(timeout=30_000)
        page.locator(".graphiql-tab", has_text="MyProfile").click()
        run.click()
        page.wait_for_selector(".result-window:has-text('Lin Learner')", timeout=15_000)

        # a subscription, over graphql-ws
        page.locator(".graphiql-tab", has_text="LiveLeaderboard").click()
        run.click()
        page.wait_for_selector(".result-window:has-text('leaderboardUpdated')", timeout=15_000)
    finally:
        context.close()

    assert local_only.outside == []
    assert problems == []
