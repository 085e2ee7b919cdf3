"""answers: the (user, problem) index also holds the submission, so a learner's first answer to a
problem is one index entry (catalog.answered_problems, issue 15)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_answers_user_problem_submission", "answers", ["user_id", "problem_id", "submission_id"], unique=False
    )
    op.drop_index("ix_answers_user_problem", table_name="answers")


def downgrade() -> None:
    op.create_index("ix_answers_user_problem", "answers", ["user_id", "problem_id"], unique=False)
    op.drop_index("ix_answers_user_problem_submission", table_name="answers")
