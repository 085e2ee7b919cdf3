"""Fair XP on the evaluation path: free-text answers graded later earn XP by when they were given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ai import evaluation
from domain.ai.evaluation import Verdict
from domain.models import Answer, Submission, XpEvent
from domain.settings import Settings
from tests.domain.ai.test_evaluation import PASS, setup, submit_free_text


async def test_a_free_text_answer_given_after_the_first_one_earns_no_xp_whatever_the_grading_order(
    session: AsyncSession, settings: Settings, now: datetime
) -> None:
    # the first (pending) answers showed the reference answers; the learner answers again before grading
    learner, fixture, first, first_answers = await setup(session, settings, now)
    second = await submit_free_text(session, learner, fixture, now, key="k2")
    await session.commit()
    second_answers = list(
        (
            await session.execute(select(Answer.id).where(Answer.submission_id == second.id).order_by(Answer.id))
        ).scalars()  # type: ignore[arg-type]
    )

    await evaluation.apply(session, dict.fromkeys(second_answers, Verdict(1.0, "Good.")), PASS, now)
    await evaluation.apply(session, dict.fromkeys(first_answers, Verdict(1.0, "Good.")), PASS, now)
    await session.commit()

    awarded = {
        s.id: s.xp_awarded
        for s in (await session.execute(select(Submission).execution_options(populate_existing=True))).scalars()
    }
    assert awarded == {first.id: 40, second.id: 0}  # two problems of difficulty 2, for the first answers only
    refs = (await session.execute(select(XpEvent.ref).order_by(XpEvent.ref))).scalars().all()
    assert refs == sorted(f"problem:{p.id}" for p in fixture.problems[fixture.lessons[0].id])  # type: ignore[index]
