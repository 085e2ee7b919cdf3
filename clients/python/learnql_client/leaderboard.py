from .base_model import BaseModel
from .fragments import LeaderboardFields


class Leaderboard(BaseModel):
    leaderboard: "LeaderboardLeaderboard"


LeaderboardLeaderboard = LeaderboardFields
Leaderboard.model_rebuild()
