"""review_parameters: each learner's fitted FSRS parameters and their held-out log losses (issue 18)

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_parameters",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=True),
        sa.Column("fitted_parameters", sa.JSON(), nullable=False),
        sa.Column("default_log_loss", sa.Float(), nullable=False),
        sa.Column("fitted_log_loss", sa.Float(), nullable=False),
        sa.Column("review_count", sa.Integer(), nullable=False),
        sa.Column("fitted_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_review_parameters_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_review_parameters")),
    )


def downgrade() -> None:
    op.drop_table("review_parameters")
