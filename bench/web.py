"""Time to interactive of the web app's lesson page and the size of its bundle:
`uv run python -m bench.web --url http://127.0.0.1:8000` against a running `learnql serve` (the embedded default
with the demo content).

Time to interactive is read in the page: `performance.now()` (ms since the navigation started) at the moment the
lesson's form and its enabled Submit button are rendered, in Debian's headless chromium driven by Playwright with
the flags of the browser tests, signed in as the demo learner. "cold" is a new browser context (empty cache), "warm"
the same page loaded again. The bundle's size is the gzip -9 size of each file of graph/static/web.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
from pathlib import Path

import httpx

BUNDLE = Path(__file__).resolve().parents[1] / "graph" / "static" / "web"
CHROMIUM_ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOGIN = 'mutation { login(input: {email: "learner@demo.learnql.dev", password: "learnql-demo"}) { token } }'


def bundle_sizes() -> dict[str, dict[str, int]]:
    return {
        str(path.relative_to(BUNDLE)): {"bytes": len(data), "gzip": len(gzip.compress(data, 9))}
        for path in sorted(BUNDLE.rglob("*"))
        if path.is_file()
        for data in [path.read_bytes()]
    }


def time_to_interactive(url: str, runs: int, chromium: str) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    token = httpx.post(f"{url}/graphql", json={"query": LOGIN}, timeout=30).json()["data"]["login"]["token"]
    lessons = httpx.post(
        f"{url}/graphql",
        headers={"Authorization": f"Bearer {token}"},
        json={"query": "{ lessons(first: 1) { edges { node { id } } } }"},
        timeout=30,
    ).json()
    lesson = lessons["data"]["lessons"]["edges"][0]["node"]["id"]
    figures: dict[str, list[float]] = {"cold": [], "warm": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGUMENTS)
        try:
            for _ in range(runs):
                context = browser.new_context()
                context.add_init_script(f"localStorage.setItem('learnql:token', {json.dumps(token)})")
                page = context.new_page()
                for kind in ("cold", "warm"):
                    page.goto(f"{url}/lessons/{lesson}")
                    page.wait_for_selector("#lesson-form button[type=submit]:enabled")
                    figures[kind].append(round(float(page.evaluate("performance.now()")), 1))
                context.close()
        finally:
            browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a running `learnql serve`")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    arguments = parser.parse_args()
    sizes = bundle_sizes()
    timings = time_to_interactive(arguments.url.rstrip("/"), arguments.runs, arguments.chromium)
    report = {
        "bundle": sizes,
        "bundle_gzip_total": sum(size["gzip"] for size in sizes.values()),
        "lesson_tti_ms": timings,
        "lesson_tti_median_ms": {kind: statistics.median(values) for kind, values in timings.items()},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
