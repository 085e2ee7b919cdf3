"""Problem.answerAnalysis through HTTP: for the course's staff only, and batched for a lesson."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.models import ProblemKind, Role
from domain.settings import Settings
from graph.ids import encode
from tests.factories import CourseFixture, make_course, make_user
from tests.graph.conftest import Api
from tests.graph.test_n_plus_one import StatementCounter

LESSON = """
query L($id: ID!) {
  lesson(id: $id) {
    problems {
      kind
      answerAnalysis {
        learners learnersByQuartile facilityIndex discriminationIndex medianDurationMs timedAnswers flags
        options { option { text } correct picks share picksByQuartile rejectedByHighScorers }
        wrongAnswers(first: 3) { text count }
      }
    }
  }
}"""
SUBMIT = """
mutation S($input: SubmitAnswersInput!) { submitAnswers(input: $input) { errors { field code } } }"""


async def _answer_all(api: Api, fixture: CourseFixture, token: str, text: str) -> None:
    lesson = fixture.lessons[0]
    answers: list[dict[str, object]] = []
    for problem in fixture.problems[lesson.id]:  # type: ignore[index]
        answer: dict[str, object] = {"problemId": encode("Problem", problem.id), "durationMs": 2000, "confidence": 3}
        if problem.kind == ProblemKind.SINGLE_CHOICE.value:
            answer["optionIds"] = [encode("Option", fixture.options[problem.id][1].id)]  # type: ignore[index]
        else:
            answer["text"] = text
        answers.append(answer)
    variables = {"input": {"lessonId": encode("Lesson", lesson.id), "idempotencyKey": "k", "answers": answers}}
    assert (await api.data(SUBMIT, variables, token))["submitAnswers"]["errors"] == []


async def test_the_course_owner_sees_how_learners_answered_and_others_see_null(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    owner = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    rival = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, owner=owner, kinds=(ProblemKind.SINGLE_CHOICE, ProblemKind.SHORT_TEXT))
    await session.commit()
    await _answer_all(api, fixture, api.token(learner, now), " Promises! ")
    variables = {"id": encode("Lesson", fixture.lessons[0].id)}

    seen = (await api.data(LESSON, variables, api.token(owner, now)))["lesson"]["problems"]
    by_admin = (await api.data(LESSON, variables, api.token(admin, now)))["lesson"]["problems"]
    hidden = [
        (await api.data(LESSON, variables, api.token(user, now)))["lesson"]["problems"] for user in (rival, learner)
    ]
    anonymous = (await api.data(LESSON, variables))["lesson"]["problems"]

    single, short = (problem["answerAnalysis"] for problem in seen)
    assert single["learners"] == 1
    assert single["learnersByQuartile"] == [1, 0, 0, 0]
    assert single["medianDurationMs"] == 2000.0
    assert [(o["option"]["text"], o["picks"], o["share"]) for o in single["options"]] == [
        ("option 0", 0, 0.0),
        ("option 1", 1, 1.0),
        ("option 2", 0, 0.0),
        ("option 3", 0, 0.0),
    ]
    assert single["flags"] == []  # one learner is too few to flag anything
    assert short["wrongAnswers"] == [{"text": "promises", "count": 1}]
    assert short["options"] == []
    assert by_admin == seen
    assert all(problem["answerAnalysis"] is None for problems in (*hidden, anonymous) for problem in problems)


@pytest.mark.parametrize("kinds", [2, 5])
async def test_a_lessons_answer_analysis_costs_the_same_statements_for_2_and_5_problems(
    kinds: int, api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    owner = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    every_kind = (
        ProblemKind.SINGLE_CHOICE,
        ProblemKind.SHORT_TEXT,
        ProblemKind.MULTIPLE_CHOICE,
        ProblemKind.NUMERIC,
        ProblemKind.FREE_TEXT,
    )
    fixture = await make_course(session, now, owner=owner, kinds=every_kind[:kinds])
    await session.commit()
    counter = StatementCounter(engine)
    try:
        data = await api.data(LESSON, {"id": encode("Lesson", fixture.lessons[0].id)}, api.token(owner, now))
    finally:
        counter.close()

    assert len(data["lesson"]["problems"]) == kinds
    # viewer, lesson, problems, options, course; the analysis: problems, options, sums, picks, wrong texts,
    # median time
    assert len(counter.statements) == 11
