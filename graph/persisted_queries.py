"""Automatic persisted queries (the Apollo APQ convention).

A client sends `extensions.persistedQuery = {version: 1, sha256Hash}` without the document; when
the server knows the hash it runs the stored document, otherwise it answers with the error
PERSISTED_QUERY_NOT_FOUND and the client retries once with document and hash, which registers it.
The hash is checked, so nobody can register a document under someone else's hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from typing import Protocol

from cachetools import LRUCache
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension


class QueryStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str) -> None: ...


class MemoryQueryStore:
    """An LRU of documents by hash, for the embedded default (one process)."""

    def __init__(self, maxsize: int = 2048) -> None:
        self._items: LRUCache[str, str] = LRUCache(maxsize)

    async def get(self, key: str) -> str | None:
        return self._items.get(key)

    async def set(self, key: str, value: str) -> None:
        self._items[key] = value


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


class PersistedQueries(SchemaExtension):
    """Resolves `extensions.persistedQuery` before parsing; stores documents sent with their hash."""

    async def on_operation(self) -> AsyncIterator[None]:
        context = self.execution_context
        persisted = (context.operation_extensions or {}).get("persistedQuery")
        store: QueryStore | None = getattr(getattr(context.context, "services", None), "queries", None)
        if persisted is not None and store is not None:
            await self._resolve(persisted, store)
        yield

    async def _resolve(self, persisted: object, store: QueryStore) -> None:
        context = self.execution_context
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise _error("Unsupported persistedQuery version; use version 1.", "PERSISTED_QUERY_NOT_SUPPORTED")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != 64:
            raise _error("persistedQuery.sha256Hash must be a hex SHA-256.", "BAD_USER_INPUT")
        key = digest.lower()
        if context.query:
            if hashlib.sha256(context.query.encode()).hexdigest() != key:
                raise _error("provided sha does not match query", "BAD_USER_INPUT")
            await store.set(key, context.query)
            return
        document = await store.get(key)
        if document is None:
            raise _error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        context.query = document
