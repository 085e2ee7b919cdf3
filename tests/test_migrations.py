"""Migrations upgrade an empty database to head, and the models have no drift from them."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel


def _diff(connection: Any) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, SQLModel.metadata))


def _tables(connection: Any) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_upgrade_from_empty_reaches_every_table_without_drift(engine: AsyncEngine) -> None:
    # The `database` fixture upgraded an empty database to head with alembic.
    async with engine.connect() as connection:
        tables = await connection.run_sync(_tables)
        diff = await connection.run_sync(_diff)

    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables
    assert diff == []
