"""Players of a live game: joining by PIN (signed in or as a guest), leaving, and answering.

An answer is graded at once with the lesson's answer checks and stored with its points and response
time; the unique (player, question) makes it the only one: a retry with the same idempotency key
and payload replays it, anything else is ALREADY_ANSWERED. Points reach the standings when the
question closes (lifecycle.py), so nobody learns from the standings whether others were right.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain import outbox
from domain.errors import Conflict, DomainError, Forbidden, Invalid, InvalidErrors, NotFound
from domain.games.lifecycle import NO_SUCH_GAME
from domain.games.models import OPEN_STATES, Game, GameAnswer, GamePlayer, GameQuestion, GameState
from domain.games.rules import normalize_nickname, normalize_pin, question_points
from domain.infra.database import dialect_insert
from domain.learning.answer_checks import AnswerInput, check_answer, grade
from domain.models import Option, Problem, User
from domain.realtime.events import GameChange, GameChanged

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Joined:
    game: Game
    player: GamePlayer
    rejoined: bool


@dataclass(frozen=True)
class Answered:
    answer: GameAnswer
    replayed: bool


def _not_found(field: str = "pin") -> NotFound:
    return NotFound("No open game has this PIN.", field=[field], code="GAME_NOT_FOUND")


async def open_game_by_pin(session: AsyncSession, pin: str, *, lock: bool = False) -> Game | None:
    query = select(Game).where(
        col(Game.pin) == normalize_pin(pin), col(Game.state).in_([state.value for state in OPEN_STATES])
    )
    if lock:
        query = query.with_for_update()
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


async def active_player_count(session: AsyncSession, game_id: int) -> int:
    query = select(func.count()).where(
        col(GamePlayer.game_id) == game_id, ~col(GamePlayer.kicked), col(GamePlayer.left_at).is_(None)
    )
    return int((await session.execute(query)).scalar_one())


async def join(session: AsyncSession, viewer: User | None, pin: str, nickname: str, now: datetime) -> Joined:
    """Join the open game with this PIN; a signed-in player who joined before gets their player back."""
    shown, key = normalize_nickname(nickname)
    game = await open_game_by_pin(session, pin, lock=True)  # one joiner at a time: the player limit holds
    if game is None:
        raise _not_found()
    assert game.id is not None
    if viewer is not None:
        existing = (
            await session.execute(
                select(GamePlayer).where(col(GamePlayer.game_id) == game.id, col(GamePlayer.user_id) == viewer.id)
            )
        ).scalar_one_or_none()
        if existing is not None:
            if existing.kicked:
                raise Forbidden("The host removed you from this game.")
            if existing.left_at is not None:
                existing.left_at = None
                await session.flush()
                outbox.record(session, GameChanged(game.id, GameChange.ROSTER))
            return Joined(game, existing, rejoined=True)
    if await active_player_count(session, game.id) >= game.max_players:
        raise Conflict("The game is full.", field=["pin"], code="GAME_FULL")
    player = GamePlayer(
        game_id=game.id,
        user_id=viewer.id if viewer is not None else None,
        nickname=shown,
        nickname_key=key,
        joined_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(player)
    except IntegrityError as error:
        raise Conflict(
            "Someone in this game has this nickname already.", field=["nickname"], code="NICKNAME_TAKEN"
        ) from error
    outbox.record(session, GameChanged(game.id, GameChange.ROSTER))
    return Joined(game, player, rejoined=False)


async def leave(session: AsyncSession, player: GamePlayer, now: datetime) -> GamePlayer:
    if player.left_at is None:
        player.left_at = now
        await session.flush()
        outbox.record(session, GameChanged(player.game_id, GameChange.ROSTER))
    return player


async def player_by_id(session: AsyncSession, player_id: int) -> GamePlayer | None:
    return await session.get(GamePlayer, player_id, populate_existing=True)


async def player_of_user(session: AsyncSession, game_id: int, user_id: int) -> GamePlayer | None:
    query = select(GamePlayer).where(col(GamePlayer.game_id) == game_id, col(GamePlayer.user_id) == user_id)
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


def answer_hash(answer: AnswerInput) -> str:
    options = sorted(answer.option_ids) if answer.option_ids is not None else None
    canonical = json.dumps([answer.problem_id, options, answer.number, answer.text], separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _refield(error: DomainError) -> DomainError:
    """check_answer speaks of `answers.0.*`; here the input is `answer.*`."""
    if isinstance(error, InvalidErrors):
        return InvalidErrors([_refield(inner) for inner in error.errors])
    if error.field and error.field[:2] == ["answers", "0"]:
        error.field = ["answer", *error.field[2:]]
    return error


async def _existing(session: AsyncSession, player_id: int, question_id: int) -> GameAnswer | None:
    query = select(GameAnswer).where(col(GameAnswer.player_id) == player_id, col(GameAnswer.question_id) == question_id)
    return (await session.execute(query)).scalar_one_or_none()


def _replay(existing: GameAnswer, key: str, fingerprint: str) -> Answered:
    if existing.idempotency_key == key and existing.request_hash == fingerprint:
        return Answered(existing, replayed=True)
    raise Conflict("You have answered this question already.", code="ALREADY_ANSWERED")


async def answer(
    session: AsyncSession,
    player: GamePlayer,
    game_id: int,
    question_index: int,
    given: AnswerInput,
    idempotency_key: str,
    now: datetime,
) -> Answered:
    """Grade and store the player's answer to the open question (see the module docstring).

    The common case, a first answer in time, is three statements: the game with its question (locked
    FOR SHARE), the problem with its options, and an INSERT that does nothing on a conflict (a retry or
    a second answer, then read back to replay or refuse it)."""
    if player.game_id != game_id:
        raise Forbidden("This player belongs to another game.")
    if player.kicked:
        raise Forbidden("The host removed you from this game.")
    if not 1 <= len(idempotency_key) <= MAX_KEY_LENGTH:
        raise Invalid(f"The idempotency key must have 1 to {MAX_KEY_LENGTH} characters.", field=["idempotencyKey"])
    # FOR SHARE of the game row: a closing UPDATE of the game waits for this answer, and this answer
    # sees a close that committed first (lifecycle.py).
    query = (
        select(Game, GameQuestion)
        .outerjoin(
            GameQuestion,
            and_(col(GameQuestion.game_id) == col(Game.id), col(GameQuestion.position) == question_index),
        )
        .where(col(Game.id) == game_id)
        .with_for_update(read=True, of=Game)
        .execution_options(populate_existing=True)
    )
    found = (await session.execute(query)).one_or_none()
    if found is None:
        raise NotFound(NO_SUCH_GAME, field=["gameId"], code="GAME_NOT_FOUND")
    game, question = found
    if question is None or question.id is None:
        raise Invalid("The game has no question with this index.", field=["questionIndex"], code="QUESTION_NOT_OPEN")
    fingerprint = answer_hash(given)
    player_id = player.id or 0
    refusal = _not_open(game, question, question_index, now)
    if refusal is not None:
        return await _replay_or(session, player_id, question.id, idempotency_key, fingerprint, refusal)
    rows = (
        await session.execute(
            select(Problem, Option)
            .outerjoin(Option, col(Option.problem_id) == col(Problem.id))
            .where(col(Problem.id) == question.problem_id)
        )
    ).all()
    problem = rows[0][0]
    options = [option for _, option in rows if option is not None]
    errors: list[DomainError] = []
    if given.problem_id != problem.id:
        errors = [Invalid("Answer the problem of the open question.", field=["answer", "problemId"])]
    else:
        errors = check_answer(0, replace(given, problem_id=problem.id), problem, options)
    if errors:
        error = _refield(errors[0] if len(errors) == 1 else InvalidErrors(errors))
        return await _replay_or(session, player_id, question.id, idempotency_key, fingerprint, error)
    graded = grade(problem, options, given)
    assert graded is not None  # games hold no free-text problems
    assert question.opened_at is not None
    elapsed_ms = max(0, int((now - question.opened_at).total_seconds() * 1000))
    points = question_points(
        game.points_per_question,
        correct=graded.correct,
        elapsed_ms=elapsed_ms,
        limit_ms=game.seconds_per_question * 1000,
        speed_bonus=game.speed_bonus,
    )
    values: dict[str, Any] = {
        "game_id": game_id,
        "question_id": question.id,
        "player_id": player_id,
        "idempotency_key": idempotency_key,
        "request_hash": fingerprint,
        "option_ids": list(given.option_ids or ()),
        "number": given.number,
        "text": given.text,
        "correct": graded.correct,
        "points": points,
        "elapsed_ms": elapsed_ms,
        "answered_at": now,
    }
    statement = (
        dialect_insert(session)(GameAnswer)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["player_id", "question_id"])
        .returning(col(GameAnswer.id))
    )
    answer_id = (await session.execute(statement)).scalar_one_or_none()
    if answer_id is None:  # answered before (a retry, or a concurrent duplicate that won): replay it or refuse
        existing = await _existing(session, player_id, question.id)
        assert existing is not None
        return _replay(existing, idempotency_key, fingerprint)
    outbox.record(session, GameChanged(game_id, GameChange.ANSWERS))
    return Answered(GameAnswer(id=answer_id, **values), replayed=False)


def _not_open(game: Game, question: GameQuestion, question_index: int, now: datetime) -> DomainError | None:
    """Why the question takes no answer now, if it does not."""
    if question.closed_at is not None or (question.deadline is not None and now > question.deadline):
        return Conflict("Time is up for this question.", field=["questionIndex"], code="TOO_LATE")
    if game.state != GameState.QUESTION.value or game.question_index != question_index or question.opened_at is None:
        return Conflict("This question is not open.", field=["questionIndex"], code="QUESTION_NOT_OPEN")
    return None


async def _replay_or(
    session: AsyncSession, player_id: int, question_id: int, key: str, fingerprint: str, error: DomainError
) -> Answered:
    """An answer given before is replayed (or refused as a second one) whatever else is wrong now."""
    existing = await _existing(session, player_id, question_id)
    if existing is not None:
        return _replay(existing, key, fingerprint)
    raise error
