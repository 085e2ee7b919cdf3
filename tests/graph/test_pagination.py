"""graph/pagination.py without a database: cursors, page requests and the flags of a page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.errors import Invalid
from domain.keyset import Position
from graph.pagination import (
    PageRequest,
    connection,
    decode_cursor,
    decode_position,
    encode_cursor,
    encode_position,
    page_request,
)


def test_a_position_survives_its_cursor_to_the_microsecond() -> None:
    at = datetime(2026, 3, 10, 12, 0, 0, 123456, tzinfo=UTC)

    assert decode_position(encode_position(at, 42, kind="s"), kind="s") == Position(at, 42)


@pytest.mark.parametrize(
    ("cursor", "field"),
    [
        (encode_position(datetime(2026, 3, 10, tzinfo=UTC), 1, kind="x"), "after"),  # another list's
        (encode_cursor(1, kind="s"), "after"),  # one part short
        (encode_cursor(10**20, 1, kind="s"), "after"),  # a time no datetime holds
        ("%%%", "before"),
    ],
)
def test_malformed_cursors_name_the_argument(cursor: str, field: str) -> None:
    with pytest.raises(Invalid) as raised:
        decode_position(cursor, kind="s", field=field)

    assert raised.value.field == [field]


def test_the_first_lists_keep_their_cursors() -> None:
    assert decode_cursor(encode_cursor(3, 4, 5), 3) == (3, 4, 5)


def test_a_page_request_goes_one_way() -> None:
    assert page_request(None, None, None, None, 100) == PageRequest(20, None, backward=False)
    assert page_request(None, None, 5, "c", 100) == PageRequest(5, "c", backward=True)
    assert page_request(None, None, None, "c", 100) == PageRequest(20, "c", backward=True)
    for first, after, last, before in ((1, None, 1, None), (None, "a", None, "b"), (1, None, None, "b")):
        with pytest.raises(Invalid, match="not both"):
            page_request(first, after, last, before, 100)
    with pytest.raises(Invalid, match="`last` must be between 0 and 100"):
        page_request(None, None, 101, None, 100)


def test_a_backward_page_is_turned_into_list_order_with_the_flags_swapped() -> None:
    fetched = [3, 4, 5]  # nearest to the `before` cursor first, one more than asked

    page = connection(fetched, 2, "cursor", str, lambda n: n, backward=True)

    assert [edge.node for edge in page.edges] == [4, 3]
    assert (page.page_info.has_previous_page, page.page_info.has_next_page) == (True, True)
    assert (page.page_info.start_cursor, page.page_info.end_cursor) == ("4", "3")
