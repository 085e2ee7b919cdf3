from pydantic import Field

from .base_model import BaseModel
from .fragments import SubmissionFields


class SubmissionGraded(BaseModel):
    submission_graded: "SubmissionGradedSubmissionGraded" = Field(
        alias="submissionGraded"
    )


SubmissionGradedSubmissionGraded = SubmissionFields
SubmissionGraded.model_rebuild()
