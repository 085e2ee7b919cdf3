from datetime import datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import CardState, Rating
from .fragments import ReviewCardFields, UserErrorFields


class ReviewCard(BaseModel):
    review_card: "ReviewCardReviewCard" = Field(alias="reviewCard")


class ReviewCardReviewCard(BaseModel):
    replayed: bool
    card: Optional["ReviewCardReviewCardCard"]
    review: Optional["ReviewCardReviewCardReview"]
    errors: list["ReviewCardReviewCardErrors"]


ReviewCardReviewCardCard = ReviewCardFields


class ReviewCardReviewCardReview(BaseModel):
    id: str
    rating: Rating
    reviewed_at: datetime = Field(alias="reviewedAt")
    state_before: CardState = Field(alias="stateBefore")
    state_after: CardState = Field(alias="stateAfter")
    xp_awarded: int = Field(alias="xpAwarded")


ReviewCardReviewCardErrors = UserErrorFields
ReviewCard.model_rebuild()
ReviewCardReviewCard.model_rebuild()
