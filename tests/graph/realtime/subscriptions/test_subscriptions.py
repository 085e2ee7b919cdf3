"""Subscriptions against a real uvicorn server with a real WebSocket client, on both backends:
SQLite with the in-process broker, PostgreSQL with Redis."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from websockets.exceptions import ConnectionClosed

from domain import outbox
from domain.models import Job, ProblemKind, User
from domain.realtime.dispatch import submissions_channel
from domain.realtime.events import JobProgress, JobStatus
from domain.settings import Settings
from graph.ids import encode
from tests.factories import give_xp, make_course, make_user
from tests.graph.realtime.subscriptions.client import LEGACY_WS, GraphQLSocket
from tests.graph.realtime.subscriptions.conftest import Server

pytestmark = pytest.mark.timeout(30)

BOARD = """
subscription Board($first: Int) {
  leaderboardUpdated(scope: {kind: ALL_TIME}, first: $first) {
    scope { kind }
    entries { rank xp user { id displayName } }
  }
}"""
MY_BOARD = """
subscription { leaderboardUpdated(scope: {kind: ALL_TIME}) { entries { xp } viewerEntry { rank xp } } }"""
GRADED = "subscription { submissionGraded { id status score } }"
SUBMIT = """
mutation($input: SubmitAnswerInput!) { submitAnswer(input: $input) { errors { code } submission { id } } }"""


def xps(data: dict[str, Any]) -> list[int]:
    return [entry["xp"] for entry in data["leaderboardUpdated"]["entries"]]


async def award(server: Server, session: AsyncSession, user: User, amount: int, now: datetime) -> None:
    """XP committed by another unit of work (a worker, another API process) and dispatched after commit."""
    await give_xp(session, user, amount, now)
    await session.commit()
    await outbox.flush(outbox.take(session), server.services)


async def test_connection_without_token_is_anonymous_and_sees_public_boards(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    await award(server, session, user, 30, now)

    async with GraphQLSocket.connected(server.ws_url) as socket:
        operation = await socket.subscribe(BOARD)
        first = await socket.next(operation)

    assert first["leaderboardUpdated"]["scope"] == {"kind": "ALL_TIME"}
    assert first["leaderboardUpdated"]["entries"] == [
        {"rank": 1, "xp": 30, "user": {"id": encode("User", user.id), "displayName": user.display_name}}
    ]


@pytest.mark.parametrize("payload_of", [lambda t: {"Authorization": f"Bearer {t}"}, lambda t: {"token": t}])
async def test_connection_init_token_authenticates_the_viewer(
    server: Server, session: AsyncSession, settings: Settings, now: datetime, payload_of: Any
) -> None:
    viewer = await make_user(session, settings, now)
    await award(server, session, viewer, 12, now)

    async with GraphQLSocket.open(server.ws_url, payload_of(server.token(viewer, now))) as socket:
        ack = await socket.receive()
        operation = await socket.subscribe(MY_BOARD)
        data = await socket.next(operation)

    assert ack == {"type": "connection_ack"}
    assert data["leaderboardUpdated"]["viewerEntry"] == {"rank": 1, "xp": 12}


async def test_bad_token_is_refused_at_connection_init(server: Server) -> None:
    async with GraphQLSocket.open(server.ws_url, {"Authorization": "Bearer forged.token.value"}) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await socket.receive()

    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Forbidden")


async def test_bad_token_gets_connection_error_on_legacy_protocol(server: Server) -> None:
    async with GraphQLSocket.open(server.ws_url, {"token": "forged"}, protocol=LEGACY_WS) as socket:
        answer = await socket.receive()

    assert answer == {
        "type": "connection_error",
        "payload": {"message": "The token is invalid.", "extensions": {"code": "UNAUTHENTICATED"}},
    }


async def test_feeds_of_the_viewer_need_a_token(server: Server) -> None:
    async with GraphQLSocket.connected(server.ws_url) as socket:
        graded = await socket.subscribe(GRADED)
        graded_answer = await socket.receive()
        job = await socket.subscribe('subscription { jobProgress(jobId: "Sm9iOjE=") { status } }')
        job_answer = await socket.receive()

    assert graded_answer["id"] == graded
    assert graded_answer["type"] == "error"
    assert [(e["message"], e["extensions"]["code"]) for e in graded_answer["payload"]] == [
        ("Log in to do this.", "UNAUTHENTICATED")
    ]
    assert job_answer["id"] == job
    assert [e["extensions"]["code"] for e in job_answer["payload"]] == ["UNAUTHENTICATED"]


async def test_subscriber_receives_the_board_then_each_change(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    leader, chaser = await make_user(session, settings, now), await make_user(session, settings, now)
    await award(server, session, leader, 50, now)

    async with GraphQLSocket.connected(server.ws_url) as socket:
        operation = await socket.subscribe(BOARD)
        initial = await socket.next(operation)
        await award(server, session, chaser, 80, now)
        changed = await socket.next(operation)

    assert xps(initial) == [50]
    ranks = [(e["rank"], e["user"]["id"], e["xp"]) for e in changed["leaderboardUpdated"]["entries"]]
    assert ranks == [(1, encode("User", chaser.id), 80), (2, encode("User", leader.id), 50)]


async def test_a_mutation_on_the_server_updates_subscribers(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    course = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await session.commit()
    problem_id = encode("Problem", course.problems[course.lessons[0].id][0].id)  # type: ignore[index]
    answer = {"problemId": problem_id, "number": 42}

    async with GraphQLSocket.connected(server.ws_url) as socket:
        operation = await socket.subscribe(BOARD)
        initial = await socket.next(operation)
        result = await server.data(
            SUBMIT,
            {"input": {"problemId": problem_id, "idempotencyKey": "k1", "answer": answer}},
            server.token(learner, now),
        )
        changed = await socket.next(operation)

    assert result["submitAnswer"]["errors"] == []
    assert xps(initial) == []
    assert xps(changed) == [20]


async def test_a_burst_of_awards_is_coalesced_and_ends_in_the_final_state(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    team = [await make_user(session, settings, now) for _ in range(5)]
    await session.commit()

    async with GraphQLSocket.connected(server.ws_url) as socket:
        operation = await socket.subscribe(BOARD)
        await socket.next(operation)
        for round_ in range(40):  # 200 awards, each its own commit and announcement
            for user in team:
                await give_xp(session, user, 1 + round_ % 3, now)
            await session.commit()
            await outbox.flush(outbox.take(session), server.services)
        final = [user.xp for user in sorted(team, key=lambda u: (-u.xp, u.id))]
        updates = []
        while not updates or xps(updates[-1]) != final:
            updates.append(await socket.next(operation, within=5))

    assert len(updates) < 40  # one update per board per interval at most, not one per award
    assert xps(updates[-1]) == final


async def test_submission_graded_streams_the_viewers_own_submissions(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    viewer, other = await make_user(session, settings, now), await make_user(session, settings, now)
    course = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await session.commit()
    problem_id = encode("Problem", course.problems[course.lessons[0].id][0].id)  # type: ignore[index]
    answer = {"problemId": problem_id, "number": 1}

    async with GraphQLSocket.connected(server.ws_url, server.token(viewer, now)) as socket:
        operation = await socket.subscribe(GRADED)
        await wait_for_subscribers(server, submissions_channel(viewer.id), 1)  # type: ignore[arg-type]
        for user, key in ((other, "theirs"), (viewer, "mine")):
            variables = {"input": {"problemId": problem_id, "idempotencyKey": key, "answer": answer}}
            result = await server.data(SUBMIT, variables, server.token(user, now))
        data = await socket.next(operation)

    mine = result["submitAnswer"]["submission"]["id"]
    assert data == {"submissionGraded": {"id": mine, "status": "GRADED", "score": 0.0}}


def a_job(owner: User, status: str, now: datetime) -> Job:
    return Job(kind="GENERATION", status=status, input_hash="h", created_by=owner.id, created_at=now, updated_at=now)  # type: ignore[arg-type]


def job_query(job: Job) -> str:
    return f'subscription {{ jobProgress(jobId: "{encode("Job", job.id)}") {{ id status progress error }} }}'


async def test_job_progress_streams_the_owners_job_until_it_is_done(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    owner, stranger = await make_user(session, settings, now), await make_user(session, settings, now)
    job = a_job(owner, "RUNNING", now)
    session.add(job)
    await session.commit()
    assert job.id is not None

    async with (
        GraphQLSocket.connected(server.ws_url, server.token(owner, now)) as mine,
        GraphQLSocket.connected(server.ws_url, server.token(stranger, now)) as theirs,
    ):
        operation = await mine.subscribe(job_query(job))
        refused = await theirs.for_operation(await theirs.subscribe(job_query(job)))
        await wait_for_subscribers(server, f"job:{job.id}", 1)
        dispatch = server.services.realtime.dispatch
        await dispatch([JobProgress(job.id, owner.id, JobStatus.RUNNING, 0.5, now)])  # type: ignore[arg-type]
        await dispatch([JobProgress(job.id, owner.id, JobStatus.SUCCEEDED, 1.0, now)])  # type: ignore[arg-type]
        running, done = await mine.next(operation), await mine.next(operation)
        completed = await mine.for_operation(operation)

    assert running["jobProgress"] == {"id": encode("Job", job.id), "status": "RUNNING", "progress": 0.5, "error": None}
    assert done["jobProgress"]["status"] == "SUCCEEDED"
    assert completed == {"id": operation, "type": "complete"}
    assert refused["type"] == "error"  # someone else's job looks like a missing one
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in refused["payload"]] == [
        ("NOT_FOUND", ["jobId"])
    ]


async def test_job_progress_of_a_finished_job_answers_at_once(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    owner = await make_user(session, settings, now)
    job = a_job(owner, "FAILED", now)
    session.add(job)
    await session.commit()

    async with GraphQLSocket.connected(server.ws_url, server.token(owner, now)) as socket:
        operation = await socket.subscribe(job_query(job))
        final = await socket.next(operation)
        completed = await socket.for_operation(operation)

    assert final["jobProgress"]["status"] == "FAILED"
    assert completed == {"id": operation, "type": "complete"}


async def test_legacy_graphql_ws_protocol_streams_updates(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    await session.commit()

    async with GraphQLSocket.connected(server.ws_url, server.token(user, now), protocol=LEGACY_WS) as socket:
        operation = await socket.subscribe(BOARD)
        initial = await socket.next(operation)
        await award(server, session, user, 7, now)
        changed = await socket.next(operation)
        await socket.stop(operation)
        stopped = await socket.receive()

    assert (xps(initial), xps(changed)) == ([], [7])
    assert stopped == {"type": "complete", "id": operation}


async def test_disconnecting_releases_the_board_and_the_broker_channel(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    viewer = await make_user(session, settings, now)
    await session.commit()
    live, broker = server.services.live, server.services.realtime.broker

    async with GraphQLSocket.connected(server.ws_url, server.token(viewer, now)) as socket:
        await socket.next(await socket.subscribe(BOARD))
        await socket.subscribe(GRADED)
        await wait_for_subscribers(server, submissions_channel(viewer.id), 1)  # type: ignore[arg-type]
        during = (len(live.boards), broker.subscriber_count(submissions_channel(viewer.id)))  # type: ignore[arg-type]
    await wait_until(lambda: not live.boards and not broker.subscriber_count(submissions_channel(viewer.id)))  # type: ignore[arg-type]

    assert during == (1, 1)


async def test_completing_one_operation_keeps_the_others(
    server: Server, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    user = await make_user(session, settings, now)
    await session.commit()

    async with GraphQLSocket.connected(server.ws_url) as socket:
        small = await socket.subscribe(BOARD, {"first": 1})
        large = await socket.subscribe(BOARD, {"first": 5})
        await socket.next(small), await socket.next(large)
        await socket.stop(small)
        await award(server, session, user, 3, now)
        data = await socket.next(large)

    assert xps(data) == [3]


async def wait_for_subscribers(server: Server, channel: str, count: int) -> None:
    await wait_until(lambda: server.services.realtime.broker.subscriber_count(channel) >= count)


async def wait_until(condition: Any, within: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
