"""Checks the request's bearer token against the database before any resolver runs.

Resolvers read `context.viewer_id` synchronously, so the check (account exists and is active, token
not logged out, token version current: domain/accounts/tokens.py) has to be done by then. It costs
one statement per operation that carries a token, the one that loads the viewer anyway. WebSocket
connections are checked the same way when they connect (graph/realtime/endpoint.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension

from graph.context import Context


class VerifyToken(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        if isinstance(context, Context):
            await context.verify_token()
        yield
