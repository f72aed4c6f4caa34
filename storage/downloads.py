"""One-time download links: a report file kept under the hash of a random token, for a while.

The token itself is never stored: the link holds it, the table its SHA-256. A link opens once,
within its lifetime; `take` marks it used by a conditional UPDATE, so two clicks at once get the
file once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import DownloadLink

LINK_LIFETIME = timedelta(hours=24)


class Refused(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Download:
    filename: str
    content: bytes


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_link(session: Session, filename: str, content: bytes, now: datetime,
                officer_id: int | None = None,
                lifetime: timedelta = LINK_LIFETIME) -> tuple[str, datetime]:
    """Keep `content` under a new token; return the token and when the link expires."""
    token = secrets.token_urlsafe(24)
    expires = now + lifetime
    # Files behind links that can no longer open are not kept.
    session.execute(update(DownloadLink)
                    .where(DownloadLink.expires_at <= now, DownloadLink.used_at.is_(None))
                    .values(content=b"").execution_options(synchronize_session=False))
    session.add(DownloadLink(token_hash=token_hash(token), officer_id=officer_id,
                             filename=filename, content=content, expires_at=expires))
    session.flush()
    return token, expires


def take(session: Session, token: str, now: datetime) -> Download | Refused:
    """Return the file of `token` and mark the link used, or why it is refused."""
    digest = token_hash(token)
    link = session.scalar(select(DownloadLink).where(DownloadLink.token_hash == digest))
    if link is None:
        return Refused.UNKNOWN
    if link.used_at is not None:
        return Refused.USED
    if link.expires_at <= now:
        return Refused.EXPIRED
    download = Download(link.filename, link.content)
    # Used once, then the file is not kept.
    claimed = session.execute(
        update(DownloadLink)
        .where(DownloadLink.id == link.id, DownloadLink.used_at.is_(None))
        .values(used_at=now, content=b"")
        .execution_options(synchronize_session=False))
    if getattr(claimed, "rowcount", 0) != 1:
        return Refused.USED  # another click took it first
    return download
