"""Resolving Relay nodes by their keys through a by-id loader, with each type's visibility rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from aiodataloader import DataLoader

R = TypeVar("R")
N = TypeVar("N")


async def load_nodes(
    loader: DataLoader[int, R | None],
    node_ids: Iterable[str],
    convert: Callable[[R], N],
    visible: Callable[[R], bool] | None = None,
) -> list[N | None]:
    """One entry per id, in order: the converted row, or None when missing, malformed or not visible."""
    keys = [int(key) if key.isdigit() else None for key in node_ids]
    rows = iter(await loader.load_many([key for key in keys if key is not None]))
    nodes: list[N | None] = []
    for key in keys:
        row = next(rows) if key is not None else None
        nodes.append(convert(row) if row is not None and (visible is None or visible(row)) else None)
    return nodes
