"""regradeProblem through HTTP: the payload, who may call it, and its rate limit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from domain.models import Option, ProblemKind, Role
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.test_rate_limits import limited

REGRADE = """
mutation R($input: RegradeProblemInput!) {
  regradeProblem(input: $input) { regraded examined submissions xpAwarded errors { field code message } }
}"""
SUBMIT = """
mutation S($input: SubmitAnswerInput!) { submitAnswer(input: $input) { errors { code } } }"""


async def test_the_owner_regrades_once_then_is_rate_limited_and_learners_are_forbidden(
    session: AsyncSession, settings: Settings, engine: AsyncEngine, now: datetime
) -> None:
    owner = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, owner=owner, kinds=(ProblemKind.SINGLE_CHOICE,))
    problem = fixture.problems[fixture.lessons[0].id][0]  # type: ignore[index]
    options = fixture.options[problem.id]  # type: ignore[index]
    await session.commit()
    problem_id = encode("Problem", problem.id)
    variables = {"input": {"problemId": problem_id}}

    async with limited(settings, engine, now, limit_regrades_per_user="1 per hour") as api:
        answer = {"problemId": problem_id, "optionIds": [encode("Option", options[1].id)]}
        submitted = {"input": {"problemId": problem_id, "idempotencyKey": "k", "answer": answer}}
        assert (await api.data(SUBMIT, submitted, api.token(learner, now)))["submitAnswer"]["errors"] == []
        await session.execute(update(Option).where(col(Option.id) == options[0].id).values(correct=False))
        await session.execute(update(Option).where(col(Option.id) == options[1].id).values(correct=True))
        await session.commit()

        forbidden = await api.post(REGRADE, variables, api.token(learner, now))
        done = await api.data(REGRADE, variables, api.token(owner, now))
        refused = await api.post(REGRADE, variables, api.token(owner, now))
        unknown = await api.data(REGRADE, {"input": {"problemId": encode("Problem", 10**6)}}, api.token(learner, now))

    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert done["regradeProblem"] == {"regraded": 1, "examined": 1, "submissions": 1, "xpAwarded": 20, "errors": []}
    assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert [(e["field"], e["code"]) for e in unknown["regradeProblem"]["errors"]] == [(["problemId"], "NOT_FOUND")]
