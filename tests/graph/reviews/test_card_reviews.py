"""`ReviewCard.reviews` through HTTP: the log of a card's reviews, newest first, paged, counted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import ProblemKind
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_review_card, make_review_log, make_user
from tests.graph.conftest import Api
from tests.graph.reviews.test_reviews import REVIEW, _input, _learner_with_card

LOG = """
query Log($id: ID!, $first: Int, $after: String) {
  node(id: $id) { ... on ReviewCard {
    reviews(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id rating stateBefore stateAfter reviewedAt durationMs xpAwarded } }
    }
  } }
}"""


async def test_reviews_made_through_the_api_are_listed_newest_first(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, card = await _learner_with_card(session, settings, now)
    token = api.token(learner, now)
    made = []
    for minutes, (rating, key) in enumerate((("GOOD", "r1"), ("AGAIN", "r2"), ("EASY", "r3"))):
        api.set_clock(now + timedelta(minutes=10 * minutes))
        result = (await api.data(REVIEW, _input(card, rating, key, durationMs=1000 + minutes), token))["reviewCard"]
        assert result["errors"] == []
        made.append(result["review"]["id"])

    log = (await api.data(LOG, {"id": encode("ReviewCard", card.id)}, token))["node"]["reviews"]

    assert [edge["node"]["id"] for edge in log["edges"]] == made[::-1]
    assert [edge["node"]["rating"] for edge in log["edges"]] == ["EASY", "AGAIN", "GOOD"]
    assert log["edges"][-1]["node"]["stateBefore"] == "NEW"
    assert log["edges"][0]["node"]["reviewedAt"] == (now + timedelta(minutes=20)).isoformat()
    assert (log["totalCount"], log["pageInfo"]["hasNextPage"]) == (3, False)


async def test_the_log_pages_forward_with_a_cursor(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    card = await make_review_card(session, learner, fixture.problems[fixture.lessons[0].id][0], now)  # type: ignore[index]
    logs = [await make_review_log(session, card, now + timedelta(days=day)) for day in range(5)]
    await session.commit()
    token, card_id = api.token(learner, now), encode("ReviewCard", card.id)

    first = (await api.data(LOG, {"id": card_id, "first": 3}, token))["node"]["reviews"]
    after = first["pageInfo"]["endCursor"]
    rest = (await api.data(LOG, {"id": card_id, "first": 3, "after": after}, token))["node"]["reviews"]

    listed = [edge["node"]["id"] for edge in first["edges"] + rest["edges"]]
    assert listed == [encode("CardReview", log.id) for log in reversed(logs)]
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
    assert first["totalCount"] == rest["totalCount"] == 5


async def test_another_learners_card_and_its_log_stay_hidden(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, card = await _learner_with_card(session, settings, now)
    await make_review_log(session, card, now)
    snoop = await make_user(session, settings, now)
    await session.commit()

    data = await api.data(LOG, {"id": encode("ReviewCard", card.id)}, api.token(snoop, now))

    assert data == {"node": None}
