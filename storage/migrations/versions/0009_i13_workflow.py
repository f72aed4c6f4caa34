"""The follow-up workflow: extension requests and due dates in force, confirmed completions.

`extension_requests` keeps every change of an assignment's due date (asked, decided or set
directly); `assignments.due_override` is the due date in force when one was approved,
`assignments.reported_done_on` the day a completion awaiting confirmation was reported;
`plans.confirm_done` says the plan's completions wait for the coordinator's confirmation.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


def _utc() -> sa.DateTime:
    # storage.models.UTCDateTime stores through this type; migrations do not import the models.
    return sa.DateTime(timezone=True)

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("confirm_done", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("due_override", sa.Date(), nullable=True))
        batch.add_column(sa.Column("reported_done_on", sa.Date(), nullable=True))
    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("previous_due", sa.Date(), nullable=False),
        sa.Column("requested_due", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _utc(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", _utc(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decision_event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"],
                                name=op.f("fk_extension_requests_assignment_id_assignments")),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"],
                                name=op.f("fk_extension_requests_officer_id_officers")),
        sa.ForeignKeyConstraint(["decided_by"], ["officers.id"],
                                name=op.f("fk_extension_requests_decided_by_officers")),
        sa.ForeignKeyConstraint(["event_id"], ["status_events.id"],
                                name=op.f("fk_extension_requests_event_id_status_events")),
        sa.ForeignKeyConstraint(
            ["decision_event_id"], ["status_events.id"],
            name=op.f("fk_extension_requests_decision_event_id_status_events")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_requests")),
    )
    op.create_index(op.f("ix_extension_requests_assignment_id"), "extension_requests",
                    ["assignment_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_extension_requests_assignment_id"), table_name="extension_requests")
    op.drop_table("extension_requests")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("reported_done_on")
        batch.drop_column("due_override")
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("confirm_done")
