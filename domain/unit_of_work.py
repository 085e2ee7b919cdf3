"""The unit of work: one write transaction, committed once at its boundary, then its outbox flushed.

Services change rows and record after-commit effects (domain/outbox.py) on the session they are
given; none of them commits. The boundary that opened the session decides:

- a GraphQL mutation: graph/transactions.py commits when the operation's mutation fields succeeded;
- a job step (workers/jobs.py) and a CLI command (learnql/cli.py): `unit_of_work()` below commits
  when its block ends without raising.

Either way `complete` is the one place where a transaction commits and its effects are released,
so every boundary flushes the same effects in the same order. Leaving the block by an exception,
or closing the session without completing it, rolls back and drops the effects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain import outbox


async def complete(session: AsyncSession, sinks: outbox.Sinks) -> None:
    """Commit the session's transaction, then flush the effects it recorded."""
    await session.commit()
    await outbox.flush(outbox.take(session), sinks)


@asynccontextmanager
async def unit_of_work(sessions: async_sessionmaker[AsyncSession], sinks: outbox.Sinks) -> AsyncIterator[AsyncSession]:
    """A write session that commits when the block ends and rolls back when it raises."""
    async with sessions() as session:  # closing it rolls back whatever was not committed
        yield session
        await complete(session, sinks)
