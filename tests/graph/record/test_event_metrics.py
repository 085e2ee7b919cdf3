"""`learnql_learning_events_total{kind}` counts the learning events a submission wrote, once it committed:
a replay writes none and counts none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from domain.models import LearningEvent, ProblemKind
from domain.settings import Settings
from tests.factories import make_course, make_user
from tests.graph.conftest import Api
from tests.graph.learning.test_submissions import SUBMIT, lesson_input
from tests.metrics import scrape

KINDS = ("ANSWER_SUBMITTED", "ANSWER_GRADED", "XP_AWARDED", "STREAK_EXTENDED")


async def test_written_events_are_counted_by_kind_once_committed(
    api: Api, session: AsyncSession, settings: Settings, now: datetime
) -> None:
    learner = await make_user(session, settings, now)
    fixture = await make_course(session, now, kinds=(ProblemKind.SINGLE_CHOICE, ProblemKind.NUMERIC))  # graded at once
    await session.commit()
    token = api.token(learner, now)
    before = await scrape(api.http)

    first = await api.data(SUBMIT, lesson_input(fixture, "m-1"), token=token)
    again = await api.data(SUBMIT, lesson_input(fixture, "m-1"), token=token)  # a replay writes nothing
    assert not first["submitAnswers"]["replayed"]
    assert again["submitAnswers"]["replayed"]
    after = await scrape(api.http)

    query = select(col(LearningEvent.type), func.count()).where(col(LearningEvent.user_id) == learner.id)
    stored = dict((await session.execute(query.group_by(col(LearningEvent.type)))).all())
    assert set(KINDS) <= set(stored), stored
    for kind, count in stored.items():
        grew = after.value("learnql_learning_events_total", kind=kind) - before.value(
            "learnql_learning_events_total", kind=kind
        )
        assert grew == count, kind
