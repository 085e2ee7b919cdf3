"""Opaque global IDs (Relay): base64 of "TypeName:id"."""

from __future__ import annotations

import re
from base64 import b64encode
from collections.abc import Iterable, Sequence

import strawberry
from strawberry.relay import GlobalID, GlobalIDValueError

from domain.errors import InvalidErrors, NotFound

# Keys are INTEGER columns, 32-bit on PostgreSQL: a larger key matches no row, and sent as a parameter it
# only makes the driver raise (asyncpg: "value out of int32 range"; sqlite3 past 64 bits: OverflowError).
MAX_KEY = 2**31 - 1
_KEY = re.compile(r"[0-9]{1,20}")  # ASCII digits only: str.isdigit() also accepts "²" and "١٢٣"


def encode(type_name: str, key: int | None) -> strawberry.ID:
    """The global ID strawberry's GlobalID would write, without building one (a third of the time:
    every object of a response encodes its id)."""
    return strawberry.ID(b64encode(f"{type_name}:{key}".encode()).decode())


def key_of(text: str) -> int | None:
    """The database key a node id's key part names: a positive INTEGER, else None."""
    if _KEY.fullmatch(text) is None:
        return None
    key = int(text)
    return key if 0 < key <= MAX_KEY else None


def decode(value: str, type_name: str, field: Sequence[str]) -> int:
    """The database key of a global ID of `type_name`; NotFound (with the field path) for anything else."""
    try:
        global_id = GlobalID.from_id(value)
    except GlobalIDValueError:
        global_id = None
    key = key_of(global_id.node_id) if global_id is not None and global_id.type_name == type_name else None
    if key is None:
        raise NotFound(f"{value!r} is not the ID of a {type_name}.", field=list(field))
    return key


def decode_many(values: Iterable[str], type_name: str, field: Sequence[str]) -> tuple[int, ...]:
    keys, errors = [], []
    for index, value in enumerate(values):
        try:
            keys.append(decode(value, type_name, [*field, str(index)]))
        except NotFound as error:
            errors.append(error)
    if errors:
        raise errors[0] if len(errors) == 1 else InvalidErrors(errors)
    return tuple(keys)
