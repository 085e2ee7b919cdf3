"""reviews (issue placeholder: filled in by the change that needs it)

Revision ID: 0002
Revises: 20a927d5575d
Create Date: 2026-11-22
"""

from collections.abc import Sequence

revision: str = "0002"
down_revision: str | None = "20a927d5575d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
