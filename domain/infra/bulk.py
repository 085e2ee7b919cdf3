"""Many rows of one table inserted in one statement, the same statement whatever their number.

On PostgreSQL the rows go as one array per column into `INSERT INTO t (...) SELECT * FROM unnest(...)`,
built with SQLAlchemy Core from the SQLModel table, compiled once, and run with asyncpg's `execute`
on the session's connection (domain/infra/driver.py): one prepared statement for 1 or 40 rows, and
none of SQLAlchemy's per-row parameter work. 0.82 ms of CPU instead of 1.10 ms for the 9 learning
events of an 8-answer submission through SQLAlchemy's executemany (in process on PostgreSQL, means
of 1,800 writes; the asyncpg call alone is about 0.3 ms). Values go through each column type's bind
processor first (UTC datetimes, JSON serialised), as SQLAlchemy would. On SQLite the rows run
through the session as a Core executemany.

Plain INSERTs only: no RETURNING, no ON CONFLICT (those keep their Core statements).

`run_with` sends the rows with another statement the caller runs anyway, as a data-modifying CTE in
front of it (`WITH bulk_t AS (INSERT ... SELECT * FROM unnest(...)) UPDATE ...`): one round trip
for both. That matters inside a row lock: a learner's writers queue on their user row, and every
await while it is held is time the others wait (docs/performance/write-path.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import CTE, Result, Table, bindparam, func, insert, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import UpdateBase

from domain.infra.driver import asyncpg_connection, note

Processor = Callable[[Any], Any] | None


class BulkInsert:
    """`rows` are mappings of the columns named (by default every column but an autoincrement key)."""

    def __init__(self, table: Table, columns: Sequence[str] | None = None) -> None:
        self._table = table
        self.columns = list(columns) if columns is not None else [c.name for c in table.c if not _generated(c)]
        self._core = insert(table)
        self._compiled: tuple[str, list[Processor]] | None = None
        self._cte: CTE | None = None

    def _from_arrays(self, prefix: str = "") -> Any:
        """INSERT INTO t (columns) SELECT * FROM unnest(one array parameter per column)."""
        arrays = [bindparam(prefix + name, type_=ARRAY(self._table.c[name].type)) for name in self.columns]
        return insert(self._table).from_select(
            self.columns, select(literal_column("*")).select_from(func.unnest(*arrays))
        )

    def _compile(self, dialect: Dialect) -> tuple[str, list[Processor]]:
        if self._compiled is None:
            columns = [self._table.c[name] for name in self.columns]
            statement = self._from_arrays()
            compiled = statement.compile(dialect=dialect)  # $1::INTEGER[], ... in the order of the columns
            assert list(compiled.positiontup or ()) == self.columns, compiled.positiontup
            self._compiled = (compiled.string, [column.type.bind_processor(dialect) for column in columns])
        return self._compiled

    async def run(self, session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
        if not rows:
            return
        connection, raw = await asyncpg_connection(session)
        if raw is None:
            await session.execute(self._core, [dict(row) for row in rows])
            return
        sql, processors = self._compile(connection.dialect)
        arrays = [
            [row[name] for row in rows] if process is None else [process(row[name]) for row in rows]
            for name, process in zip(self.columns, processors, strict=True)
        ]
        note(sql)
        await raw.execute(sql, *arrays)

    async def run_with(
        self, session: AsyncSession, rows: Sequence[Mapping[str, Any]], statement: UpdateBase
    ) -> Result[Any]:
        """Run `statement` (an UPDATE, INSERT or DELETE) and insert `rows` in the same round trip on
        PostgreSQL: the insert is a CTE of the statement, its arrays named `bulk_<column>` beside the
        statement's own parameters. On SQLite: `run`, then the statement. Returns the statement's result."""
        if not rows or session.get_bind().dialect.name != "postgresql":
            await self.run(session, rows)
            return await session.execute(statement)
        if self._cte is None:
            self._cte = self._from_arrays(_PREFIX).cte(f"bulk_{self._table.name}")
        arrays = {_PREFIX + name: [row[name] for row in rows] for name in self.columns}
        return await session.execute(statement.add_cte(self._cte), arrays)


_PREFIX = "bulk_"  # the CTE's parameters: apart from the names SQLAlchemy gives a statement's own values


def _generated(column: Any) -> bool:
    return bool(column.primary_key and column.autoincrement in (True, "auto") and column.type.python_type is int)
