"""The review log of many cards at once (domain/reviews/history.py): one statement, a page per card."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.keyset import Position, Window
from domain.models import ProblemKind
from domain.reviews.history import ReviewPageKey, review_counts, review_pages
from domain.settings import Settings
from tests.factories import make_course, make_review_card, make_review_log, make_user


async def test_pages_of_several_cards_come_from_one_batch_each_newest_first_and_cut_at_the_size(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(
        session, now, kinds=(ProblemKind.NUMERIC, ProblemKind.SHORT_TEXT, ProblemKind.FREE_TEXT)
    )
    busy, quiet, untouched = [
        await make_review_card(session, learner, problem, now)
        for problem in fixture.problems[fixture.lessons[0].id]  # type: ignore[index]
    ]
    busy_logs = [await make_review_log(session, busy, now + timedelta(days=day)) for day in range(4)]
    quiet_log = await make_review_log(session, quiet, now)
    keys = [ReviewPageKey(card.id, Window(2)) for card in (busy, quiet, untouched)]  # type: ignore[arg-type]

    pages = await review_pages(session, keys)

    assert [log.id for log in pages[keys[0]]] == [busy_logs[3].id, busy_logs[2].id, busy_logs[1].id]
    assert [log.id for log in pages[keys[1]]] == [quiet_log.id]
    assert pages[keys[2]] == []
    assert await review_counts(session, [busy.id, quiet.id, untouched.id]) == {busy.id: 4, quiet.id: 1}  # type: ignore[list-item]


async def test_a_page_after_a_cursor_holds_the_older_reviews_only(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    card = await make_review_card(session, learner, fixture.problems[fixture.lessons[0].id][0], now)  # type: ignore[index]
    logs = [await make_review_log(session, card, now + timedelta(hours=hour)) for hour in (0, 1, 1, 2)]
    assert logs[2].id is not None
    key = ReviewPageKey(card.id, Window(10, Position(logs[2].reviewed_at, logs[2].id)))  # type: ignore[arg-type]

    pages = await review_pages(session, [key])

    assert [log.id for log in pages[key]] == [logs[1].id, logs[0].id]  # same moment: the lower id is older
