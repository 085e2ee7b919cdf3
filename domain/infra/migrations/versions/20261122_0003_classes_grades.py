"""classes grades: classes with join codes, their members and courses; grades

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("instructor_id", sa.Integer(), nullable=False),
        sa.Column("join_code", sa.String(length=32), nullable=False),
        sa.Column("created_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instructor_id"], ["users.id"], name=op.f("fk_classes_instructor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classes")),
        sa.UniqueConstraint("join_code", name=op.f("uq_classes_join_code")),
    )
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_classes_instructor_id"), ["instructor_id"], unique=False)

    op.create_table(
        "class_courses",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["classes.id"], name=op.f("fk_class_courses_class_id_classes")),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], name=op.f("fk_class_courses_course_id_courses")),
        sa.PrimaryKeyConstraint("class_id", "course_id", name=op.f("pk_class_courses")),
    )
    op.create_table(
        "class_members",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["class_id"], ["classes.id"], name=op.f("fk_class_members_class_id_classes")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_class_members_user_id_users")),
        sa.PrimaryKeyConstraint("class_id", "user_id", name=op.f("pk_class_members")),
    )
    with op.batch_alter_table("class_members", schema=None) as batch_op:
        batch_op.create_index("ix_class_members_user_id", ["user_id"], unique=False)

    op.create_table(
        "grades",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=True),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("graded_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("max_score > 0", name=op.f("ck_grades_max_score_positive")),
        sa.CheckConstraint("score >= 0 AND score <= max_score", name=op.f("ck_grades_score_in_range")),
        sa.ForeignKeyConstraint(["class_id"], ["classes.id"], name=op.f("fk_grades_class_id_classes")),
        sa.ForeignKeyConstraint(["lesson_id"], ["lessons.id"], name=op.f("fk_grades_lesson_id_lessons")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_grades_recorded_by_users")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_grades_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_grades_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grades")),
        sa.UniqueConstraint("class_id", "external_id", name="uq_grades_class_external_id"),
        sa.UniqueConstraint("submission_id", name="uq_grades_submission_id"),
    )
    with op.batch_alter_table("grades", schema=None) as batch_op:
        batch_op.create_index("ix_grades_lesson_user", ["lesson_id", "user_id"], unique=False)
        batch_op.create_index("ix_grades_user_graded", ["user_id", "graded_at"], unique=False)

    # covering index for item analysis (see domain/models/classes.py)
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_answers_submission_problem_score", ["submission_id", "problem_id", "score"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_submission_problem_score")

    with op.batch_alter_table("grades", schema=None) as batch_op:
        batch_op.drop_index("ix_grades_user_graded")
        batch_op.drop_index("ix_grades_lesson_user")

    op.drop_table("grades")
    with op.batch_alter_table("class_members", schema=None) as batch_op:
        batch_op.drop_index("ix_class_members_user_id")

    op.drop_table("class_members")
    op.drop_table("class_courses")
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classes_instructor_id"))

    op.drop_table("classes")
