"""Outbox: a queued message is ready at once (not_before only for a retry); pieces delivered.

`not_before` becomes nullable: NULL means "ready now", whatever clock the queuing process read;
only a retry sets it. `pieces_sent` counts the pieces of a long message the platform already
confirmed, so a retry resumes at the first unsent one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("not_before", existing_type=sa.DateTime(timezone=True),
                           nullable=True)
        batch.add_column(sa.Column("pieces_sent", sa.Integer(), nullable=False,
                                   server_default="0"))
    # Messages never tried were ready when queued: a clock ahead of the sender's held them.
    op.execute("UPDATE outbox SET not_before = NULL WHERE status = 'queued' AND attempts = 0")


def downgrade() -> None:
    op.execute("UPDATE outbox SET not_before = created_at WHERE not_before IS NULL")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("pieces_sent")
        batch.alter_column("not_before", existing_type=sa.DateTime(timezone=True),
                           nullable=False)
