"""Global IDs: what `encode` writes is what strawberry's GlobalID writes, and `decode` reads it back."""

from __future__ import annotations

import pytest
from strawberry.relay import GlobalID
from strawberry.types.base import get_object_definition

from domain.errors import NotFound
from graph.ids import decode, encode
from graph.nodes import EncodedNode
from graph.schema import NODE_TYPES


@pytest.mark.parametrize(("type_name", "key"), [("Problem", 1), ("Option", 12345), ("ReviewCard", 2**31 - 1)])
def test_encode_writes_strawberrys_global_id_and_decode_reads_it(type_name: str, key: int) -> None:
    encoded = encode(type_name, key)

    assert encoded == str(GlobalID(type_name, str(key)))
    assert decode(encoded, type_name, ["id"]) == key


@pytest.mark.parametrize("value", ["", "not base64!", str(GlobalID("Problem", "x")), str(GlobalID("Option", "1"))])
def test_decode_refuses_anything_but_a_numeric_id_of_the_type(value: str) -> None:
    with pytest.raises(NotFound) as raised:
        decode(value, "Problem", ["input", "problemId"])

    assert raised.value.field == ["input", "problemId"]


@pytest.mark.parametrize("node_type", list(NODE_TYPES.values()), ids=list(NODE_TYPES))
def test_every_node_type_encodes_its_id_under_its_graphql_name(node_type: type) -> None:
    definition = get_object_definition(node_type, strict=True)

    assert issubclass(node_type, EncodedNode)
    assert definition.name == node_type.__name__  # EncodedNode encodes with the class name
