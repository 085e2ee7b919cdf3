"""account deletion: every foreign key to users says what happens when the user is deleted (issue 18)

The learner's own rows go with them (ON DELETE CASCADE); what others rely on stays with its author
cleared (ON DELETE SET NULL): courses they own, grades they recorded, games they hosted (so
`games.host_id` becomes nullable).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, action on delete of the user)
RULES: list[tuple[str, str, str]] = [
    ("lesson_progress", "user_id", "CASCADE"),
    ("submissions", "user_id", "CASCADE"),
    ("answers", "user_id", "CASCADE"),
    ("xp_events", "user_id", "CASCADE"),
    ("review_settings", "user_id", "CASCADE"),
    ("review_cards", "user_id", "CASCADE"),
    ("review_logs", "user_id", "CASCADE"),
    ("review_parameters", "user_id", "CASCADE"),
    ("classes", "instructor_id", "CASCADE"),
    ("class_members", "user_id", "CASCADE"),
    ("grades", "user_id", "CASCADE"),
    ("grades", "recorded_by", "SET NULL"),
    ("jobs", "created_by", "CASCADE"),
    ("game_players", "user_id", "CASCADE"),
    ("courses", "owner_id", "SET NULL"),
    ("games", "host_id", "SET NULL"),
]


def _name(table: str, column: str) -> str:
    return f"fk_{table}_{column}_users"


def _sqlite_rewrite(actions: dict[tuple[str, str], str | None], *, host_nullable: bool) -> None:
    """SQLite cannot alter a constraint, and rebuilding a table (alembic's batch mode) would run the
    implicit DELETE of DROP TABLE through the cascades of the tables that reference it (submissions ->
    answers). Changing only a foreign key action or dropping a NOT NULL leaves the stored rows valid,
    so SQLite's documented shortcut applies: edit the table's SQL in sqlite_schema and bump
    schema_version (https://www.sqlite.org/lang_altertable.html, "otherwise simpler procedure")."""
    bind = op.get_bind()
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema=ON")
    tables = {table for table, _ in actions}
    for table in sorted(tables):
        sql = bind.exec_driver_sql("SELECT sql FROM sqlite_schema WHERE type='table' AND name=?", (table,)).scalar_one()
        for (t, column), action in actions.items():
            if t != table:
                continue
            clause = rf"(CONSTRAINT {_name(table, column)} FOREIGN KEY\({column}\) REFERENCES users \(id\))"
            suffix = f" ON DELETE {action}" if action else ""
            sql, count = re.subn(clause + r"( ON DELETE (CASCADE|SET NULL))?", lambda m: m.group(1) + suffix, sql)
            if count != 1:
                raise RuntimeError(f"{table}.{column}: foreign key to users not found in the stored schema")
        if table == "games":
            before, after = ("host_id INTEGER NOT NULL,", "host_id INTEGER,")
            if not host_nullable:
                before, after = after, before
            if before not in sql:
                raise RuntimeError("games.host_id: column definition not found in the stored schema")
            sql = sql.replace(before, after)
        bind.exec_driver_sql("UPDATE sqlite_schema SET sql=? WHERE type='table' AND name=?", (sql, table))
    bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema=OFF")
    problems = bind.exec_driver_sql("PRAGMA integrity_check").scalars().all()
    if problems != ["ok"]:
        raise RuntimeError(f"integrity check failed after the schema edit: {problems}")


def _postgresql(actions: dict[tuple[str, str], str | None]) -> None:
    for (table, column), action in actions.items():
        op.drop_constraint(_name(table, column), table, type_="foreignkey")
        op.create_foreign_key(_name(table, column), table, "users", [column], ["id"], ondelete=action)


def upgrade() -> None:
    actions: dict[tuple[str, str], str | None] = {(t, c): a for t, c, a in RULES}
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rewrite(actions, host_nullable=True)
        return
    op.alter_column("games", "host_id", existing_type=sa.Integer(), nullable=True)
    _postgresql(actions)


def downgrade() -> None:
    actions: dict[tuple[str, str], str | None] = {(t, c): None for t, c, _ in RULES}
    # Games whose host was deleted cannot go back to a NOT NULL host: they go.
    op.execute("DELETE FROM games WHERE host_id IS NULL")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_rewrite(actions, host_nullable=False)
        return
    _postgresql(actions)
    op.alter_column("games", "host_id", existing_type=sa.Integer(), nullable=False)
