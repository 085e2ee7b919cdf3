"""Sessions and queries for streamed exports: one snapshot per download, rows fetched in batches."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Executable, Row
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

BATCH = 500  # rows per fetch from the server-side cursor


def snapshot_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Read sessions whose statements all see one snapshot: on PostgreSQL a REPEATABLE READ
    transaction (asyncpg also needs a transaction for a server-side cursor, which the API's
    autocommit readers do not open); on SQLite a deferred BEGIN, a snapshot under WAL that never
    blocks writers."""
    bind = (
        engine.execution_options(isolation_level="REPEATABLE READ") if engine.dialect.name == "postgresql" else engine
    )
    return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)


async def stream_rows(session: AsyncSession, query: Executable) -> AsyncIterator[Row[Any]]:
    """The rows of `query`, fetched `BATCH` at a time from a server-side cursor."""
    result = await session.stream(query.execution_options(yield_per=BATCH))
    try:
        # A batch per await: iterating the async result row by row would switch greenlets per row.
        async for batch in result.partitions(BATCH):
            for row in batch:
                yield row
    finally:
        await result.close()


async def stream_tuples(session: AsyncSession, query: Executable) -> AsyncIterator[tuple[Any, ...]]:
    """The same, as plain tuples."""
    async for row in stream_rows(session, query):
        yield tuple(row)
