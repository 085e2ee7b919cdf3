"""A counting TCP proxy in front of PostgreSQL: how many statements a server under test sends.

It reads the frontend half of the wire protocol (v3, no TLS) and counts what PostgreSQL executes: a
simple Query ('Q') or an extended-protocol Execute ('E', whose text comes from the Parse its Bind names).
Any client works the same (asyncpg, node-postgres), which makes the count comparable across servers.
Transaction control (BEGIN/COMMIT/ROLLBACK/SET and `set_config`) is counted apart from data statements.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "START", "END", "SET", "RESET", "SAVEPOINT", "RELEASE", "DISCARD")
_NEGOTIATION = {80877103, 80877104}  # SSLRequest, GSSENCRequest: answered by one byte, then the startup


@dataclass
class Counts:
    data: int = 0
    control: int = 0
    texts: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        head = text.lstrip().upper()
        if head.startswith(_CONTROL) or "SET_CONFIG(" in head:
            self.control += 1
        else:
            self.data += 1
            self.texts.append(text)


def _cstring(body: bytes, start: int) -> tuple[str, int]:
    end = body.index(b"\0", start)
    return body[start:end].decode(errors="replace"), end + 1


class _Frontend:
    """Parses one client connection's messages as they pass."""

    def __init__(self, record: Callable[[str], None]) -> None:
        self.record = record
        self.buffer = b""
        self.started = False
        self.statements: dict[str, str] = {}
        self.portals: dict[str, str] = {}

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk
        while True:
            if not self.started:
                if len(self.buffer) < 8:
                    return
                length, code = struct.unpack("!ii", self.buffer[:8])
                if len(self.buffer) < length:
                    return
                self.buffer = self.buffer[length:]
                self.started = code not in _NEGOTIATION
                continue
            if len(self.buffer) < 5:
                return
            kind = self.buffer[:1]
            (length,) = struct.unpack("!i", self.buffer[1:5])
            if len(self.buffer) < 1 + length:
                return
            body, self.buffer = self.buffer[5 : 1 + length], self.buffer[1 + length :]
            self._message(kind, body)

    def _message(self, kind: bytes, body: bytes) -> None:
        if kind == b"Q":
            self.record(_cstring(body, 0)[0])
        elif kind == b"P":
            name, at = _cstring(body, 0)
            self.statements[name] = _cstring(body, at)[0]
        elif kind == b"B":
            portal, at = _cstring(body, 0)
            self.portals[portal] = self.statements.get(_cstring(body, at)[0], "")
        elif kind == b"E":
            self.record(self.portals.get(_cstring(body, 0)[0], ""))


class CountingProxy:
    """Listens on 127.0.0.1:`port` and forwards to PostgreSQL at `target`; `counts` grows as clients run."""

    def __init__(self, port: int, target: tuple[str, int]) -> None:
        self.port = port
        self.target = target
        self.counts = Counts()
        self._server: asyncio.Server | None = None

    def reset(self) -> Counts:
        counts, self.counts = self.counts, Counts()
        return counts

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _connection(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self.target)
        frontend = _Frontend(lambda text: self.counts.add(text))

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, parse: bool) -> None:
            try:
                while chunk := await reader.read(65536):
                    if parse:
                        frontend.feed(chunk)
                    writer.write(chunk)
                    await writer.drain()
            except (ConnectionError, asyncio.IncompleteReadError):
                pass
            finally:
                writer.close()

        with contextlib.suppress(asyncio.CancelledError):  # the proxy stopping under open connections
            await asyncio.gather(pipe(client_reader, server_writer, True), pipe(server_reader, client_writer, False))
