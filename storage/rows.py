"""Running bulk statements."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.orm import Session


def rows_changed(session: Session, statement: Any) -> int:
    """Run an UPDATE and return how many rows it changed."""
    # Session.execute is annotated as returning Result; an UPDATE gives a CursorResult.
    result = cast("CursorResult[Any]",
                  session.execute(statement.execution_options(synchronize_session=False)))
    return result.rowcount

