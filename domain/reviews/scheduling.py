"""Reviewing cards with FSRS: card creation on a first answer, reviews (idempotent), review XP.

Scheduling is the `fsrs` package's: a card row holds exactly the fields of `fsrs.Card` (state, step,
stability, difficulty, due, last review), so a card reloaded from the database schedules exactly as
the in-memory card would. Every writer of a learner's cards holds the learner's row lock
(`lock_user`) and then the card's row lock, in that order (domain/infra/locks.py), so reviews of
one card apply serially.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import fsrs
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import policies
from domain.errors import IdempotencyKeyReused, Invalid, NotFound
from domain.infra.database import dialect_insert
from domain.infra.locks import lock_user, no_key_update
from domain.learning.answer_checks import GradedAnswer
from domain.learning.rewards import award_xp, touch_streak
from domain.learning.rules import local_day
from domain.models import Answer, CardState, Lesson, Problem, ReviewCard, ReviewLog, SubmissionStatus, User
from domain.record.journal import Journal
from domain.record.kinds import LearningEventType
from domain.reviews.preferences import DEFAULTS, Preferences, preferences_of

REVIEW_XP = 5  # per card and local day: reviewing one card again the same day earns nothing more
MAX_KEY_LENGTH = 255
MAX_DURATION_MS = 24 * 3600 * 1000

_FSRS_STATES = {
    CardState.LEARNING.value: fsrs.State.Learning,
    CardState.REVIEW.value: fsrs.State.Review,
    CardState.RELEARNING.value: fsrs.State.Relearning,
}
_CARD_STATES = {state: CardState(name) for name, state in _FSRS_STATES.items()}
# The forgetting curve depends on the FSRS parameters only, not on a learner's settings.
_CURVE = DEFAULTS.scheduler()


@dataclass(frozen=True)
class ReviewRequest:
    card_id: int
    rating: fsrs.Rating
    idempotency_key: str
    duration_ms: int | None = None


@dataclass(frozen=True)
class ReviewOutcome:
    card: ReviewCard  # the card as it is now (also on a replay: clients cache it by id)
    log: ReviewLog  # the review this request made
    replayed: bool


def to_fsrs(card: ReviewCard) -> fsrs.Card:
    """The library's card for a row; a NEW card is FSRS's fresh card (Learning, step 0, no memory state)."""
    assert card.id is not None
    if card.state == CardState.NEW.value:
        return fsrs.Card(card_id=card.id, state=fsrs.State.Learning, step=0, due=card.due)
    return fsrs.Card(
        card_id=card.id,
        state=_FSRS_STATES[card.state],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def retrievability(card: ReviewCard, now: datetime) -> float | None:
    """The predicted probability of recall at `now` (FSRS forgetting curve); None for a new card."""
    if card.state == CardState.NEW.value:
        return None
    return float(_CURVE.get_card_retrievability(to_fsrs(card), now.astimezone(UTC)))


def rating_for_answer(answer: Answer | GradedAnswer) -> fsrs.Rating | None:
    """submitAnswer as a review: a correct answer is GOOD, a wrong (or partly wrong) one AGAIN; an answer
    still waiting for grading is no review."""
    if answer.status != SubmissionStatus.GRADED.value or answer.correct is None:
        return None
    return fsrs.Rating.Good if answer.correct else fsrs.Rating.Again


def request_hash(request: ReviewRequest) -> str:
    canonical = json.dumps([request.card_id, int(request.rating), request.duration_ms], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_request(request: ReviewRequest) -> None:
    if not request.idempotency_key.strip():
        raise Invalid("The idempotency key must not be empty.", field=["idempotencyKey"])
    if len(request.idempotency_key) > MAX_KEY_LENGTH:
        raise Invalid(f"The idempotency key is longer than {MAX_KEY_LENGTH} characters.", field=["idempotencyKey"])
    if request.duration_ms is not None and not 0 <= request.duration_ms <= MAX_DURATION_MS:
        raise Invalid(f"`durationMs` must be between 0 and {MAX_DURATION_MS}.", field=["durationMs"])


async def _lock_cards(session: AsyncSession, user_id: int, problem_ids: Sequence[int]) -> dict[int, ReviewCard]:
    query = select(ReviewCard).where(
        col(ReviewCard.user_id) == user_id, col(ReviewCard.problem_id).in_(set(problem_ids))
    )
    query = no_key_update(query.order_by(col(ReviewCard.id))).execution_options(populate_existing=True)
    return {card.problem_id: card for card in (await session.execute(query)).scalars()}


async def _lock_card(session: AsyncSession, card_id: int) -> ReviewCard | None:
    query = no_key_update(select(ReviewCard).where(col(ReviewCard.id) == card_id))
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


async def _log_for_key(session: AsyncSession, user_id: int, key: str) -> ReviewLog | None:
    query = select(ReviewLog).where(col(ReviewLog.user_id) == user_id, col(ReviewLog.idempotency_key) == key)
    return (await session.execute(query)).scalar_one_or_none()


async def _replay(session: AsyncSession, user_id: int, key: str, fingerprint: str) -> ReviewOutcome | None:
    log = await _log_for_key(session, user_id, key)
    if log is None:
        return None
    if log.request_hash != fingerprint:
        raise IdempotencyKeyReused("This idempotency key was used for a different review.", field=["idempotencyKey"])
    card = (await session.execute(select(ReviewCard).where(col(ReviewCard.id) == log.card_id))).scalar_one()
    return ReviewOutcome(card, log, replayed=True)


async def _place_of(session: AsyncSession, problem_id: int) -> tuple[int | None, int | None]:
    """The course and lesson a problem belongs to: review XP counts toward that course's leaderboard."""
    query = (
        select(col(Lesson.course_id), col(Lesson.id))
        .join(Problem, col(Problem.lesson_id) == col(Lesson.id))
        .where(col(Problem.id) == problem_id)
    )
    row = (await session.execute(query)).first()
    return (row[0], row[1]) if row is not None else (None, None)


