"""Server processes under test, each on its own port, with CPU time read from /proc."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

TICKS = os.sysconf("SC_CLK_TCK")
# Ports handed out by this process: servers started one after another bind theirs only once running, so
# a port probed free may already belong to a server still starting (two servers on one port, and the
# second one's requests silently answered by the first).
_handed_out: set[int] = set()


def free_port() -> int:
    """A free port: any, or one of BENCH_PORTS ("18100-18109") on a machine where ports are shared out."""
    allowed = os.environ.get("BENCH_PORTS")
    candidates = [0]
    if allowed:
        low, _, high = allowed.partition("-")
        candidates = list(range(int(low), int(high or low) + 1))
    for port in candidates:
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            chosen = int(probe.getsockname()[1])
            _handed_out.add(chosen)
            return chosen
    raise RuntimeError(f"no free port in BENCH_PORTS={allowed}")


@dataclass
class Server:
    name: str
    app: str  # uvicorn import string
    env: dict[str, str] = field(default_factory=dict)
    loop: str = "uvloop"
    http: str = "httptools"
    factory: bool = False
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    cwd: Path | None = None  # another checkout of the code (an A/B of two versions), or this one
    # Another program than uvicorn (a peer server): its command line, "{port}" replaced by the port.
    command: list[str] | None = None
    serve: bool = False  # run `learnql serve` (its production checks, uvicorn as deployed) instead of `app`

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log_dir: Path) -> None:
        self.port = free_port()
        if self.command is not None:
            command = [part.replace("{port}", str(self.port)) for part in self.command]
        elif self.serve:
            command = [sys.executable, "-m", "learnql.cli", "serve", "--port", str(self.port)]
        else:
            command = [sys.executable, "-m", "uvicorn", self.app, "--port", str(self.port), "--loop", self.loop]
            command += ["--http", self.http, "--no-access-log", "--log-level", "warning"]
            if self.factory:
                command.append("--factory")
        log = (log_dir / f"{self.name}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603
            command, env=os.environ | self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd
        )

    def wait_ready(self, path: str, timeout: float = 180) -> None:  # imports are slow on a loaded machine
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name} exited; see its log")
            try:
                httpx.get(self.url + path, timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"server {self.name} did not start")

    def cpu_seconds(self) -> float:
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime

    def rss_bytes(self) -> int:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
