"""generateProblems, job(id) and free-text evaluation through the API, with the in-process job runner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from bench.texts import lesson_text
from domain.infra.job_queue import InProcessJobQueue
from domain.models import Job, Lesson, ProblemKind, Role, User
from domain.settings import Settings
from graph.context import Services
from graph.ids import decode, encode
from learnql.composition import create_app
from tests.factories import make_course, make_user
from tests.graph.conftest import Api

GENERATE = """
mutation Generate($input: GenerateProblemsInput!) {
  generateProblems(input: $input) {
    deduplicated
    job { id kind status progress attempts error }
    errors { field code message }
  }
}"""
JOB = """
query Job($id: ID!) {
  job(id: $id) {
    id kind status progress attempts error promptTokens completionTokens totalTokens cost providerCalls cacheHits
    requestedCount rejectedCount createdAt startedAt finishedAt
    lesson { id }
    problems { id kind status prompt options { text correct } }
  }
}"""


def queue(api: Api) -> InProcessJobQueue:
    services: Services = api.app.state.services
    assert isinstance(services.jobs, InProcessJobQueue)
    return services.jobs


async def authoring(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, Lesson]:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=author, kinds=(), published=False)
    await session.commit()
    return author, course.lessons[0]


def generate_input(lesson: Lesson, **changes: Any) -> dict[str, Any]:
    return {"input": {"lessonId": encode("Lesson", lesson.id), "sourceText": lesson_text(), "count": 6} | changes}


async def job_count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(Job))).scalar_one())


async def test_generate_problems_returns_a_queued_job_that_the_runner_completes(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author, lesson = await authoring(session, settings, now)
    token = api.token(author, now)

    result = (await api.data(GENERATE, generate_input(lesson), token))["generateProblems"]
    queued = (await api.data(JOB, {"id": result["job"]["id"]}, token))["job"]
    await queue(api).drain()
    done = (await api.data(JOB, {"id": result["job"]["id"]}, token))["job"]

    assert result["errors"] == []
    assert result["deduplicated"] is False
    assert result["job"]["kind"] == "GENERATION"
    assert (result["job"]["status"], result["job"]["progress"], result["job"]["attempts"]) == ("QUEUED", 0.0, 0)
    assert (queued["status"], queued["startedAt"], queued["problems"]) == ("QUEUED", None, [])
    assert (done["status"], done["progress"], done["attempts"], done["error"]) == ("SUCCEEDED", 1.0, 1, None)
    assert (done["requestedCount"], done["rejectedCount"], len(done["problems"])) == (6, 0, 6)
    assert {p["status"] for p in done["problems"]} == {"DRAFT"}
    assert done["lesson"] == {"id": encode("Lesson", lesson.id)}
    assert (done["promptTokens"], done["totalTokens"], done["cost"], done["providerCalls"]) == (0, 0, 0.0, 0)
    choice = next(p for p in done["problems"] if p["kind"] == "SINGLE_CHOICE")
    assert sum(option["correct"] for option in choice["options"]) == 1  # the author sees the answer key


async def test_the_same_request_again_returns_the_same_job(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    author, lesson = await authoring(session, settings, now)
    token = api.token(author, now)

    first = (await api.data(GENERATE, generate_input(lesson), token))["generateProblems"]
    await queue(api).drain()
    again = (await api.data(GENERATE, generate_input(lesson, sourceText=f"  {lesson_text()}\n"), token))[
        "generateProblems"
    ]
    other_count = (await api.data(GENERATE, generate_input(lesson, count=5), token))["generateProblems"]

    assert (again["errors"], again["deduplicated"]) == ([], True)
    assert again["job"]["id"] == first["job"]["id"]
    assert again["job"]["status"] == "SUCCEEDED"
    assert (other_count["deduplicated"], other_count["job"]["status"]) == (False, "QUEUED")
    assert await job_count(engine) == 2
    assert [encode("Job", r.job_id) for r in queue(api).waiting] == [other_count["job"]["id"]]


async def test_bad_parameters_are_user_errors_and_store_nothing(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    author, lesson = await authoring(session, settings, now)
    token = api.token(author, now)
    cases = [
        ({"count": 0}, [(["count"], "OUT_OF_RANGE")]),
        ({"count": 500}, [(["count"], "OUT_OF_RANGE")]),
        ({"sourceText": "   "}, [(["sourceText"], "REQUIRED")]),
        ({"sourceText": None}, [(["sourceText"], "REQUIRED")]),
        ({"kinds": ["NUMERIC", "SHORT_TEXT"]}, [(["kinds", "0"], "NOT_SUPPORTED")]),
        ({"count": 0, "kinds": []}, [(["count"], "OUT_OF_RANGE"), (["kinds"], "REQUIRED")]),
        ({"lessonId": encode("Course", 1)}, [(["lessonId"], "NOT_FOUND")]),
        ({"lessonId": encode("Lesson", 999)}, [(["lessonId"], "NOT_FOUND")]),
    ]

    results = [
        (await api.data(GENERATE, generate_input(lesson, **change), token))["generateProblems"] for change, _ in cases
    ]

    assert [[(e["field"], e["code"]) for e in r["errors"]] for r in results] == [expected for _, expected in cases]
    assert all(r["job"] is None for r in results)
    assert await job_count(engine) == 0


async def test_learners_and_other_instructors_may_not_generate(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    _, lesson = await authoring(session, settings, now)
    learner = await make_user(session, settings, now)
    stranger = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()

    answers = [await api.post(GENERATE, generate_input(lesson), api.token(user, now)) for user in (learner, stranger)]
    anonymous = await api.post(GENERATE, generate_input(lesson))

    assert [a["errors"][0]["extensions"]["code"] for a in answers] == ["FORBIDDEN", "FORBIDDEN"]
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await job_count(engine) == 0


async def test_a_job_is_visible_to_whoever_started_it_and_admins_only(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author, lesson = await authoring(session, settings, now)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    await session.commit()
    job_id = (await api.data(GENERATE, generate_input(lesson), api.token(author, now)))["generateProblems"]["job"]["id"]
    node = "query($id: ID!) { node(id: $id) { id ... on Job { status } } }"

    seen = [(await api.data(JOB, {"id": job_id}, api.token(user, now)))["job"] for user in (author, admin, other)]
    as_node = (await api.data(node, {"id": job_id}, api.token(author, now)))["node"]
    anonymous = (await api.data(JOB, {"id": job_id}))["job"]
    missing = (await api.data(JOB, {"id": encode("Job", 999)}, api.token(admin, now)))["job"]

    assert [job["id"] if job else None for job in seen] == [job_id, job_id, None]
    assert as_node == {"id": job_id, "status": "QUEUED"}
    assert (anonymous, missing) == (None, None)


SUBMIT = """
mutation Submit($input: SubmitAnswersInput!) {
  submitAnswers(input: $input) { errors { code } submission { id status score xpAwarded } }
}"""
SUBMISSION = """
query($id: ID!) {
  node(id: $id) { ... on Submission { status score xpAwarded answers { status correct score feedback } } }
  viewer { xp }
}"""


async def test_free_text_answers_are_graded_by_the_evaluation_job(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC, ProblemKind.FREE_TEXT))
    await session.commit()
    numeric, free = fixture.problems[fixture.lessons[0].id]  # type: ignore[index]
    answers = [
        {"problemId": encode("Problem", numeric.id), "number": 42},
        {"problemId": encode("Problem", free.id), "text": "It batches the keys into one query."},
    ]
    variables = {
        "input": {"lessonId": encode("Lesson", fixture.lessons[0].id), "idempotencyKey": "k", "answers": answers}
    }
    token = api.token(learner, now)

    submitted = (await api.data(SUBMIT, variables, token))["submitAnswers"]
    await queue(api).drain()
    graded = await api.data(SUBMISSION, {"id": submitted["submission"]["id"]}, token)

    assert submitted["submission"]["status"] == "PENDING"
    assert submitted["submission"]["xpAwarded"] == 20
    assert (graded["node"]["status"], graded["node"]["score"], graded["node"]["xpAwarded"]) == ("GRADED", 2.0, 40)
    free_answer = graded["node"]["answers"][1]
    assert (free_answer["status"], free_answer["correct"], free_answer["score"]) == ("GRADED", True, 1.0)
    assert free_answer["feedback"].startswith("Similarity to the reference answer")
    assert graded["viewer"]["xp"] == 40


def job_key(job: dict[str, Any]) -> int:
    return decode(job["id"], "Job", ["id"])


async def test_a_restarted_embedded_api_runs_the_jobs_its_previous_process_left_unfinished(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    author, lesson = await authoring(session, settings, now)
    token = api.token(author, now)
    stopped = (await api.data(GENERATE, generate_input(lesson), token))["generateProblems"]["job"]
    cut_off = (await api.data(GENERATE, generate_input(lesson, count=5), token))["generateProblems"]["job"]
    await queue(api).close()  # the process stops before running them: the rows stay QUEUED
    async with engine.begin() as connection:  # and one was cut off half-way
        await connection.execute(update(Job).where(col(Job.id) == job_key(cut_off)).values(status="RUNNING"))

    restarted = create_app(settings, engine)
    async with restarted.router.lifespan_context(restarted):
        runner = restarted.state.services.jobs
        resumed = sorted(request.job_id for request in runner.waiting)
        await runner.drain()
    finished = (await session.execute(select(Job.status).order_by(col(Job.id)))).scalars().all()
    await session.commit()

    assert resumed == sorted([job_key(stopped), job_key(cut_off)])
    assert finished == ["SUCCEEDED", "SUCCEEDED"]
