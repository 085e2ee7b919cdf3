"""`jobs` through HTTP: who sees which jobs (the same as `job(id)`), filters, paging, totalCount."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import JobKind, JobStatus, Role, User
from domain.settings import Settings
from graph.ids import encode
from graph.pagination import encode_cursor
from tests.factories import make_course, make_job, make_user
from tests.graph.conftest import Api

JOBS = """
query Jobs($first: Int, $after: String, $kind: JobKind, $status: JobStatus, $lessonId: ID) {
  jobs(first: $first, after: $after, kind: $kind, status: $status, lessonId: $lessonId) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id kind status lesson { id } } }
  }
}"""


async def _jobs(api: Api, viewer: User, now: datetime, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(JOBS, variables, api.token(viewer, now)))["jobs"]
    return result


def _ids(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


async def test_learners_see_their_jobs_authors_also_their_courses_and_admins_all(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    colleague = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    mine = (await make_course(session, now, owner=author, kinds=())).lessons[0]
    theirs = (await make_course(session, now, owner=colleague, kinds=())).lessons[0]
    evaluation = await make_job(session, learner, now, kind=JobKind.EVALUATION)
    by_colleague_in_mine = await make_job(session, colleague, now + timedelta(minutes=1), lesson=mine)
    by_author = await make_job(session, author, now + timedelta(minutes=2), lesson=mine)
    in_theirs = await make_job(session, colleague, now + timedelta(minutes=3), lesson=theirs)
    await session.commit()
    gid = {job.id: encode("Job", job.id) for job in (evaluation, by_colleague_in_mine, by_author, in_theirs)}

    seen = {name: _ids(await _jobs(api, user, now)) for name, user in (("learner", learner), ("author", author))}
    seen["colleague"] = _ids(await _jobs(api, colleague, now))
    seen["admin"] = _ids(await _jobs(api, admin, now))

    assert seen["learner"] == [gid[evaluation.id]]
    assert seen["author"] == [gid[by_author.id], gid[by_colleague_in_mine.id]]
    assert seen["colleague"] == [gid[in_theirs.id], gid[by_colleague_in_mine.id]]
    assert seen["admin"] == [gid[j.id] for j in (in_theirs, by_author, by_colleague_in_mine, evaluation)]
    # job(id) answers the same: the author reads a job a colleague started in the author's course
    single = await api.data(
        "query($id: ID!) { job(id: $id) { id } }", {"id": gid[by_colleague_in_mine.id]}, api.token(author, now)
    )
    assert single == {"job": {"id": gid[by_colleague_in_mine.id]}}
    hidden = await api.data(
        "query($id: ID!) { job(id: $id) { id } }", {"id": gid[in_theirs.id]}, api.token(author, now)
    )
    assert hidden == {"job": None}


async def test_filters_by_kind_status_and_lesson_page_newest_first(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    author = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    first, second = (await make_course(session, now, owner=author, lessons=2, kinds=())).lessons
    rows = [
        await make_job(session, author, now, lesson=first, status=JobStatus.SUCCEEDED),
        await make_job(session, author, now + timedelta(minutes=1), lesson=second, status=JobStatus.FAILED),
        await make_job(session, author, now + timedelta(minutes=2), kind=JobKind.EVALUATION),
        await make_job(session, author, now + timedelta(minutes=3), lesson=first, status=JobStatus.RUNNING),
    ]
    await session.commit()
    ids = [encode("Job", row.id) for row in rows]

    page = await _jobs(api, author, now, first=3)
    rest = await _jobs(api, author, now, first=3, after=page["pageInfo"]["endCursor"])
    by_lesson = await _jobs(api, author, now, lessonId=encode("Lesson", first.id))
    by_kind = await _jobs(api, author, now, kind="EVALUATION")
    by_status = await _jobs(api, author, now, status="FAILED")

    assert (_ids(page), _ids(rest)) == ([ids[3], ids[2], ids[1]], [ids[0]])
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (4, True, False)
    assert (_ids(by_lesson), by_lesson["totalCount"]) == ([ids[3], ids[0]], 2)
    assert [edge["node"]["lesson"] for edge in by_lesson["edges"]] == [{"id": encode("Lesson", first.id)}] * 2
    assert (_ids(by_kind), by_kind["totalCount"]) == ([ids[2]], 1)
    assert (_ids(by_status), by_status["totalCount"]) == ([ids[1]], 1)


async def test_listing_jobs_needs_a_login_and_a_cursor_of_this_list(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()
    submission_cursor = encode_cursor(1, 1, kind="s")

    anonymous = await api.post(JOBS)
    foreign_cursor = await api.post(JOBS, {"after": submission_cursor}, api.token(learner, now))

    assert anonymous["data"] is None
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert [e["extensions"]["code"] for e in foreign_cursor["errors"]] == ["INVALID"]
