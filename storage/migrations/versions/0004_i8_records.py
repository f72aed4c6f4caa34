"""Withdrawn reports (/huy) and questions that belong to the officer asked.

`status_events.withdraws_id` names the report a withdrawal withdraws; `pending_prompts.officer_id`
is the officer the question was asked of (a question of before this revision has none: void).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("status_events") as batch:
        batch.add_column(sa.Column("withdraws_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_status_events_withdraws_id_status_events"),
                                 "status_events", ["withdraws_id"], ["id"])
    with op.batch_alter_table("pending_prompts") as batch:
        batch.add_column(sa.Column("officer_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_pending_prompts_officer_id_officers"),
                                 "officers", ["officer_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("pending_prompts") as batch:
        batch.drop_constraint(op.f("fk_pending_prompts_officer_id_officers"), type_="foreignkey")
        batch.drop_column("officer_id")
    with op.batch_alter_table("status_events") as batch:
        batch.drop_constraint(op.f("fk_status_events_withdraws_id_status_events"),
                              type_="foreignkey")
        batch.drop_column("withdraws_id")
