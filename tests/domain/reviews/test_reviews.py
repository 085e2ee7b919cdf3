"""Reviewing cards: exact FSRS round trips through the database, idempotency, concurrency, review XP,
and cards made by answering problems."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from domain.errors import IdempotencyKeyReused, Invalid, NotFound
from domain.infra.database import session_factory
from domain.learning.submissions import AnswerInput, SubmissionRequest, submit
from domain.models import CardState, ProblemKind, ReviewCard, ReviewLog, User, XpEvent
from domain.reviews import scheduling
from domain.reviews.scheduling import ReviewRequest
from domain.settings import Settings
from tests.factories import CourseFixture, make_course, make_review_card, make_user

RATINGS = [
    fsrs.Rating.Good,
    fsrs.Rating.Good,
    fsrs.Rating.Again,
    fsrs.Rating.Hard,
    fsrs.Rating.Good,
    fsrs.Rating.Easy,
    fsrs.Rating.Again,
    fsrs.Rating.Good,
    fsrs.Rating.Hard,
    fsrs.Rating.Easy,
]
# Sub-day steps and multi-day gaps, with microseconds, so every branch of the scheduler is exercised.
GAPS = [
    timedelta(0),
    timedelta(minutes=1, microseconds=17),
    timedelta(minutes=11),
    timedelta(days=2, hours=3),
    timedelta(minutes=10, seconds=5),
    timedelta(days=4, microseconds=999_999),
    timedelta(days=19),
    timedelta(minutes=10),
    timedelta(days=1, hours=1),
    timedelta(days=6),
]


async def _learner_with_problem(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, CourseFixture]:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    return learner, fixture


def _problem(fixture: CourseFixture, kind: str = "NUMERIC") -> object:
    return next(p for p in fixture.problems[fixture.lessons[0].id] if p.kind == kind)  # type: ignore[index]


async def _new_card(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, ReviewCard]:
    learner, fixture = await _learner_with_problem(session, settings, now)
    card = await make_review_card(session, learner, _problem(fixture), now)  # type: ignore[arg-type]
    await session.commit()
    return learner, card


async def _review(
    engine: AsyncEngine, user_id: int, request: ReviewRequest, moment: datetime
) -> scheduling.ReviewOutcome:
    """One request: its own write session, committed, like the API does it."""
    async with session_factory(engine, write=True)() as session:
        user = await session.get(User, user_id)
        assert user is not None
        outcome = await scheduling.review(session, user, request, moment)
        await session.commit()
        return outcome


async def _card(engine: AsyncEngine, card_id: int) -> ReviewCard:
    async with session_factory(engine)() as session:
        card = await session.get(ReviewCard, card_id)
        assert card is not None
        return card


async def _logs(engine: AsyncEngine, card_id: int) -> list[ReviewLog]:
    async with session_factory(engine)() as session:
        query = select(ReviewLog).where(col(ReviewLog.card_id) == card_id).order_by(col(ReviewLog.id))
        return list((await session.execute(query)).scalars())


async def test_ten_reviews_across_reloads_match_an_in_memory_fsrs_run(
    session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, card = await _new_card(session, settings, now)
    assert card.id is not None
    assert learner.id is not None
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    memory = fsrs.Card(card_id=card.id, due=card.due)
    moment = now

    for index, (rating, gap) in enumerate(zip(RATINGS, GAPS, strict=True)):
        moment += gap
        memory, _ = scheduler.review_card(memory, rating, review_datetime=moment)
        await _review(engine, learner.id, ReviewRequest(card.id, rating, f"review-{index}"), moment)

        reloaded = await _card(engine, card.id)
        assert scheduling.to_fsrs(reloaded) == memory, f"after review {index + 1}"

    assert memory.state == fsrs.State.Review
    final = await _card(engine, card.id)
    logs = await _logs(engine, card.id)
    assert final.reps == 10
    assert final.lapses == 2  # both AGAINs hit the card in REVIEW state
    assert [log.state_before for log in logs if log.rating == fsrs.Rating.Again] == ["REVIEW", "REVIEW"]
    assert [log.rating for log in logs] == [int(r) for r in RATINGS]
    assert logs[0].state_before == CardState.NEW.value
    assert logs[0].elapsed_seconds is None
    assert logs[3].elapsed_seconds == int(GAPS[3].total_seconds())


async def test_a_new_card_is_the_library_fresh_card() -> None:
    card = ReviewCard(id=7, user_id=1, problem_id=1, due=datetime(2026, 1, 1, tzinfo=UTC), created_at=datetime.now(UTC))

    assert scheduling.to_fsrs(card) == fsrs.Card(card_id=7, due=datetime(2026, 1, 1, tzinfo=UTC))
    assert scheduling.retrievability(card, datetime(2026, 1, 2, tzinfo=UTC)) is None


async def test_replay_returns_the_original_review_and_awards_nothing_more(
    session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, card = await _new_card(session, settings, now)
    assert card.id is not None
    assert learner.id is not None
    request = ReviewRequest(card.id, fsrs.Rating.Good, "same-key", duration_ms=4200)
    first = await _review(engine, learner.id, request, now)

    again = await _review(engine, learner.id, request, now + timedelta(minutes=5))

    assert first.replayed is False
    assert again.replayed is True
    assert again.log.id == first.log.id
    assert again.log.duration_ms == 4200
    assert (await _card(engine, card.id)).reps == 1
    assert len(await _logs(engine, card.id)) == 1
    assert first.log.xp_awarded == scheduling.REVIEW_XP
    async with session_factory(engine)() as reader:
        user = await reader.get(User, learner.id)
        assert user is not None
        assert user.xp == scheduling.REVIEW_XP
        assert user.streak_current == 1


async def test_the_same_key_with_another_rating_is_refused(
    session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, card = await _new_card(session, settings, now)
    assert card.id is not None
    assert learner.id is not None
    await _review(engine, learner.id, ReviewRequest(card.id, fsrs.Rating.Good, "k"), now)

    with pytest.raises(IdempotencyKeyReused) as raised:
        await _review(engine, learner.id, ReviewRequest(card.id, fsrs.Rating.Easy, "k"), now)

    assert (raised.value.code, raised.value.field) == ("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])
    assert len(await _logs(engine, card.id)) == 1


async def test_another_learners_card_is_not_found(
    session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    _, card = await _new_card(session, settings, now)
    other = await make_user(session, settings, now)
    await session.commit()
    assert card.id is not None
    assert other.id is not None

    with pytest.raises(NotFound) as raised:
        await _review(engine, other.id, ReviewRequest(card.id, fsrs.Rating.Good, "k"), now)

    assert (raised.value.code, raised.value.field) == ("NOT_FOUND", ["cardId"])


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ReviewRequest(1, fsrs.Rating.Good, "  "), ["idempotencyKey"]),
        (ReviewRequest(1, fsrs.Rating.Good, "k" * 256), ["idempotencyKey"]),
        (ReviewRequest(1, fsrs.Rating.Good, "k", duration_ms=-1), ["durationMs"]),
    ],
)
def test_bad_requests_are_invalid(request_: ReviewRequest, field: list[str]) -> None:
    with pytest.raises(Invalid) as raised:
        scheduling.check_request(request_)

    assert (raised.value.code, raised.value.field) == ("INVALID", field)


async def test_a_concurrent_double_review_with_one_key_applies_once(
    session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, card = await _new_card(session, settings, now)
    assert card.id is not None
    assert learner.id is not None
    request = ReviewRequest(card.id, fsrs.Rating.Good, "double-click")

    outcomes = await asyncio.gather(*(_review(engine, learner.id, request, now) for _ in range(2)))

    assert sorted(outcome.replayed for outcome in outcomes) == [False, True]
    assert len({outcome.log.id for outcome in outcomes}) == 1
    assert (await _card(engine, card.id)).reps == 1
    assert len(await _logs(engine, card.id)) == 1


async def test_two_keys_at_the_same_instant_are_both_logged_and_applied_serially(
    session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, card = await _new_card(session, settings, now)
    assert card.id is not None
    assert learner.id is not None
    ratings = {"a": fsrs.Rating.Good, "b": fsrs.Rating.Again}

    await asyncio.gather(*(_review(engine, learner.id, ReviewRequest(card.id, r, k), now) for k, r in ratings.items()))

    logs = await _logs(engine, card.id)
    assert sorted(log.idempotency_key or "" for log in logs) == ["a", "b"]
    scheduler = fsrs.Scheduler(enable_fuzzing=False)
    memory = fsrs.Card(card_id=card.id, due=card.due)
    for log in logs:  # in the order they were logged
        assert log.state_before == (CardState.NEW.value if log is logs[0] else logs[0].state_after)
        memory, _ = scheduler.review_card(memory, ratings[log.idempotency_key or ""], review_datetime=now)
    assert scheduling.to_fsrs(await _card(engine, card.id)) == memory
    assert (await _card(engine, card.id)).reps == 2


async def test_review_xp_is_given_once_per_card_and_local_day(
    session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, card = await _new_card(session, settings, now)
    assert card.id is not None
    assert learner.id is not None

    first = await _review(engine, learner.id, ReviewRequest(card.id, fsrs.Rating.Again, "1"), now)
    same_day = await _review(
        engine, learner.id, ReviewRequest(card.id, fsrs.Rating.Good, "2"), now + timedelta(hours=1)
    )
    next_day = await _review(engine, learner.id, ReviewRequest(card.id, fsrs.Rating.Good, "3"), now + timedelta(days=1))

    assert [o.log.xp_awarded for o in (first, same_day, next_day)] == [scheduling.REVIEW_XP, 0, scheduling.REVIEW_XP]
    async with session_factory(engine)() as reader:
        events = (await reader.execute(select(XpEvent).where(col(XpEvent.reason) == "review"))).scalars().all()
        user = await reader.get(User, learner.id)
    assert len(events) == 2
    assert user is not None
    assert (user.xp, user.streak_current) == (2 * scheduling.REVIEW_XP, 2)


async def _submit_one(
    engine: AsyncEngine, user_id: int, problem_id: int, number: float, key: str, moment: datetime
) -> int:
    async with session_factory(engine, write=True)() as session:
        user = await session.get(User, user_id)
        assert user is not None
        answer = AnswerInput(problem_id=problem_id, number=number)
        outcome = await submit(session, user, SubmissionRequest(key, (answer,), problem_id=problem_id), moment)
        await session.commit()
        return outcome.submission.xp_awarded


async def test_a_first_answer_makes_a_new_card_and_later_answers_review_it(
    session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, fixture = await _learner_with_problem(session, settings, now)
    await session.commit()
    numeric = _problem(fixture)
    assert learner.id is not None

    await _submit_one(engine, learner.id, numeric.id, 42, "first", now)  # type: ignore[attr-defined]
    async with session_factory(engine)() as reader:
        card = (await reader.execute(select(ReviewCard))).scalar_one()
    assert (card.state, card.reps, card.due) == (CardState.NEW.value, 0, now)

    xp = await _submit_one(engine, learner.id, numeric.id, 1, "wrong", now + timedelta(hours=1))  # type: ignore[attr-defined]
    xp_again = await _submit_one(engine, learner.id, numeric.id, 42, "right", now + timedelta(hours=2))  # type: ignore[attr-defined]

    logs = await _logs(engine, card.id)  # type: ignore[arg-type]
    assert [log.rating for log in logs] == [int(fsrs.Rating.Again), int(fsrs.Rating.Good)]
    assert all(log.submission_id is not None and log.idempotency_key is None for log in logs)
    assert (await _card(engine, card.id)).reps == 2  # type: ignore[arg-type]
    assert (xp, xp_again) == (scheduling.REVIEW_XP, 0)  # review XP once a day; the answer XP came with "first"


async def test_a_lesson_submission_makes_cards_without_reviewing(
    session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.SHORT_TEXT, ProblemKind.FREE_TEXT))
    await session.commit()
    lesson = fixture.lessons[0]
    answers = tuple(AnswerInput(problem_id=p.id, text="data loader") for p in fixture.problems[lesson.id])  # type: ignore[arg-type,index]

    for key in ("one", "two"):
        async with session_factory(engine, write=True)() as writer:
            user = await writer.get(User, learner.id)
            assert user is not None
            await submit(writer, user, SubmissionRequest(key, answers, lesson_id=lesson.id), now)
            await writer.commit()

    async with session_factory(engine)() as reader:
        cards = (await reader.execute(select(ReviewCard))).scalars().all()
        logs = (await reader.execute(select(ReviewLog))).scalars().all()
    assert len(cards) == 2  # the pending free-text answer makes a card too
    assert {card.state for card in cards} == {CardState.NEW.value}
    assert logs == []
