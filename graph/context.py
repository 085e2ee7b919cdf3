"""Per-request context: one database session (created on first use), the loaders and the viewer.

The bearer token is checked against the database once per operation, before any resolver runs
(`verify_token`, called by graph/users/authentication.py), in the statement that loads the viewer.
A token that fails the check is not anonymity: every resolver that asks for the viewer gets the
UNAUTHENTICATED error, while fields that do not care still answer.

A mutation's session is its unit of work: graph/transactions.py commits it once the mutation fields
have run (and the outbox flushes), or rolls it back; nothing else commits it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.fastapi import BaseContext
from strawberry.types import Info

from domain.accounts import tokens
from domain.backends import Backends, InProcessJobs
from domain.errors import Unauthenticated
from domain.games.tokens import is_player_token
from domain.infra.limiter import Limiter, create_limiter
from domain.infra.transient import is_transient
from domain.models import User
from domain.unit_of_work import complete
from graph.games.feeds import GameFeeds
from graph.persisted_queries import MemoryQueryStore, QueryStore
from graph.realtime.live import LiveBoards

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from datetime import datetime

    from graph.loaders import Loaders

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(kw_only=True)
class Services(Backends):
    """What lives as long as the API process: its backends (domain/backends.py; the composition root,
    learnql/composition.py, makes them), the persisted queries and this process's live leaderboards."""

    queries: QueryStore = field(default_factory=MemoryQueryStore)
    live: LiveBoards = field(init=False)  # this process's live leaderboards, fed by the broker
    limiter: Limiter = field(init=False)  # rate limits: Redis with LEARNQL_REDIS_URL, else in-process
    game_feeds: GameFeeds = field(init=False)  # this process's live games, fed by the broker

    def __post_init__(self, in_process_jobs: InProcessJobs | None) -> None:
        super().__post_init__(in_process_jobs)
        clock = lambda: self.clock()  # noqa: E731  (tests swap the clock after start)
        self.live = LiveBoards(self.realtime, self.readers, clock, self.settings.leaderboard_update_interval_ms)
        self.limiter = create_limiter(self.settings)
        self.game_feeds = GameFeeds(self.realtime, self.readers, clock, self.settings.game_update_interval_ms)


class Context(BaseContext):
    def __init__(
        self,
        services: Services,
        authorization: str | None,
        request_id: str | None = None,
        client: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.settings = services.settings
        self.limiter = services.limiter
        self.request_id = request_id or uuid.uuid4().hex
        self.client = client  # the client's IP address (X-Forwarded-For only from LEARNQL_TRUSTED_PROXIES)
        self.write = False  # set for mutations before any resolver runs
        self.commit_sent = False  # a COMMIT went out: the operation must not rerun (graph/retries.py)
        self.writes_kept = False  # a mutation field succeeded: its writes commit with the operation...
        self.writes_failed = False  # ...unless one raised: then nothing of the operation is written
        self._authorization = authorization
        self._verified: int | None = None  # the viewer id, once the token passed verify_token
        self._refused: Unauthenticated | None = None  # why it did not
        self._unreachable: Exception | None = None  # a transient failure while checking it (raised by viewer_id)
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        return self.services.clock()

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            factory = self.services.writers if self.write else self.services.readers
            self._session = factory()
        return self._session

    @asynccontextmanager
    async def db(self) -> AsyncIterator[AsyncSession]:
        """The session, for one coroutine at a time: loaders' batches may otherwise overlap."""
        async with self._lock:
            yield self.session

    async def run(self, function: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async with self.db() as session:
            return await function(session, *args, **kwargs)

    async def end_unit_of_work(self) -> None:
        """Commit a mutation's writes and flush the outbox when a mutation field kept them and none
        raised, else roll them back; the session ends either way. Only graph/transactions.py calls it,
        once per operation, after every resolver has run."""
        async with self._lock:
            session, self._session = self._session, None
            if session is None:
                return
            try:
                if self.writes_kept and not self.writes_failed:
                    self.commit_sent = True  # before: a COMMIT lost on the wire may still have committed
                    await complete(session, self.services)
            finally:
                await session.close()  # rolls back what was not committed
        self.forget_loaded()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def release(self) -> None:
        """End the session and forget loaded rows: long-lived (WebSocket) contexts call it between
        events, a mutation before slow work that needs no transaction (reading an upload). Inside a
        SAVEPOINT (one of several mutation fields) the session holds the other fields' writes: it stays."""
        if self._session is not None:
            async with self._lock:
                if self._session is not None and self._session.in_nested_transaction():
                    return
                await self.close()
        self.forget_loaded()

    def forget_loaded(self) -> None:
        """New loaders: rows load afresh (after a release, or a rolled-back savepoint expired some)."""
        self.__dict__.pop("loaders", None)
        self._unreachable = None  # a rerun checks the token again, on a fresh session

    def authenticate(self, authorization: str | None) -> None:
        """Use these credentials from now on (a WebSocket's connection_init payload)."""
        self._authorization = authorization
        self._verified = self._refused = None
        self.__dict__.pop("token", None)

    @cached_property
    def loaders(self) -> Loaders:
        from graph.loaders import Loaders

        return Loaders(self)

    def bearer_token(self) -> str | None:
        """The bearer token sent, if any; a malformed Authorization header is an error."""
        header = (self._authorization or "").strip()
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Send the token as `Authorization: Bearer <token>`.")
        return token.strip()

    @cached_property
    def token(self) -> tokens.TokenClaims | None:
        """The claims of the bearer token, unchecked against the database; None without a token.
        A game's player token speaks for no user (graph/games/seats.py reads it)."""
        token = self.bearer_token()
        if token is None or is_player_token(token):
            return None
        return tokens.decode_token(self.settings, token, self.now())

    async def verify_token(self) -> None:
        """Check the token against its account (exists, active, not logged out) and load the viewer."""
        if self._verified is not None or self._refused is not None or self._unreachable is not None:
            return
        try:
            claims = self.token
            if claims is None:
                return
            user = await self.run(tokens.authenticate, claims)
        except Unauthenticated as error:
            self._refused = error
            return
        except Exception as error:
            if not is_transient(error):
                raise
            # Raised where the viewer is needed, inside a resolver: the error policy turns it into
            # UNAVAILABLE (and 503 when nothing else answered), and graph/retries.py may rerun.
            self._unreachable = error
            return
        assert user.id is not None
        self.loaders.user_by_id.prime(user.id, user)  # the viewer costs no second statement
        self._verified = user.id

    @property
    def viewer_id(self) -> int | None:
        """The user the bearer token speaks for; a bad, expired or ended token is an error, not anonymity."""
        if self._refused is not None:
            raise self._refused
        if self._unreachable is not None:
            raise self._unreachable
        if self._verified is None and self.token is not None:
            raise RuntimeError("the token has not been verified: await verify_token() first")
        return self._verified

    async def viewer(self) -> User | None:
        await self.verify_token()
        viewer_id = self.viewer_id
        if viewer_id is None:
            return None
        user = await self.loaders.user_by_id.load(viewer_id)
        if user is None:
            raise Unauthenticated("The account of this token no longer exists.")
        return user

    async def require_viewer(self) -> User:
        user = await self.viewer()
        if user is None:
            raise Unauthenticated("Log in to do this.")
        return user


def context_of(info: Info[Context, Any]) -> Context:
    return info.context
