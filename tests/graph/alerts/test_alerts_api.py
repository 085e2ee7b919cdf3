"""The alerts API end to end on both databases: wrong answers submitted through `submitAnswers`
raise alerts once the coalesced evaluation job ran; only the class's staff list, read and acknowledge
them; thresholds and mutes through their mutations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.alerts.requests import EVALUATE_FUNCTION
from domain.models import Class, ProblemKind, Role, User
from domain.settings import Settings
from graph.ids import encode
from tests.factories import make_class, make_course, make_user
from tests.graph.conftest import Api
from tests.graph.jobs.test_jobs import queue

SUBMIT = """
mutation Submit($input: SubmitAnswersInput!) { submitAnswers(input: $input) { errors { code } submission { score } } }"""
ALERTS = """
query($acknowledged: Boolean) {
  instructorAlerts(first: 10, acknowledged: $acknowledged) {
    totalCount
    edges { node { id kind reason open acknowledged student { id } class { id } } }
  }
}"""
NODE = "query($id: ID!) { node(id: $id) { ... on InstructorAlert { id kind } } }"
ACKNOWLEDGE = """
mutation($id: ID!) { acknowledgeAlert(input: {alertId: $id}) { alert { id acknowledged acknowledgedAt }
                                                            errors { field code } } }"""
SETTINGS = """
mutation($input: ClassAlertSettingsUpdateInput!) {
  updateClassAlertSettings(input: $input) { settings { kinds lowMean failingStreak inactiveDays } errors { field code } }
}"""
MUTE = """
mutation($input: StudentAlertsInput!) { muteStudentAlerts(input: $input) { muted errors { field code } } }"""
UNMUTE = """
mutation($input: StudentAlertsInput!) { unmuteStudentAlerts(input: $input) { muted errors { field code } } }"""
READ_SETTINGS = "query($id: ID!) { classAlertSettings(classId: $id) { kinds mutedStudents { id } } }"


async def setup(session: AsyncSession, settings: Settings, now: datetime) -> dict[str, Any]:
    instructor = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    other = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE,))
    class_ = await make_class(session, instructor, now, courses=(fixture.course,), students=(learner,))
    await session.commit()
    return {"instructor": instructor, "other": other, "learner": learner, "fixture": fixture, "class": class_}


async def fail_three_times(api: Api, world: dict[str, Any], now: datetime) -> None:
    fixture = world["fixture"]
    lesson = fixture.lessons[0]
    [problem] = fixture.problems[lesson.id]
    wrong = next(option for option in fixture.options[problem.id] if not option.correct)
    token = api.token(world["learner"], now)
    for attempt in range(3):
        answers = [{"problemId": encode("Problem", problem.id), "optionIds": [encode("Option", wrong.id)]}]
        variables = {
            "input": {"lessonId": encode("Lesson", lesson.id), "idempotencyKey": f"k{attempt}", "answers": answers}
        }
        submitted = (await api.data(SUBMIT, variables, token))["submitAnswers"]
        assert (submitted["errors"], submitted["submission"]["score"]) == ([], 0.0)


def student_input(world: dict[str, Any]) -> dict[str, Any]:
    class_: Class = world["class"]
    learner: User = world["learner"]
    return {"input": {"classId": encode("Class", class_.id), "studentId": encode("User", learner.id)}}


async def test_failed_submissions_alert_the_classs_instructor_once_after_one_evaluation(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    world = await setup(session, settings, now)

    await fail_three_times(api, world, now)
    waiting = [request for request in queue(api).waiting if request.function == EVALUATE_FUNCTION]
    await queue(api).drain()

    assert [request.job_id for request in waiting] == [world["learner"].id]  # three commits, one evaluation
    listed = (await api.data(ALERTS, {}, api.token(world["instructor"], now)))["instructorAlerts"]
    nodes = [edge["node"] for edge in listed["edges"]]
    assert listed["totalCount"] == 2
    assert sorted(node["kind"] for node in nodes) == ["FAILING_STREAK", "LOW_MEAN"]
    assert {node["student"]["id"] for node in nodes} == {encode("User", world["learner"].id)}
    assert {node["class"]["id"] for node in nodes} == {encode("Class", world["class"].id)}
    assert all(node["open"] and not node["acknowledged"] for node in nodes)


async def test_learners_and_other_instructors_see_no_alert(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    world = await setup(session, settings, now)
    await fail_three_times(api, world, now)
    await queue(api).drain()
    listed = (await api.data(ALERTS, {}, api.token(world["instructor"], now)))["instructorAlerts"]
    alert_id = listed["edges"][0]["node"]["id"]

    for outsider in ("learner", "other"):
        token = api.token(world[outsider], now)
        assert (await api.data(ALERTS, {}, token))["instructorAlerts"] == {"totalCount": 0, "edges": []}
        assert (await api.data(NODE, {"id": alert_id}, token))["node"] is None
        refused = (await api.data(ACKNOWLEDGE, {"id": alert_id}, token))["acknowledgeAlert"]
        assert refused == {"alert": None, "errors": [{"field": ["alertId"], "code": "NOT_FOUND"}]}
    own = await api.data(NODE, {"id": alert_id}, api.token(world["instructor"], now))
    assert own["node"]["id"] == alert_id
    anonymous = await api.post(ALERTS, {})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_acknowledging_moves_an_alert_to_the_acknowledged_list(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    world = await setup(session, settings, now)
    await fail_three_times(api, world, now)
    await queue(api).drain()
    token = api.token(world["instructor"], now)
    first = (await api.data(ALERTS, {}, token))["instructorAlerts"]["edges"][0]["node"]["id"]

    acknowledged = (await api.data(ACKNOWLEDGE, {"id": first}, token))["acknowledgeAlert"]
    again = (await api.data(ACKNOWLEDGE, {"id": first}, token))["acknowledgeAlert"]

    assert acknowledged["errors"] == []
    assert acknowledged["alert"]["acknowledged"] is True
    assert again["alert"]["acknowledgedAt"] == acknowledged["alert"]["acknowledgedAt"]
    seen = (await api.data(ALERTS, {"acknowledged": True}, token))["instructorAlerts"]
    unseen = (await api.data(ALERTS, {"acknowledged": False}, token))["instructorAlerts"]
    assert [edge["node"]["id"] for edge in seen["edges"]] == [first]
    assert unseen["totalCount"] == 1
    assert unseen["edges"][0]["node"]["id"] != first


async def test_thresholds_change_within_their_bounds_for_the_staff_only(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    world = await setup(session, settings, now)
    class_id = encode("Class", world["class"].id)
    token = api.token(world["instructor"], now)

    changed = await api.data(
        SETTINGS, {"input": {"classId": class_id, "kinds": ["INACTIVE"], "inactiveDays": 14}}, token
    )
    invalid = await api.data(SETTINGS, {"input": {"classId": class_id, "failingStreak": 1, "lowMean": 101}}, token)
    foreign = await api.post(SETTINGS, {"input": {"classId": class_id}}, api.token(world["other"], now))

    assert changed["updateClassAlertSettings"] == {
        "settings": {"kinds": ["INACTIVE"], "lowMean": 60.0, "failingStreak": 3, "inactiveDays": 14},
        "errors": [],
    }
    assert invalid["updateClassAlertSettings"] == {
        "settings": None,
        "errors": [{"field": ["lowMean"], "code": "INVALID"}, {"field": ["failingStreak"], "code": "INVALID"}],
    }
    assert [error["extensions"]["code"] for error in foreign["errors"]] == ["FORBIDDEN"]  # as for any foreign class
    kept = (await api.data(READ_SETTINGS, {"id": class_id}, token))["classAlertSettings"]
    assert kept == {"kinds": ["INACTIVE"], "mutedStudents": []}


async def test_a_muted_student_raises_no_alert_until_unmuted(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    world = await setup(session, settings, now)
    token = api.token(world["instructor"], now)

    muted = (await api.data(MUTE, student_input(world), token))["muteStudentAlerts"]
    await fail_three_times(api, world, now)
    await queue(api).drain()
    silent = (await api.data(ALERTS, {}, token))["instructorAlerts"]["totalCount"]
    listed = (await api.data(READ_SETTINGS, {"id": encode("Class", world["class"].id)}, token))["classAlertSettings"]
    unmuted = (await api.data(UNMUTE, student_input(world), token))["unmuteStudentAlerts"]
    refused = await api.post(MUTE, student_input(world), api.token(world["learner"], now))

    assert muted == {"muted": True, "errors": []}
    assert silent == 0
    assert listed["mutedStudents"] == [{"id": encode("User", world["learner"].id)}]
    assert unmuted == {"muted": False, "errors": []}
    assert [error["extensions"]["code"] for error in refused["errors"]] == ["FORBIDDEN"]
