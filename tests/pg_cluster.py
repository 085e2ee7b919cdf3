"""A private PostgreSQL server for tests that stop and start it (an outage of the real thing).

It is made with the machine's own PostgreSQL binaries (`initdb`, `pg_ctl`) in a temporary folder, on
a port of its own, run as the `postgres` system user when the tests run as root (initdb refuses
root). The shared test server is never touched."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.gate import closed_port


def binaries() -> Path | None:
    """The folder of PostgreSQL's server programs, or None when they are not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class Cluster:
    def __init__(self, root: Path) -> None:
        bin_dir = binaries()
        assert bin_dir is not None
        self._bin = bin_dir
        self.root = root
        self.data = root / "data"
        self.port = closed_port()
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @classmethod
    @contextlib.contextmanager
    def in_temporary_folder(cls) -> Iterator[Cluster]:
        """A cluster in a new folder of /tmp (pytest's own folders are closed to the postgres user)."""
        root = Path(tempfile.mkdtemp(prefix="learnql-pg-"))
        try:
            yield cls(root)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as, *command], check=True, capture_output=True, timeout=60)  # noqa: S603

    def create(self) -> None:
        if self._as:
            shutil.chown(self.root, "postgres")
        self._run(str(self._bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self._bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start"
        )

    def stop(self) -> None:
        """A fast shutdown: open sessions are ended with an error (57P01), as on a restart."""
        if not (self.data / "postmaster.pid").exists():
            return
        self._run(str(self._bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
