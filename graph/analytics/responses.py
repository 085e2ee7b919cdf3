"""Problem.answerAnalysis: Moodle's response analysis of one problem, for its course's staff."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from domain import policies
from domain.analytics import responses as domain
from domain.analytics.rules import FLAG_MIN_LEARNERS, KEY_REJECTED_SHARE, LOW_DISCRIMINATION
from domain.errors import Invalid
from graph.content.types import Option
from graph.context import Context


@strawberry.enum(description=f"What an author should look at in a problem; none below {FLAG_MIN_LEARNERS} learners.")
class AnswerAnalysisFlag(Enum):
    NEGATIVE_DISCRIMINATION = strawberry.enum_value(
        "NEGATIVE_DISCRIMINATION", description="Weaker learners do better on it than stronger ones (r < 0)."
    )
    LOW_DISCRIMINATION = strawberry.enum_value(
        "LOW_DISCRIMINATION",
        description=f"It barely separates weak from strong learners (0 <= r < {LOW_DISCRIMINATION}).",
    )
    UNUSED_DISTRACTOR = strawberry.enum_value("UNUSED_DISTRACTOR", description="A wrong option nobody picks.")
    KEY_REJECTED_BY_HIGH_SCORERS = strawberry.enum_value(
        "KEY_REJECTED_BY_HIGH_SCORERS",
        description=f"Fewer than {KEY_REJECTED_SHARE:.0%} of the top ability quartile give a correct answer "
        "(a choice problem: pick a correct option): check the key.",
    )


@strawberry.type(description="How often one option was picked, overall and per ability quartile.")
class OptionAnalysis:
    correct: bool
    picks: int = strawberry.field(description="Learners whose first answer picked it.")
    share: float | None = strawberry.field(description="picks / learners, 0..1; null without learners.")
    picks_by_quartile: list[int] = strawberry.field(description="Picks per ability quartile, lowest first (4 numbers).")
    rejected_by_high_scorers: bool = strawberry.field(
        description="A correct option the top quartile mostly leaves out."
    )
    option_row: strawberry.Private[Any]

    @strawberry.field
    def option(self) -> Option:
        return Option.from_model(self.option_row)


@strawberry.type(description="A wrong short-text answer and how many learners gave it.")
class WrongAnswerCount:
    text: str = strawberry.field(description="Normalised as grading compares: case, width, spaces, edge punctuation.")
    count: int


@strawberry.type(
    description="Response analysis of a problem over each learner's first graded answer. Ability is a "
    "learner's mean score over their first answers to the lesson's problems; quartiles split the learners "
    "who answered the problem by it (1 lowest). See the guide, Classes and analytics."
)
class AnswerAnalysis:
    learners: int = strawberry.field(description="Learners with a graded answer to the problem.")
    learners_by_quartile: list[int] = strawberry.field(description="Learners per ability quartile, lowest first.")
    facility_index: float | None = strawberry.field(description="Mean score 0..1; null without learners.")
    discrimination_index: float | None = strawberry.field(
        description="Pearson r of the problem's score with the rest of the lesson score, -1..1; null when "
        "either does not vary."
    )
    median_duration_ms: float | None = strawberry.field(
        description="Median of the durations learners reported (AnswerInput.durationMs); null without any."
    )
    timed_answers: int = strawberry.field(description="First answers that reported a duration.")
    options: list[OptionAnalysis] = strawberry.field(description="Choice problems: every option in order.")
    flags: list[AnswerAnalysisFlag]
    wrong: strawberry.Private[list[domain.WrongAnswer]]

    @strawberry.field(
        description=f"Short-text problems: the most frequent wrong answers, most frequent first (at most "
        f"{domain.MAX_WRONG_ANSWERS})."
    )
    def wrong_answers(self, first: int = 10) -> list[WrongAnswerCount]:
        if not 0 <= first <= domain.MAX_WRONG_ANSWERS:
            raise Invalid(f"`first` must be between 0 and {domain.MAX_WRONG_ANSWERS}.", field=["first"])
        return [WrongAnswerCount(text=w.text, count=w.count) for w in self.wrong[:first]]

    @classmethod
    def from_domain(cls, analysis: domain.AnswerAnalysis, options: dict[int, Any]) -> AnswerAnalysis:
        learners = analysis.learners
        return cls(
            learners=learners,
            learners_by_quartile=list(analysis.learners_by_quartile),
            facility_index=analysis.facility_index,
            discrimination_index=analysis.discrimination_index,
            median_duration_ms=analysis.median_duration_ms,
            timed_answers=analysis.timed_answers,
            options=[
                OptionAnalysis(
                    correct=o.correct,
                    picks=o.picks,
                    share=o.picks / learners if learners else None,
                    picks_by_quartile=list(o.picks_by_quartile),
                    rejected_by_high_scorers=o.rejected_by_high_scorers,
                    option_row=options[o.option_id],
                )
                for o in analysis.options
                if o.option_id in options
            ],
            flags=[AnswerAnalysisFlag(flag.value) for flag in analysis.flags],
            wrong=analysis.wrong_answers,
        )


async def answer_analysis(info: Info[Context, Any], problem_id: int, lesson_id: int) -> AnswerAnalysis | None:
    """The analysis for the course's staff (policies.can_view_answer_analysis), null for anyone else."""
    loaders = info.context.loaders
    viewer = await info.context.viewer()
    if viewer is None:
        return None
    lesson = await loaders.lesson_by_id.load(lesson_id)
    course = await loaders.course_by_id.load(lesson.course_id) if lesson is not None else None
    if course is None or not policies.can_view_answer_analysis(viewer, course):
        return None
    analysis = await loaders.answer_analysis_by_problem.load(problem_id)
    if analysis is None:
        return None
    options = {o.id: o for o in await loaders.options_by_problem.load(problem_id)}
    return AnswerAnalysis.from_domain(analysis, options)
