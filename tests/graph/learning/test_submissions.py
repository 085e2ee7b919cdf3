"""submitAnswers / submitAnswer through HTTP: grading, idempotency, XP, progress, hidden solutions."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.models import Answer, Problem, ProblemKind, Submission, User, XpEvent
from domain.settings import Settings
from graph.ids import encode
from tests.factories import CourseFixture, make_course, make_user
from tests.graph.conftest import Api

SUBMIT = """
mutation Submit($input: SubmitAnswersInput!) {
  submitAnswers(input: $input) {
    replayed
    errors { field code message }
    submission {
      id status score maxScore xpAwarded
      answers { correct score problem { id kind explanation solution { number } options { id correct } } }
    }
  }
}"""

SUBMIT_ONE = """
mutation Submit($input: SubmitAnswerInput!) {
  submitAnswer(input: $input) {
    replayed errors { field code message }
    submission { id status score xpAwarded answers { correct } }
  }
}"""


def correct_answers(fixture: CourseFixture) -> list[dict[str, Any]]:
    lesson = fixture.lessons[0]
    answers = []
    for problem in fixture.problems[lesson.id]:  # type: ignore[index]
        answer: dict[str, Any] = {"problemId": encode("Problem", problem.id)}
        match problem.kind:
            case ProblemKind.SINGLE_CHOICE.value | ProblemKind.MULTIPLE_CHOICE.value:
                answer["optionIds"] = [encode("Option", o.id) for o in fixture.options[problem.id] if o.correct]  # type: ignore[index]
            case ProblemKind.NUMERIC.value:
                answer["number"] = 42.3
            case ProblemKind.SHORT_TEXT.value:
                answer["text"] = "  dataloader "
            case _:
                answer["text"] = "It batches keys into one query."
        answers.append(answer)
    return answers


def lesson_input(
    fixture: CourseFixture,
    key: str = "key-1",
    answers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "input": {
            "lessonId": encode("Lesson", fixture.lessons[0].id),
            "idempotencyKey": key,
            "answers": correct_answers(fixture) if answers is None else answers,
        }
    }


async def setup(session: AsyncSession, settings: Settings, now: datetime) -> tuple[User, CourseFixture]:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    await session.commit()
    return learner, fixture


async def count(engine: AsyncEngine, model: type) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(model))).scalar_one())


async def test_lesson_submission_is_graded_and_reveals_explanations(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, fixture = await setup(session, settings, now)

    result = (await api.data(SUBMIT, lesson_input(fixture), api.token(learner, now)))["submitAnswers"]

    assert result["errors"] == []
    assert result["replayed"] is False
    submission = result["submission"]
    assert submission["status"] == "PENDING"  # the free-text answer waits for the evaluation worker
    assert submission["score"] is None
    assert submission["maxScore"] == 5.0
    assert submission["xpAwarded"] == 4 * 20  # four auto-graded correct answers of difficulty 2
    graded = [a for a in submission["answers"] if a["problem"]["kind"] != "FREE_TEXT"]
    assert all(a["correct"] is True and a["score"] == 1.0 for a in graded)
    assert all(a["problem"]["explanation"].startswith("why") for a in submission["answers"])
    numeric = next(a for a in submission["answers"] if a["problem"]["kind"] == "NUMERIC")
    assert numeric["problem"]["solution"] == {"number": 42.0}


async def test_single_problem_submission_is_graded(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, fixture = await setup(session, settings, now)
    numeric = next(p for p in fixture.problems[fixture.lessons[0].id] if p.kind == "NUMERIC")  # type: ignore[index]
    variables = {
        "input": {
            "problemId": encode("Problem", numeric.id),
            "idempotencyKey": "one",
            "answer": {"problemId": encode("Problem", numeric.id), "number": 41},
        }
    }

    result = (await api.data(SUBMIT_ONE, variables, api.token(learner, now)))["submitAnswer"]

    assert result["errors"] == []
    assert result["submission"]["status"] == "GRADED"
    assert result["submission"]["score"] == 0.0
    assert result["submission"]["answers"] == [{"correct": False}]
    assert result["submission"]["xpAwarded"] == 0


async def test_replay_returns_the_original_and_awards_no_xp(
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    engine: AsyncEngine,
) -> None:
    learner, fixture = await setup(session, settings, now)
    token = api.token(learner, now)
    first = (await api.data(SUBMIT, lesson_input(fixture), token))["submitAnswers"]

    again = (await api.data(SUBMIT, lesson_input(fixture), token))["submitAnswers"]

    assert again["errors"] == []
    assert again["replayed"] is True
    assert again["submission"] == first["submission"]
    assert await count(engine, Submission) == 1
    viewer = await api.data("{ viewer { xp } }", token=token)
    assert viewer["viewer"]["xp"] == 80


async def test_same_key_with_another_payload_is_refused(
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    engine: AsyncEngine,
) -> None:
    learner, fixture = await setup(session, settings, now)
    token = api.token(learner, now)
    await api.data(SUBMIT, lesson_input(fixture), token)
    answers = correct_answers(fixture)
    answers[2]["number"] = 7

    result = (await api.data(SUBMIT, lesson_input(fixture, answers=answers), token))["submitAnswers"]

    assert result["submission"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("IDEMPOTENCY_KEY_REUSED", ["idempotencyKey"])]
    assert await count(engine, Submission) == 1


async def test_twenty_concurrent_identical_requests_create_one_submission(
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    engine: AsyncEngine,
) -> None:
    learner, fixture = await setup(session, settings, now)
    token = api.token(learner, now)

    results = await asyncio.gather(*(api.data(SUBMIT, lesson_input(fixture), token) for _ in range(20)))

    payloads = [r["submitAnswers"] for r in results]
    assert all(p["errors"] == [] for p in payloads)
    assert sorted(p["replayed"] for p in payloads) == [False] + [True] * 19
    assert len({p["submission"]["id"] for p in payloads}) == 1
    assert await count(engine, Submission) == 1
    assert await count(engine, Answer) == 5
    assert await count(engine, XpEvent) == 4
    viewer = await api.data("{ viewer { xp profile { totalXp } } }", token=token)
    assert viewer["viewer"] == {"xp": 80, "profile": {"totalXp": 80}}


async def test_xp_is_awarded_once_per_problem_across_submissions(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, fixture = await setup(session, settings, now)
    token = api.token(learner, now)
    await api.data(SUBMIT, lesson_input(fixture, "first"), token)

    second = (await api.data(SUBMIT, lesson_input(fixture, "second"), token))["submitAnswers"]

    assert second["replayed"] is False
    assert second["submission"]["xpAwarded"] == 0
    viewer = await api.data("{ viewer { xp } }", token=token)
    assert viewer["viewer"]["xp"] == 80


async def test_xp_is_weighted_by_difficulty(api: Api, session: AsyncSession, settings: Settings, now: datetime) -> None:
    learner, fixture = await setup(session, settings, now)
    problem = next(p for p in fixture.problems[fixture.lessons[0].id] if p.kind == "SHORT_TEXT")  # type: ignore[index]
    problem.difficulty = 5
    session.add(problem)
    await session.commit()
    pid = encode("Problem", problem.id)
    variables = {
        "input": {
            "problemId": pid,
            "idempotencyKey": "k",
            "answer": {"problemId": pid, "text": "Data Loader"},
        }
    }

    result = (await api.data(SUBMIT_ONE, variables, api.token(learner, now)))["submitAnswer"]

    assert result["errors"] == []
    assert result["submission"]["xpAwarded"] == 50


async def test_lesson_progress_records_best_score_and_attempts(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, fixture = await setup(session, settings, now)
    problems = fixture.problems[fixture.lessons[0].id]  # type: ignore[index]
    await session.delete(next(p for p in problems if p.kind == "FREE_TEXT"))
    await session.commit()
    token = api.token(learner, now)
    answers = [a for a in correct_answers(fixture) if a["problemId"] != encode("Problem", problems[4].id)]
    wrong = [dict(a, number=1.0) if "number" in a else a for a in answers]
    await api.data(SUBMIT, lesson_input(fixture, "a", wrong), token)
    await api.data(SUBMIT, lesson_input(fixture, "b", answers), token)

    query = "query($id: ID!) { lesson(id: $id) { viewerProgress { bestScore attempts completed } } }"
    data = await api.data(query, {"id": encode("Lesson", fixture.lessons[0].id)}, token)

    assert data["lesson"]["viewerProgress"] == {
        "bestScore": 1.0,
        "attempts": 2,
        "completed": True,
    }
    profile = await api.data(
        "{ viewer { profile { lessonsCompleted answersGraded answersCorrect accuracy } } }",
        token=token,
    )
    assert profile["viewer"]["profile"] == {
        "lessonsCompleted": 1,
        "answersGraded": 8,
        "answersCorrect": 7,
        "accuracy": 7 / 8,
    }


async def test_solutions_are_hidden_before_answering(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, fixture = await setup(session, settings, now)
    query = """query($id: ID!) { lesson(id: $id) { problems { explanation solution { number } viewerHasAnswered options { correct } } } }"""

    for token in (None, api.token(learner, now)):
        data = await api.data(query, {"id": encode("Lesson", fixture.lessons[0].id)}, token)
        for problem in data["lesson"]["problems"]:
            assert problem["explanation"] is None
            assert problem["solution"] is None
            assert problem["viewerHasAnswered"] is False
            assert all(option["correct"] is None for option in problem["options"])


async def test_a_learner_never_sees_another_learners_submission(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, fixture = await setup(session, settings, now)
    other = await make_user(session, settings, now)
    await session.commit()
    submitted = (await api.data(SUBMIT, lesson_input(fixture), api.token(learner, now)))["submitAnswers"]
    query = "query($id: ID!) { node(id: $id) { ... on Submission { id answers { text } } } }"

    data = await api.data(query, {"id": submitted["submission"]["id"]}, api.token(other, now))

    assert data["node"] is None
    other_view = await api.data(
        "query($id: ID!) { lesson(id: $id) { problems { explanation } } }",
        {"id": encode("Lesson", fixture.lessons[0].id)},
        api.token(other, now),
    )
    assert all(p["explanation"] is None for p in other_view["lesson"]["problems"])
    assert await _problem_count(session) == 5


async def _problem_count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(Problem))).scalar_one())
