"""Live games over HTTP: the flow, answer-key secrecy, player tokens, and bad input answered clearly
with nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.games.models import GameAnswer, GamePlayer
from domain.models import ProblemKind, Role
from domain.settings import Settings
from graph.ids import encode
from tests.factories import CourseFixture, make_course, make_user
from tests.graph.conftest import Api

CREATE = """mutation($input: CreateGameInput!) { createGame(input: $input) {
  game { id pin state questionCount skippedProblemCount } skippedProblemIds errors { code field } } }"""
JOIN = """mutation($pin: String!, $nickname: String!) { joinGame(input: {pin: $pin, nickname: $nickname}) {
  game { id playerCount } player { id nickname } playerToken errors { code field } } }"""
CONTROL = (
    """mutation($id: ID!) { %s(input: {gameId: $id}) { game { state currentQuestion { index } } errors { code } } }"""
)
ANSWER = """mutation($input: AnswerGameQuestionInput!) { answerGameQuestion(input: $input) {
  answer { correct points elapsedMs } replayed errors { code field } } }"""
GAME = """query($pin: String!) { game(pin: $pin) { state playerCount viewerIsHost
  currentQuestion { index prompt deadline correctOptionIds answerCounts options { id }
    problem { options { id correct } solution { optionIds } } }
  standings { rank score player { nickname } } viewerStanding { rank score } viewerAnswer { correct points } } }"""

KINDS = (ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC, ProblemKind.FREE_TEXT)


async def _course(session: AsyncSession, settings: Settings, now: datetime) -> tuple[Any, CourseFixture]:
    host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    course = await make_course(session, now, owner=host, kinds=KINDS)
    await session.commit()
    return host, course


async def _create(api: Api, token: str, course: CourseFixture, **settings: Any) -> dict[str, Any]:
    input = {"lessonId": encode("Lesson", course.lessons[0].id), **settings}
    payload = (await api.data(CREATE, {"input": input}, token))["createGame"]
    assert payload["errors"] == []
    return payload  # type: ignore[no-any-return]


def _answer(game_id: str, course: CourseFixture, correct: bool, key: str, index: int = 0) -> dict[str, Any]:
    problem = course.problems[course.lessons[0].id or 0][0]
    option = course.options[problem.id or 0][0 if correct else 1]
    answer = {"problemId": encode("Problem", problem.id), "optionIds": [encode("Option", option.id)]}
    return {"input": {"gameId": game_id, "questionIndex": index, "answer": answer, "idempotencyKey": key}}


async def test_a_host_runs_a_game_and_a_guest_plays_it_with_a_player_token(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _course(session, settings, now)
    host_token = api.token(host, now)
    created = await _create(api, host_token, course)
    game = created["game"]
    joined = (await api.data(JOIN, {"pin": game["pin"], "nickname": " Guest "}))["joinGame"]
    guest = joined["playerToken"]
    await api.data(CONTROL % "startGame", {"id": game["id"]}, host_token)

    api.set_clock(now + timedelta(seconds=2))
    before = (await api.data(GAME, {"pin": game["pin"]}, guest))["game"]
    answered = (await api.data(ANSWER, _answer(game["id"], course, True, "k1"), guest))["answerGameQuestion"]
    replayed = (await api.data(ANSWER, _answer(game["id"], course, True, "k1"), guest))["answerGameQuestion"]
    again = (await api.data(ANSWER, _answer(game["id"], course, False, "k2"), guest))["answerGameQuestion"]
    revealed = (await api.data(CONTROL % "revealGameQuestion", {"id": game["id"]}, host_token))["revealGameQuestion"]
    after = (await api.data(GAME, {"pin": game["pin"]}, guest))["game"]

    assert game["questionCount"] == 2
    assert created["skippedProblemIds"] == [encode("Problem", course.problems[course.lessons[0].id or 0][2].id)]
    assert joined["player"]["nickname"] == "Guest"
    assert joined["errors"] == []
    question = before["currentQuestion"]
    assert question["correctOptionIds"] is None
    assert question["answerCounts"] is None
    assert question["problem"]["solution"] is None
    assert {option["correct"] for option in question["problem"]["options"]} == {None}
    assert question["deadline"] is not None
    # 1000 x (1 - 2 s / 20 s / 2) = 950
    assert answered == {"answer": {"correct": True, "points": 950, "elapsedMs": 2000}, "replayed": False, "errors": []}
    assert replayed["replayed"] is True
    assert again["errors"] == [{"code": "ALREADY_ANSWERED", "field": None}]
    assert revealed["errors"] == []
    assert revealed["game"]["state"] == "REVEAL"
    choice = course.problems[course.lessons[0].id or 0][0]
    assert after["currentQuestion"]["correctOptionIds"] == [encode("Option", course.options[choice.id or 0][0].id)]
    assert after["currentQuestion"]["answerCounts"] == [1, 0, 0, 0]
    assert after["viewerStanding"] == {"rank": 1, "score": 950}
    assert after["viewerAnswer"] == {"correct": True, "points": 950}
    assert after["standings"] == [{"rank": 1, "score": 950, "player": {"nickname": "Guest"}}]


async def test_the_host_sees_live_answer_counts_before_the_reveal(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _course(session, settings, now)
    host_token = api.token(host, now)
    game = (await _create(api, host_token, course))["game"]
    guest = (await api.data(JOIN, {"pin": game["pin"], "nickname": "G"}))["joinGame"]["playerToken"]
    await api.data(CONTROL % "startGame", {"id": game["id"]}, host_token)
    await api.data(ANSWER, _answer(game["id"], course, False, "k"), guest)

    seen = (await api.data(GAME, {"pin": game["pin"]}, host_token))["game"]

    assert seen["viewerIsHost"] is True
    assert seen["currentQuestion"]["answerCounts"] == [0, 1, 0, 0]
    assert seen["currentQuestion"]["correctOptionIds"] is None


async def test_bad_input_is_answered_with_a_clear_error_and_nothing_is_written(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _course(session, settings, now)
    learner = await make_user(session, settings, now)
    await session.commit()
    host_token, learner_token = api.token(host, now), api.token(learner, now)
    game = (await _create(api, host_token, course, maxPlayers=1))["game"]
    other = (await _create(api, host_token, course))["game"]
    guest = (await api.data(JOIN, {"pin": game["pin"], "nickname": "Ana"}))["joinGame"]["playerToken"]

    unknown = (await api.data(JOIN, {"pin": "999", "nickname": "X"}))["joinGame"]["errors"]
    taken = (await api.data(JOIN, {"pin": other["pin"], "nickname": "ana"}))["joinGame"]["errors"]
    retaken = (await api.data(JOIN, {"pin": other["pin"], "nickname": "ANA"}))["joinGame"]["errors"]
    full = (await api.data(JOIN, {"pin": game["pin"], "nickname": "Bo"}))["joinGame"]["errors"]
    not_open = (await api.data(ANSWER, _answer(game["id"], course, True, "k"), guest))["answerGameQuestion"]["errors"]
    not_host = await api.post(CONTROL % "startGame", {"id": game["id"]}, learner_token)
    other_game = await api.post(ANSWER, _answer(other["id"], course, True, "k"), guest)
    bad_settings = (
        await api.data(
            CREATE,
            {"input": {"lessonId": encode("Lesson", course.lessons[0].id), "secondsPerQuestion": 3}},
            host_token,
        )
    )["createGame"]["errors"]

    assert unknown == [{"code": "GAME_NOT_FOUND", "field": ["pin"]}]
    assert taken == []
    assert retaken == [{"code": "NICKNAME_TAKEN", "field": ["nickname"]}]
    assert full == [{"code": "GAME_FULL", "field": ["pin"]}]
    assert not_open == [{"code": "QUESTION_NOT_OPEN", "field": ["questionIndex"]}]
    assert not_host["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert other_game["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert bad_settings == [{"code": "INVALID", "field": ["secondsPerQuestion"]}]
    assert await session.scalar(select(func.count()).select_from(GameAnswer)) == 0
    assert await session.scalar(select(func.count()).select_from(GamePlayer)) == 2


async def test_a_finished_game_is_not_found_by_its_pin(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _course(session, settings, now)
    host_token = api.token(host, now)
    game = (await _create(api, host_token, course))["game"]
    await api.data(JOIN, {"pin": game["pin"], "nickname": "A"})
    await api.data(CONTROL % "startGame", {"id": game["id"]}, host_token)
    ended = (await api.data(CONTROL % "endGame", {"id": game["id"]}, host_token))["endGame"]

    late = (await api.data(JOIN, {"pin": game["pin"], "nickname": "B"}))["joinGame"]["errors"]
    looked_up = (await api.data(GAME, {"pin": game["pin"]}))["game"]

    assert ended["game"]["state"] == "FINISHED"
    assert late == [{"code": "GAME_NOT_FOUND", "field": ["pin"]}]
    assert looked_up is None


async def test_the_host_downloads_the_report_as_csv_and_others_cannot(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    host, course = await _course(session, settings, now)
    learner = await make_user(session, settings, now)
    await session.commit()
    host_token = api.token(host, now)
    game = (await _create(api, host_token, course))["game"]
    guest = (await api.data(JOIN, {"pin": game["pin"], "nickname": "G"}))["joinGame"]["playerToken"]
    await api.data(CONTROL % "startGame", {"id": game["id"]}, host_token)
    api.set_clock(now + timedelta(seconds=3))
    await api.data(ANSWER, _answer(game["id"], course, True, "k"), guest)
    await api.data(CONTROL % "endGame", {"id": game["id"]}, host_token)
    url = f"/exports/games/{game['id']}/report.csv"

    owned = await api.http.get(url, headers={"Authorization": f"Bearer {host_token}"})
    other = await api.http.get(url, headers={"Authorization": f"Bearer {api.token(learner, now)}"})
    anonymous = await api.http.get(url)

    lines = owned.text.splitlines()
    assert owned.status_code == 200
    assert owned.headers["content-type"].startswith("text/csv")
    assert lines[0] == "question,prompt,kind,played,skipped,answers,correct,accuracy,mean_time_ms,hardest"
    assert lines[1] == "1,SINGLE_CHOICE question,SINGLE_CHOICE,true,false,1,1,1.0000,3000,true"
    assert lines[2] == "2,NUMERIC question,NUMERIC,false,false,0,0,,,false"
    assert (other.status_code, anonymous.status_code) == (404, 401)
