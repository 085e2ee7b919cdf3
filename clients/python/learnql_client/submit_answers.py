from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import SubmissionFields, UserErrorFields


class SubmitAnswers(BaseModel):
    submit_answers: "SubmitAnswersSubmitAnswers" = Field(alias="submitAnswers")


class SubmitAnswersSubmitAnswers(BaseModel):
    replayed: bool
    submission: Optional["SubmitAnswersSubmitAnswersSubmission"]
    errors: list["SubmitAnswersSubmitAnswersErrors"]


SubmitAnswersSubmitAnswersSubmission = SubmissionFields
SubmitAnswersSubmitAnswersErrors = UserErrorFields
SubmitAnswers.model_rebuild()
SubmitAnswersSubmitAnswers.model_rebuild()
