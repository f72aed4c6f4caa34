"""An index on the tasks' keys as every command names them (any case): "/xong 3" found a task
by reading every task of every plan.

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


def downgrade() -> None:
    op.drop_index("ix_tasks_key_upper", table_name="tasks")
