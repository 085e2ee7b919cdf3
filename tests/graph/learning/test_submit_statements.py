"""submitAnswers costs a fixed number of SQL statements whatever the number of answers (issue 15):
counted on a lesson of 1, 8 and 20 problems, for a first submission and for a second one (cards and
XP already there), on both databases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.models import ProblemKind
from domain.settings import Settings
from graph.ids import encode
from tests.conftest import Database
from tests.factories import CourseFixture, make_course, make_user
from tests.graph.conftest import Api
from tests.graph.test_n_plus_one import StatementCounter

# on PostgreSQL the learning record rides on the submission's UPDATE (a CTE, domain/infra/bulk.py)
MAX_STATEMENTS = {"sqlite": 18, "postgresql": 17}

SUBMIT = """
mutation Submit($input: SubmitAnswersInput!) {
  submitAnswers(input: $input) { replayed errors { code } submission { id xpAwarded } }
}"""


def _answers(fixture: CourseFixture, correct: bool) -> list[dict[str, Any]]:
    lesson = fixture.lessons[0]
    answers = []
    for problem in fixture.problems[lesson.id]:  # type: ignore[index]
        options = [o for o in fixture.options[problem.id] if o.correct == correct]  # type: ignore[index]
        answers.append({"problemId": encode("Problem", problem.id), "optionIds": [encode("Option", options[0].id)]})
    return answers


async def _statements(api: Api, engine: AsyncEngine, token: str, variables: dict[str, Any]) -> tuple[list[str], int]:
    counter = StatementCounter(engine)
    try:
        data = await api.data(SUBMIT, variables, token=token)
    finally:
        counter.close()
    result = data["submitAnswers"]
    assert not result["errors"], result
    assert not result["replayed"]
    return counter.statements, result["submission"]["xpAwarded"]


async def _counts(
    api: Api, engine: AsyncEngine, session: AsyncSession, settings: Settings, now: datetime, n: int
) -> list[list[str]]:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE,) * n)
    await session.commit()
    token = api.token(learner, now)
    lesson_id = encode("Lesson", fixture.lessons[0].id)
    counts = []
    for index, correct in enumerate((True, False)):  # the first earns XP and creates the cards
        variables = {
            "input": {"lessonId": lesson_id, "idempotencyKey": f"k{index}", "answers": _answers(fixture, correct)}
        }
        statements, xp = await _statements(api, engine, token, variables)
        assert (xp > 0) == correct  # the XP awards are part of what is counted
        counts.append(statements)
    return counts


async def test_submit_answers_statement_count_does_not_grow_with_answers(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine, database: Database
) -> None:
    by_size = {n: [len(run) for run in await _counts(api, engine, session, settings, now, n)] for n in (1, 8, 20)}
    assert by_size[1] == by_size[8] == by_size[20], by_size
    # today's figure (docs/performance/write-path.md lists the statements): a new one is a decision, not a drift
    assert max(by_size[1]) <= MAX_STATEMENTS[database.backend], by_size
