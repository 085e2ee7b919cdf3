"""Tables of live games: the game, its players, its frozen question order and the answers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from domain.models.base import UTCDateTime


class GameState(StrEnum):
    LOBBY = "LOBBY"
    QUESTION = "QUESTION"
    REVEAL = "REVEAL"
    FINISHED = "FINISHED"
    CANCELLED = "CANCELLED"


OPEN_STATES = (GameState.LOBBY, GameState.QUESTION, GameState.REVEAL)
_OPEN_SQL = "state IN ('LOBBY', 'QUESTION', 'REVEAL')"


class Game(SQLModel, table=True):
    """One hosted game. `question_index` is -1 in the lobby; `deadline` is the open question's."""

    __tablename__ = "games"
    __table_args__ = (
        # A PIN names at most one open game; finished games give theirs back.
        Index(
            "uq_games_open_pin",
            "pin",
            unique=True,
            postgresql_where=text(_OPEN_SQL),
            sqlite_where=text(_OPEN_SQL),
        ),
        # The ticker's scan: open questions whose deadline has passed.
        Index("ix_games_state_deadline", "state", "deadline"),
        Index("ix_games_host_created", "host_id", "created_at"),
        # The ticker's idle scan: lobbies and reveals nobody has moved on for a while.
        Index("ix_games_state_last_action", "state", "last_action_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    pin: str = Field(sa_type=String(7))
    # None once the host deleted their account: the game stays for its players and the course staff.
    host_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    course_id: int = Field(foreign_key="courses.id", index=True)
    lesson_id: int = Field(foreign_key="lessons.id", index=True)
    state: str = Field(default=GameState.LOBBY.value, sa_type=String(20))
    question_index: int = Field(default=-1)
    question_count: int = Field(default=0)
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    seconds_per_question: int = Field(default=20)
    points_per_question: int = Field(default=1000)
    speed_bonus: bool = Field(default=True)
    shuffle: bool = Field(default=False)
    max_players: int = Field(default=500)
    skipped_problem_ids: list[int] = Field(default_factory=list, sa_type=JSON)  # free text: not playable
    xp_awarded: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last transition or host action: an idle game is ended by the ticker (ticker.py).
    last_action_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class GamePlayer(SQLModel, table=True):
    """A signed-in learner (user_id) or a guest (no user) in one game; nicknames are unique per game."""

    __tablename__ = "game_players"
    __table_args__ = (
        UniqueConstraint("game_id", "nickname_key", name="uq_game_players_game_nickname"),
        UniqueConstraint("game_id", "user_id", name="uq_game_players_game_user"),
    )

    id: int | None = Field(default=None, primary_key=True)
    game_id: int = Field(foreign_key="games.id", ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="users.id", index=True, ondelete="CASCADE")
    nickname: str = Field(sa_type=String(24))
    nickname_key: str = Field(sa_type=String(24))  # casefolded: "Ana" and "ana" are one nickname
    score: int = Field(default=0)
    correct_count: int = Field(default=0)
    joined_at: datetime = Field(sa_type=UTCDateTime)
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    kicked: bool = Field(default=False)
    # Open gameUpdated streams of this player over all API processes: > 0 means connected.
    connections: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class GameQuestion(SQLModel, table=True):
    """The frozen order of a game's problems (shuffled or not) and the option order players see."""

    __tablename__ = "game_questions"
    __table_args__ = (UniqueConstraint("game_id", "position", name="uq_game_questions_game_position"),)

    id: int | None = Field(default=None, primary_key=True)
    game_id: int = Field(foreign_key="games.id", ondelete="CASCADE")
    position: int
    problem_id: int = Field(foreign_key="problems.id", index=True)
    option_order: list[int] = Field(default_factory=list, sa_type=JSON)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    skipped: bool = Field(default=False)


class GameAnswer(SQLModel, table=True):
    """One answer of one player to one question: the unique (player, question) is the only-once rule."""

    __tablename__ = "game_answers"
    __table_args__ = (
        UniqueConstraint("player_id", "question_id", name="uq_game_answers_player_question"),
        Index("ix_game_answers_question", "question_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    game_id: int = Field(foreign_key="games.id", ondelete="CASCADE", index=True)
    question_id: int = Field(foreign_key="game_questions.id", ondelete="CASCADE")
    player_id: int = Field(foreign_key="game_players.id", ondelete="CASCADE")
    idempotency_key: str = Field(sa_type=String(255))
    request_hash: str = Field(sa_type=String(64))
    option_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    number: float | None = Field(default=None)
    text: str | None = Field(default=None, sa_type=Text)
    correct: bool
    points: int
    elapsed_ms: int
    answered_at: datetime = Field(sa_type=UTCDateTime)
