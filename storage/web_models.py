"""The dashboard's tables: one-time sign-in links and the sessions they open.

Only a hash (SHA-256) of each token is stored: whoever reads the database cannot sign in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class WebLink(Base):
    """A sign-in link an officer asked for; valid until `expires_at`, used once."""

    __tablename__ = "web_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"WebLink(officer_id={self.officer_id!r}, expires_at={self.expires_at!r})"


class WebSession(Base):
    """A signed-in browser: its cookie's hash, the CSRF token of its forms, when it ends."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"WebSession(officer_id={self.officer_id!r}, expires_at={self.expires_at!r})"
