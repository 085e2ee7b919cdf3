"""reviewStats: today's reviews by local day, the 7-day due forecast, true retention, cards by state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import fsrs
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import CardState, ProblemKind, ReviewCard, ReviewLog, User
from domain.reviews.stats import DueDay, review_stats
from domain.settings import Settings
from tests.factories import make_course, make_review_card, make_user

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # 05:00 on 10 March in Los Angeles, 01:00 on 11 March in Auckland


def _log(card: ReviewCard, rating: fsrs.Rating, at: datetime, state_before: CardState = CardState.REVIEW) -> ReviewLog:
    return ReviewLog(
        card_id=card.id,  # type: ignore[arg-type]
        user_id=card.user_id,
        rating=int(rating),
        reviewed_at=at,
        state_before=state_before.value,
        state_after=CardState.REVIEW.value,
        stability_after=3.0,
        difficulty_after=5.0,
        due_after=at + timedelta(days=3),
    )


async def _learner_with_logs(session: AsyncSession, settings: Settings, timezone: str) -> tuple[User, list[ReviewCard]]:
    learner = await make_user(session, settings, NOW, timezone=timezone)
    fixture = await make_course(session, NOW, lessons=7, kinds=(ProblemKind.NUMERIC,))
    problems = [p for lesson in fixture.lessons for p in fixture.problems[lesson.id]]  # type: ignore[index]

    def seen(state: str, due: datetime, step: int | None = None) -> dict[str, object]:
        return {"state": state, "due": due, "step": step, "stability": 3.0, "difficulty": 5.0, "last_review": NOW}

    shapes = [
        {},  # NEW, due now
        seen("REVIEW", NOW - timedelta(days=1)),
        seen("LEARNING", NOW + timedelta(hours=2), step=1),
        seen("REVIEW", datetime(2026, 3, 11, 8, 0, tzinfo=UTC)),
        seen("REVIEW", datetime(2026, 3, 11, 6, 0, tzinfo=UTC)),
        seen("REVIEW", NOW + timedelta(days=10)),
        seen("RELEARNING", datetime(2026, 3, 16, 12, 0, tzinfo=UTC), step=0),
    ]
    cards = [await make_review_card(session, learner, p, NOW, **s) for p, s in zip(problems, shapes, strict=True)]  # type: ignore[arg-type]
    session.add_all(
        [
            _log(cards[1], fsrs.Rating.Good, datetime(2026, 3, 10, 8, 0, tzinfo=UTC)),
            _log(cards[1], fsrs.Rating.Again, datetime(2026, 3, 10, 6, 0, tzinfo=UTC)),
            _log(cards[2], fsrs.Rating.Good, datetime(2026, 3, 10, 9, 0, tzinfo=UTC), CardState.NEW),
            _log(cards[3], fsrs.Rating.Good, datetime(2026, 2, 20, 12, 0, tzinfo=UTC)),
            _log(cards[3], fsrs.Rating.Again, datetime(2026, 1, 1, 12, 0, tzinfo=UTC)),  # outside the 30 days
        ]
    )
    await session.flush()
    return learner, cards


async def test_stats_count_the_los_angeles_day(session: AsyncSession, settings: Settings) -> None:
    learner, _ = await _learner_with_logs(session, settings, "America/Los_Angeles")
    assert learner.id is not None

    stats = await review_stats(session, learner.id, learner.timezone, NOW)

    # 08:00 and 09:00 UTC are after midnight in Los Angeles (07:00 UTC); 06:00 UTC is yesterday
    assert (stats.reviews_today, stats.new_cards_today) == (2, 1)
    assert (stats.new_cards_left_today, stats.reviews_left_today) == (19, 199)
    assert stats.due_by_day == [
        DueDay(date(2026, 3, 10), 4),  # new, overdue, learning in 2 h, and 23:00 local
        DueDay(date(2026, 3, 11), 1),
        DueDay(date(2026, 3, 12), 0),
        DueDay(date(2026, 3, 13), 0),
        DueDay(date(2026, 3, 14), 0),
        DueDay(date(2026, 3, 15), 0),
        DueDay(date(2026, 3, 16), 1),
    ]
    assert (stats.true_retention, stats.retention_reviews) == (2 / 3, 3)
    assert stats.cards_by_state == {
        CardState.NEW: 1,
        CardState.LEARNING: 1,
        CardState.REVIEW: 4,
        CardState.RELEARNING: 1,
    }


async def test_stats_count_the_auckland_day(session: AsyncSession, settings: Settings) -> None:
    learner, _ = await _learner_with_logs(session, settings, "Pacific/Auckland")
    assert learner.id is not None

    stats = await review_stats(session, learner.id, learner.timezone, NOW)

    # Auckland's 11 March began at 11:00 UTC: every review above was yesterday there
    assert (stats.reviews_today, stats.new_cards_today) == (0, 0)
    assert stats.due_by_day[0] == DueDay(date(2026, 3, 11), 5)  # its day runs to 11:00 UTC on 11 March
    assert stats.due_by_day[5] == DueDay(date(2026, 3, 16), 0)
    assert stats.due_by_day[6] == DueDay(date(2026, 3, 17), 1)


async def test_stats_of_a_learner_without_cards(session: AsyncSession, settings: Settings) -> None:
    learner = await make_user(session, settings, NOW)
    assert learner.id is not None

    stats = await review_stats(session, learner.id, learner.timezone, NOW)

    assert (stats.reviews_today, stats.true_retention, stats.retention_reviews) == (0, None, 0)
    assert [day.count for day in stats.due_by_day] == [0] * 7
    assert set(stats.cards_by_state.values()) == {0}
