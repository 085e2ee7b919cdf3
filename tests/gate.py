"""A TCP forwarder in front of a real service (PostgreSQL, Redis) that a test can shut, open or cut:
an outage on demand, with nothing of our own mocked."""

from __future__ import annotations

import asyncio
import socket


def closed_port() -> int:
    """A local port nothing listens on (bound once to find it, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Gate:
    """Forwards 127.0.0.1:`port` to 127.0.0.1:`target`; starts shut."""

    def __init__(self, target: int = 5432) -> None:
        self.port = closed_port()
        self.target = target
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()

    async def open(self) -> None:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", self.port)

    async def shut(self) -> None:
        """Refuse new connections and drop the open ones (the service went away)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self.cut()

    def cut(self) -> None:
        """Drop the open connections, keep accepting new ones (a network blip, a failover)."""
        for writer in list(self._pipes):
            writer.transport.abort()
        self._pipes.clear()

    async def _connect(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target)
        self._pipes.update({client_writer, server_writer})
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            self._pipes.discard(writer)
            writer.transport.abort()
