"""`learnql serve` stops on SIGTERM within its graceful timeout, even while a request is still running."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.test_serve import free_port


def test_sigterm_stops_the_server_within_its_graceful_timeout_despite_a_slow_request(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    workdir = tmp_path_factory.mktemp("shutdown")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNQL_")}
    env |= {"LEARNQL_GRACEFUL_SHUTDOWN_SECONDS": "1", "LEARNQL_DEMO_CONTENT": "false"}
    command = [sys.executable, "-m", "learnql.cli", "serve", "--port", str(port)]
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, log_path.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        # a request that never completes: its body is promised but never sent
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        time.sleep(0.3)

        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=15)
        elapsed = time.monotonic() - stopping
        slow.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    output = log_path.read_text()
    assert code in (0, -signal.SIGTERM), output  # uvicorn re-raises the signal it stopped for
    assert elapsed < 5, output  # 1 s of grace, then the slow request is cancelled
    assert "timeout graceful shutdown exceeded" in output
