"""Sessions and time spent in `studentAnalytics`, and `nextProblem` scoped to a topic with its subtopics."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.content.topics import ensure_topic_path
from domain.models import Lesson, Problem, ProblemKind, ProblemTopic, Role, User
from domain.record.journal import record
from domain.record.kinds import LearningEventType
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_class, make_course, make_user
from tests.graph.conftest import Api

TIME = """
query Time($userId: ID) {
  studentAnalytics(userId: $userId) {
    sessionCount
    sessions(first: 5) { startedAt endedAt activityCount seconds }
    timeSpent { seconds lesson { id } }
    topicTime { seconds topic { path } }
  }
}"""

NEXT = """
query Next($topicId: ID, $courseId: ID) {
  nextProblem(topicId: $topicId, courseId: $courseId) { reason problem { id } }
}"""


async def _answered(session: AsyncSession, user: User, lesson: Lesson, problem: Problem | None, at: datetime) -> None:
    """An act of `user` at `at`, as a submission writes it."""
    payload = {
        "submissionId": 1,
        "lessonId": None if problem else lesson.id,
        "problemId": problem.id if problem else None,
        "answerCount": 1,
        "pending": False,
    }
    await record(
        session,
        user.id or 0,
        LearningEventType.ANSWER_SUBMITTED,
        payload,
        at,
        course_id=lesson.course_id,
        lesson_id=lesson.id,
        problem_id=problem.id if problem else None,
    )


async def test_sessions_and_time_per_lesson_and_topic_follow_the_documented_rule(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    first = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    other = await make_course(session, now, kinds=(ProblemKind.NUMERIC,))
    await make_class(session, teacher, now, courses=(other.course,), students=(learner,))
    algebra = await ensure_topic_path(session, "math__algebra")
    one, two = first.lessons[0], other.lessons[0]
    problem = first.problems[one.id or 0][0]
    session.add(ProblemTopic(problem_id=problem.id or 0, topic_id=algebra.id or 0))
    start = now - timedelta(hours=3)
    # session 1: 0, +2 min, +27 min (capped at 10), session 2 after a 40-minute pause: +0, +1 min
    await _answered(session, learner, one, problem, start)
    await _answered(session, learner, one, problem, start + timedelta(minutes=2))
    await _answered(session, learner, two, None, start + timedelta(minutes=29))
    await _answered(session, learner, one, None, start + timedelta(minutes=69))
    await _answered(session, learner, two, None, start + timedelta(minutes=70))
    await session.commit()

    own = (await api.data(TIME, token=api.token(learner, now)))["studentAnalytics"]
    staff = (await api.data(TIME, {"userId": encode("User", learner.id)}, api.token(teacher, now)))["studentAnalytics"]

    assert own["sessionCount"] == 2
    assert [(s["activityCount"], s["seconds"]) for s in own["sessions"]] == [(2, 60), (3, 720)]  # newest first
    assert own["timeSpent"] == [
        {"seconds": 660, "lesson": {"id": encode("Lesson", two.id)}},
        {"seconds": 120, "lesson": {"id": encode("Lesson", one.id)}},
    ]
    # lesson one's whole-lesson act counts for its problem's topic too; the first act of a session counts 0
    assert own["topicTime"] == [{"seconds": 120, "topic": {"path": "math__algebra"}}]
    # the class's staff: the acts in the class's course, timed as for the learner (the others are not theirs)
    assert [(s["activityCount"], s["seconds"]) for s in staff["sessions"]] == [(1, 60), (1, 600)]
    assert staff["timeSpent"] == [{"seconds": 660, "lesson": {"id": encode("Lesson", two.id)}}]
    assert staff["topicTime"] == []


async def test_next_problem_in_a_topic_takes_problems_of_its_subtopics_and_no_others(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, lessons=2, kinds=(ProblemKind.NUMERIC,))
    leaf = await ensure_topic_path(session, "math__algebra__linear")
    look_alike = await ensure_topic_path(session, "mathematics")
    linked = fixture.problems[fixture.lessons[1].id or 0][0]
    session.add(ProblemTopic(problem_id=linked.id or 0, topic_id=leaf.id or 0))
    math = await ensure_topic_path(session, "math")
    await session.commit()
    token = api.token(learner, now)

    async def pick(**variables: Any) -> dict[str, Any]:
        result: dict[str, Any] = (await api.data(NEXT, variables, token))["nextProblem"]
        return result

    in_math = await pick(topicId=encode("Topic", math.id))
    in_math_and_course = await pick(topicId=encode("Topic", math.id), courseId=encode("Course", fixture.course.id))
    elsewhere = await pick(topicId=encode("Topic", look_alike.id))
    unknown = await api.post(NEXT, {"topicId": encode("Topic", 999_999)}, token)

    assert in_math == {"reason": "NEW_PROBLEM", "problem": {"id": encode("Problem", linked.id)}}
    assert in_math_and_course == in_math
    assert elsewhere == {"reason": "NOTHING_TO_PRACTISE", "problem": None}
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
