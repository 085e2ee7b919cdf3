"""The database engine: SQLite via aiosqlite on the embedded default, PostgreSQL via asyncpg in production.

SQLite serialises writers. Write transactions therefore start with BEGIN IMMEDIATE (they wait for
the write lock up front instead of failing when a read lock cannot be upgraded); read transactions
use a plain deferred BEGIN and never block under WAL.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext import asyncio as sqlalchemy_asyncio
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)
from sqlalchemy.pool import AsyncAdaptedQueuePool, PoolProxiedConnection

from domain.infra import metrics
from domain.settings import Settings

WRITE_OPTION = "learnql_write"
_pools: weakref.WeakSet[MeteredPool] = weakref.WeakSet()


class MeteredPool(AsyncAdaptedQueuePool):
    """SQLAlchemy's pool for asyncio drivers, measured: connections in use and in overflow (summed over
    the process's pools), time to check one out, and checkouts that had to wait for a connection."""

    def __init__(self, creator: Any, pool_size: int = 5, max_overflow: int = 10, **kwargs: Any) -> None:
        super().__init__(creator, pool_size=pool_size, max_overflow=max_overflow, **kwargs)
        self._overflow_cap = max_overflow if max_overflow >= 0 and pool_size > 0 else None
        _pools.add(self)
        if not event.contains(self, "checkin", _refresh_pool_gauges):  # `recreate` carries listeners over
            event.listen(self, "checkin", _refresh_pool_gauges)
        _refresh_pool_gauges()

    def connect(self) -> PoolProxiedConnection:
        if self._overflow_cap is not None and self.checkedin() == 0 and self.overflow() >= self._overflow_cap:
            metrics.DB_POOL_WAITS.inc()
        started = time.perf_counter()
        try:
            return super().connect()
        finally:
            metrics.DB_POOL_CHECKOUT.observe(time.perf_counter() - started)
            _refresh_pool_gauges()


# SQLAlchemy names a pool's logger after its class: keep this subclass's pool chatter at SQLAlchemy's level.
logging.getLogger(f"{__name__}.{MeteredPool.__name__}").setLevel(logging.WARNING)


def _refresh_pool_gauges(*_: Any) -> None:
    pools = list(_pools)
    metrics.DB_POOL_IN_USE.set(sum(pool.checkedout() for pool in pools))
    metrics.DB_POOL_OVERFLOW.set(sum(max(0, pool.overflow()) for pool in pools))
    metrics.DB_POOL_CAPACITY.set(sum(pool.size() + (pool._overflow_cap or 0) for pool in pools))


def create_engine(settings: Settings, **overrides: Any) -> AsyncEngine:
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "poolclass": MeteredPool,
    }
    if settings.orjson:  # JSON columns (event payloads, option ids) serialised by orjson, not json.dumps
        options["json_serializer"] = _orjson_text
    if settings.is_sqlite:
        options["connect_args"] = {"timeout": 30}
    else:
        options["pool_pre_ping"] = settings.db_pool_pre_ping
    # Looked up on the module at each call: OpenTelemetry's SQLAlchemy instrumentation wraps it there.
    engine = sqlalchemy_asyncio.create_async_engine(settings.database_url, **(options | overrides))
    if settings.is_sqlite:
        _configure_sqlite(engine)
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
    return engine


def _orjson_text(value: Any) -> str:
    """json.dumps' output for what the columns hold (int keys become strings as there), ~5x faster."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _count_statement(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
    """Into the tally of the request, operation or job running (domain/infra/metrics.py); BEGIN and
    PRAGMA are SQLite's transaction plumbing, not the work asked for."""
    if not statement.startswith(("BEGIN", "PRAGMA")):
        metrics.count_statement()


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN out of the driver's hands so that we can choose IMMEDIATE for writers.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def session_factory(engine: AsyncEngine, *, write: bool = False) -> async_sessionmaker[AsyncSession]:
    """Sessions for one unit of work; `write=True` takes SQLite's write lock at BEGIN.

    PostgreSQL reads run in autocommit: under READ COMMITTED every statement sees its own snapshot
    anyway, so a read transaction would only add BEGIN and ROLLBACK round trips.
    """
    if write:
        bind = engine.execution_options(**{WRITE_OPTION: True})
    elif engine.dialect.name == "postgresql":
        bind = engine.execution_options(isolation_level="AUTOCOMMIT")
    else:
        bind = engine
    return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)


# INSERT with ON CONFLICT support, by dialect name: for statements built once per database and cached
INSERTS: dict[str, Callable[..., Any]] = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def dialect_insert(session: AsyncSession) -> Callable[..., Any]:
    """INSERT with ON CONFLICT support for the session's database (PostgreSQL or SQLite)."""
    return INSERTS[session.get_bind().dialect.name]
