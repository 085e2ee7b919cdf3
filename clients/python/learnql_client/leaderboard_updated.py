from pydantic import Field

from .base_model import BaseModel
from .fragments import LeaderboardFields


class LeaderboardUpdated(BaseModel):
    leaderboard_updated: "LeaderboardUpdatedLeaderboardUpdated" = Field(
        alias="leaderboardUpdated"
    )


LeaderboardUpdatedLeaderboardUpdated = LeaderboardFields
LeaderboardUpdated.model_rebuild()
