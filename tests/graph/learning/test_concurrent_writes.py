"""One learner's writes arriving all at once (two tabs, a phone, the instructor's gradebook, the
evaluation worker) through the real app: none fails and the books balance (domain/infra/locks.py)."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from domain.infra.job_queue import InProcessJobQueue
from domain.models import (
    Grade,
    ProblemKind,
    ReviewCard,
    ReviewLog,
    Role,
    Submission,
    SubmissionStatus,
    User,
    XpEvent,
)
from domain.settings import Settings
from graph.context import Services
from graph.ids import encode
from tests.factories import CourseFixture, make_class, make_course, make_review_card, make_user
from tests.graph.conftest import Api

SUBMIT_ONE = """
mutation One($input: SubmitAnswerInput!) {
  submitAnswer(input: $input) { replayed errors { code message } submission { id } }
}"""
SUBMIT_LESSON = """
mutation Lesson($input: SubmitAnswersInput!) {
  submitAnswers(input: $input) { replayed errors { code message } submission { id } }
}"""
REVIEW = """
mutation Review($input: ReviewCardInput!) {
  reviewCard(input: $input) { replayed errors { code message } review { id } }
}"""
RECORD = """
mutation Record($input: RecordGradesInput!) {
  recordGrades(input: $input) { recorded errors { code message } }
}"""
KINDS = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC, ProblemKind.SHORT_TEXT, ProblemKind.FREE_TEXT)
CLIENTS = 8
ROUNDS = 4


def _answer(fixture: CourseFixture, problem_index: int, *, right: bool) -> dict[str, Any]:
    problem = fixture.problems[fixture.lessons[0].id][problem_index]  # type: ignore[index]
    answer: dict[str, Any] = {"problemId": encode("Problem", problem.id)}
    if problem.kind == ProblemKind.SINGLE_CHOICE.value:
        options = fixture.options[problem.id]  # type: ignore[index]
        answer["optionIds"] = [encode("Option", next(o.id for o in options if o.correct == right))]
    elif problem.kind == ProblemKind.NUMERIC.value:
        answer["number"] = 42.0 if right else 7.0
    elif problem.kind == ProblemKind.SHORT_TEXT.value:
        answer["text"] = "DataLoader" if right else "no idea"
    else:
        answer["text"] = "Batching collects keys into one query." if right else "no idea"
    return answer


class Workload:
    """The requests of one learner's clients and of their instructor, each with a fresh key."""

    def __init__(self, fixture: CourseFixture, cards: list[ReviewCard], class_id: int, learner: User) -> None:
        self.fixture = fixture
        self.cards = cards
        self.class_id = class_id
        self.learner = learner
        self.random = random.Random(20)
        self.keys: set[str] = set()
        self.grade_ids: set[str] = set()
        self.reviews = 0

    def _key(self, kind: str) -> str:
        key = f"{kind}-{len(self.keys)}"
        self.keys.add(key)
        return key

    def learner_request(self, client: int, round_: int) -> tuple[str, dict[str, Any]]:
        match (client + round_) % 3:
            case 0:
                index = self.random.randrange(len(KINDS))
                problem_id = self.fixture.problems[self.fixture.lessons[0].id][index].id  # type: ignore[index]
                answer = _answer(self.fixture, index, right=self.random.random() < 0.7)
                key = self._key("one")
                return SUBMIT_ONE, {"problemId": encode("Problem", problem_id), "idempotencyKey": key, "answer": answer}
            case 1:
                answers = [_answer(self.fixture, i, right=self.random.random() < 0.7) for i in range(len(KINDS))]
                lesson_id = encode("Lesson", self.fixture.lessons[0].id)
                return SUBMIT_LESSON, {"lessonId": lesson_id, "idempotencyKey": self._key("lesson"), "answers": answers}
            case _:
                self.reviews += 1
                card = self.cards[self.random.randrange(len(self.cards))]
                rating = self.random.choice(["AGAIN", "HARD", "GOOD", "EASY"])
                return REVIEW, {
                    "cardId": encode("ReviewCard", card.id),
                    "rating": rating,
                    "idempotencyKey": self._key("r"),
                }

    def grades_request(self, round_: int) -> tuple[str, dict[str, Any]]:
        rows = []
        for index in range(3):
            external_id = f"quiz-{round_}-{index}"
            self.grade_ids.add(external_id)
            student = encode("User", self.learner.id)
            rows.append(
                {"studentId": student, "subject": "Quiz", "score": 7, "maxScore": 10, "externalId": external_id}
            )
        return RECORD, {"classId": encode("Class", self.class_id), "rows": rows}


