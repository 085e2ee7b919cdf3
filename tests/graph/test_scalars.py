"""DateTime, Date, JSON and Upload: their @specifiedBy URLs in the schema, and parsers that hold to them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from graphql import GraphQLScalarType, build_schema

from graph.scalars import ISO_8601, MULTIPART_REQUEST, RFC_3339, parse_date, parse_date_time, serialize_date_time
from graph.schema import schema_sdl


def test_every_custom_scalar_names_its_specification_and_says_what_it_holds() -> None:
    schema = build_schema(schema_sdl())  # what clients and code generators read

    specified = {}
    for name in ("DateTime", "Date", "JSON", "Upload"):
        scalar = schema.get_type(name)
        assert isinstance(scalar, GraphQLScalarType)
        assert scalar.description
        specified[name] = scalar.specified_by_url

    assert specified["DateTime"] == RFC_3339
    assert specified["Date"] == ISO_8601
    assert specified["Upload"] == MULTIPART_REQUEST
    assert "ECMA-404" in (specified["JSON"] or "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-10T12:00:00Z", datetime(2026, 3, 10, 12, tzinfo=UTC)),
        ("2026-03-10t12:00:00z", datetime(2026, 3, 10, 12, tzinfo=UTC)),
        ("2026-03-10 12:00:00+00:00", datetime(2026, 3, 10, 12, tzinfo=UTC)),
        ("2026-03-10T13:30:00+01:30", datetime(2026, 3, 10, 12, tzinfo=UTC)),
        ("2026-03-10T12:00:00.5-02:00", datetime(2026, 3, 10, 14, 0, 0, 500000, tzinfo=UTC)),
        ("2026-03-10T12:00:00.123456789Z", datetime(2026, 3, 10, 12, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_rfc_3339_date_times_are_read_as_utc(text: str, expected: datetime) -> None:
    parsed = parse_date_time(text)

    assert parsed == expected
    assert parsed.tzinfo == UTC


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-10T12:00:00",  # no offset: which time zone?
        "2026-03-10",
        "2026-03-10T12:00Z",  # no seconds
        "20260310T120000Z",  # ISO 8601 basic form, not RFC 3339
        "2026-02-30T12:00:00Z",
        "2026-03-10T12:00:00+0100",
        "",
    ],
)
def test_anything_else_is_refused_with_a_message_naming_the_format(text: str) -> None:
    with pytest.raises(ValueError, match="date-time"):
        parse_date_time(text)


def test_a_number_is_not_a_date_time() -> None:
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_date_time(1741608000)


def test_date_times_are_written_with_their_offset() -> None:
    assert serialize_date_time(datetime(2026, 3, 10, 12, tzinfo=UTC)) == "2026-03-10T12:00:00+00:00"
    assert serialize_date_time(datetime(2026, 3, 10, 12, tzinfo=timezone(timedelta(hours=2)))).endswith("+02:00")
    with pytest.raises(TypeError, match="naive"):
        serialize_date_time(datetime(2026, 3, 10, 12))  # noqa: DTZ001  (the mistake under test)


def test_dates_are_calendar_dates_in_the_extended_form_only() -> None:
    assert parse_date("2026-03-10") == date(2026, 3, 10)
    for text in ("20260310", "2026-W11-2", "2026-03-10T00:00:00Z", "2026-02-30", "10.03.2026"):
        with pytest.raises(ValueError, match="date"):
            parse_date(text)
