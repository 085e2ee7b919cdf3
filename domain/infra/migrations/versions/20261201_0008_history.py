"""history: an index for a user's XP events newest first (User.xpEvents)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Without it PostgreSQL walks the time index of everyone's events backwards until it has a page
    # of this user's: ~9 ms at 220,000 events for a user whose events are older than the others'.
    op.create_index("ix_xp_events_user_created", "xp_events", ["user_id", "created_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_xp_events_user_created", table_name="xp_events")
