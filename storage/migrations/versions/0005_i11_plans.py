"""Several plans: a short code per plan, its own send time, archiving, tracking from a day.

`plans.code` is filled for stored plans with their id in capitals (unique, and written the same
way on SQLite and PostgreSQL, offline too), then made unique; the next sync writes the plan's
own code (`code:` in its file, else the id's first part in capitals: "ND32").

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("code", sa.String(64), nullable=True))
        batch.add_column(sa.Column("send_at", sa.String(5), nullable=True))
        batch.add_column(sa.Column("archived", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("track_from", sa.Date(), nullable=True))
    # The id in capitals is unique already; the next sync sets the plan's own code ("ND32").
    op.execute("UPDATE plans SET code = upper(id)")
    with op.batch_alter_table("plans") as batch:
        batch.alter_column("code", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint(op.f("uq_plans_code"), ["code"])


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_constraint(op.f("uq_plans_code"), type_="unique")
        batch.drop_column("track_from")
        batch.drop_column("archived")
        batch.drop_column("send_at")
        batch.drop_column("code")
