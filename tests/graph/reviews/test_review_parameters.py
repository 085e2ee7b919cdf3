"""optimizeReviewParameters, resetReviewParameters and reviewStats.parameters through HTTP, with the
in-process job runner, on simulated review logs (domain/reviews/simulation.py)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.models import JobStatus, Problem, ProblemKind, User
from domain.reviews import personal, simulation
from domain.reviews.fitting import DEFAULT_PARAMETERS, Fit, LoggedReview
from domain.settings import Settings
from graph.context import Services
from graph.ids import encode
from tests.factories import make_course, make_review_card, make_review_history, make_user
from tests.graph.conftest import Api
from tests.graph.jobs.test_jobs import queue
from tests.graph.test_n_plus_one import StatementCounter
from workers.ai import create_provider
from workers.jobs import review_parameters_refit
from workers.runtime import Runtime

OPTIMIZE = """
mutation { optimizeReviewParameters {
  deduplicated
  job { id kind status error }
  errors { code message }
} }"""
RESET = """
mutation { resetReviewParameters {
  parameters { personalised defaultLogLoss fittedLogLoss reviewCount }
  errors { code message }
} }"""
STATS = "{ reviewStats { parameters { personalised defaultLogLoss fittedLogLoss reviewCount fittedAt values } } }"
JOBS = "{ jobs(kind: REVIEW_PARAMETERS) { edges { node { status } } } }"
JOB = "query Job($id: ID!) { job(id: $id) { id kind status error } }"
REVIEW = """
mutation Review($input: ReviewCardInput!) {
  reviewCard(input: $input) { errors { code } card { stability } }
}"""
CARDS = 25
ADOPTED_SEED, REJECTED_SEED = 5, 2  # simulated learners whose fit is better / not better than the defaults


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"review_parameters_min_reviews": 150, "review_parameters_refit_reviews": 50})


async def _problems(session: AsyncSession, now: datetime) -> list[Problem]:
    course = await make_course(session, now, lessons=CARDS // 5)
    return [problem for lesson in course.lessons for problem in course.problems[lesson.id]]  # type: ignore[index]


async def _learner(session: AsyncSession, settings: Settings, now: datetime, seed: int | None) -> User:
    """A learner with the simulated log of `seed` (None: no reviews)."""
    learner = await make_user(session, settings, now)
    if seed is not None:
        simulated = simulation.learner(random.Random(seed), 0.6, cards=CARDS, days=60)
        await make_review_history(session, learner, await _problems(session, now), simulated.reviews, now)
    await session.commit()
    return learner


async def _optimized(api: Api, token: str) -> dict[str, Any]:
    """Ask for a fit, run the job, and return the job as it ended."""
    asked = (await api.data(OPTIMIZE, token=token))["optimizeReviewParameters"]
    assert asked["errors"] == []
    assert (asked["job"]["kind"], asked["job"]["status"]) == ("REVIEW_PARAMETERS", "QUEUED")
    await queue(api).drain()
    job: dict[str, Any] = (await api.data(JOB, {"id": asked["job"]["id"]}, token))["job"]
    return job


def _fits(outcome: str) -> float:
    return REGISTRY.get_sample_value("learnql_review_parameter_fits_total", {"outcome": outcome}) or 0.0


def _jobs(kind: str, outcome: str) -> float:
    return REGISTRY.get_sample_value("learnql_jobs_total", {"kind": kind, "outcome": outcome}) or 0.0


async def _parameters(api: Api, token: str) -> dict[str, Any]:
    found: dict[str, Any] = (await api.data(STATS, token=token))["reviewStats"]["parameters"]
    return found


async def test_a_fit_that_predicts_held_out_reviews_better_is_adopted_and_schedules_new_cards(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await _learner(session, settings, now, ADOPTED_SEED)
    token = api.token(learner, now)
    adopted_before = _fits("adopted")

    job = await _optimized(api, token)
    parameters = await _parameters(api, token)

    assert (job["status"], job["error"]) == ("SUCCEEDED", None)
    assert _fits("adopted") == adopted_before + 1
    assert parameters["personalised"] is True
    assert parameters["fittedLogLoss"] < parameters["defaultLogLoss"]
    assert parameters["reviewCount"] > 150
    assert parameters["fittedAt"] == now.isoformat()
    assert len(parameters["values"]) == 21
    fresh = await make_course(session, now, lessons=1, kinds=(ProblemKind.NUMERIC,))
    card = await make_review_card(session, learner, fresh.problems[fresh.lessons[0].id][0], now)  # type: ignore[index]
    await session.commit()
    review = {"input": {"cardId": encode("ReviewCard", card.id), "rating": "GOOD", "idempotencyKey": "k"}}
    reviewed = (await api.data(REVIEW, review, token))["reviewCard"]
    assert reviewed["errors"] == []
    assert reviewed["card"]["stability"] == pytest.approx(parameters["values"][2])  # GOOD's initial stability


async def test_a_review_costs_the_same_statements_with_personal_parameters_as_without(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    personalised = await _learner(session, settings, now, None)
    default = await _learner(session, settings, now, None)
    assert personalised.id is not None
    slower = tuple(value * 0.5 if index < 4 else value for index, value in enumerate(DEFAULT_PARAMETERS))
    await personal.store(session, personalised.id, Fit(slower, 0.5, 0.4, 200, 100, 40), now)
    fresh = await make_course(session, now, lessons=1, kinds=(ProblemKind.NUMERIC,))
    problem = fresh.problems[fresh.lessons[0].id][0]  # type: ignore[index]
    cards = [await make_review_card(session, learner, problem, now) for learner in (personalised, default)]
    await session.commit()

    counts, stabilities = [], []
    for learner, card in zip((personalised, default), cards, strict=True):
        review = {"input": {"cardId": encode("ReviewCard", card.id), "rating": "GOOD", "idempotencyKey": "k"}}
        counter = StatementCounter(engine)
        try:
            reviewed = (await api.data(REVIEW, review, api.token(learner, now)))["reviewCard"]
        finally:
            counter.close()
        assert reviewed["errors"] == []
        counts.append(len(counter.statements))
        stabilities.append(reviewed["card"]["stability"])

    assert counts[0] == counts[1]
    assert stabilities == [pytest.approx(slower[2]), pytest.approx(DEFAULT_PARAMETERS[2])]


async def test_a_fit_that_predicts_no_better_is_recorded_but_not_adopted(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await _learner(session, settings, now, REJECTED_SEED)
    token = api.token(learner, now)
    rejected_before = _fits("rejected")

    job = await _optimized(api, token)
    parameters = await _parameters(api, token)

    assert job["status"] == "SUCCEEDED"
    assert _fits("rejected") == rejected_before + 1
    assert parameters["personalised"] is False
    assert parameters["values"] is None
    assert parameters["fittedLogLoss"] >= parameters["defaultLogLoss"]
    assert parameters["reviewCount"] > 150


async def test_asking_again_without_new_reviews_returns_the_same_job(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await _learner(session, settings, now, ADOPTED_SEED)
    token = api.token(learner, now)

    first = (await api.data(OPTIMIZE, token=token))["optimizeReviewParameters"]
    again = (await api.data(OPTIMIZE, token=token))["optimizeReviewParameters"]

    assert (first["errors"], again["errors"]) == ([], [])
    assert (first["deduplicated"], again["deduplicated"]) == (False, True)
    assert again["job"]["id"] == first["job"]["id"]
    assert len(queue(api).waiting) == 1


async def test_too_few_reviews_are_refused_with_a_code(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await _learner(session, settings, now, None)
    token = api.token(learner, now)

    asked = (await api.data(OPTIMIZE, token=token))["optimizeReviewParameters"]

    assert asked["job"] is None
    assert [error["code"] for error in asked["errors"]] == ["NOT_ENOUGH_REVIEWS"]
    assert "150" in asked["errors"][0]["message"]
    assert queue(api).waiting == []


async def test_a_log_of_same_day_reviews_fails_the_job_with_the_reason(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    same_day = [LoggedReview(index % CARDS, now + timedelta(seconds=index), 3) for index in range(160)]
    await make_review_history(session, learner, await _problems(session, now), same_day, now)
    await session.commit()
    token = api.token(learner, now)
    failed_before = _jobs("REVIEW_PARAMETERS", "failed")

    job = await _optimized(api, token)
    parameters = await _parameters(api, token)

    assert job["status"] == "FAILED"
    assert "later days" in job["error"]
    assert _jobs("REVIEW_PARAMETERS", "failed") == failed_before + 1
    assert parameters["fittedAt"] is None


async def test_reset_returns_to_the_defaults_and_keeps_the_figures(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await _learner(session, settings, now, ADOPTED_SEED)
    token = api.token(learner, now)
    await _optimized(api, token)
    before = await _parameters(api, token)

    reset = (await api.data(RESET, token=token))["resetReviewParameters"]
    after = await _parameters(api, token)

    assert reset["errors"] == []
    assert reset["parameters"]["personalised"] is False
    assert after["personalised"] is False
    assert after["values"] is None
    assert (after["defaultLogLoss"], after["fittedLogLoss"]) == (before["defaultLogLoss"], before["fittedLogLoss"])


async def test_a_learner_sees_only_their_own_parameters_and_fit_job(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await _learner(session, settings, now, ADOPTED_SEED)
    other = await _learner(session, settings, now, None)
    job = await _optimized(api, api.token(learner, now))

    seen = await _parameters(api, api.token(other, now))
    their_job = (await api.data(JOB, {"id": job["id"]}, api.token(other, now)))["job"]

    assert seen == {
        "personalised": False,
        "defaultLogLoss": None,
        "fittedLogLoss": None,
        "reviewCount": None,
        "fittedAt": None,
        "values": None,
    }
    assert their_job is None


async def test_the_periodic_refit_queues_learners_with_enough_new_reviews_once(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    ready = await _learner(session, settings, now, ADOPTED_SEED)
    await _learner(session, settings, now, None)
    services: Services = api.app.state.services
    ctx: dict[str, Any] = {"runtime": Runtime(services, create_provider(settings))}

    queued = await review_parameters_refit(ctx)
    again = await review_parameters_refit(ctx)  # the first fit is still waiting
    await queue(api).drain()
    after_fit = await review_parameters_refit(ctx)  # no new reviews since
    await ctx["runtime"].provider.close()

    assert (queued, again, after_fit) == (1, 0, 0)
    parameters = await _parameters(api, api.token(ready, now))
    assert parameters["personalised"] is True
    listed = await api.data(JOBS, token=api.token(ready, now))
    assert [edge["node"]["status"] for edge in listed["jobs"]["edges"]] == [JobStatus.SUCCEEDED.value]
