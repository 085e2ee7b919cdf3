"""A learner's review log in the CSV format the FSRS optimizers read (fsrs-optimizer's
`review_logs` schema, also what fsrs-rs's and py-fsrs's optimizers are fed from):

- card_id: the card (our review card's number);
- review_time: when, in milliseconds since the Unix epoch (UTC);
- review_rating: 1 Again, 2 Hard, 3 Good, 4 Easy;
- review_state: the card's state when it was reviewed: 0 New, 1 Learning, 2 Review, 3 Relearning;
- review_duration: time spent on the review in milliseconds; 0 when the client did not say (as Anki
  writes it).

Rows are sorted by card, then time, as the optimizers replay them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.exports.streaming import stream_tuples
from domain.models import CardState, ReviewLog

HEADER = ("card_id", "review_time", "review_rating", "review_state", "review_duration")
STATE_CODES = {
    CardState.NEW.value: 0,
    CardState.LEARNING.value: 1,
    CardState.REVIEW.value: 2,
    CardState.RELEARNING.value: 3,
}


async def review_log_rows(session: AsyncSession, user_id: int) -> AsyncIterator[tuple[int, int, int, int, int]]:
    query = (
        select(
            col(ReviewLog.card_id),
            col(ReviewLog.reviewed_at),
            col(ReviewLog.rating),
            col(ReviewLog.state_before),
            col(ReviewLog.duration_ms),
        )
        .where(col(ReviewLog.user_id) == user_id)
        .order_by(col(ReviewLog.card_id), col(ReviewLog.reviewed_at), col(ReviewLog.id))
    )
    async for card_id, reviewed_at, rating, state, duration_ms in stream_tuples(session, query):
        yield (card_id, round(reviewed_at.timestamp() * 1000), rating, STATE_CODES[state], duration_ms or 0)
