"""The committed bundle of the web app (graph/static/web) is what clients/web builds: the test rebuilds it with
the packages of clients/web/package-lock.json (`npm ci --prefix clients/web`, which .ci/run does) into a
temporary folder and compares every file. Vite's output is deterministic (content hashes, no timestamps), so a
difference means the source changed without `npm run build --prefix clients/web`. The source type-checks too."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from graph import web

WEB = Path(__file__).resolve().parents[2] / "clients" / "web"
REQUIRED = bool(os.environ.get("LEARNQL_REQUIRE_SERVICES"))


def tool(name: str) -> Path:
    """A binary of clients/web's packages, installed on first use by `npm ci` (skips without Node)."""
    binary = WEB / "node_modules" / ".bin" / name
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        reason = "Node.js and npm are not installed (the web app is built with them)"
        if REQUIRED:
            pytest.fail(f"{reason}, and LEARNQL_REQUIRE_SERVICES is set", pytrace=False)
        pytest.skip(reason)
    run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"])
    return binary


def run(command: list[str | Path], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(  # noqa: S603
        command, cwd=WEB, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} exited {result.returncode}:\n{result.stdout}{result.stderr}")


def files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_committed_bundle_is_what_the_source_builds(tmp_path: Path) -> None:
    vite = tool("vite")
    run([vite, "build", "--logLevel", "error"], env={**os.environ, "LEARNQL_WEB_OUT": str(tmp_path)})

    built, committed = files(tmp_path), files(web.BUNDLE)

    assert sorted(built) == sorted(committed), "rebuild with `npm run build --prefix clients/web` and commit"
    assert [name for name in built if built[name] != committed[name]] == []


def test_the_source_type_checks() -> None:
    run([tool("tsc"), "--noEmit", "-p", "tsconfig.json"])
