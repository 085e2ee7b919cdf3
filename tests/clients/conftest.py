"""One live `learnql serve` (the embedded default with its demo content) for both typed clients' tests, and the
tools they run: Node for the TypeScript client, uv for the Python client's generator."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.services import REQUIRED
from tests.test_serve import port_from, serving

ROOT = Path(__file__).resolve().parents[2]
TYPESCRIPT = ROOT / "clients" / "typescript"
PYTHON = ROOT / "clients" / "python"
DEMO_LEARNER = ("learner@demo.learnql.dev", "learnql-demo")


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:<port>

    @property
    def graphql(self) -> str:
        return f"{self.url}/graphql"

    @property
    def websocket(self) -> str:
        return f"ws{self.url.removeprefix('http')}/graphql"


def missing(tool: str, how: str) -> None:
    """Skip with the reason when a tool is not installed; fail instead when CI requires everything."""
    message = f"{tool} is not installed ({how})"
    if REQUIRED:
        pytest.fail(f"{message} and LEARNQL_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(message)


def run(command: list[str], cwd: Path, timeout: float = 180, env: dict[str, str] | None = None) -> str:
    """Run a tool; its combined output, or a test failure that shows it."""
    result = subprocess.run(  # noqa: S603
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} exited {result.returncode}:\n{output}", pytrace=False)
    return output


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`learnql serve` in a fresh directory, as the README starts it. CLIENTS_TEST_PORT picks its port (plus the
    xdist worker's number)."""
    port = port_from("CLIENTS_TEST_PORT")
    with serving(tmp_path_factory.mktemp("clients-serve"), port) as url:
        yield LiveServer(url)


@pytest.fixture(scope="package")
def npm() -> str:
    """npm, with the TypeScript client's packages installed by `npm ci --prefix clients/typescript`."""
    npm = shutil.which("npm")
    if shutil.which("node") is None or npm is None:
        missing("Node.js", "install Node 20+ and npm to check the TypeScript client")
    assert npm is not None
    if not (TYPESCRIPT / "node_modules" / ".bin" / "graphql-codegen").exists():
        missing("the TypeScript client's packages", "run `npm ci --prefix clients/typescript`")
    return npm


@pytest.fixture(scope="package")
def uv() -> str:
    """uv, which runs ariadne-codegen in the Python client's own environment (clients/python/uv.lock)."""
    uv = shutil.which("uv")
    if uv is None:
        missing("uv", "it runs the Python client's generator")
    assert uv is not None
    return uv
