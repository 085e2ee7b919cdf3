"""The custom scalars with the exact formats clients can rely on (docs/api/scalars.md maps them for
code generators): DateTime (RFC 3339), Date (an ISO 8601 calendar date), JSON and Upload.

strawberry's built-in DateTime and Date accept and print any ISO 8601 form; these replace them in
the schema (`scalar_overrides`) with a `@specifiedBy` URL and a parser that holds to it, so that a
time without an offset is refused instead of being read in an unknown time zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from strawberry.file_uploads import Upload
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition, ScalarWrapper, scalar

RFC_3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
ISO_8601 = "https://www.iso.org/iso-8601-date-and-time-format.html"
ECMA_404 = "https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf"
MULTIPART_REQUEST = "https://github.com/jaydenseric/graphql-multipart-request-spec"

# RFC 3339 `date-time`: T (or t, or a space as its section 5.6 note allows), seconds required,
# fractions optional, and an offset: Z or +hh:mm / -hh:mm.
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})",
    re.ASCII,
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_date_time(value: object) -> datetime:
    """An RFC 3339 date-time as an aware datetime in UTC; more than 6 fraction digits are cut."""
    match = _DATE_TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(
            f"{value!r} is not an RFC 3339 date-time such as 2026-03-10T12:00:00Z (the offset is required)."
        )
    day, time, fraction, offset = match.groups()
    text = f"{day}T{time}{'.' + fraction[:6].ljust(6, '0') if fraction else ''}"
    try:
        parsed = datetime.fromisoformat(text + ("+00:00" if offset in ("Z", "z") else offset))
    except ValueError as error:  # a well-formed but impossible moment, e.g. February 30
        raise ValueError(f"{value!r} is not a valid date-time: {error}.") from None
    return parsed.astimezone(UTC)


def serialize_date_time(value: datetime) -> str:
    """ISO 8601 with its offset, which is RFC 3339: every datetime in learnql is aware (UTC)."""
    if value.tzinfo is None:
        raise TypeError("a naive datetime has no RFC 3339 form; learnql's datetimes are aware")
    return value.isoformat()


def parse_date(value: object) -> date:
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        raise ValueError(f"{value!r} is not a calendar date in the form YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a valid date: {error}.") from None


def serialize_date(value: date) -> str:
    return value.isoformat()


def _identity(value: Any) -> Any:
    return value


DateTime = scalar(
    name="DateTime",
    description="A moment in time: an RFC 3339 date-time with its offset, e.g. `2026-03-10T12:00:00+00:00`. "
    "learnql writes UTC (`+00:00`); it reads any offset (`Z` included) and refuses a time without one.",
    specified_by_url=RFC_3339,
    serialize=serialize_date_time,
    parse_value=parse_date_time,
)

Date = scalar(
    name="Date",
    description="A calendar date, `YYYY-MM-DD` (the ISO 8601 extended form, RFC 3339's `full-date`). "
    "Days of streaks and review statistics are local days in the user's time zone.",
    specified_by_url=ISO_8601,
    serialize=serialize_date,
    parse_value=parse_date,
)

JsonValue = scalar(
    name="JSON",
    description="Any JSON value as specified by ECMA-404: an object, array, string, number, boolean or null. "
    "Fields of this type say which shape they hold.",
    specified_by_url=ECMA_404,
    serialize=_identity,
    parse_value=_identity,
)

UploadFile = scalar(
    name="Upload",
    description="A file sent with the request as a GraphQL multipart request (the `operations` and `map` "
    "form fields, then the files). Only an input; it has no JSON form. Size limit: LEARNQL_UPLOAD_MAX_BYTES.",
    specified_by_url=MULTIPART_REQUEST,
    serialize=_identity,
    parse_value=_identity,
)

SCALAR_OVERRIDES: dict[object, ScalarWrapper | ScalarDefinition] = {
    datetime: DateTime,
    date: Date,
    JSON: JsonValue,
    Upload: UploadFile,
}
