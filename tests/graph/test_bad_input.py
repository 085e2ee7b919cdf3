"""Bad input gets a clear error and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import jwt
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.accounts.auth import issue_token
from domain.models import Submission, User, XpEvent
from domain.settings import Settings
from graph.ids import encode
from tests.factories import CourseFixture
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import (
    SUBMIT,
    SUBMIT_ONE,
    correct_answers,
    count,
    lesson_input,
    setup,
)


async def submit_errors(
    api: Api, token: str, variables: dict[str, Any], query: str = SUBMIT
) -> list[tuple[str, list[str] | None]]:
    body = await api.data(query, variables, token)
    payload = next(iter(body.values()))
    assert payload["submission"] is None
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def assert_nothing_changed(engine: AsyncEngine) -> None:
    assert await count(engine, Submission) == 0
    assert await count(engine, XpEvent) == 0


def other_option(fixture: CourseFixture, answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answers whose single-choice answer names an option of the multiple-choice problem."""
    problems = fixture.problems[fixture.lessons[0].id]  # type: ignore[index]
    foreign = fixture.options[problems[1].id][0]  # type: ignore[index]
    answers[0]["optionIds"] = [encode("Option", foreign.id)]
    return answers


CASES = {
    "option of another problem": (
        other_option,
        [("NOT_FOUND", ["answers", "0", "optionIds"])],
    ),
    "missing answer value": (
        lambda f, a: [dict(a[0], optionIds=None), *a[1:]],
        [("MISSING_ANSWER", ["answers", "0", "optionIds"])],
    ),
    "missing problem": (lambda f, a: a[:-1], [("MISSING_ANSWER", ["answers"])]),
    "huge number": (
        lambda f, a: [*a[:2], dict(a[2], number=1e300), *a[3:]],
        [("INVALID", ["answers", "2", "number"])],
    ),
    "empty text": (
        lambda f, a: [*a[:3], dict(a[3], text="   "), a[4]],
        [("MISSING_ANSWER", ["answers", "3", "text"])],
    ),
    "unknown problem id": (
        lambda f, a: [dict(a[0], problemId=encode("Problem", 99999)), *a[1:]],
        [("NOT_FOUND", ["answers", "0", "problemId"]), ("MISSING_ANSWER", ["answers"])],
    ),
    "malformed id": (
        lambda f, a: [dict(a[0], problemId="not-an-id"), *a[1:]],
        [("NOT_FOUND", ["answers", "0", "problemId"])],
    ),
    "id of another type": (
        lambda f, a: [dict(a[0], problemId=encode("Lesson", 1)), *a[1:]],
        [("NOT_FOUND", ["answers", "0", "problemId"])],
    ),
    "answered twice": (
        lambda f, a: [*a, a[0]],
        [("INVALID", ["answers", "5", "problemId"])],
    ),
    "wrong value kind": (
        lambda f, a: [dict(a[0], number=3.0), *a[1:]],
        [("INVALID", ["answers", "0", "number"])],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_bad_answers_are_refused_and_store_nothing(
    case: str,
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    engine: AsyncEngine,
) -> None:
    learner, fixture = await setup(session, settings, now)
    change, expected = CASES[case]

    errors = await submit_errors(
        api,
        api.token(learner, now),
        lesson_input(fixture, answers=change(fixture, correct_answers(fixture))),
    )

    assert errors == expected
    await assert_nothing_changed(engine)


@pytest.mark.parametrize(("key", "expected"), [("", "INVALID"), ("   ", "INVALID")])
async def test_bad_idempotency_keys_are_refused(
    key: str,
    expected: str,
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    engine: AsyncEngine,
) -> None:
    learner, fixture = await setup(session, settings, now)

    errors = await submit_errors(api, api.token(learner, now), lesson_input(fixture, key=key))

    assert errors == [(expected, ["idempotencyKey"])]
    await assert_nothing_changed(engine)


async def test_nan_is_refused(
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    engine: AsyncEngine,
) -> None:
    learner, fixture = await setup(session, settings, now)
    numeric = fixture.problems[fixture.lessons[0].id][2]  # type: ignore[index]
    pid = encode("Problem", numeric.id)
    body = '{"query": %s, "variables": {"input": {"problemId": "%s", "idempotencyKey": "n", "answer": {"problemId": "%s", "number": NaN}}}}'
    import json

    response = await api.http.post(
        "/graphql",
        content=body % (json.dumps(SUBMIT_ONE), pid, pid),
        headers={
            "Authorization": f"Bearer {api.token(learner, now)}",
            "Content-Type": "application/json",
        },
    )

    assert response.status_code == 400  # NaN is not JSON
    assert "JSON" in response.text
    await assert_nothing_changed(engine)


async def test_unknown_lesson_is_not_found(
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    engine: AsyncEngine,
) -> None:
    learner, fixture = await setup(session, settings, now)
    variables = lesson_input(fixture)
    variables["input"]["lessonId"] = encode("Lesson", 4242)

    errors = await submit_errors(api, api.token(learner, now), variables)

    assert errors == [("NOT_FOUND", ["lessonId"])]
    await assert_nothing_changed(engine)


async def test_malformed_json_body_gets_a_clear_error(api: Api) -> None:
    response = await api.http.post(
        "/graphql",
        content=b'{"query": "{ viewer { id }',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert "json" in response.text.lower()


async def test_malformed_graphql_gets_a_clear_error(api: Api) -> None:
    body = await api.post("{ viewer { id ")

    assert body["errors"][0]["message"].startswith("Syntax Error")


async def test_anonymous_submission_is_unauthenticated(
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    engine: AsyncEngine,
) -> None:
    _, fixture = await setup(session, settings, now)

    body = await api.post(SUBMIT, lesson_input(fixture))

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await assert_nothing_changed(engine)


async def test_expired_token_is_refused(
    api: Api,
    session: AsyncSession,
    settings: Settings,
    now: datetime,
    engine: AsyncEngine,
) -> None:
    learner, fixture = await setup(session, settings, now)
    expired = issue_token(settings, learner, now - timedelta(seconds=settings.jwt_ttl_seconds + 60))

    body = await api.post(SUBMIT, lesson_input(fixture), expired)

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in body["errors"][0]["message"]
    await assert_nothing_changed(engine)


@pytest.mark.parametrize("forgery", ["wrong secret", "none algorithm", "wrong audience", "garbage"])
async def test_forged_tokens_are_refused(
    forgery: str, api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner, _ = await setup(session, settings, now)
    claims = {
        "sub": str(learner.id),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "exp": int((now + timedelta(hours=1)).timestamp()),
    }
    tokens = {
        "wrong secret": jwt.encode(claims, "another-secret-0123456789abcdef0123", algorithm="HS256"),
        "none algorithm": jwt.encode(claims, None, algorithm="none"),
        "wrong audience": jwt.encode(claims | {"aud": "elsewhere"}, settings.jwt_secret, algorithm="HS256"),
        "garbage": "abc.def.ghi",
    }

    body = await api.post("{ viewer { id xp } }", token=tokens[forgery])

    assert body["data"] is None or body["data"]["viewer"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_unexpected_errors_are_masked(api: Api, session: AsyncSession, settings: Settings, now: datetime) -> None:
    learner, _ = await setup(session, settings, now)
    user: User = learner
    user.timezone = "Not/AZone"  # corrupt the row behind the API's back
    session.add(user)
    await session.commit()

    body = await api.post("{ viewer { streak { current } } }", token=api.token(learner, now))

    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "Not/AZone" not in error["message"]
    assert error["message"].startswith("Unexpected error; reference ")


async def test_submit_answer_for_another_problem_is_refused(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner, fixture = await setup(session, settings, now)
    first, second = fixture.problems[fixture.lessons[0].id][:2]  # type: ignore[index]
    answer = {"problemId": encode("Problem", second.id), "optionIds": []}
    variables = {"input": {"problemId": encode("Problem", first.id), "idempotencyKey": "x", "answer": answer}}

    errors = await submit_errors(api, api.token(learner, now), variables, SUBMIT_ONE)

    assert errors == [("INVALID", ["answer", "problemId"])]
    await assert_nothing_changed(engine)
