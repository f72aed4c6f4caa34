"""The follow-up workflow's table: every change of an assignment's due date."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class ExtensionStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REFUSED = "refused"
    DIRECT = "direct"  # a new due date the coordinator set (/doihan)
    SUPERSEDED = "superseded"  # still open when the coordinator set a due date directly


class ExtensionRequest(Base):
    """A change of an assignment's due date: asked (/giahan) and decided, or set directly
    (/doihan). Kept whatever was decided: the history of the item's due dates."""

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))  # who asked
    previous_due: Mapped[date] = mapped_column(Date)  # the due in force when asked
    requested_due: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # ExtensionStatus
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("status_events.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    decision_event_id: Mapped[int | None] = mapped_column(ForeignKey("status_events.id"))

    def __repr__(self) -> str:
        return (
            f"ExtensionRequest(id={self.id!r}, assignment_id={self.assignment_id!r}, "
            f"requested_due={self.requested_due!r}, status={self.status!r})"
        )
