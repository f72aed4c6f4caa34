"""Agencies that change: names valid over periods, dissolution, the handover notices.

`agency_names` holds each name of an agency with the days it is in force (seeded with the name
every agency has now); `agencies.ceased_from` is the day an agency no longer exists (with
`successor_code`/`successor_from`, the agency its open work goes to), `agencies.handover_at`
when the notices of that change were queued.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("ceased_from", sa.Date(), nullable=True))
        batch.add_column(sa.Column("handover_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "agency_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("short_name", sa.String(120), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["agency_code"], ["agencies.code"],
                                name=op.f("fk_agency_names_agency_code_agencies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_names")),
    )
    op.create_index(op.f("ix_agency_names_agency_code"), "agency_names", ["agency_code"])
    op.execute("INSERT INTO agency_names (agency_code, name, short_name, source) "
               "SELECT code, name, short_name, 'file' FROM agencies")


def downgrade() -> None:
    op.drop_index(op.f("ix_agency_names_agency_code"), table_name="agency_names")
    op.drop_table("agency_names")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("handover_at")
        batch.drop_column("ceased_from")
