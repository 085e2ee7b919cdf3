"""Fair XP (docs/rules/xp.md): answer XP only for a correct answer given before the solution was shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import LessonProgress, ProblemKind, ReviewCard, Role, XpEvent
from domain.reviews.scheduling import REVIEW_XP
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.conftest import Api

ANSWER = """
mutation Answer($input: SubmitAnswerInput!) {
  submitAnswer(input: $input) {
    errors { code message }
    submission { xpAwarded answers { correct } }
  }
}"""

SOLUTION = "query($id: ID!) { node(id: $id) { ... on Problem { solution { number } } } }"


def numeric_answer(problem_id: int, key: str, number: float) -> dict[str, Any]:
    problem = encode("Problem", problem_id)
    return {"input": {"problemId": problem, "idempotencyKey": key, "answer": {"problemId": problem, "number": number}}}


async def numeric_problem(session: AsyncSession, now: datetime) -> int:
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await session.commit()
    problem_id = fixture.problems[fixture.lessons[0].id][0].id  # type: ignore[index]
    assert problem_id is not None
    return problem_id


async def test_a_correct_answer_after_the_solution_was_shown_earns_no_xp(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    problem_id = await numeric_problem(session, now)
    token = api.token(learner, now)
    wrong = (await api.data(ANSWER, numeric_answer(problem_id, "wrong", 7), token))["submitAnswer"]
    shown = (await api.data(SOLUTION, {"id": encode("Problem", problem_id)}, token))["node"]["solution"]

    right = (await api.data(ANSWER, numeric_answer(problem_id, "right", shown["number"]), token))["submitAnswer"]

    assert wrong == {"errors": [], "submission": {"xpAwarded": 0, "answers": [{"correct": False}]}}
    assert shown == {"number": 42.0}
    assert right["errors"] == []
    assert right["submission"]["answers"] == [{"correct": True}]  # graded as correct all the same
    # the practice answer reviews the learner's card: review XP stays, answer XP is gone
    assert right["submission"]["xpAwarded"] == REVIEW_XP
    assert await xp_reasons(session, learner.id) == ["review"]
    assert (await api.data("{ viewer { xp } }", token=token))["viewer"]["xp"] == REVIEW_XP


async def xp_reasons(session: AsyncSession, user_id: int | None) -> list[str]:
    query = select(XpEvent.reason).where(XpEvent.user_id == user_id).order_by(XpEvent.reason)
    return list((await session.execute(query)).scalars())


async def test_a_first_correct_answer_earns_xp_and_later_ones_still_count_for_reviews(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    problem_id = await numeric_problem(session, now)
    token = api.token(learner, now)

    first = (await api.data(ANSWER, numeric_answer(problem_id, "first", 42), token))["submitAnswer"]
    again = (await api.data(ANSWER, numeric_answer(problem_id, "again", 42), token))["submitAnswer"]

    assert first["submission"]["xpAwarded"] == 20  # difficulty 2
    # the practice answer is no longer answer XP, but it reviews the card (review XP stays as it was)
    card = (await session.execute(select(ReviewCard).where(ReviewCard.user_id == learner.id))).scalar_one()
    assert card.problem_id == problem_id
    assert again["errors"] == []
    assert again["submission"]["xpAwarded"] == REVIEW_XP
    assert await xp_reasons(session, learner.id) == ["answer", "review"]


async def test_lesson_progress_counts_a_correct_answer_that_earns_no_xp(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await session.commit()
    lesson, problem = fixture.lessons[0], fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]
    token = api.token(learner, now)
    submit = """mutation($input: SubmitAnswersInput!) {
      submitAnswers(input: $input) { errors { code } submission { score xpAwarded } } }"""

    def attempt(key: str, number: float) -> dict[str, Any]:
        answer = {"problemId": encode("Problem", problem.id), "number": number}
        return {"input": {"lessonId": encode("Lesson", lesson.id), "idempotencyKey": key, "answers": [answer]}}

    await api.data(submit, attempt("wrong", 1), token)
    right = (await api.data(submit, attempt("right", 42), token))["submitAnswers"]

    assert right == {"errors": [], "submission": {"score": 1.0, "xpAwarded": 0}}
    progress = (await session.execute(select(LessonProgress).where(LessonProgress.user_id == learner.id))).scalar_one()
    assert (progress.attempts, progress.best_score, progress.completed) == (2, 1.0, True)


async def test_staff_see_every_solution_so_their_answers_earn_no_xp(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    problem_id = await numeric_problem(session, now)

    result = (await api.data(ANSWER, numeric_answer(problem_id, "one", 42), api.token(instructor, now)))["submitAnswer"]

    assert result == {"errors": [], "submission": {"xpAwarded": 0, "answers": [{"correct": True}]}}
