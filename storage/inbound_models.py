"""The log of every message a person sent, kept verbatim before it is acted on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime


class InboundMessage(Base):
    """Every message a person sent, kept verbatim before it is acted on, once per message id.

    Platforms may deliver one message twice (Zalo has no offset); the unique key makes the
    second delivery a no-op, and the log keeps what was sent even when it was refused.
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))  # Channel
    message_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return (
            f"InboundMessage(id={self.id!r}, channel={self.channel!r}, "
            f"message_id={self.message_id!r})"
        )
