"""Scale: a content hash per plan, how far its occurrences reach, and the tick's indexes.

`plans.content_hash` is the hash of the plan and agencies a sync last wrote (NULL: never synced
this way), `plans.synced_until` the day its occurrences were computed up to, so an unchanged plan
is not synced again and occurrences are extended toward the horizon, only the new ones written.
`ix_occurrences_due` and `ix_assignments_status` serve the tick's query of what can be due.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("synced_until", sa.Date(), nullable=True))
    op.create_index("ix_occurrences_due", "occurrences", ["due"])
    op.create_index("ix_assignments_status", "assignments", ["status", "occurrence_id"])


def downgrade() -> None:
    op.drop_index("ix_assignments_status", table_name="assignments")
    op.drop_index("ix_occurrences_due", table_name="occurrences")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("synced_until")
        batch.drop_column("content_hash")
