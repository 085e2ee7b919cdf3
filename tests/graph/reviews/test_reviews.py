"""reviewCard, reviewSettings and the ReviewCard node through HTTP: idempotency, concurrency, visibility."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.models import ProblemKind, ReviewCard, ReviewLog, User
from domain.reviews.scheduling import REVIEW_XP
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_review_card, make_user
from tests.graph.conftest import Api

REVIEW = """
mutation Review($input: ReviewCardInput!) {
  reviewCard(input: $input) {
    replayed
    errors { field code message }
    card { id state step due stability difficulty retrievability reps lapses lastReviewedAt problem { id prompt } }
    review { id rating stateBefore stateAfter due elapsedDays durationMs xpAwarded }
  }
}"""

SETTINGS = """
mutation Settings($input: ReviewSettingsUpdateInput!) {
  updateReviewSettings(input: $input) {
    errors { field code message }
    settings { desiredRetention maximumInterval newCardsPerDay reviewsPerDay learningSteps relearningSteps }
  }
}"""


async def _learner_with_card(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, ReviewCard]:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    card = await make_review_card(session, learner, fixture.problems[fixture.lessons[0].id][0], now)  # type: ignore[index]
    await session.commit()
    return learner, card


def _input(card: ReviewCard, rating: str = "GOOD", key: str = "review-1", **extra: Any) -> dict[str, Any]:
    return {"input": {"cardId": encode("ReviewCard", card.id), "rating": rating, "idempotencyKey": key, **extra}}


async def _count(engine: AsyncEngine, model: type) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(model))).scalar_one())


async def test_reviewing_a_card_reschedules_it_logs_the_review_and_awards_xp(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, card = await _learner_with_card(session, settings, now)
    token = api.token(learner, now)

    result = (await api.data(REVIEW, _input(card, durationMs=5300), token))["reviewCard"]

    assert result["errors"] == []
    assert result["replayed"] is False
    reviewed = result["card"]
    assert (reviewed["state"], reviewed["step"], reviewed["reps"], reviewed["lapses"]) == ("LEARNING", 1, 1, 0)
    assert reviewed["due"] == (now + timedelta(minutes=10)).isoformat()
    assert reviewed["stability"] > 0
    assert 1 <= reviewed["difficulty"] <= 10
    assert reviewed["retrievability"] == 1.0  # reviewed just now
    assert reviewed["problem"]["prompt"] == "NUMERIC question"
    assert result["review"] | {"id": None} == {
        "id": None,
        "rating": "GOOD",
        "stateBefore": "NEW",
        "stateAfter": "LEARNING",
        "due": reviewed["due"],
        "elapsedDays": None,
        "durationMs": 5300,
        "xpAwarded": REVIEW_XP,
    }
    viewer = await api.data("{ viewer { xp streak { current } } }", token=token)
    assert viewer["viewer"] == {"xp": REVIEW_XP, "streak": {"current": 1}}


async def test_a_retry_with_the_same_key_replays_and_another_payload_is_refused(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, card = await _learner_with_card(session, settings, now)
    token = api.token(learner, now)
    first = (await api.data(REVIEW, _input(card), token))["reviewCard"]

    api.set_clock(now + timedelta(minutes=30))
    again = (await api.data(REVIEW, _input(card), token))["reviewCard"]
    reused = (await api.data(REVIEW, _input(card, "EASY"), token))["reviewCard"]

    assert again["errors"] == []
    assert again["replayed"] is True
    assert again["review"] == first["review"]
    assert again["card"]["reps"] == 1
    assert reused["card"] is None
    assert [(e["code"], e["field"]) for e in reused["errors"]] == [("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])]
    assert await _count(engine, ReviewLog) == 1
    assert (await api.data("{ viewer { xp } }", token=token))["viewer"]["xp"] == REVIEW_XP


async def test_concurrent_identical_reviews_apply_once(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, card = await _learner_with_card(session, settings, now)
    token = api.token(learner, now)

    results = await asyncio.gather(*(api.data(REVIEW, _input(card), token) for _ in range(2)))

    payloads = [r["reviewCard"] for r in results]
    assert all(p["errors"] == [] for p in payloads)
    assert sorted(p["replayed"] for p in payloads) == [False, True]
    assert payloads[0]["review"] == payloads[1]["review"]
    assert await _count(engine, ReviewLog) == 1
    assert (await api.data("{ viewer { xp } }", token=token))["viewer"]["xp"] == REVIEW_XP


async def test_concurrent_reviews_with_two_keys_are_both_applied_in_order(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, card = await _learner_with_card(session, settings, now)
    token = api.token(learner, now)

    results = await asyncio.gather(
        api.data(REVIEW, _input(card, "GOOD", "a"), token), api.data(REVIEW, _input(card, "GOOD", "b"), token)
    )

    reviews = sorted((r["reviewCard"]["review"] for r in results), key=lambda review: review["stateBefore"])
    assert all(r["reviewCard"]["errors"] == [] for r in results)
    # NEW -GOOD-> LEARNING step 1 -GOOD-> REVIEW: the second review started from the first one's result
    assert [(r["stateBefore"], r["stateAfter"]) for r in reviews] == [("LEARNING", "REVIEW"), ("NEW", "LEARNING")]
    query = "query($id: ID!) { node(id: $id) { ... on ReviewCard { state reps } } }"
    node = (await api.data(query, {"id": encode("ReviewCard", card.id)}, token))["node"]
    assert node == {"state": "REVIEW", "reps": 2}
    assert await _count(engine, ReviewLog) == 2


async def test_a_card_is_visible_to_its_owner_only(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, card = await _learner_with_card(session, settings, now)
    other = await make_user(session, settings, now)
    await session.commit()
    query = "query($id: ID!) { node(id: $id) { ... on ReviewCard { id state } } }"
    variables = {"id": encode("ReviewCard", card.id)}

    mine = (await api.data(query, variables, api.token(learner, now)))["node"]
    theirs = (await api.data(query, variables, api.token(other, now)))["node"]
    review = (await api.data(REVIEW, _input(card), api.token(other, now)))["reviewCard"]

    assert mine == {"id": variables["id"], "state": "NEW"}
    assert theirs is None
    assert review["card"] is None
    assert [(e["code"], e["field"]) for e in review["errors"]] == [("NOT_FOUND", ["cardId"])]


async def test_bad_review_input_comes_back_as_errors(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, card = await _learner_with_card(session, settings, now)
    token = api.token(learner, now)
    wrong_id = {"input": {"cardId": encode("Problem", 1), "rating": "GOOD", "idempotencyKey": "k"}}

    bad_id = (await api.data(REVIEW, wrong_id, token))["reviewCard"]
    bad_duration = (await api.data(REVIEW, _input(card, durationMs=-5), token))["reviewCard"]
    anonymous = await api.post(REVIEW, _input(card))

    assert [(e["code"], e["field"]) for e in bad_id["errors"]] == [("NOT_FOUND", ["cardId"])]
    assert [(e["code"], e["field"]) for e in bad_duration["errors"]] == [("INVALID", ["durationMs"])]
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]


async def test_review_settings_start_at_the_defaults_and_reject_invalid_values(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()
    token = api.token(learner, now)
    query = "{ reviewSettings { desiredRetention maximumInterval newCardsPerDay reviewsPerDay learningSteps } }"
    defaults = (await api.data(query, token=token))["reviewSettings"]

    invalid = (
        await api.data(
            SETTINGS, {"input": {"desiredRetention": 0.99, "learningSteps": [10, 0], "reviewsPerDay": None}}, token
        )
    )["updateReviewSettings"]
    valid = (await api.data(SETTINGS, {"input": {"desiredRetention": 0.85, "newCardsPerDay": 5}}, token))[
        "updateReviewSettings"
    ]

    assert defaults == {
        "desiredRetention": 0.9,
        "maximumInterval": 36500,
        "newCardsPerDay": 20,
        "reviewsPerDay": 200,
        "learningSteps": [1, 10],
    }
    assert invalid["settings"] is None
    assert sorted((e["code"], e["field"]) for e in invalid["errors"]) == [("INVALID", ["reviewsPerDay"])]
    assert valid["errors"] == []
    assert valid["settings"] == {
        "desiredRetention": 0.85,
        "maximumInterval": 36500,
        "newCardsPerDay": 5,
        "reviewsPerDay": 200,
        "learningSteps": [1, 10],
        "relearningSteps": [10],
    }
    invalid_values = (await api.data(SETTINGS, {"input": {"desiredRetention": 0.99, "learningSteps": [10, 0]}}, token))[
        "updateReviewSettings"
    ]
    assert [(e["code"], e["field"]) for e in invalid_values["errors"]] == [
        ("INVALID", ["desiredRetention"]),
        ("INVALID", ["learningSteps", "1"]),
    ]
    assert (await api.data(query, token=token))["reviewSettings"]["desiredRetention"] == 0.85
