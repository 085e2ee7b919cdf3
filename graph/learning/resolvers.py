"""LearningMutation: submitAnswers and submitAnswer."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from domain.errors import DomainError, Invalid
from domain.learning import answer_checks, regrade, submissions
from graph import ids
from graph.context import Context
from graph.errors import UserError
from graph.input_limits import text as limited
from graph.learning.types import Submission


@strawberry.input(description="An answer to one problem: optionIds for choice kinds, number or text otherwise.")
class AnswerInput:
    problem_id: strawberry.ID
    option_ids: list[strawberry.ID] | None = None
    number: float | None = None
    text: str | None = limited(answer_checks.MAX_TEXT_LENGTH, default=None)
    duration_ms: int | None = strawberry.field(
        default=None,
        description=f"Optional: milliseconds the learner spent on the problem, 0..{answer_checks.MAX_DURATION_MS} "
        "(an hour); out of range is INVALID. Not part of the idempotency fingerprint.",
    )
    confidence: int | None = strawberry.field(
        default=None,
        description="Optional: how sure the learner was, 1 (guessing) .. 5 (certain); out of range is INVALID. "
        "Not part of the idempotency fingerprint.",
    )

    def to_domain(self, field: list[str]) -> submissions.AnswerInput:
        return submissions.AnswerInput(
            problem_id=ids.decode(self.problem_id, "Problem", [*field, "problemId"]),
            option_ids=None
            if self.option_ids is None
            else ids.decode_many(self.option_ids, "Option", [*field, "optionIds"]),
            number=self.number,
            text=self.text,
            duration_ms=self.duration_ms,
            confidence=self.confidence,
        )


@strawberry.input
class SubmitAnswersInput:
    lesson_id: strawberry.ID
    idempotency_key: str = limited(submissions.MAX_KEY_LENGTH, "Unique per user; a retry with the same key replays.")
    answers: list[AnswerInput]

    def to_domain(self) -> submissions.SubmissionRequest:
        return submissions.SubmissionRequest(
            idempotency_key=self.idempotency_key,
            lesson_id=ids.decode(self.lesson_id, "Lesson", ["lessonId"]),
            answers=tuple(a.to_domain(["answers", str(i)]) for i, a in enumerate(self.answers)),
        )


@strawberry.input
class SubmitAnswerInput:
    problem_id: strawberry.ID
    idempotency_key: str = limited(submissions.MAX_KEY_LENGTH, "Unique per user; a retry with the same key replays.")
    answer: AnswerInput

    def to_domain(self) -> submissions.SubmissionRequest:
        problem_id = ids.decode(self.problem_id, "Problem", ["problemId"])
        answer = self.answer.to_domain(["answer"])
        if answer.problem_id != problem_id:
            raise Invalid("`answer.problemId` must be the problem being answered.", field=["answer", "problemId"])
        return submissions.SubmissionRequest(
            idempotency_key=self.idempotency_key,
            problem_id=problem_id,
            answers=(answer,),
        )


@strawberry.type
class SubmitAnswersPayload:
    submission: Submission | None = None
    replayed: bool = strawberry.field(
        default=False,
        description="True when this is the stored result of an earlier call.",
    )
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_outcome(cls, outcome: submissions.Outcome) -> SubmitAnswersPayload:
        return cls(
            submission=Submission.from_model(outcome.submission),
            replayed=outcome.replayed,
        )


async def _submit(info: Info[Context, Any], build: Any) -> SubmitAnswersPayload:
    context = info.context
    viewer = await context.require_viewer()

    async def limit() -> None:  # free-text answers queue an AI evaluation: limited per user
        await context.limiter.acquire("ai_evaluations_per_user", str(viewer.id), "answers for AI evaluation")

    try:
        outcome = await context.run(submissions.submit, viewer, build(), context.now(), before_evaluation=limit)
    except DomainError as error:
        return SubmitAnswersPayload(errors=UserError.from_domain(error))
    return SubmitAnswersPayload.from_outcome(outcome)


@strawberry.type
class LearningMutation:
    @strawberry.mutation(description="Submit answers to every problem of a lesson, graded at once (free text later).")
    async def submit_answers(self, info: Info[Context, Any], input: SubmitAnswersInput) -> SubmitAnswersPayload:
        return await _submit(info, input.to_domain)

    @strawberry.mutation(description="Submit the answer to one problem.")
    async def submit_answer(self, info: Info[Context, Any], input: SubmitAnswerInput) -> SubmitAnswersPayload:
        return await _submit(info, input.to_domain)


@strawberry.input
class RegradeProblemInput:
    problem_id: strawberry.ID


@strawberry.type(description="What a regrade changed.")
class RegradePayload:
    regraded: int = strawberry.field(
        default=0, description="Answers whose correctness or score changed; 0 when run again."
    )
    examined: int = strawberry.field(default=0, description="Graded answers re-scored with the current key.")
    submissions: int = strawberry.field(default=0, description="Submissions whose answers changed.")
    xp_awarded: int = strawberry.field(default=0, description="XP given to learners it newly owes (never taken back).")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RegradeMutation:
    @strawberry.mutation(
        description="After fixing a problem's answer key: re-score every stored answer with the current key and "
        "adjust submission scores, grades and lesson progress; award XP learners are newly owed, once, and take "
        "none back. Idempotent: a second run regrades 0. For the course's owner and admins (FORBIDDEN for "
        "others); free-text problems are not regraded (INVALID). Rate-limited per user (RATE_LIMITED)."
    )
    async def regrade_problem(self, info: Info[Context, Any], input: RegradeProblemInput) -> RegradePayload:
        context = info.context
        viewer = await context.require_viewer()

        async def spend() -> None:
            await context.limiter.acquire("regrades_per_user", str(viewer.id), "regrades")

        try:
            problem_id = ids.decode(input.problem_id, "Problem", ["problemId"])
            report = await context.run(regrade.regrade, viewer, problem_id, context.now(), before=spend)
        except DomainError as error:
            return RegradePayload(errors=UserError.from_domain(error))
        return RegradePayload(
            regraded=report.regraded,
            examined=report.examined,
            submissions=report.submissions,
            xp_awarded=report.xp_awarded,
        )
