"""The learning-events page lists the payload keys of every event type as domain/record/kinds.py declares them."""

from __future__ import annotations

from domain.record.docs import payload_tables
from tests.docs.examples import ROOT

PAGE = ROOT / "docs" / "record" / "events.md"


def test_the_events_page_holds_the_payload_tables_generated_from_the_declaration() -> None:
    assert payload_tables() in PAGE.read_text(), "regenerate them: uv run python -m domain.record.docs"
