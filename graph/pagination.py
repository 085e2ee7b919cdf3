"""Cursor connections: opaque cursors over keyset positions, page sizes bounded by the settings.

A cursor is base64 of `<kind>:<int>:<int>...`: the keyset position of a row (for history lists the
row's time in microseconds and its id), so a page stays where it was when rows are inserted before
it. The kind letter tells the lists apart: a cursor of one list handed to another is malformed.

`Connection` is strawberry's Relay connection (the same types in the schema) plus `totalCount`,
counted only when a query asks for it: the field awaits a count function the resolver passed in.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry import relay

from domain.errors import Invalid
from domain.keyset import Position
from graph.ids import MAX_KEY
from graph.input_limits import text_argument

N = TypeVar("N")
R = TypeVar("R")
T = TypeVar("T")

DEFAULT_PAGE = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
MAX_CURSOR = 200  # ours have under 50 characters

Count = Callable[[], Awaitable[int]]
# The types of `after` and `before` arguments: the schema says what a cursor is and how long it may be.
Cursor = Annotated[str | None, text_argument(MAX_CURSOR, "The `endCursor` of the previous page.")]
BeforeCursor = Annotated[str | None, text_argument(MAX_CURSOR, "The `startCursor` of the next page.")]


@strawberry.type(name="Edge", description="An edge in a connection.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="A cursor for use in pagination")
    node: T = strawberry.field(description="The item at the end of the edge")


@strawberry.type(name="Connection", description="A connection to a list of items.")
class Connection(Generic[T]):
    """strawberry.relay's Connection (the same schema) plus `totalCount`, for any item with an id, not
    only Relay nodes (a review in a card's log, an XP award)."""

    page_info: relay.PageInfo = strawberry.field(description="Pagination data for this connection")
    edges: list[Edge[T]] = strawberry.field(description="Contains the nodes in this connection")
    count: strawberry.Private[Count | None] = None

    @strawberry.field(description="How many items the list holds with these filters, over all pages.")
    async def total_count(self) -> int:
        assert self.count is not None, "every connection passes its count function"
        return await self.count()


async def _no_rows() -> int:
    return 0


def empty_connection() -> Connection[Any]:
    """The answer of a list the viewer may not see: no rows, no pages, a count of 0."""
    return connection([], 0, None, str, lambda row: row, total=_no_rows)


def encode_cursor(*parts: int, kind: str = "c") -> str:
    return base64.urlsafe_b64encode((kind + ":" + ":".join(map(str, parts))).encode()).decode()


def decode_cursor(
    cursor: str | None, size: int, *, kind: str = "c", field: str = "after", times: int = 0
) -> tuple[int, ...] | None:
    """The integers of a cursor of this list; its first `times` parts are times in microseconds (the
    caller bounds them), the others keys and positions."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, *parts = text.split(":")
        values = tuple(int(part) for part in parts)
    except (binascii.Error, UnicodeError, ValueError):
        values, prefix = (), ""
    # Keys and positions are INTEGER columns: beyond their range they only make the driver raise.
    if prefix != kind or len(values) != size or not all(-MAX_KEY - 1 <= value <= MAX_KEY for value in values[times:]):
        raise Invalid(
            f"The cursor is malformed; pass a cursor from a previous page of this list to `{field}`.",
            field=[field],
        )
    return values


def encode_position(at: datetime, key: int | None, *, kind: str) -> str:
    """The cursor of a row of a history list: its time (in microseconds) and its id."""
    return encode_cursor((at - EPOCH) // MICROSECOND, key or 0, kind=kind)


def decode_position(cursor: str | None, *, kind: str, field: str = "after") -> Position | None:
    values = decode_cursor(cursor, 2, kind=kind, field=field, times=1)
    if values is None:
        return None
    micros, key = values
    try:
        return Position(EPOCH + micros * MICROSECOND, key)
    except OverflowError:
        raise Invalid("The cursor is malformed: its time is out of range.", field=[field]) from None


def page_size(first: int | None, maximum: int, field: str = "first") -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= maximum:
        raise Invalid(f"`{field}` must be between 0 and {maximum}.", field=[field])
    return size


@dataclass(frozen=True)
class PageRequest:
    """Which page a client asked for: `size` rows from `cursor`, forward (`first`/`after`) or backward
    (`last`/`before`)."""

    size: int
    cursor: str | None
    backward: bool


def page_request(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    maximum: int,
) -> PageRequest:
    backward = last is not None or before is not None
    if backward and (first is not None or after is not None):
        raise Invalid(
            "Page forward with `first`/`after` or backward with `last`/`before`, not both at once.",
            field=["last" if last is not None else "before"],
        )
    if backward:
        return PageRequest(page_size(last, maximum, "last"), before, backward=True)
    return PageRequest(page_size(first, maximum), after, backward=False)


def connection(
    rows: Sequence[R],
    first: int,
    after: str | None,
    cursor: Callable[[R], str],
    node: Callable[[R], N],
    *,
    total: Count | None = None,
    backward: bool = False,
) -> Connection[N]:
    """A page from at most `first + 1` rows fetched walking away from the cursor `after` (the extra
    row only tells that there is more). Backward (`last`/`before`: pass them as `first` and `after`)
    the rows come nearest-to-the-cursor first and are turned around into list order."""
    page = list(rows[:first])
    more = len(rows) > first
    if backward:
        page.reverse()
    edges = [Edge(cursor=cursor(row), node=node(row)) for row in page]
    return Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=after is not None if backward else more,
            has_previous_page=more if backward else after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=total,
    )


def requested(
    rows: Sequence[R],
    request: PageRequest,
    cursor: Callable[[R], str],
    node: Callable[[R], N],
    total: Count,
) -> Connection[N]:
    return connection(rows, request.size, request.cursor, cursor, node, total=total, backward=request.backward)
