"""CSV cells that a spreadsheet opens as data, never as a formula (CSV injection, OWASP)."""

from __future__ import annotations

# A cell starting with one of these is a formula (or DDE call) to Excel, LibreOffice and Sheets;
# tab and carriage return are on OWASP's list too, as some programs skip them before deciding.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that would start a formula gets a leading apostrophe (shown as text, not evaluated);
    numbers we format ourselves are left alone, so -0.25 stays a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(safe_cell(value) for value in row)
