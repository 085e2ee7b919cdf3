"""The configuration page lists every setting of domain/settings.py, with its variable name."""

from __future__ import annotations

from domain.settings import Settings
from tests.docs.examples import ROOT

PAGE = ROOT / "docs" / "operations" / "configuration.md"


def test_every_setting_has_a_row_in_the_configuration_table() -> None:
    rows = {line.split("|")[1].strip().strip("`") for line in PAGE.read_text().splitlines() if line.startswith("| `")}

    missing = {f"LEARNQL_{name.upper()}" for name in Settings.model_fields} - rows

    assert missing == set(), f"document these in {PAGE.relative_to(ROOT)}"


def test_the_table_names_no_setting_that_does_not_exist() -> None:
    rows = {line.split("|")[1].strip().strip("`") for line in PAGE.read_text().splitlines() if line.startswith("| `")}

    unknown = rows - {f"LEARNQL_{name.upper()}" for name in Settings.model_fields}

    assert unknown == set()
