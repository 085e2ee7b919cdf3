"""Automatic persisted queries: hash first, document on a miss, then the hash alone."""

from __future__ import annotations

import hashlib
from typing import Any

from graph.persisted_queries import MemoryQueryStore
from tests.graph.conftest import Api

QUERY = "{ courses(first: 1) { edges { node { id } } } }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()


def persisted(digest: str = DIGEST, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


async def send(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.http.post("/graphql", json=body)
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


async def test_unknown_hash_is_not_found_then_registered_then_served(api: Api) -> None:
    miss = await send(api, {"extensions": persisted()})
    register = await send(api, {"query": QUERY, "extensions": persisted()})
    hit = await send(api, {"extensions": persisted()})

    assert miss["errors"][0]["message"] == "PersistedQueryNotFound"
    assert miss["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert register["data"] == {"courses": {"edges": []}}
    assert hit["data"] == register["data"]
    assert hit["extensions"]["cost"]["requested"] == register["extensions"]["cost"]["requested"] == 3


async def test_a_document_that_does_not_match_its_hash_is_refused(api: Api) -> None:
    wrong = hashlib.sha256(b"{ viewer { id } }").hexdigest()

    result = await send(api, {"query": QUERY, "extensions": persisted(wrong)})
    after = await send(api, {"extensions": persisted(wrong)})

    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert after["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_other_versions_are_refused(api: Api) -> None:
    result = await send(api, {"query": QUERY, "extensions": persisted(version=2)})

    assert result["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_the_memory_store_forgets_the_least_recently_used_document() -> None:
    store = MemoryQueryStore(maxsize=2)
    await store.set("a", "{ a }")
    await store.set("b", "{ b }")
    await store.get("a")  # "b" is now the least recently used
    await store.set("c", "{ c }")

    assert [await store.get(key) for key in ("a", "c", "b")] == ["{ a }", "{ c }", None]
