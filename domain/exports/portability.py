"""A learner's own data as one JSON document, for portability (GDPR art. 20): their profile, then
one section per table that holds their rows, streamed a row at a time.

The sections are a list: a new table of a learner's data is one more `Section`, and a test fails
while a table with a foreign key to users is neither a section nor in `NOT_EXPORTED`. Rows are the
tables' own columns (ids are the database's numbers; times ISO 8601 in UTC), minus what is no one's
business to carry away: password hashes, token versions, request hashes.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from domain.analytics.sql import table
from domain.exports.streaming import stream_rows
from domain.models import (
    Answer,
    Class,
    ClassMember,
    Course,
    Game,
    GameAnswer,
    GamePlayer,
    Grade,
    Job,
    LearningEvent,
    LessonProgress,
    ReviewCard,
    ReviewLog,
    ReviewParameters,
    ReviewSettings,
    Submission,
    TutorMessage,
    TutorThread,
    User,
    XpEvent,
)

FORMAT = "learnql-export"
VERSION = 1
SECRET_COLUMNS = frozenset({"password_hash", "token_version", "request_hash"})
# Tables with a foreign key to users that are not the user's data: ended tokens are bookkeeping;
# alerts, mutes and alert thresholds are their instructors' working records about a class.
NOT_EXPORTED = frozenset({"revoked_tokens", "instructor_alerts", "alert_mutes", "class_alert_settings"})


@dataclass(frozen=True)
class Section:
    """One key of the document: the rows of `table` that `query(user_id)` selects."""

    name: str
    table: str
    query: Callable[[int], Select[Any]]


def _columns(model: type[SQLModel]) -> list[Any]:
    return [column for column in table(model).c if column.name not in SECRET_COLUMNS]


def owned(name: str, model: type[SQLModel], owner: str = "user_id") -> Section:
    """The rows of `model` whose `owner` column is the user, in primary-key order."""
    source = table(model)
    return Section(
        name,
        source.name,
        lambda user_id: (
            select(*_columns(model)).where(source.c[owner] == user_id).order_by(*source.primary_key.columns)
        ),
    )


def _game_answers(user_id: int) -> Select[Any]:
    answers, players = table(GameAnswer), table(GamePlayer)
    return (
        select(*_columns(GameAnswer))
        .join(players, players.c.id == answers.c.player_id)
        .where(players.c.user_id == user_id)
        .order_by(answers.c.id)
    )


SECTIONS: list[Section] = [
    owned("submissions", Submission),
    owned("answers", Answer),
    owned("xpEvents", XpEvent),
    owned("lessonProgress", LessonProgress),
    owned("grades", Grade),
    owned("reviewSettings", ReviewSettings),
    owned("reviewCards", ReviewCard),
    owned("reviewLogs", ReviewLog),
    owned("reviewParameters", ReviewParameters),
    owned("classMemberships", ClassMember),
    owned("classesTaught", Class, "instructor_id"),
    owned("coursesOwned", Course, "owner_id"),
    owned("tutorThreads", TutorThread),
    owned("tutorMessages", TutorMessage),
    owned("gamesPlayed", GamePlayer),
    Section("gameAnswers", table(GameAnswer).name, _game_answers),
    owned("gamesHosted", Game, "host_id"),
    owned("jobs", Job, "created_by"),
    owned("learningEvents", LearningEvent),
]


def _json(mapping: dict[str, Any]) -> str:
    """orjson writes datetimes and dates as ISO 8601 itself, several times faster than json."""
    return orjson.dumps(mapping).decode()


async def document(session: AsyncSession, user_id: int, now: datetime) -> AsyncIterator[str]:
    """The JSON document in pieces (one per row at most); they concatenate to one JSON object."""
    profile = (await session.execute(select(*_columns(User)).where(table(User).c.id == user_id))).one()
    head = {"format": FORMAT, "version": VERSION, "exportedAt": now.isoformat()}
    yield _json(head)[:-1] + ', "profile": ' + _json(dict(profile._mapping))
    for section in SECTIONS:
        yield f", {json.dumps(section.name)}: ["
        separator = ""
        async for row in stream_rows(session, section.query(user_id)):
            yield separator + _json(dict(row._mapping))
            separator = ", "
        yield "]"
    yield "}"
