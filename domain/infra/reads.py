"""Hot reads by a batch of keys, run on the driver's connection: no ORM session work per statement.

A `KeyedRead` is a SQLAlchemy Core select over the SQLModel tables, written once. On PostgreSQL it is
compiled once (keys as one `= ANY($n)` array parameter, so a single prepared statement serves every
batch size) and run with asyncpg's own `fetch` on the session's connection; SQLAlchemy's execution
path, a greenlet switch plus result processing per statement, costs several times the query itself on
the listing loaders of a lesson page. On SQLite it runs through the session as any Core statement
(`IN` with an expanding parameter). Rows come back as named tuples either way.

Only columns that need no result conversion may be selected (integers, floats, text, booleans, JSON,
which the connection's codec decodes): the driver's values are returned as they are. The statement
is counted and told to the listeners of domain/infra/driver.py.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Float, Integer, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, Select

from domain.infra.driver import asyncpg_connection, note

_KEYS = object()  # where the keys go among a compiled statement's parameters
_FLOAT8 = 701  # PostgreSQL's OID of double precision, which a Float column is here
KeyFilter = Callable[[Any], ColumnElement[bool]]  # a column -> "the column is one of the keys"
Query = Select[*tuple[Any, ...]]


def _in_keys(column: Any) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = column.in_(bindparam("keys", expanding=True))
    return condition


def _any_key(column: Any) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = column == any_(bindparam("keys", type_=ARRAY(Integer)))
    return condition


class KeyedRead:
    """`build(match)` returns the select; `match(column)` is the condition "column is one of the keys"."""

    def __init__(self, build: Callable[[KeyFilter], Query]) -> None:
        self._generic = build(_in_keys)
        self._postgres = build(_any_key)
        self._compiled: tuple[str, list[Any]] | None = None  # SQL and its parameters in order
        self.row: Any = namedtuple("row", [column.key for column in self._generic.selected_columns])  # type: ignore[misc]

    def _compile(self, dialect: Dialect) -> tuple[str, list[Any]]:
        if self._compiled is None:
            for column in self._postgres.selected_columns:
                # the type the driver reports for the column: only floats' processing depends on it here
                reported = _FLOAT8 if isinstance(column.type, Float) else None
                if column.type._cached_result_processor(dialect, reported) is not None:
                    raise TypeError(f"{column.key}: a column that needs conversion cannot be read raw")
            compiled = self._postgres.compile(dialect=dialect)
            names = compiled.positiontup or []
            self._compiled = (compiled.string, [_KEYS if n == "keys" else compiled.params[n] for n in names])
        return self._compiled

    async def rows(self, session: AsyncSession, keys: Sequence[int]) -> list[Any]:
        connection, raw = await asyncpg_connection(session)
        if raw is None:
            return list((await connection.execute(self._generic, {"keys": list(keys)})).all())
        sql, parameters = self._compile(connection.dialect)
        note(sql)
        key_list = list(keys)
        records = await raw.fetch(sql, *(key_list if p is _KEYS else p for p in parameters))
        make = self.row._make
        return [make(record.values()) for record in records]
