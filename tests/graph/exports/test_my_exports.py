"""GET /exports/me/review-log.csv and /exports/me.json: the viewer's own data only, streamed."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.accounts import auth
from domain.exports.portability import SECTIONS
from domain.models import ProblemKind, ReviewLog, Role
from domain.settings import Settings
from learnql.composition import create_app
from tests.factories import (
    give_xp,
    make_class,
    make_course,
    make_review_card,
    make_review_log,
    make_submission,
    make_user,
)
from tests.graph.conftest import Api


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_the_review_log_is_the_viewers_own_in_the_fsrs_optimizer_format(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    other = await make_user(session, settings, now)
    built = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC))
    first, second = built.problems[built.lessons[0].id]  # type: ignore[index]
    card = await make_review_card(session, learner, first, now)
    later_card = await make_review_card(session, learner, second, now)
    await make_review_log(session, card, now, rating=1)
    relearned = await make_review_log(session, card, now + timedelta(days=1), rating=3)
    relearned.state_before, relearned.duration_ms = "RELEARNING", 5400
    await make_review_log(session, later_card, now, rating=4)
    await make_review_log(session, await make_review_card(session, other, first, now), now)
    await session.commit()

    response = await api.http.get("/exports/me/review-log.csv", headers=_bearer(api.token(learner, now)))

    assert response.status_code == 200
    millis = int(now.timestamp() * 1000)
    assert response.text.splitlines() == [
        "card_id,review_time,review_rating,review_state,review_duration",
        f"{card.id},{millis},1,0,0",
        f"{card.id},{millis + 86_400_000},3,3,5400",
        f"{later_card.id},{millis},4,0,0",
    ]


async def test_my_data_export_holds_my_rows_in_every_section_and_no_secrets(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    other = await make_user(session, settings, now)
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    built = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE,))
    problem = built.problems[built.lessons[0].id][0]  # type: ignore[index]
    mine = await make_submission(session, learner, now, lesson=built.lessons[0])
    await make_submission(session, other, now, lesson=built.lessons[0])
    await give_xp(session, learner, 20, now)
    await make_review_log(session, await make_review_card(session, learner, problem, now), now)
    class_ = await make_class(session, teacher, now, students=(learner, other))
    await session.commit()

    response = await api.http.get("/exports/me.json", headers=_bearer(api.token(learner, now)))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    assert list(document) == ["format", "version", "exportedAt", "profile", *(s.name for s in SECTIONS)]
    assert document["profile"]["email"] == learner.email
    assert document["profile"]["xp"] == 20
    assert "password_hash" not in document["profile"]
    assert "token_version" not in document["profile"]
    assert [s["id"] for s in document["submissions"]] == [mine.id]
    assert "request_hash" not in document["submissions"][0]
    assert [event["amount"] for event in document["xpEvents"]] == [20]
    assert len(document["reviewCards"]) == len(document["reviewLogs"]) == 1
    assert document["classMemberships"] == [
        {"class_id": class_.id, "user_id": learner.id, "joined_at": now.isoformat()}
    ]
    assert document["classesTaught"] == document["tutorThreads"] == document["gamesPlayed"] == []


async def test_my_exports_need_a_valid_token(api: Api) -> None:
    statuses = [
        (await api.http.get("/exports/me.json")).status_code,
        (await api.http.get("/exports/me/review-log.csv", headers={"Authorization": "Bearer x.y.z"})).status_code,
    ]

    assert statuses == [401, 401]


async def _body_messages(app: FastAPI, path: str, token: str) -> tuple[int, list[bytes]]:
    """GET `path` through the ASGI interface and keep each body message as the server sent it
    (httpx's test transport joins them into one)."""
    sent: list[dict[str, Any]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, [m["body"] for m in sent if m["type"] == "http.response.body" and m.get("body")]


async def test_a_large_export_goes_out_in_chunks_as_it_is_read(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    built = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE,))
    card = await make_review_card(session, learner, built.problems[built.lessons[0].id][0], now)  # type: ignore[index]
    reviews = 4000
    rows = [
        {
            "card_id": card.id,
            "user_id": learner.id,
            "rating": 3,
            "reviewed_at": now + timedelta(minutes=i),
            "state_before": "REVIEW",
            "state_after": "REVIEW",
            "stability_after": 1.0,
            "difficulty_after": 5.0,
            "due_after": now,
            "xp_awarded": 0,
        }
        for i in range(reviews)
    ]
    await session.execute(insert(ReviewLog), rows)
    await session.commit()

    status, chunks = await _body_messages(api.app, "/exports/me/review-log.csv", api.token(learner, now))

    assert status == 200
    assert len(chunks) >= 3  # ~100 kB in chunks of about 32 kB, not one body built in memory
    lines = b"".join(chunks).decode().splitlines()
    assert len(lines) == reviews + 1
    assert lines[-1] == f"{card.id},{int((now + timedelta(minutes=reviews - 1)).timestamp() * 1000)},3,2,0"


async def test_downloads_past_the_exports_limit_are_refused_with_429_and_retry_after(
    session: AsyncSession, engine: AsyncEngine, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()
    limited = settings.model_copy(update={"limit_exports_per_user": "2 per hour"})
    app = create_app(limited, engine)
    app.state.services.clock = lambda: now
    headers = _bearer(auth.issue_token(limited, learner, now))

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        statuses = [(await http.get("/exports/me/review-log.csv", headers=headers)).status_code for _ in range(2)]
        refused = await http.get("/exports/me.json", headers=headers)
    await app.state.services.jobs.close()

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert refused.json()["code"] == "RATE_LIMITED"
