"""Looking ahead at what a query asks for below the field being resolved."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def selects(info: Info[Any, Any], name: str) -> bool:
    """Whether the field being resolved selects `name` on its result (directly or in a fragment)."""
    return any(_among(selected.selections, name) for selected in info.selected_fields)


def _among(selections: Sequence[Selection], name: str) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == name:
            return True
        if isinstance(selection, FragmentSpread | InlineFragment) and _among(selection.selections, name):
            return True
    return False
