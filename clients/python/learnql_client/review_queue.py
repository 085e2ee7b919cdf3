from pydantic import Field

from .base_model import BaseModel
from .fragments import ReviewCardFields


class ReviewQueue(BaseModel):
    review_queue: list["ReviewQueueReviewQueue"] = Field(alias="reviewQueue")


ReviewQueueReviewQueue = ReviewCardFields
ReviewQueue.model_rebuild()
