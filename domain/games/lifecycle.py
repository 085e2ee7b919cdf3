"""A game's life: created from a lesson, then LOBBY -> QUESTION -> REVEAL -> ... -> FINISHED (or
CANCELLED), moved on by its host or, at a question's deadline, by the server.

Every transition is one conditional UPDATE on the game row (`WHERE state = <expected> AND
question_index = <expected>`): whoever's UPDATE matches performs the transition and its effects
(scores, XP), everyone else sees zero rows and does nothing. That is what makes the deadline close
exactly once when several API processes' tickers, and the host, race for it (ticker.py).

Answers lock the game row FOR SHARE while they are written (players.py), so a closing UPDATE waits
for answers in flight and the scores it adds up include every answer accepted before the deadline.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from domain import outbox, policies
from domain.content import catalog
from domain.errors import Conflict, Forbidden, Invalid, NotFound
from domain.games.models import Game, GameAnswer, GamePlayer, GameQuestion, GameState
from domain.games.rules import LONG_PIN_LENGTH, PIN_LENGTH, GameSettings, check_settings, new_pin, xp_for_game
from domain.infra.locks import lock_user
from domain.learning import rewards
from domain.models import Course, Lesson, ProblemKind, User
from domain.realtime.events import GameChange, GameChanged
from domain.record.journal import Journal
from domain.record.kinds import LearningEventType

PLAYABLE_KINDS = (
    ProblemKind.SINGLE_CHOICE.value,
    ProblemKind.MULTIPLE_CHOICE.value,
    ProblemKind.NUMERIC.value,
    ProblemKind.SHORT_TEXT.value,
)
MAX_QUESTIONS = 200
_PIN_ATTEMPTS = 10
_random = random.SystemRandom()

NO_SUCH_GAME = "No such game."


@dataclass(frozen=True)
class Created:
    game: Game
    skipped_problem_ids: tuple[int, ...]  # free-text problems: graded later by a worker, not playable live


def _wrong_state(game: Game, action: str) -> Conflict:
    return Conflict(f"The game is {game.state}: it cannot {action} now.", code="WRONG_GAME_STATE")


async def create_game(
    session: AsyncSession, viewer: User, lesson_id: int, settings: GameSettings, now: datetime
) -> Created:
    """A game in the LOBBY from the lesson's published playable problems, with a fresh PIN."""
    check_settings(settings)
    lesson = await session.get(Lesson, lesson_id)
    course = await session.get(Course, lesson.course_id) if lesson is not None else None
    if lesson is None or course is None:
        raise NotFound("No such lesson.", field=["lessonId"])
    if not policies.can_create_game(viewer, course):
        raise Forbidden("Only the course's staff open games from its lessons.")
    problems = (await catalog.problems_by_lesson(session, [lesson_id], include_drafts=False)).get(lesson_id, [])
    playable = [p for p in problems if p.kind in PLAYABLE_KINDS][:MAX_QUESTIONS]
    skipped = tuple(p.id for p in problems if p.kind not in PLAYABLE_KINDS and p.id is not None)
    if not playable:
        raise Invalid("The lesson has no published choice, numeric or short-text problem.", field=["lessonId"])
    if settings.shuffle:
        _random.shuffle(playable)
    options = await catalog.options_by_problem(session, [p.id for p in playable if p.id is not None])
    assert viewer.id is not None
    assert course.id is not None
    game = Game(
        pin="",
        host_id=viewer.id,
        course_id=course.id,
        lesson_id=lesson_id,
        question_count=len(playable),
        seconds_per_question=settings.seconds_per_question,
        points_per_question=settings.points_per_question,
        speed_bonus=settings.speed_bonus,
        shuffle=settings.shuffle,
        max_players=settings.max_players,
        skipped_problem_ids=list(skipped),
        created_at=now,
        last_action_at=now,
    )
    await _insert_with_pin(session, game)
    assert game.id is not None
    for position, problem in enumerate(playable):
        order = [o.id for o in options.get(problem.id or 0, []) if o.id is not None]
        if settings.shuffle:
            _random.shuffle(order)
        session.add(GameQuestion(game_id=game.id, position=position, problem_id=problem.id or 0, option_order=order))
    await session.flush()
    return Created(game, skipped)


