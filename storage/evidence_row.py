"""The evidence table: files, photos and links that came with a report (issue 13)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class EvidenceRow(Base):
    """A file, photo or link kept with a status event. Append-only, like the events.

    The file itself stays on the platform (`file_id`, or `link` for a Zalo image and a link);
    `stored_path` is set only when the bot was told to download it (NHACVIEC_EVIDENCE_DIR).
    """

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status_event_id: Mapped[int] = mapped_column(ForeignKey("status_events.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # Channel it came by
    kind: Mapped[str] = mapped_column(String(16))  # "document" | "photo" | "link"
    file_id: Mapped[str | None] = mapped_column(String(255))
    file_unique_id: Mapped[str | None] = mapped_column(String(128))
    file_name: Mapped[str | None] = mapped_column(Text)
    mime_type: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int | None] = mapped_column(Integer)
    link: Mapped[str | None] = mapped_column(Text)
    stored_path: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return (
            f"EvidenceRow(id={self.id!r}, status_event_id={self.status_event_id!r}, "
            f"kind={self.kind!r}, file_name={self.file_name!r})"
        )
