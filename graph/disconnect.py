"""HTTP requests whose client has gone away are cancelled, instead of running on for nobody.

ASGI tells an application that its client disconnected only through `receive()`, which an
application calls while it reads the body and rarely after. This middleware passes the body through,
then keeps one `receive()` waiting for the next message: `http.disconnect` before the response is
complete means the client hung up, and the request's task is cancelled (its session rolls back and
closes as on any error). The same message after the response is complete is the server's normal
end of the request and cancels nothing, so cleanup and background tasks still run.
"""

from __future__ import annotations

import asyncio
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("learnql.requests")


class CancelOnDisconnect:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        watcher: asyncio.Future[Message] | None = None
        responded = False
        hung_up = False

        async def receive_then_watch() -> Message:
            nonlocal watcher
            if watcher is not None:  # the body was read: the application gets what the watcher got
                return await asyncio.shield(watcher)
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                watcher = asyncio.ensure_future(receive())
                watcher.add_done_callback(on_next_message)
            return message

        async def send_and_note(message: Message) -> None:
            nonlocal responded
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                responded = True
            await send(message)

        def on_next_message(done: asyncio.Future[Message]) -> None:
            nonlocal hung_up
            if done.cancelled() or done.exception() is not None or responded or handler.done():
                return
            if done.result()["type"] == "http.disconnect":
                hung_up = True
                handler.cancel()

        handler: asyncio.Future[None] = asyncio.ensure_future(self.app(scope, receive_then_watch, send_and_note))
        try:
            await handler
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if not hung_up or (current is not None and current.cancelling()):
                handler.cancel()  # the server cancels this request (e.g. shutdown): pass it on
                raise
            log.info(
                "request cancelled: the client disconnected (%s %s after %.2f s)",
                scope.get("method"),
                scope.get("path"),
                time.monotonic() - started,
            )
        finally:
            if watcher is not None and not watcher.done():
                watcher.cancel()