async def _insert_with_pin(session: AsyncSession, game: Game) -> None:
    """The unique index on open games' PINs decides between concurrent creators; retry on a collision."""
    for attempt in range(_PIN_ATTEMPTS):
        game.pin = new_pin(PIN_LENGTH if attempt < _PIN_ATTEMPTS // 2 else LONG_PIN_LENGTH)
        try:
            async with session.begin_nested():
                session.add(game)
        except IntegrityError:
            continue
        return
    raise Conflict("No free game PIN was found; try again.", code="PIN_EXHAUSTED")  # pragma: no cover


# -- loading and authorising ---------------------------------------------------------------------


async def load_game(session: AsyncSession, game_id: int, *, lock: bool = False) -> Game:
    query = select(Game).where(col(Game.id) == game_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    game = (await session.execute(query)).scalar_one_or_none()
    if game is None:
        raise NotFound(NO_SUCH_GAME, field=["gameId"], code="GAME_NOT_FOUND")
    return game


async def hosted_game(session: AsyncSession, viewer: User | None, game_id: int) -> Game:
    """The game locked for a host action; Forbidden unless the viewer may host it."""
    game = await load_game(session, game_id, lock=True)
    course = await session.get(Course, game.course_id)
    assert course is not None
    if not policies.can_host_game(viewer, game, course):
        raise Forbidden("Only the game's host and the course's staff control the game.")
    return game


async def question_at(session: AsyncSession, game_id: int, position: int) -> GameQuestion | None:
    query = select(GameQuestion).where(col(GameQuestion.game_id) == game_id, col(GameQuestion.position) == position)
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


# -- transitions -----------------------------------------------------------------------------------


async def _transition(
    session: AsyncSession,
    game: Game,
    expected: GameState,
    values: Mapping[str, object],
    now: datetime,
    *,
    index: int | None = None,
    due: datetime | None = None,
) -> bool:
    """The conditional UPDATE every transition is; True when this caller performed it.

    It expects the game in state `expected` at question `index` (the one `game` shows by default).
    Every transition counts as the game's last action (the idle expiry's clock, expiry.py)."""
    values = {**values, "last_action_at": now}
    statement = (
        update(Game)
        .where(
            col(Game.id) == game.id,
            col(Game.state) == expected.value,
            col(Game.question_index) == (game.question_index if index is None else index),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if due is not None:
        statement = statement.where(col(Game.deadline) <= due)
    result = await session.execute(statement)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    for name, value in values.items():  # what the row holds now, without marking `game` dirty
        set_committed_value(game, name, value)
    return True


def _changed(session: AsyncSession, game: Game, change: GameChange = GameChange.STATE) -> None:
    assert game.id is not None
    outbox.record(session, GameChanged(game.id, change))


async def _open_question(session: AsyncSession, game: Game, expected: GameState, position: int, now: datetime) -> bool:
    deadline = now + timedelta(seconds=game.seconds_per_question)
    values = {"state": GameState.QUESTION.value, "question_index": position, "deadline": deadline}
    if expected == GameState.LOBBY:
        values["started_at"] = now
    if not await _transition(session, game, expected, values, now):
        return False
    await session.execute(
        update(GameQuestion)
        .where(col(GameQuestion.game_id) == game.id, col(GameQuestion.position) == position)
        .values(opened_at=now, deadline=deadline)
    )
    _changed(session, game)
    return True


async def _close_question(
    session: AsyncSession,
    game: Game,
    now: datetime,
    *,
    skipped: bool = False,
    index: int | None = None,
    due: datetime | None = None,
) -> bool:
    """QUESTION -> REVEAL, adding the question's points to the players' scores (none when skipped)."""
    values: dict[str, object] = {"state": GameState.REVEAL.value, "deadline": None}
    if not await _transition(session, game, GameState.QUESTION, values, now, index=index, due=due):
        return False
    set_committed_value(game, "question_index", game.question_index if index is None else index)
    question = await question_at(session, game.id or 0, game.question_index)
    assert question is not None
    assert question.id is not None
    question.closed_at, question.skipped = now, skipped
    await session.flush()
    if not skipped:
        await _add_scores(session, question.id)
    _changed(session, game)
    return True


async def _add_scores(session: AsyncSession, question_id: int) -> None:
    answer = select(GameAnswer).where(
        col(GameAnswer.question_id) == question_id, col(GameAnswer.player_id) == col(GamePlayer.id)
    )
    points = answer.with_only_columns(col(GameAnswer.points)).scalar_subquery()
    correct = answer.with_only_columns(case((col(GameAnswer.correct), 1), else_=0)).scalar_subquery()
    answered = select(col(GameAnswer.player_id)).where(col(GameAnswer.question_id) == question_id)
    await session.execute(
        update(GamePlayer)
        .where(col(GamePlayer.id).in_(answered))
        .values(score=col(GamePlayer.score) + points, correct_count=col(GamePlayer.correct_count) + correct)
        .execution_options(synchronize_session=False)
    )


async def _finish(session: AsyncSession, game: Game, expected: GameState, now: datetime) -> bool:
    """-> FINISHED, and XP for the signed-in players (once per player and game, by constraint)."""
    values = {"state": GameState.FINISHED.value, "deadline": None, "finished_at": now, "xp_awarded": True}
    if not await _transition(session, game, expected, values, now):
        return False
    rows = await session.execute(
        select(
            col(GamePlayer.id),
            col(GamePlayer.user_id),
            col(GamePlayer.score),
            col(GamePlayer.correct_count),
            func.count(col(GameAnswer.id)),
        )
        .outerjoin(GameAnswer, col(GameAnswer.player_id) == col(GamePlayer.id))
        .where(col(GamePlayer.game_id) == game.id, col(GamePlayer.user_id).is_not(None), ~col(GamePlayer.kicked))
        .group_by(col(GamePlayer.id), col(GamePlayer.user_id), col(GamePlayer.score), col(GamePlayer.correct_count))
        .order_by(col(GamePlayer.user_id))  # one lock order for every finisher
    )
    journal = Journal()
    place = {"course_id": game.course_id, "lesson_id": game.lesson_id}
    for player_id, user_id, score, correct, answered in rows.all():
        assert user_id is not None
        played = {"gameId": game.id, "playerId": player_id, "score": score, "correctAnswers": correct}
        journal.add(user_id, LearningEventType.GAME_PLAYED, played, now, **place)
        amount = xp_for_game(correct, answered)
        if amount:
            user = await lock_user(session, user_id)
            awards = [("game", f"game:{game.id}", amount)]
            await rewards.award_xp(session, user, awards, now, journal=journal, course_id=game.course_id)
    await journal.write(session)  # the learning record of the players, one INSERT
    _changed(session, game)
    return True


# -- host controls ---------------------------------------------------------------------------------


async def start(session: AsyncSession, viewer: User, game_id: int, now: datetime) -> Game:
    game = await hosted_game(session, viewer, game_id)
    if game.state != GameState.LOBBY.value or not await _open_question(session, game, GameState.LOBBY, 0, now):
        raise _wrong_state(game, "start")
    return game


async def reveal(session: AsyncSession, viewer: User, game_id: int, now: datetime) -> Game:
    """Close the open question now; revealing one that closed already (its deadline passed) is a no-op."""
    game = await hosted_game(session, viewer, game_id)
    if game.state == GameState.REVEAL.value:
        return game
    if game.state != GameState.QUESTION.value or not await _close_question(session, game, now):
        raise _wrong_state(game, "reveal a question")
    return game


async def _advance(session: AsyncSession, game: Game, now: datetime) -> None:
    """From REVEAL: the next question, or the end after the last one."""
    following = game.question_index + 1
    if following >= game.question_count:
        await _finish(session, game, GameState.REVEAL, now)
    else:
        await _open_question(session, game, GameState.REVEAL, following, now)


async def next_question(session: AsyncSession, viewer: User, game_id: int, now: datetime) -> Game:
    game = await hosted_game(session, viewer, game_id)
    if game.state != GameState.REVEAL.value:
        raise _wrong_state(game, "move to the next question (reveal this one first)")
    await _advance(session, game, now)
    return game


async def skip(session: AsyncSession, viewer: User, game_id: int, now: datetime) -> Game:
    """Drop the open question (nobody scores on it) and go on to the next one."""
    game = await hosted_game(session, viewer, game_id)
    if game.state != GameState.QUESTION.value:
        raise _wrong_state(game, "skip a question")
    await _close_question(session, game, now, skipped=True)
    await _advance(session, game, now)
    return game


async def end(session: AsyncSession, viewer: User, game_id: int, now: datetime) -> Game:
    """End at once: a game still in the lobby is CANCELLED; otherwise the open question is scored and
    the game FINISHED."""
    game = await hosted_game(session, viewer, game_id)
    if game.state == GameState.LOBBY.value:
        await _cancel(session, game, now)
    elif game.state == GameState.QUESTION.value:
        await _close_question(session, game, now)
        await _finish(session, game, GameState.REVEAL, now)
    elif game.state == GameState.REVEAL.value:
        await _finish(session, game, GameState.REVEAL, now)
    else:
        raise _wrong_state(game, "end")
    return game


async def _cancel(session: AsyncSession, game: Game, now: datetime) -> bool:
    """LOBBY -> CANCELLED: a game nobody played."""
    values = {"state": GameState.CANCELLED.value, "finished_at": now}
    if not await _transition(session, game, GameState.LOBBY, values, now):
        return False
    _changed(session, game)
    return True


async def kick(session: AsyncSession, viewer: User, game_id: int, player_id: int, now: datetime) -> GamePlayer:
    game = await hosted_game(session, viewer, game_id)
    game.last_action_at = now
    player = await session.get(GamePlayer, player_id)
    if player is None or player.game_id != game_id:
        raise NotFound("No such player in this game.", field=["playerId"])
    if not player.kicked:
        player.kicked, player.left_at = True, now
        await session.flush()
        outbox.record(session, GameChanged(game_id, GameChange.ROSTER))
    return player


# -- the server's clock ----------------------------------------------------------------------------


async def due_questions(session: AsyncSession, now: datetime, limit: int = 100) -> list[tuple[int, int]]:
    """(game id, question index) of open questions whose deadline has passed."""
    rows = await session.execute(
        select(col(Game.id), col(Game.question_index))
        .where(col(Game.state) == GameState.QUESTION.value, col(Game.deadline) <= now)
        .order_by(col(Game.deadline))
        .limit(limit)
    )
    return [(game_id or 0, index) for game_id, index in rows.all()]


async def close_due(session: AsyncSession, game_id: int, question_index: int, now: datetime) -> bool:
    """Close question `question_index` of the game if it is still open and its deadline has passed.

    True for exactly one caller however many race (the conditional UPDATE decides)."""
    game = await session.get(Game, game_id, populate_existing=True)
    if game is None:
        return False
    return await _close_question(session, game, now, index=question_index, due=now)
