"""Indexes for what commands and pages read now.

- `ix_tasks_key_upper`: commands name a task by its key in any case ("/xong iii.1"), which read
  every task of every plan.
- `ix_assignments_dashboard` (0011) is dropped: the overview reads the running counts (0012),
  not the assignments, and SQLite's planner took the index for the lists that filter by role
  (the pending decisions, an agency's page), reading more rows than without it. Every write of
  an assignment (each report, each tick) updated it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tasks_key_upper", "tasks", [sa.func.upper(sa.column("key"))])
    op.drop_index("ix_assignments_dashboard", table_name="assignments")


def downgrade() -> None:
    op.create_index("ix_assignments_dashboard", "assignments",
                    ["role", "archived", "occurrence_id", "agency_code", "status",
                     "completed_on"])
    op.drop_index("ix_tasks_key_upper", table_name="tasks")
