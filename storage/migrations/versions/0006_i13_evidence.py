"""Evidence kept with reports: files, photos and links (issue 13).

`evidence` holds what came with a status event (the platform's file id, the file's name, type
and size, a link, and the path of a downloaded copy); `pending_prompts.status_event_id` names
the report a "gửi kèm văn bản?" question is about.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status_event_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=True),
        sa.Column("file_unique_id", sa.String(length=128), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("mime_type", sa.String(length=255), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("stored_path", sa.Text(), nullable=True),
        # storage.models.UTCDateTime stores through this type; migrations do not import the models.
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["status_event_id"], ["status_events.id"],
                                name=op.f("fk_evidence_status_event_id_status_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
    )
    op.create_index(op.f("ix_evidence_status_event_id"), "evidence", ["status_event_id"])
    with op.batch_alter_table("pending_prompts") as batch:
        batch.add_column(sa.Column("status_event_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_pending_prompts_status_event_id_status_events"),
                                 "status_events", ["status_event_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("pending_prompts") as batch:
        batch.drop_constraint(op.f("fk_pending_prompts_status_event_id_status_events"),
                              type_="foreignkey")
        batch.drop_column("status_event_id")
    op.drop_index(op.f("ix_evidence_status_event_id"), table_name="evidence")
    op.drop_table("evidence")
