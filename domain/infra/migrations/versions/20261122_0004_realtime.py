"""realtime: xp_events.course_id and the indexes behind weekly and course leaderboards

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("xp_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("course_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_xp_events_course_user_amount", ["course_id", "user_id", "amount"], unique=False)
        batch_op.create_index("ix_xp_events_created_user_amount", ["created_at", "user_id", "amount"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_xp_events_course_id_courses"), "courses", ["course_id"], ["id"])
    # Answer XP recorded before this revision: its ref is "problem:<id>"; attribute it to the problem's course.
    op.execute(
        """
        UPDATE xp_events SET course_id = (
            SELECT lessons.course_id FROM problems JOIN lessons ON lessons.id = problems.lesson_id
            WHERE CAST(problems.id AS VARCHAR(40)) = SUBSTR(xp_events.ref, 9)
        )
        WHERE reason = 'answer' AND ref LIKE 'problem:%'
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("xp_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_xp_events_course_id_courses"), type_="foreignkey")
        batch_op.drop_index("ix_xp_events_created_user_amount")
        batch_op.drop_index("ix_xp_events_course_user_amount")
        batch_op.drop_column("course_id")
