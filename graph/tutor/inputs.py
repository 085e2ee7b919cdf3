"""Inputs of the tutor mutations."""

from __future__ import annotations

import strawberry

from domain.tutor.threads import AskInput
from graph import ids
from graph.input_limits import text


@strawberry.input(
    description="A message to the tutor: `problemId` starts a thread about that problem, `threadId` continues "
    "one. `clientMessageId` (new for every message, at most 100 characters) makes the send safe to retry."
)
class AskTutorInput:
    message: str = text("tutor_max_message_chars", "What the learner asks.")
    client_message_id: str = text(100, "New for every message; a retry with the same id returns the same message.")
    problem_id: strawberry.ID | None = None
    thread_id: strawberry.ID | None = None
    submission_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of your submissions the new thread is about (optional)."
    )

    def to_domain(self) -> AskInput:
        return AskInput(
            message=self.message,
            client_message_id=self.client_message_id,
            problem_id=None if self.problem_id is None else ids.decode(self.problem_id, "Problem", ["problemId"]),
            thread_id=None if self.thread_id is None else ids.decode(self.thread_id, "TutorThread", ["threadId"]),
            submission_id=None
            if self.submission_id is None
            else ids.decode(self.submission_id, "Submission", ["submissionId"]),
        )


@strawberry.input
class TutorThreadIdInput:
    thread_id: strawberry.ID

    def key(self) -> int:
        return ids.decode(self.thread_id, "TutorThread", ["threadId"])
