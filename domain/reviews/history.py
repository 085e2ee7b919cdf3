"""The review log of cards, newest first: pages for many cards at once, one statement per batch.

`ReviewCard.reviews` is a nested list (a review queue of 20 cards asks for 20 logs), so its pages
are batched like the lessons of many courses: the rows of every card in the batch are numbered per
card with a window function and cut at the page size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import keyset
from domain.keyset import Window
from domain.models import ReviewLog


@dataclass(frozen=True)
class ReviewPageKey:
    card_id: int
    window: Window


async def review_pages(session: AsyncSession, keys: Sequence[ReviewPageKey]) -> dict[ReviewPageKey, list[ReviewLog]]:
    """Pages of reviews for many cards: one statement per distinct window start in the batch, which
    is one for a plain nested query."""
    groups: dict[tuple[keyset.Position | None, bool], list[ReviewPageKey]] = defaultdict(list)
    for key in keys:
        groups[(key.window.start, key.window.backward)].append(key)
    pages: dict[ReviewPageKey, list[ReviewLog]] = {}
    for group in groups.values():
        window = group[0].window  # the same start and direction for the whole group
        at, id_ = col(ReviewLog.reviewed_at), col(ReviewLog.id)
        ranked = (
            select(
                id_.label("log_id"),
                func.row_number()
                .over(partition_by=col(ReviewLog.card_id), order_by=keyset.ordering(at, id_, window))
                .label("rank"),
            )
            .where(col(ReviewLog.card_id).in_({key.card_id for key in group}), *keyset.beyond(at, id_, window))
            .subquery()
        )
        limit = max(key.window.size for key in group) + 1
        query = (
            select(ReviewLog)
            .join(ranked, ranked.c.log_id == id_)
            .where(ranked.c.rank <= limit)
            .order_by(col(ReviewLog.card_id), ranked.c.rank)
        )
        by_card: dict[int, list[ReviewLog]] = defaultdict(list)
        for log in (await session.execute(query)).scalars():
            by_card[log.card_id].append(log)
        for key in group:
            pages[key] = by_card[key.card_id][: key.window.size + 1]
    return pages


async def review_counts(session: AsyncSession, card_ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(col(ReviewLog.card_id), func.count())
        .where(col(ReviewLog.card_id).in_(set(card_ids)))
        .group_by(col(ReviewLog.card_id))
    )
    return {card_id: int(count) for card_id, count in await session.execute(query)}
