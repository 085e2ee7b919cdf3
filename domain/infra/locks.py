"""The lock order of every write transaction, in one place: follow it and two writers cannot deadlock.

PostgreSQL locks rows; two transactions deadlock when each waits for a lock the other holds. Every
write path (submitting answers, reviewing cards, recording grades, the evaluation worker finishing
submissions, job bookkeeping) therefore takes its locks in this order:

1. **Users first.** A transaction that moves a user's counters (XP, streak) or writes the rows a
   user owns (submissions, answers, review cards and logs, progress, XP events, their grades) locks
   that user's row before it locks or inserts anything else of theirs: `lock_user`, or `lock_users`
   for several users, in ascending id. The learner's row lock is the one queue all of a learner's
   writers wait in, so everything below it is taken by one of them at a time.
2. **Then the user's own rows**, each kind in ascending id: submissions, then review cards.
   Idempotency claims (INSERT ... ON CONFLICT on a per-user key) happen here too, under the user
   lock: concurrent duplicates queue on the user row, not on each other's index entries.
3. **Rows shared between users** (grades of a class, cached AI results, XP events keyed per user)
   are upserted in a stable key order within one statement, so two batches meet in the same order.
4. **Job rows last** (`domain.jobs.records.lock`).

Row locks are `FOR NO KEY UPDATE` (`no_key_update`), never a plain `FOR UPDATE`, because we never
change a locked row's primary key: an INSERT of a row with a foreign key to a row takes a KEY SHARE
lock on it, and KEY SHARE conflicts with FOR UPDATE but not with FOR NO KEY UPDATE. With a plain FOR
UPDATE, two submissions of one learner that each had inserted a row referencing the learner (KEY
SHARE) and then asked for the learner's row deadlocked (issue 20); and an instructor's recordGrades
(which references the learner) waited for the learner's submission. UPDATE statements that leave
keys alone take the same NO KEY lock implicitly.

On SQLite there are no row locks: write transactions start with BEGIN IMMEDIATE and run one at a
time (`domain.infra.database`), so this order is moot there, and the same code runs on both.
A deadlock that slips through anyway is a transient failure: the API retries the whole operation
(`domain.infra.transient`), so it costs latency, not an error - but the order is what keeps it rare.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.models import User

S = TypeVar("S", bound=Select[Any])


def no_key_update(query: S) -> S:
    """Lock the selected rows until commit without blocking inserts that reference them (FOR NO KEY UPDATE)."""
    return query.with_for_update(key_share=True)


async def lock_users(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, User]:
    """The users' rows, locked until commit in ascending id (step 1 of the order), freshly read."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    await session.flush()  # the fresh read must not drop changes this transaction made to them already
    query = select(User).where(col(User.id).in_(ids)).order_by(col(User.id))
    rows = await session.execute(no_key_update(query).execution_options(populate_existing=True))
    return {user.id: user for user in rows.scalars() if user.id is not None}


async def lock_user(session: AsyncSession, user_id: int) -> User:
    """The user's row, locked until commit: one writer of a user's counters and rows at a time."""
    return (await lock_users(session, [user_id]))[user_id]