async def _scalar(engine: AsyncEngine, query: Any) -> Any:
    async with engine.connect() as connection:
        return (await connection.execute(query)).scalar_one()


async def _run(api: Api, requests: list[tuple[str, dict[str, Any], str]]) -> list[dict[str, Any]]:
    return await asyncio.gather(*(api.post(query, {"input": input_}, token) for query, input_, token in requests))


def _assert_succeeded(bodies: list[dict[str, Any]]) -> None:
    failures = [body for body in bodies if "errors" in body or any(p["errors"] for p in body["data"].values())]
    assert failures == []
    assert all(payload.get("replayed") in (None, False) for body in bodies for payload in body["data"].values())


async def test_one_learners_concurrent_writes_all_succeed_and_the_books_balance(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    fixture = await make_course(session, now, kinds=KINDS)
    class_ = await make_class(session, instructor, now, courses=(fixture.course,), students=(learner,))
    problems = fixture.problems[fixture.lessons[0].id]  # type: ignore[index]
    cards = [await make_review_card(session, learner, problem, now) for problem in problems]
    await session.commit()
    assert class_.id is not None
    assert learner.id is not None
    learner_token, instructor_token = api.token(learner, now), api.token(instructor, now)
    workload = Workload(fixture, cards, class_.id, learner)
    services: Services = api.app.state.services
    assert isinstance(services.jobs, InProcessJobQueue)

    for round_ in range(ROUNDS):
        requests = [(*workload.learner_request(client, round_), learner_token) for client in range(CLIENTS)]
        requests.append((*workload.grades_request(round_), instructor_token))
        if round_ == ROUNDS - 1:  # the evaluation worker grades free-text answers while the learner goes on
            bodies, _ = await asyncio.gather(_run(api, requests), services.jobs.drain())
        else:
            bodies = await _run(api, requests)
        _assert_succeeded(bodies)
    await services.jobs.drain()

    xp = await _scalar(engine, select(User.xp).where(col(User.id) == learner.id))
    events = await _scalar(engine, select(func.coalesce(func.sum(XpEvent.amount), 0)))
    submitted = await _scalar(engine, select(func.coalesce(func.sum(Submission.xp_awarded), 0)))
    reviewed = await _scalar(
        engine,
        select(func.coalesce(func.sum(ReviewLog.xp_awarded), 0)).where(col(ReviewLog.submission_id).is_(None)),
    )
    assert xp == events == submitted + reviewed
    assert xp > 0
    keys = {key for key in workload.keys if not key.startswith("r-")}
    stored = await _scalar(engine, select(func.count(func.distinct(Submission.idempotency_key))))
    assert stored == await _scalar(engine, select(func.count()).select_from(Submission)) == len(keys)
    review_keys = await _scalar(engine, select(func.count()).where(col(ReviewLog.idempotency_key).is_not(None)))
    assert review_keys == workload.reviews
    pending = await _scalar(engine, select(func.count()).where(col(Submission.status) == SubmissionStatus.PENDING))
    assert pending == 0  # every free-text answer was evaluated
    graded = await _scalar(engine, select(func.count()).where(col(Grade.submission_id).is_not(None)))
    assert graded == len(keys)  # one grade per submission
    external = await _scalar(engine, select(func.count()).where(col(Grade.external_id).is_not(None)))
    assert external == len(workload.grade_ids)
    cards_now = await _scalar(engine, select(func.count()).select_from(ReviewCard))
    assert cards_now == len(problems)
