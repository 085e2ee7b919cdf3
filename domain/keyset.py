"""Keyset pages of history lists, newest first, over the position (time, id) of each row.

A page starts after the position of the last row a client saw, so rows inserted meanwhile neither
shift the page nor repeat a row, and the database walks an index instead of skipping OFFSET rows.
The id breaks ties between rows of the same microsecond.

Pages are fetched walking away from the start position, one row more than asked for (the extra row
only tells that there is more): forward, older rows, newest first; backward, newer rows, the oldest
of them first. graph/pagination.py turns a backward page around into list order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.sql.elements import SQLCoreOperations

S = TypeVar("S", bound=Select[Any])
Time = SQLCoreOperations[datetime]
Key = SQLCoreOperations[Any]  # the integer primary key (typed optional on the models)


@dataclass(frozen=True)
class Position:
    at: datetime
    id: int


@dataclass(frozen=True)
class Window:
    """`size` rows after `start` (older ones), or before it (newer ones) when `backward`."""

    size: int
    start: Position | None = None
    backward: bool = False


def beyond(at: Time, key: Key, window: Window) -> list[ColumnElement[bool]]:
    """The condition that a row lies past the window's start, in the window's direction (none without a start)."""
    if window.start is None:
        return []
    time, id_ = window.start.at, window.start.id
    if window.backward:
        return [or_(at > time, and_(at == time, key > id_))]
    return [or_(at < time, and_(at == time, key < id_))]


def ordering(at: Time, key: Key, window: Window) -> tuple[Any, Any]:
    """Nearest to the start first: newest first forward, oldest first backward."""
    return (at.asc(), key.asc()) if window.backward else (at.desc(), key.desc())


def page(query: S, at: Time, key: Key, window: Window) -> S:
    """`query` limited to the window: its filter, its order and `size + 1` rows."""
    return query.where(*beyond(at, key, window)).order_by(*ordering(at, key, window)).limit(window.size + 1)
