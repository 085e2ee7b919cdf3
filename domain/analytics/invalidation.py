"""Which cached analytics a transaction makes stale: the scopes of classes and students.

Services call `mark_dirty(session, classes=..., students=...)` next to the write that changes a
grade or a class's membership. The scopes go to the outbox (domain/outbox.py), which bumps them in
the cache only once the transaction commits (a rollback drops them): bumped earlier, a concurrent
reader could cache the old data under the new version.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from domain import outbox


def class_scope(class_id: int) -> str:
    return f"class:{class_id}"


def student_scope(user_id: int) -> str:
    return f"student:{user_id}"


def mark_dirty(session: AsyncSession, *, classes: Iterable[int] = (), students: Iterable[int] = ()) -> None:
    scopes = [*(class_scope(key) for key in classes), *(student_scope(key) for key in students)]
    if scopes:
        outbox.record(session, outbox.Stale.of(scopes))
