"""An open-loop load of one prepared HTTP/1.1 request at a target rate, over raw keep-alive sockets.

httpx spends about a millisecond of client CPU per request, so on a small machine it cannot offer a
server 1,000 requests a second; this sends pre-encoded request bytes and reads just enough of each
response (its status line, Content-Length and body) to count it. Requests are due on a fixed
schedule (the i-th at start + i/rate) and go out on whichever connection is free, so the offered
rate does not drop when the server slows down, up to `connections` requests in flight.

Run in its own process (bench/logins.py uses a ProcessPoolExecutor) so that its CPU does not
disturb the measuring process's event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Driven:
    """What a load achieved: requests answered, their statuses, markers found in the bodies."""

    seconds: float = 0.0
    sent: int = 0
    answered: int = 0
    failed: int = 0  # connection errors and malformed responses
    statuses: Counter[int] = field(default_factory=Counter)
    markers: Counter[str] = field(default_factory=Counter)
    late: int = 0  # requests sent more than 100 ms after they were due (the client or server could not keep up)

    @property
    def rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "sent": self.sent,
            "answered": self.answered,
            "failed": self.failed,
            "rate": self.rate,
            "late": self.late,
            "statuses": dict(self.statuses),
            "markers": dict(self.markers),
        }


def post(host: str, port: int, path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    """The bytes of a keep-alive JSON POST."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}:{port}", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise ValueError("a response without Content-Length")
    return status, await reader.readexactly(length)


async def drive_async(
    host: str,
    port: int,
    requests: list[bytes],
    rate: float,
    seconds: float,
    connections: int,
    markers: tuple[str, ...] = (),
) -> Driven:
    """Send `requests` round-robin at `rate` per second for `seconds`."""
    driven = Driven()
    start = time.monotonic()
    deadline = start + seconds
    total = int(rate * seconds)
    counter = iter(range(total))
    encoded = [(marker, marker.encode()) for marker in markers]

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for index in counter:
                if time.monotonic() >= deadline:  # the rest was not sent in time: the rate says so
                    return
                delay = start + index / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif delay < -0.1:
                    driven.late += 1
                driven.sent += 1
                writer.write(requests[index % len(requests)])
                try:
                    status, body = await _response(reader)
                except (OSError, ValueError, asyncio.IncompleteReadError):
                    driven.failed += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                driven.answered += 1
                driven.statuses[status] += 1
                for marker, raw in encoded:
                    if raw in body:
                        driven.markers[marker] += 1
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    driven.seconds = time.monotonic() - start
    return driven


def drive(
    host: str,
    port: int,
    requests: list[bytes],
    rate: float,
    seconds: float,
    connections: int = 32,
    markers: tuple[str, ...] = (),
) -> dict[str, Any]:
    """drive_async in a fresh event loop (uvloop when installed): the entry point of a worker process."""
    try:
        import uvloop

        runner: Any = uvloop.run
    except ImportError:  # pragma: no cover - uvloop is a dependency of the server
        runner = asyncio.run
    driven: Driven = runner(drive_async(host, port, requests, rate, seconds, connections, markers))
    return driven.as_dict()
