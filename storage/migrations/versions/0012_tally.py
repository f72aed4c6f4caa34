"""The dashboard's running counts: summed steps, the facts counted, the changes to count.

Every existing assignment is noted as changed, so the first count (`storage.tally.drain`)
counts them all; the triggers note each later write.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.tally_triggers import create_statements, drop_statements

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tally_steps",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("agency_code", sa.String(32), nullable=False),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "plan_id", "agency_code", "category",
                                name=op.f("pk_tally_steps")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "tally_totals",
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("agency_code", sa.String(32), nullable=False),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "agency_code", "category",
                                name=op.f("pk_tally_totals")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "tally_facts",
        sa.Column("assignment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("agency_code", sa.String(32), nullable=False),
        sa.Column("opened", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("untracked", sa.Boolean(), nullable=False),
        sa.Column("blocked_from", sa.Date(), nullable=True),
        sa.Column("blocked_until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_tally_facts")),
    )
    op.create_index("ix_tally_facts_due", "tally_facts", ["due"])
    op.create_table(
        "tally_dirty",
        sa.Column("assignment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_tally_dirty")),
    )
    op.create_table(
        "tally_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("monday", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tally_state")),
    )
    op.execute("INSERT INTO tally_state (id, monday) VALUES (1, NULL)")
    op.execute("INSERT INTO tally_dirty (assignment_id, seq) SELECT id, 1 FROM assignments")
    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("tally_state")
    op.drop_table("tally_dirty")
    op.drop_index("ix_tally_facts_due", table_name="tally_facts")
    op.drop_table("tally_facts")
    op.drop_table("tally_totals")
    op.drop_table("tally_steps")
