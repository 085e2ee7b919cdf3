"""The payload table of docs/record/events.md, generated from the declaration in domain/record/kinds.py.

`uv run python -m domain.record.docs` prints it; tests/docs/test_record.py checks the page holds it.
"""

from __future__ import annotations

from domain.record.kinds import DESCRIPTIONS, PAYLOADS, LearningEventType


def payload_tables() -> str:
    """One section per event type: what it means and a table of its payload keys."""
    parts: list[str] = []
    for kind in LearningEventType:
        rows = [
            f"| `{name}` | {key.kind}{' or null' if key.nullable else ''} | {key.meaning} |"
            for name, key in PAYLOADS[kind].items()
        ]
        parts.append(
            "\n".join(
                [f"### {kind.value}", "", DESCRIPTIONS[kind], "", "| key | type | meaning |", "|---|---|---|", *rows]
            )
        )
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    print(payload_tables(), end="")
