"""Refresh GraphiQL's assets, served by learnql itself (graph/graphiql.py), from the npm registry.

    uv run python -m learnql.graphiql_assets           # fetch the pinned versions, write files + manifest
    uv run python -m learnql.graphiql_assets --check   # the files on disk are the ones the manifest records

`npm pack` fetches each package at its pinned version (npm checks the registry's integrity hash); the
files GraphiQL needs are copied to graph/static/graphiql/ and recorded in assets.json with the
package version, the tarball's integrity and each file's sha256 (which the page's `integrity`
attributes carry). To move to new versions, change PACKAGES and run it again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "graph" / "static" / "graphiql"
MANIFEST = ASSETS / "assets.json"

# package -> (version, {path in the package: file name served})
PACKAGES: dict[str, tuple[str, dict[str, str]]] = {
    "react": ("18.2.0", {"umd/react.production.min.js": "react.production.min.js"}),
    "react-dom": ("18.2.0", {"umd/react-dom.production.min.js": "react-dom.production.min.js"}),
    "graphiql": ("3.8.3", {"graphiql.min.js": "graphiql.min.js", "graphiql.min.css": "graphiql.min.css"}),
    "@graphiql/plugin-explorer": (
        "1.0.2",
        {"dist/index.umd.js": "plugin-explorer.umd.js", "dist/style.css": "plugin-explorer.css"},
    ),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(destination: Path = ASSETS) -> dict[str, object]:
    """Download the pinned packages with npm and copy their files; returns the manifest written."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to fetch GraphiQL's assets from the registry")
    destination.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as work:
        for package, (version, files) in PACKAGES.items():
            packed = subprocess.run(  # noqa: S603
                [npm, "pack", f"{package}@{version}", "--json", "--pack-destination", work],
                capture_output=True,
                text=True,
                check=True,
            )
            [info] = json.loads(packed.stdout)
            with tarfile.open(Path(work) / info["filename"]) as tarball:
                for inner, served in files.items():
                    member = tarball.extractfile(f"package/{inner}")
                    if member is None:
                        raise SystemExit(f"{package}@{version} has no {inner}")
                    (destination / served).write_bytes(member.read())
            manifest[package] = {
                "version": version,
                "integrity": info["integrity"],
                "files": {
                    served: {"from": inner, "sha256": sha256(destination / served)} for inner, served in files.items()
                },
            }
    (destination / MANIFEST.name).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def mismatches(directory: Path = ASSETS) -> list[str]:
    """Files that are missing or differ from the manifest (empty when all is as recorded)."""
    manifest = json.loads((directory / MANIFEST.name).read_text())
    wrong = []
    for package, entry in manifest.items():
        version, files = PACKAGES.get(package, (None, {}))
        if entry["version"] != version or set(entry["files"]) != set(files.values()):
            wrong.append(f"{package}: the manifest is not for the pinned version (run the refresh)")
        for served, recorded in entry["files"].items():
            path = directory / served
            if not path.exists() or sha256(path) != recorded["sha256"]:
                wrong.append(f"{served} ({package}@{entry['version']}) differs from the manifest")
    return wrong


def main(arguments: list[str]) -> int:
    if arguments == ["--check"]:
        wrong = mismatches()
        print("\n".join(wrong) or "GraphiQL's assets match assets.json")
        return 1 if wrong else 0
    for package, entry in fetch().items():
        print(f"{package}@{entry['version']}")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
