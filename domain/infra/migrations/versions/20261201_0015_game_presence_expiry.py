"""game presence and expiry: game_players.connections, games.last_action_at (issue 16)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("game_players", sa.Column("connections", sa.Integer(), server_default="0", nullable=False))
    op.add_column("games", sa.Column("last_action_at", domain.models.base.UTCDateTime(timezone=True), nullable=True))
    # Games already under way count as acting at their last known moment.
    op.execute("UPDATE games SET last_action_at = COALESCE(finished_at, started_at, created_at)")
    op.create_index("ix_games_state_last_action", "games", ["state", "last_action_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_games_state_last_action", table_name="games")
    with op.batch_alter_table("games") as batch:
        batch.drop_column("last_action_at")
    with op.batch_alter_table("game_players") as batch:
        batch.drop_column("connections")