@dataclass(frozen=True)
class _Source:
    """Where a review comes from: a reviewCard request (key + fingerprint) or a submission."""

    idempotency_key: str | None = None
    request_hash: str | None = None
    submission_id: int | None = None
    duration_ms: int | None = None


async def _apply(
    session: AsyncSession,
    user: User,
    card: ReviewCard,
    rating: fsrs.Rating,
    preferences: Preferences,
    source: _Source,
    now: datetime,
    journal: Journal,
) -> ReviewLog | None:
    """Review the locked `card`: log it (None when a concurrent duplicate holds the key), move the card,
    award review XP and count toward the streak, noting it all in `journal`. The caller holds the user's
    and the card's row locks."""
    now = now.astimezone(UTC)
    scheduled, _ = preferences.scheduler().review_card(to_fsrs(card), rating, review_datetime=now)
    state_after = _CARD_STATES[scheduled.state].value
    values: dict[str, object] = {
        "card_id": card.id,
        "user_id": card.user_id,
        "rating": int(rating),
        "reviewed_at": now,
        "elapsed_seconds": int((now - card.last_review).total_seconds()) if card.last_review else None,
        "duration_ms": source.duration_ms,
        "idempotency_key": source.idempotency_key,
        "request_hash": source.request_hash,
        "submission_id": source.submission_id,
        "state_before": card.state,
        "stability_before": card.stability,
        "difficulty_before": card.difficulty,
        "state_after": state_after,
        "step_after": scheduled.step,
        "stability_after": scheduled.stability,
        "difficulty_after": scheduled.difficulty,
        "due_after": scheduled.due,
        "xp_awarded": 0,
    }
    claim = (
        dialect_insert(session)(ReviewLog)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["user_id", "idempotency_key"])
        .returning(col(ReviewLog.id))
    )
    log_id = (await session.execute(claim)).scalar_one_or_none()
    if log_id is None:
        return None
    course_id, lesson_id = await _place_of(session, card.problem_id)
    reviewed = {
        "cardId": card.id,
        "problemId": card.problem_id,
        "rating": int(rating),
        "stateBefore": card.state,
        "stateAfter": state_after,
        "submissionId": source.submission_id,
    }
    journal.add(
        card.user_id,
        LearningEventType.CARD_REVIEWED,
        reviewed,
        now,
        course_id=course_id,
        lesson_id=lesson_id,
        problem_id=card.problem_id,
    )
    if rating == fsrs.Rating.Again and card.state == CardState.REVIEW.value:
        card.lapses += 1
    card.reps += 1
    card.state = state_after
    card.step, card.stability, card.difficulty = scheduled.step, scheduled.stability, scheduled.difficulty
    card.due, card.last_review = scheduled.due, scheduled.last_review
    session.add(card)
    ref = f"card:{card.id}:{local_day(now, user.timezone).isoformat()}"
    xp = await award_xp(session, user, [("review", ref, REVIEW_XP)], now, journal=journal, course_id=course_id)
    touch_streak(user, now, journal)
    if xp:
        await session.execute(update(ReviewLog).where(col(ReviewLog.id) == log_id).values(xp_awarded=xp))
    await session.flush()
    return ReviewLog.model_validate(values | {"id": log_id, "xp_awarded": xp})


