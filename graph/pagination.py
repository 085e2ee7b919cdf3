"""Cursor connections: opaque cursors over keyset positions, `first` bounded by the settings."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from strawberry import relay

from domain.errors import Invalid
from graph.ids import MAX_KEY
from graph.input_limits import text_argument

N = TypeVar("N", bound=relay.Node)
R = TypeVar("R")

DEFAULT_PAGE = 20
MAX_CURSOR = 200  # ours have under 40 characters
# The type of `after` arguments: the schema says what a cursor is and how long it may be.
Cursor = Annotated[str | None, text_argument(MAX_CURSOR, "The `endCursor` of the previous page.")]


def encode_cursor(*parts: int) -> str:
    return base64.urlsafe_b64encode(("c:" + ":".join(map(str, parts))).encode()).decode()


def decode_cursor(cursor: str | None, size: int) -> tuple[int, ...] | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, *parts = text.split(":")
        values = tuple(int(part) for part in parts)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        values, prefix = (), ""
    # Cursor parts are keys and positions, INTEGER columns: beyond their range they only make the driver raise.
    if prefix != "c" or len(values) != size or not all(-MAX_KEY - 1 <= value <= MAX_KEY for value in values):
        raise Invalid(
            "The cursor is malformed; pass an endCursor from a previous page.",
            field=["after"],
        )
    return values


def page_size(first: int | None, maximum: int) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= maximum:
        raise Invalid(f"`first` must be between 0 and {maximum}.", field=["first"])
    return size


def connection(
    rows: Sequence[R],
    first: int,
    after: str | None,
    cursor: Callable[[R], str],
    node: Callable[[R], N],
) -> relay.Connection[N]:
    """A page from `first + 1` fetched rows: the extra row only tells that there is a next page."""
    page = rows[:first]
    edges = [relay.Edge(cursor=cursor(row), node=node(row)) for row in page]
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
