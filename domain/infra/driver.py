"""Statements run on the driver's own connection (asyncpg), beside the ORM session's transaction.

The hot reads (domain/infra/reads.py) and the bulk inserts (domain/infra/bulk.py) skip SQLAlchemy's
execution path on PostgreSQL: its greenlet switch, per-row parameter and result processing cost
several times what asyncpg spends on the same statement. They still run in the session's transaction
(the same connection), are counted like any statement (domain/infra/metrics.py), and are told to
`listeners` (SQLAlchemy's cursor events never see them: tests that count statements listen to both).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.infra import metrics

listeners: list[Callable[[str], None]] = []  # called with each statement's SQL before it runs


_CONNECTION = "learnql.driver_connection"  # session.info: (root transaction, connection, asyncpg connection)


async def asyncpg_connection(session: AsyncSession) -> tuple[AsyncConnection, Any | None]:
    """The session's connection, and its asyncpg connection when that is the driver (else None).

    Kept in `session.info` for the rest of the session's transaction (a transaction keeps its
    connection): asking the session again costs two greenlet switches, ~0.15 ms per statement."""
    transaction = session.get_transaction()
    cached = session.info.get(_CONNECTION)
    if transaction is not None and cached is not None and cached[0] is transaction:
        return cached[1], cached[2]
    connection = await session.connection()
    raw = None
    if connection.dialect.driver == "asyncpg":
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
    session.info[_CONNECTION] = (session.get_transaction(), connection, raw)
    return connection, raw


def note(sql: str) -> None:
    """Count a statement about to run on the driver's connection, and tell the listeners."""
    metrics.count_statement()
    for listener in listeners:
        listener(sql)
