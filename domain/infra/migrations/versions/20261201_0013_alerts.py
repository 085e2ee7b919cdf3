"""alerts: instructor_alerts, class_alert_settings and alert_mutes (issue 18, part 5)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.models.base

revision: str = "0013"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = "closed_at IS NULL"


def upgrade() -> None:
    op.create_table(
        "instructor_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", domain.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", domain.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
            name=op.f("fk_instructor_alerts_acknowledged_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_instructor_alerts_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_instructor_alerts_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instructor_alerts")),
    )
    with op.batch_alter_table("instructor_alerts", schema=None) as batch_op:
        batch_op.create_index(
            "uq_instructor_alerts_open",
            ["class_id", "student_id", "kind"],
            unique=True,
            postgresql_where=sa.text(_OPEN),
            sqlite_where=sa.text(_OPEN),
        )
        batch_op.create_index("ix_instructor_alerts_class_created", ["class_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_instructor_alerts_student_id", ["student_id"], unique=False)

    op.create_table(
        "class_alert_settings",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("low_mean", sa.Float(), nullable=False),
        sa.Column("min_grades", sa.Integer(), nullable=False),
        sa.Column("declining_slope_per_week", sa.Float(), nullable=False),
        sa.Column("declining_change_30_days", sa.Float(), nullable=False),
        sa.Column("failing_streak", sa.Integer(), nullable=False),
        sa.Column("failing_score", sa.Float(), nullable=False),
        sa.Column("inactive_days", sa.Integer(), nullable=False),
        sa.Column("updated_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_class_alert_settings_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_class_alert_settings_updated_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("class_id", name=op.f("pk_class_alert_settings")),
    )

    op.create_table(
        "alert_mutes",
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("muted_by", sa.Integer(), nullable=True),
        sa.Column("muted_at", domain.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"], ["classes.id"], name=op.f("fk_alert_mutes_class_id_classes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["muted_by"], ["users.id"], name=op.f("fk_alert_mutes_muted_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_alert_mutes_student_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("class_id", "student_id", name=op.f("pk_alert_mutes")),
    )


def downgrade() -> None:
    op.drop_table("alert_mutes")
    op.drop_table("class_alert_settings")
    with op.batch_alter_table("instructor_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_instructor_alerts_student_id")
        batch_op.drop_index("ix_instructor_alerts_class_created")
        batch_op.drop_index("uq_instructor_alerts_open")
    op.drop_table("instructor_alerts")
