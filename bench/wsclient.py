"""A minimal asyncio WebSocket client (RFC 6455) for load generation.

A thousand subscribers receiving ten updates a second each are 10,000 frames a second; a full client
library spends more CPU per frame than the server under test, and the benchmark would measure the
client. This one does only what a subscriber needs: the upgrade handshake with a subprotocol, masked
text frames out, unmasked text frames in (no fragmentation: the server sends whole messages), pings
answered, close noticed. The tests use the `websockets` library instead.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
from collections.abc import Callable
from typing import cast

OPCODE_TEXT, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG = 0x1, 0x8, 0x9, 0xA


def frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame."""
    mask = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    repeated = (mask * (length // 4 + 1))[:length]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(length, "big")
    return header + mask + masked


class Subscriber(asyncio.Protocol):
    """One connection; `on_text(receipt time, payload)` is called for every text message."""

    def __init__(self, host: str, port: int, path: str, subprotocol: str, on_text: Callable[[float, bytes], None]):
        self.on_text = on_text
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._buffer = b""
        self._upgraded = False
        self._transport: asyncio.Transport | None = None
        key = base64.b64encode(os.urandom(16)).decode()
        self._request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {subprotocol}\r\n\r\n"
        ).encode()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but they write the same way.
        self._transport = cast(asyncio.Transport, transport)
        self._transport.write(self._request)

    def send_text(self, text: str) -> None:
        assert self._transport is not None
        self._transport.write(frame(OPCODE_TEXT, text.encode()))

    def close(self) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(frame(OPCODE_CLOSE, struct.pack("!H", 1000)))
            self._transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"closed during the handshake: {exc}"))
        if not self.closed.done():
            self.closed.set_result(1006)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        buffer = self._buffer + data
        if not self._upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self._buffer = buffer
                return
            status = buffer[: buffer.find(b"\r\n")]
            if b" 101 " not in status:
                if not self.opened.done():
                    self.opened.set_exception(ConnectionError(status.decode(errors="replace")))
                return
            self._upgraded = True
            if not self.opened.done():  # not given up on (a handshake slower than open_subscriber waits)
                self.opened.set_result(None)
            buffer = buffer[end + 4 :]
        position = 0
        while len(buffer) - position >= 2:
            first, second = buffer[position], buffer[position + 1]
            length, start = second & 0x7F, position + 2
            if length == 126:
                if len(buffer) - position < 4:
                    break
                (length,) = struct.unpack_from("!H", buffer, position + 2)
                start += 2
            elif length == 127:
                if len(buffer) - position < 10:
                    break
                (length,) = struct.unpack_from("!Q", buffer, position + 2)
                start += 8
            if len(buffer) < start + length:
                break
            payload = buffer[start : start + length]
            position = start + length
            opcode = first & 0x0F
            if opcode == OPCODE_TEXT:
                self.on_text(now, payload)
            elif opcode == OPCODE_PING and self._transport is not None:
                self._transport.write(frame(OPCODE_PONG, payload))
            elif opcode == OPCODE_CLOSE and not self.closed.done():
                self.closed.set_result(struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005)
        self._buffer = buffer[position:]


async def open_subscriber(
    host: str, port: int, path: str, subprotocol: str, on_text: Callable[[float, bytes], None]
) -> Subscriber:
    loop = asyncio.get_running_loop()
    _, protocol = await loop.create_connection(lambda: Subscriber(host, port, path, subprotocol, on_text), host, port)
    await asyncio.wait_for(protocol.opened, 120)  # a loaded machine may take a minute for a thousand handshakes
    return protocol