async def review(session: AsyncSession, viewer: User, request: ReviewRequest, now: datetime) -> ReviewOutcome:
    """Review a card once per (viewer, idempotency key); a replay returns the original review."""
    assert viewer.id is not None
    check_request(request)
    fingerprint = request_hash(request)
    replay = await _replay(session, viewer.id, request.idempotency_key, fingerprint)
    if replay is not None:
        return replay
    user = await lock_user(session, viewer.id)
    card = await _lock_card(session, request.card_id)
    if card is None or not policies.can_view_review_card(viewer.id, card):
        raise NotFound("No such review card.", field=["cardId"])
    preferences = await preferences_of(session, viewer.id)
    source = _Source(request.idempotency_key, fingerprint, duration_ms=request.duration_ms)
    journal = Journal()
    log = await _apply(session, user, card, request.rating, preferences, source, now, journal)
    await journal.write(session)  # the learning record of this review, one INSERT
    if log is None:  # a concurrent duplicate committed first: replay it
        replay = await _replay(session, viewer.id, request.idempotency_key, fingerprint)
        assert replay is not None
        return replay
    return ReviewOutcome(card, log, replayed=False)


async def on_answered(
    session: AsyncSession,
    user: User,
    answers: Sequence[GradedAnswer],
    now: datetime,
    *,
    practice: bool,
    journal: Journal,
) -> int:
    """After answers are graded: a card for every problem answered for the first time; with `practice`
    (a single-problem submitAnswer) an existing card is also reviewed, rated by `rating_for_answer`, and
    noted in the submission's `journal`. Returns the review XP earned. The caller holds the user's row
    lock (`lock_user`)."""
    assert user.id is not None
    problem_ids = sorted({answer.problem_id for answer in answers})
    if not problem_ids:
        return 0
    existing = await _lock_cards(session, user.id, problem_ids)
    missing = [problem_id for problem_id in problem_ids if problem_id not in existing]
    if missing:
        rows = [
            {"user_id": user.id, "problem_id": problem_id, "state": CardState.NEW.value, "due": now, "created_at": now}
            for problem_id in missing
        ]
        # one cached statement, its rows batched by insertmanyvalues (`.values(rows)` compiles one per call)
        insert = dialect_insert(session)(ReviewCard.__table__)  # type: ignore[attr-defined]
        await session.execute(insert.on_conflict_do_nothing(index_elements=["user_id", "problem_id"]), rows)
    if not practice or not existing:
        return 0
    preferences = await preferences_of(session, user.id)
    xp = 0
    for answer in answers:
        rating = rating_for_answer(answer)
        card = existing.get(answer.problem_id)
        if rating is None or card is None:
            continue
        source = _Source(submission_id=answer.submission_id)
        log = await _apply(session, user, card, rating, preferences, source, now, journal)
        xp += log.xp_awarded if log is not None else 0
    return xp
