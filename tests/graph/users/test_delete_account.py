"""deleteAccount: the user and every row of theirs go, their tokens end; what others rely on stays."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import SQLModel

from domain.models import (
    Answer,
    Course,
    Game,
    GameAnswer,
    GamePlayer,
    GameQuestion,
    GameState,
    Grade,
    LessonProgress,
    ProblemKind,
    ReviewSettings,
    RevokedToken,
    Role,
    TutorMessage,
    TutorThread,
    User,
)
from domain.settings import Settings
from graph.ids import encode
from tests.factories import (
    give_xp,
    make_class,
    make_course,
    make_job,
    make_review_card,
    make_review_log,
    make_submission,
    make_user,
)
from tests.graph.conftest import Api

DELETE = """
mutation Delete($password: String!) {
  deleteAccount(input: { password: $password }) { deletedUserId errors { field code message } }
}"""
VIEWER = "{ viewer { id } }"
PASSWORD = "password-123"  # tests/factories.py gives every user this one


async def rows_referencing(engine: AsyncEngine, user_id: int) -> dict[str, int]:
    """For every column with a foreign key to users.id, in every table: the rows that hold `user_id`.
    Read from the metadata, so a table added later is counted without changing this test."""
    counts: dict[str, int] = {}
    async with engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                    query = select(func.count()).select_from(table).where(column == user_id)
                    counts[f"{table.name}.{column.name}"] = (await connection.execute(query)).scalar_one()
        users = (await connection.execute(select(func.count()).where(User.__table__.c.id == user_id))).scalar_one()  # type: ignore[attr-defined]
    counts["users.id"] = users
    return counts


async def _game(session: AsyncSession, host: User, built: object, now: datetime, state: GameState) -> Game:
    course, lesson = built.course, built.lessons[0]  # type: ignore[attr-defined]
    game = Game(
        pin="1234567", host_id=host.id, course_id=course.id, lesson_id=lesson.id, state=state.value, created_at=now
    )  # type: ignore[arg-type]
    session.add(game)
    await session.flush()
    return game


async def test_deleting_my_account_removes_every_row_that_refers_to_me_and_ends_my_tokens(
    api: Api, session: AsyncSession, engine: AsyncEngine, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    built = await make_course(session, now, owner=teacher, kinds=(ProblemKind.SINGLE_CHOICE,))
    lesson = built.lessons[0]
    problem = built.problems[lesson.id][0]  # type: ignore[index]
    submission = await make_submission(session, learner, now, lesson=lesson)
    session.add_all(
        [
            Answer(submission_id=submission.id, user_id=learner.id, problem_id=problem.id, score=1.0),  # type: ignore[arg-type]
            Grade(
                user_id=learner.id,
                lesson_id=lesson.id,
                submission_id=submission.id,
                score=1,
                max_score=1,
                graded_at=now,
                updated_at=now,
            ),  # type: ignore[arg-type]
            LessonProgress(user_id=learner.id, lesson_id=lesson.id, last_submitted_at=now),  # type: ignore[arg-type]
            ReviewSettings(
                user_id=learner.id,
                desired_retention=0.9,
                maximum_interval=365,
                new_cards_per_day=20,
                reviews_per_day=200,
                updated_at=now,
            ),  # type: ignore[arg-type]
            RevokedToken(jti="ended", user_id=learner.id, expires_at=now + timedelta(days=1)),  # type: ignore[arg-type]
        ]
    )
    await give_xp(session, learner, 10, now, course=built.course)
    await make_review_log(session, await make_review_card(session, learner, problem, now), now)
    await make_class(session, teacher, now, courses=(built.course,), students=(learner,))
    thread = TutorThread(
        user_id=learner.id, problem_id=problem.id, course_id=built.course.id, created_at=now, updated_at=now
    )  # type: ignore[arg-type]
    session.add(thread)
    await session.flush()
    session.add(
        TutorMessage(thread_id=thread.id, user_id=learner.id, role="LEARNER", text="hi", created_at=now, updated_at=now)
    )  # type: ignore[arg-type]
    game = await _game(session, teacher, built, now, GameState.FINISHED)
    player = GamePlayer(game_id=game.id, user_id=learner.id, nickname="L", nickname_key="l", joined_at=now)  # type: ignore[arg-type]
    question = GameQuestion(game_id=game.id, position=0, problem_id=problem.id)  # type: ignore[arg-type]
    session.add_all([player, question])
    await session.flush()
    session.add(
        GameAnswer(
            game_id=game.id,
            question_id=question.id,
            player_id=player.id,
            idempotency_key="k",
            request_hash="h",
            correct=True,
            points=900,
            elapsed_ms=1000,
            answered_at=now,
        )  # type: ignore[arg-type]
    )
    await make_job(session, learner, now, lesson=lesson)
    await session.commit()
    assert learner.id is not None
    token = api.token(learner, now)
    before = await rows_referencing(engine, learner.id)

    body = await api.data(DELETE, {"password": PASSWORD}, token)
    after = await rows_referencing(engine, learner.id)
    viewer = await api.post(VIEWER, token=token)

    assert body["deleteAccount"] == {"deletedUserId": encode("User", learner.id), "errors": []}
    populated = {name for name, count in before.items() if count}
    assert populated >= {
        "users.id",
        "submissions.user_id",
        "answers.user_id",
        "grades.user_id",
        "lesson_progress.user_id",
        "review_settings.user_id",
        "review_cards.user_id",
        "review_logs.user_id",
        "xp_events.user_id",
        "class_members.user_id",
        "tutor_threads.user_id",
        "tutor_messages.user_id",
        "game_players.user_id",
        "jobs.created_by",
        "revoked_tokens.user_id",
    }
    assert {name: count for name, count in after.items() if count} == {}
    assert viewer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    async with engine.connect() as connection:  # the game and its question stay for the host; the answer went
        left = (await connection.execute(select(func.count()).select_from(GameAnswer))).scalar_one()
        games = (await connection.execute(select(func.count()).select_from(Game))).scalar_one()
    assert (left, games) == (0, 1)


async def test_an_instructors_courses_hosted_games_and_recorded_grades_stay_without_them(
    api: Api, session: AsyncSession, engine: AsyncEngine, settings: Settings, now: datetime
) -> None:
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    student = await make_user(session, settings, now)
    built = await make_course(session, now, owner=teacher, kinds=(ProblemKind.SINGLE_CHOICE,))
    await make_class(session, teacher, now, courses=(built.course,))  # no students: it goes with them
    session.add(
        Grade(
            user_id=student.id,
            recorded_by=teacher.id,
            external_id="x",
            score=1,
            max_score=2,
            graded_at=now,
            updated_at=now,
        )
    )  # type: ignore[arg-type]
    game = await _game(session, teacher, built, now, GameState.FINISHED)
    await session.commit()

    body = await api.data(DELETE, {"password": PASSWORD}, api.token(teacher, now))

    assert body["deleteAccount"]["errors"] == []
    async with engine.connect() as connection:
        owner = (await connection.execute(select(Course.owner_id).where(Course.id == built.course.id))).one()  # type: ignore[arg-type]
        host = (await connection.execute(select(Game.host_id).where(Game.id == game.id))).one()  # type: ignore[arg-type]
        recorded = (await connection.execute(select(Grade.recorded_by, Grade.user_id))).all()
    assert (owner, host) == ((None,), (None,))
    assert [tuple(row) for row in recorded] == [(None, student.id)]


async def test_a_wrong_password_deletes_nothing_and_counts_as_a_failed_login(
    api: Api, session: AsyncSession, engine: AsyncEngine, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    await session.commit()
    token = api.token(learner, now)

    body = await api.data(DELETE, {"password": "not-my-password"}, token)

    assert body["deleteAccount"]["deletedUserId"] is None
    assert [(e["field"], e["code"]) for e in body["deleteAccount"]["errors"]] == [(["password"], "INVALID_CREDENTIALS")]
    assert learner.id is not None
    assert (await rows_referencing(engine, learner.id))["users.id"] == 1
    assert (await api.data(VIEWER, token=token))["viewer"] == {"id": encode("User", learner.id)}


async def test_deletion_is_refused_while_the_account_is_needed(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    teacher = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    host = await make_user(session, settings, now, role=Role.INSTRUCTOR)
    admin = await make_user(session, settings, now, role=Role.ADMIN)
    student = await make_user(session, settings, now)
    await make_class(session, teacher, now, students=(student,))
    await _game(
        session, host, await make_course(session, now, owner=host, kinds=(ProblemKind.NUMERIC,)), now, GameState.LOBBY
    )
    await session.commit()

    answers = [
        (await api.data(DELETE, {"password": PASSWORD}, api.token(user, now)))["deleteAccount"]
        for user in (teacher, host, admin)
    ]

    assert [[e["code"] for e in answer["errors"]] for answer in answers] == [["DELETION_BLOCKED"]] * 3
    assert [answer["deletedUserId"] for answer in answers] == [None] * 3
    assert "class" in answers[0]["errors"][0]["message"]
    assert "game" in answers[1]["errors"][0]["message"]
    assert "admin" in answers[2]["errors"][0]["message"]
