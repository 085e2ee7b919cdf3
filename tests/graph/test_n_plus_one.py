"""A nested query costs the same number of SQL statements for 1 lesson as for 50, and a history query
the same for 1 item as for 12."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.infra import driver
from domain.models import ProblemKind, TutorMessage, TutorThread
from domain.settings import Settings
from tests.factories import (
    give_xp,
    make_course,
    make_job,
    make_review_card,
    make_review_log,
    make_submission,
    make_user,
)
from tests.graph.conftest import Api

NESTED = """
{
  viewer { id xp streak { current } profile { accuracy } }
  courses(first: 10) {
    edges { node {
      title
      lessons(first: 100) {
        pageInfo { hasNextPage endCursor }
        edges { node {
          title
          viewerProgress { bestScore attempts completed }
          problems { prompt kind explanation viewerHasAnswered topics { path } options { text correct } }
        } }
      }
    } }
  }
}"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """NESTED may return 550,000 objects (10 courses x 100 lessons x 50 problems x 11): over the default
    cost limit, and beside the point of these tests, which count statements."""
    return settings.model_copy(update={"max_query_cost": 1_000_000, "budget_maximum": 1_000_000})


class StatementCounter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.statements: list[str] = []
        self._engine = engine
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)
        driver.listeners.append(self._count_raw)  # the hot reads run on the driver's connection

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith(("BEGIN", "PRAGMA")):
            self.statements.append(statement)

    def _count_raw(self, statement: str) -> None:
        self.statements.append(statement)

    def close(self) -> None:
        event.remove(self._engine.sync_engine, "before_cursor_execute", self._count)
        driver.listeners.remove(self._count_raw)


async def statements_for(api: Api, engine: AsyncEngine, token: str) -> tuple[int, dict[str, Any]]:
    counter = StatementCounter(engine)
    try:
        data = await api.data(NESTED, token=token)
    finally:
        counter.close()
    return len(counter.statements), data


@pytest.mark.parametrize("lessons", [1, 50])
async def test_nested_query_statement_count_does_not_grow_with_lessons(
    lessons: int, api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    await make_course(session, now, lessons=1)
    await make_course(session, now, lessons=lessons)
    await session.commit()

    count, data = await statements_for(api, engine, api.token(learner, now))

    courses = data["courses"]["edges"]
    assert len(courses[1]["node"]["lessons"]["edges"]) == lessons
    assert all(len(e["node"]["problems"]) == 5 for c in courses for e in c["node"]["lessons"]["edges"])
    # viewer, stats (2), courses, lesson pages, progress, problems, answered, topics, options: the same
    # ten statements whatever the number of lessons, problems or options.
    assert count == 10


LESSON_PAGE_LIMIT = 100  # the page of workload 4 asks for up to 100 lessons


@pytest.mark.parametrize("lessons", [10, 100])
async def test_lesson_page_statement_count_is_the_same_for_10_and_100_lessons(
    lessons: int, api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    from bench.shape import LESSON_PAGE, bulk_course
    from graph.ids import encode

    learner = await make_user(session, settings, now)
    await session.commit()
    async with engine.begin() as connection:
        shape = await bulk_course(connection, f"n{lessons}", now, lessons=lessons, progress_for=learner.id)
    counter = StatementCounter(engine)
    try:
        data = await api.data(LESSON_PAGE, {"id": encode("Course", shape.course_id)}, api.token(learner, now))
    finally:
        counter.close()

    edges = data["course"]["lessons"]["edges"]
    assert len(edges) == min(lessons, LESSON_PAGE_LIMIT)
    assert sum(len(e["node"]["problems"]) for e in edges) == 20 * lessons
    # viewer, course, lesson page, progress, problems, options: six statements for any N
    assert len(counter.statements) == 6


async def test_options_asked_for_directly_or_in_a_fragment_read_the_same_in_the_same_statements(
    api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    await make_course(session, now, lessons=3)
    await session.commit()
    page = "{ courses(first: 1) { edges { node { lessons { edges { node { problems { id %s } } } } } } } }"
    direct = page % "options { id text }"
    fragment = page % "...P" + " fragment P on Problem { options { id text } }"
    token = api.token(learner, now)

    counted = []
    for query in (direct, fragment):
        counter = StatementCounter(engine)
        try:
            counted.append((await api.data(query, token=token), len(counter.statements)))
        finally:
            counter.close()

    (direct_data, direct_count), (fragment_data, fragment_count) = counted
    assert direct_data == fragment_data
    lessons = direct_data["courses"]["edges"][0]["node"]["lessons"]["edges"]
    assert any(problem["options"] for lesson in lessons for problem in lesson["node"]["problems"])
    assert direct_count == fragment_count  # both read ahead: one statement for all options


HISTORY = """
{
  viewer {
    submissions(first: 50) { totalCount edges { node { id lesson { title } answers { correct } } } }
    xpEvents(first: 50) { totalCount edges { node { amount course { title } } } }
  }
  reviewQueue(limit: 50) { id reviews(first: 5) { totalCount edges { node { rating reviewedAt } } } }
  jobs(first: 50) { totalCount edges { node { kind lesson { title course { title } } } } }
}"""


@pytest.mark.parametrize("items", [1, 12])
async def test_history_lists_cost_the_same_statements_for_1_and_12_items(
    items: int, api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, lessons=items, kinds=(ProblemKind.NUMERIC,))
    for index, lesson in enumerate(fixture.lessons):
        at = now - timedelta(hours=index)
        await make_submission(session, learner, at, lesson=lesson)
        card = await make_review_card(session, learner, fixture.problems[lesson.id][0], at)  # type: ignore[index]
        for minutes in (1, 2):  # days ago: today's new-card limit stays untouched
            await make_review_log(session, card, at - timedelta(days=2, minutes=minutes))
        await give_xp(session, learner, 5, at, course=fixture.course)
        await make_job(session, learner, at, lesson=lesson)
    await session.commit()

    counter = StatementCounter(engine)
    try:
        data = await api.data(HISTORY, token=api.token(learner, now))
    finally:
        counter.close()

    assert data["viewer"]["submissions"]["totalCount"] == len(data["viewer"]["submissions"]["edges"]) == items
    assert data["viewer"]["xpEvents"]["totalCount"] == items
    assert len(data["reviewQueue"]) == items
    assert all(card["reviews"]["totalCount"] == len(card["reviews"]["edges"]) == 2 for card in data["reviewQueue"])
    assert data["jobs"]["totalCount"] == items
    # viewer, review queue, and a page and a count each of submissions, XP events, jobs and (for all
    # cards at once) reviews; then lessons (of submissions and jobs together), answers and courses:
    # thirteen statements whatever the number of items
    assert len(counter.statements) == 13


TUTOR_THREADS = """
{ viewer { tutorThreads(first: 50) {
    totalCount edges { node { id problem { id } messages(first: 10) { totalCount edges { node { role text } } } } }
} } }"""


@pytest.mark.parametrize("threads", [1, 12])
async def test_tutor_threads_with_their_messages_cost_the_same_statements_for_1_and_12_threads(
    threads: int, api: Api, session: AsyncSession, settings: Settings, now: datetime, engine: AsyncEngine
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, lessons=threads, kinds=(ProblemKind.NUMERIC,))
    for index, lesson in enumerate(fixture.lessons):
        problem = fixture.problems[lesson.id][0]  # type: ignore[index]
        at = now - timedelta(minutes=index)
        assert learner.id is not None
        assert problem.id is not None
        assert fixture.course.id is not None
        thread = TutorThread(
            user_id=learner.id, problem_id=problem.id, course_id=fixture.course.id, created_at=at, updated_at=at
        )
        session.add(thread)
        await session.flush()
        assert thread.id is not None
        for role in ("LEARNER", "TUTOR", "LEARNER"):
            session.add(
                TutorMessage(
                    thread_id=thread.id, user_id=learner.id, role=role, text=role.lower(), created_at=at, updated_at=at
                )
            )
    await session.commit()

    counter = StatementCounter(engine)
    try:
        data = await api.data(TUTOR_THREADS, token=api.token(learner, now))
    finally:
        counter.close()

    page = data["viewer"]["tutorThreads"]
    assert page["totalCount"] == len(page["edges"]) == threads
    assert all(edge["node"]["messages"]["totalCount"] == 3 for edge in page["edges"])
    assert [m["node"]["role"] for m in page["edges"][0]["node"]["messages"]["edges"]] == ["LEARNER", "TUTOR", "LEARNER"]
    # viewer, a page and a count of threads, their problems, then one page and one count of
    # messages for all threads: six statements whatever the number of threads
    assert len(counter.statements) == 6
