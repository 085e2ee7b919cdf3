"""reviews: FSRS review cards, the review log and learner review settings

Revision ID: 0002
Revises: 20a927d5575d
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision: str = "0002"
down_revision: str | None = "20a927d5575d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("desired_retention", sa.Float(), nullable=False),
        sa.Column("maximum_interval", sa.Integer(), nullable=False),
        sa.Column("new_cards_per_day", sa.Integer(), nullable=False),
        sa.Column("reviews_per_day", sa.Integer(), nullable=False),
        sa.Column("learning_steps", sa.JSON(), nullable=False),
        sa.Column("relearning_steps", sa.JSON(), nullable=False),
        sa.Column("updated_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_review_settings_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_review_settings")),
    )
    op.create_table(
        "review_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_review", domain.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("created_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problems.id"], name=op.f("fk_review_cards_problem_id_problems"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_review_cards_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cards")),
        sa.UniqueConstraint("user_id", "problem_id", name="uq_review_cards_user_problem"),
    )
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.create_index("ix_review_cards_problem", ["problem_id"], unique=False)
        batch_op.create_index("ix_review_cards_user_due", ["user_id", "due"], unique=False)

    op.create_table(
        "review_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("elapsed_seconds", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("state_before", sa.String(length=20), nullable=False),
        sa.Column("stability_before", sa.Float(), nullable=True),
        sa.Column("difficulty_before", sa.Float(), nullable=True),
        sa.Column("state_after", sa.String(length=20), nullable=False),
        sa.Column("step_after", sa.Integer(), nullable=True),
        sa.Column("stability_after", sa.Float(), nullable=False),
        sa.Column("difficulty_after", sa.Float(), nullable=False),
        sa.Column("due_after", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("xp_awarded", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["review_cards.id"], name=op.f("fk_review_logs_card_id_review_cards"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_review_logs_submission_id_submissions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_review_logs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_logs")),
        sa.UniqueConstraint("user_id", "idempotency_key", name="uq_review_logs_user_idempotency_key"),
    )
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.create_index("ix_review_logs_card_reviewed", ["card_id", "reviewed_at"], unique=False)
        batch_op.create_index("ix_review_logs_user_reviewed", ["user_id", "reviewed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_review_logs_user_reviewed")
        batch_op.drop_index("ix_review_logs_card_reviewed")

    op.drop_table("review_logs")
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_review_cards_user_due")
        batch_op.drop_index("ix_review_cards_problem")

    op.drop_table("review_cards")
    op.drop_table("review_settings")
