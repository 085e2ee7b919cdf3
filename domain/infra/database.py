"""The database engine: SQLite via aiosqlite on the embedded default, PostgreSQL via asyncpg in production.

SQLite serialises writers. Write transactions therefore start with BEGIN IMMEDIATE (they wait for
the write lock up front instead of failing when a read lock cannot be upgraded); read transactions
use a plain deferred BEGIN and never block under WAL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from domain.settings import Settings

WRITE_OPTION = "learnql_write"


def create_engine(settings: Settings, **overrides: Any) -> AsyncEngine:
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
    }
    if settings.is_sqlite:
        options["connect_args"] = {"timeout": 30}
    else:
        options["pool_pre_ping"] = settings.db_pool_pre_ping
    engine = create_async_engine(settings.database_url, **(options | overrides))
    if settings.is_sqlite:
        _configure_sqlite(engine)
    return engine


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


def dialect_insert(session: AsyncSession) -> Callable[..., Any]:
    """INSERT with ON CONFLICT support for the session's database (PostgreSQL or SQLite)."""
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
