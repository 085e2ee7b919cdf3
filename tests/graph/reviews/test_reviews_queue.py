"""reviewQueue, nextProblem and reviewStats through HTTP; the queue's SQL cost does not grow with cards."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from domain.models import Lesson, Problem, ProblemKind, ReviewCard, User
from domain.settings import Settings
from graph.ids import encode
from tests.factories import CourseFixture, make_course, make_user
from tests.graph.conftest import Api
from tests.graph.test_n_plus_one import StatementCounter

QUEUE = """
query Queue($limit: Int, $courseId: ID) {
  reviewQueue(limit: $limit, courseId: $courseId) {
    id state due stability difficulty retrievability
    problem { id prompt kind lesson { id } }
  }
}"""

NEXT = """
query Next($courseId: ID, $lessonId: ID) {
  nextProblem(courseId: $courseId, lessonId: $lessonId) {
    reason nextDueAt problem { id prompt } card { id state }
  }
}"""

SUBMIT_ONE = """
mutation Submit($input: SubmitAnswerInput!) {
  submitAnswer(input: $input) { errors { code field } submission { xpAwarded } }
}"""


async def _bulk_cards(session: AsyncSession, learner: User, lesson: Lesson, count: int, now: datetime) -> None:
    """`count` problems of one lesson with a card each: a third overdue, a third new, a third due later."""
    problems = [
        {"lesson_id": lesson.id, "kind": "NUMERIC", "prompt": f"p{i}", "position": i, "numeric_answer": 1.0}
        | {"status": "PUBLISHED", "explanation": "", "difficulty": 1, "tolerance": 0.0, "created_at": now}
        | {"accepted_answers": [], "rubric": [], "tags": []}
        for i in range(count)
    ]
    await session.execute(insert(Problem), problems)
    query = select(col(Problem.id)).where(col(Problem.lesson_id) == lesson.id).order_by(col(Problem.id))
    ids = list((await session.execute(query)).scalars())

    def card(index: int, problem_id: int) -> dict[str, Any]:
        row: dict[str, Any] = {"user_id": learner.id, "problem_id": problem_id, "created_at": now, "due": now}
        if index % 3 != 1:  # not new: reviewed, then due in the past or the future
            ahead = timedelta(days=index % 7 + 1) * (1 if index % 3 == 2 else -1)
            last = now - timedelta(days=10)
            row |= {"state": "REVIEW", "stability": 1.0 + index % 50, "difficulty": 5.0, "last_review": last}
            row |= {"due": now + ahead, "reps": 1}
        return row

    await session.execute(insert(ReviewCard), [card(i, problem_id) for i, problem_id in enumerate(ids)])
    await session.commit()


async def _statements(api: Api, engine: AsyncEngine, token: str, variables: dict[str, Any]) -> tuple[int, Any]:
    counter = StatementCounter(engine)
    try:
        data = await api.data(QUEUE, variables, token)
    finally:
        counter.close()
    return len(counter.statements), data["reviewQueue"]


@pytest.mark.parametrize("cards", [6, 5000])
async def test_a_queue_page_costs_the_same_statements_for_6_cards_as_for_5000(
    cards: int, api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=())
    await _bulk_cards(session, learner, fixture.lessons[0], cards, now)
    token = api.token(learner, now)

    count, page = await _statements(api, engine, token, {"limit": 20, "courseId": encode("Course", fixture.course.id)})

    due_today = sum(1 for index in range(cards) if index % 3 != 2)
    assert len(page) == min(20, due_today)
    assert page[0]["state"] == "REVIEW"
    assert page[0]["retrievability"] < 1
    assert all(p["problem"]["lesson"]["id"] == encode("Lesson", fixture.lessons[0].id) for p in page)
    # viewer, the queue page, its problems, their lessons: four statements for any number of cards
    assert count == 4


async def test_the_queue_limit_is_bounded(api: Api, session: AsyncSession, settings: Settings, now: datetime) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()

    result = await api.post(QUEUE, {"limit": 0}, api.token(learner, now))
    anonymous = await api.post(QUEUE)

    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in result["errors"]] == [("INVALID", ["limit"])]
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]


def _numeric_answer(fixture: CourseFixture, index: int, number: float, key: str) -> dict[str, Any]:
    problem = encode("Problem", fixture.problems[fixture.lessons[0].id][index].id)  # type: ignore[index]
    return {"input": {"problemId": problem, "idempotencyKey": key, "answer": {"problemId": problem, "number": number}}}


async def test_answering_makes_a_card_and_answering_again_reviews_it(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC, ProblemKind.NUMERIC))
    await session.commit()
    token = api.token(learner, now)
    course = {"courseId": encode("Course", fixture.course.id)}
    problems = [encode("Problem", p.id) for p in fixture.problems[fixture.lessons[0].id]]  # type: ignore[index]

    start = (await api.data(NEXT, course, token))["nextProblem"]
    await api.data(SUBMIT_ONE, _numeric_answer(fixture, 0, 42, "first"), token)
    queue = (await api.data(QUEUE, course, token))["reviewQueue"]
    then = (await api.data(NEXT, course, token))["nextProblem"]
    wrong = (await api.data(SUBMIT_ONE, _numeric_answer(fixture, 0, 7, "again"), token))["submitAnswer"]
    after = (await api.data(QUEUE, course, token))["reviewQueue"]

    assert (start["reason"], start["problem"]["id"], start["card"]) == ("NEW_PROBLEM", problems[0], None)
    assert [(c["state"], c["problem"]["id"], c["retrievability"]) for c in queue] == [("NEW", problems[0], None)]
    assert (then["reason"], then["problem"]["id"]) == ("NEW_PROBLEM", problems[1])
    assert wrong["errors"] == []
    assert wrong["submission"]["xpAwarded"] == 5  # no answer XP for a wrong answer; review XP for the review
    assert [(c["state"], c["due"]) for c in after] == [("LEARNING", (now + timedelta(minutes=1)).isoformat())]


async def test_next_problem_needs_exactly_one_scope_and_explains_an_empty_result(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    empty = await make_course(session, now, kinds=())
    await session.commit()
    token = api.token(learner, now)

    neither = await api.post(NEXT, {}, token)
    nothing = (await api.data(NEXT, {"lessonId": encode("Lesson", empty.lessons[0].id)}, token))["nextProblem"]
    unknown = await api.post(NEXT, {"courseId": encode("Course", 999)}, token)

    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in neither["errors"]] == [
        ("INVALID", ["courseId"])
    ]
    assert nothing == {"reason": "NOTHING_TO_PRACTISE", "nextDueAt": None, "problem": None, "card": None}
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in unknown["errors"]] == [
        ("NOT_FOUND", ["courseId"])
    ]


async def test_review_stats_for_the_viewer(api: Api, session: AsyncSession, settings: Settings, now: datetime) -> None:
    learner = await make_user(session, settings, now, timezone="Pacific/Auckland")
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await session.commit()
    token = api.token(learner, now)
    await api.data(SUBMIT_ONE, _numeric_answer(fixture, 0, 42, "first"), token)
    await api.data(SUBMIT_ONE, _numeric_answer(fixture, 0, 42, "second"), token)
    query = """{ reviewStats {
      reviewsToday newCardsToday newCardsLeftToday reviewsLeftToday trueRetention retentionReviews
      dueByDay { date count } cardsByState { new learning review relearning }
    } }"""

    stats = (await api.data(query, token=token))["reviewStats"]

    assert stats | {"dueByDay": None} == {
        "reviewsToday": 1,
        "newCardsToday": 1,
        "newCardsLeftToday": 19,
        "reviewsLeftToday": 200,
        "trueRetention": None,
        "retentionReviews": 0,
        "dueByDay": None,
        "cardsByState": {"new": 0, "learning": 1, "review": 0, "relearning": 0},
    }
    # 12:00 UTC on 10 March is already 11 March in Auckland
    assert stats["dueByDay"][0] == {"date": "2026-03-11", "count": 1}
    assert len(stats["dueByDay"]) == 7
