"""The export rules that need no database: CSV cells, item flags, the sections of the data export."""

from __future__ import annotations

from sqlmodel import SQLModel

import domain.models  # noqa: F401  (every table on the metadata)
from domain.analytics.items import ItemStats
from domain.exports.cells import safe_row
from domain.exports.items import item_flags
from domain.exports.portability import NOT_EXPORTED, SECTIONS


def test_text_that_starts_a_formula_is_neutralised_and_numbers_are_not() -> None:
    row = ("=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", "plain", "a=b", -0.25, 3, None)

    assert safe_row(row) == ("'=1+2", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "plain", "a=b", -0.25, 3, None)


def _item(attempts: int, facility: float, discrimination: float | None) -> ItemStats:
    return ItemStats(1, 1, attempts, facility, 0.5, discrimination)


def test_items_are_flagged_for_few_attempts_weak_or_reversed_discrimination_and_extreme_facility() -> None:
    assert item_flags(_item(20, 0.6, 0.45)) == []
    assert item_flags(_item(4, 0.6, 0.45)) == ["FEW_ATTEMPTS"]
    assert item_flags(_item(20, 0.6, -0.1)) == ["NEGATIVE_DISCRIMINATION"]
    assert item_flags(_item(20, 0.6, 0.1)) == ["LOW_DISCRIMINATION"]
    assert item_flags(_item(20, 0.95, None)) == ["TOO_EASY"]
    assert item_flags(_item(3, 0.1, -0.5)) == ["FEW_ATTEMPTS", "NEGATIVE_DISCRIMINATION", "TOO_HARD"]


def test_every_table_that_refers_to_users_is_a_section_of_the_data_export() -> None:
    referring = {
        table.name
        for table in SQLModel.metadata.tables.values()
        if any(fk.column.table.name == "users" for fk in table.foreign_keys)
    }

    assert referring - NOT_EXPORTED - {section.table for section in SECTIONS} == set()
    assert len({section.name for section in SECTIONS}) == len(SECTIONS)
