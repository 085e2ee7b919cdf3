"""A request still running when its client hangs up is cancelled (graph/disconnect.py), on a real
uvicorn server: a mutation waiting for a lock is dropped, not committed once the lock is free."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.infra.database import session_factory
from domain.infra.locks import lock_user
from domain.models import ProblemKind, Submission
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_course, make_user
from tests.graph.realtime.subscriptions.conftest import app_for, serve

pytestmark = pytest.mark.timeout(60)

ANSWER = """mutation($input: SubmitAnswerInput!) { submitAnswer(input: $input) { errors { code } } }"""


def cancellations(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "learnql.requests"]


async def test_a_request_still_running_when_its_client_disconnects_is_cancelled(
    settings: Settings, engine: AsyncEngine, session: AsyncSession, now: datetime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="learnql.requests")
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await session.commit()
    problem = encode("Problem", fixture.problems[fixture.lessons[0].id][0].id)  # type: ignore[index]
    variables = {"input": {"problemId": problem, "idempotencyKey": "k", "answer": {"problemId": problem, "number": 42}}}
    body = json.dumps({"query": ANSWER, "variables": variables}).encode()

    async with serve(app_for(settings, engine, now), settings) as server:
        quick = await server.http.post("/graphql", json={"query": "{ __typename }"})
        assert quick.status_code == 200
        assert cancellations(caplog) == []  # a request that completes is not "cancelled"
        token = server.token(learner, now)
        async with session_factory(engine, write=True)() as holder:
            await lock_user(holder, learner.id)  # type: ignore[arg-type]  # the mutation will wait for this
            port = int(str(server.http.base_url).rsplit(":", 1)[1])
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            head = (
                f"POST /graphql HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
            await asyncio.sleep(0.5)  # the mutation is waiting
            writer.close()  # the client gives up
            await writer.wait_closed()
            await asyncio.sleep(0.5)
            await holder.rollback()  # the lock is free: a mutation still running would go on now
        for _ in range(100):
            if cancellations(caplog):
                break
            await asyncio.sleep(0.05)
        health = await server.http.get("/health")

    [message] = cancellations(caplog)
    assert message.startswith("request cancelled: the client disconnected (POST /graphql after")
    assert health.status_code == 200
    async with engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(Submission))).scalar_one() == 0
