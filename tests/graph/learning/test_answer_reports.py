"""durationMs and confidence on answers: optional, bounded, stored and shown back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.learning.answer_checks import MAX_DURATION_MS
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.conftest import Api

SUBMIT_ONE = """
mutation Submit($input: SubmitAnswerInput!) {
  submitAnswer(input: $input) {
    errors { field code message }
    submission { answers { durationMs confidence correct } }
  }
}"""


def _input(problem_id: int, key: str, **reported: int) -> dict[str, object]:
    answer = {"problemId": encode("Problem", problem_id), "number": 42, **reported}
    return {"input": {"problemId": encode("Problem", problem_id), "idempotencyKey": key, "answer": answer}}


async def test_reported_duration_and_confidence_are_stored_and_shown_back(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    numeric = next(p for p in fixture.problems[fixture.lessons[0].id] if p.kind == "NUMERIC")  # type: ignore[index]
    await session.commit()
    token = api.token(learner, now)

    timed = await api.data(SUBMIT_ONE, _input(numeric.id, "a", durationMs=MAX_DURATION_MS, confidence=5), token)
    untimed = await api.data(SUBMIT_ONE, _input(numeric.id, "b"), token)

    assert timed["submitAnswer"]["errors"] == []
    assert timed["submitAnswer"]["submission"]["answers"] == [
        {"durationMs": MAX_DURATION_MS, "confidence": 5, "correct": True}
    ]
    assert untimed["submitAnswer"]["submission"]["answers"] == [
        {"durationMs": None, "confidence": None, "correct": True}
    ]


async def test_a_retry_with_another_measured_duration_replays_the_first(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    numeric = next(p for p in fixture.problems[fixture.lessons[0].id] if p.kind == "NUMERIC")  # type: ignore[index]
    await session.commit()
    token = api.token(learner, now)

    await api.data(SUBMIT_ONE, _input(numeric.id, "same", durationMs=1000), token)
    retry = await api.data(SUBMIT_ONE, _input(numeric.id, "same", durationMs=1500), token)

    assert retry["submitAnswer"]["errors"] == []
    assert retry["submitAnswer"]["submission"]["answers"][0]["durationMs"] == 1000


async def test_out_of_range_reports_are_refused_with_their_field_paths(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now)
    numeric = next(p for p in fixture.problems[fixture.lessons[0].id] if p.kind == "NUMERIC")  # type: ignore[index]
    await session.commit()
    token = api.token(learner, now)

    too_long = await api.data(SUBMIT_ONE, _input(numeric.id, "a", durationMs=MAX_DURATION_MS + 1, confidence=0), token)
    negative = await api.data(SUBMIT_ONE, _input(numeric.id, "b", durationMs=-1, confidence=6), token)

    for result in (too_long, negative):
        assert result["submitAnswer"]["submission"] is None
        assert [(e["field"], e["code"]) for e in result["submitAnswer"]["errors"]] == [
            (["answers", "0", "durationMs"], "INVALID"),  # the path submitAnswer's other answer errors take
            (["answers", "0", "confidence"], "INVALID"),
        ]
