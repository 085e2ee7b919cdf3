"""tutor: tutor_threads and tutor_messages (issue 17)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tutor_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("created_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_tutor_threads_course_id_courses"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"], ["problems.id"], name=op.f("fk_tutor_threads_problem_id_problems"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_tutor_threads_submission_id_submissions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_tutor_threads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tutor_threads")),
    )
    with op.batch_alter_table("tutor_threads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tutor_threads_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tutor_threads_problem_id"), ["problem_id"], unique=False)
        batch_op.create_index("ix_tutor_threads_user_updated", ["user_id", "updated_at", "id"], unique=False)

    op.create_table(
        "tutor_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("client_message_id", sa.String(length=100), nullable=True),
        sa.Column("reply_to_id", sa.Integer(), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reply_to_id"],
            ["tutor_messages.id"],
            name=op.f("fk_tutor_messages_reply_to_id_tutor_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["tutor_threads.id"],
            name=op.f("fk_tutor_messages_thread_id_tutor_threads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_tutor_messages_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tutor_messages")),
        sa.UniqueConstraint("reply_to_id", name="uq_tutor_messages_reply_to_id"),
        sa.UniqueConstraint("user_id", "client_message_id", name="uq_tutor_messages_user_client_message_id"),
    )
    with op.batch_alter_table("tutor_messages", schema=None) as batch_op:
        batch_op.create_index("ix_tutor_messages_thread_id", ["thread_id", "id"], unique=False)
        batch_op.create_index("ix_tutor_messages_user_created", ["user_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tutor_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_tutor_messages_user_created")
        batch_op.drop_index("ix_tutor_messages_thread_id")

    op.drop_table("tutor_messages")
    with op.batch_alter_table("tutor_threads", schema=None) as batch_op:
        batch_op.drop_index("ix_tutor_threads_user_updated")
        batch_op.drop_index(batch_op.f("ix_tutor_threads_problem_id"))
        batch_op.drop_index(batch_op.f("ix_tutor_threads_course_id"))

    op.drop_table("tutor_threads")
