"""The dashboard's sign-in: one-time links (10 minutes) and the sessions they open.

A token is 256 random bits given once to the person; the database keeps its SHA-256 only. A
link is spent by a conditional UPDATE, so two clicks (or two processes) open one session.
Functions take the session first and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from storage.models import Officer
from storage.web_models import WebLink, WebSession

LINK_TTL = timedelta(minutes=10)
SESSION_TTL = timedelta(hours=8)  # one working day
TOKEN_BYTES = 32


class LinkErrorReason(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"  # the officer was revoked since


class LinkError(Exception):
    """A link cannot open a session; `reason` says why."""

    def __init__(self, reason: LinkErrorReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Opened:
    """A session a link opened: the cookie's value (given once) and the stored session."""

    token: str
    session: WebSession


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_link(session: Session, officer_id: int, now: datetime,
                ttl: timedelta = LINK_TTL) -> str:
    """Store a new sign-in link of an active officer; return its token (shown once).

    Raise LookupError if no active officer has `officer_id`.
    """
    officer = session.get(Officer, officer_id)
    if officer is None or not officer.active:
        raise LookupError(officer_id)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(WebLink(token_hash=token_hash(token), officer_id=officer.id, created_at=now,
                        expires_at=now + ttl))
    session.flush()
    return token


def check_link(session: Session, token: str, now: datetime) -> Officer:
    """Return the officer the link `token` would sign in, without spending it. Raise LinkError."""
    link = session.get(WebLink, token_hash(token))
    if link is None:
        raise LinkError(LinkErrorReason.UNKNOWN)
    if link.used_at is not None:
        raise LinkError(LinkErrorReason.USED)
    if link.expires_at <= now:
        raise LinkError(LinkErrorReason.EXPIRED)
    officer = session.get(Officer, link.officer_id)
    if officer is None or not officer.active:
        raise LinkError(LinkErrorReason.REVOKED)
    return officer


def redeem_link(session: Session, token: str, now: datetime,
                ttl: timedelta = SESSION_TTL) -> Opened:
    """Spend the link `token` and open a session valid `ttl`. Raise LinkError (nothing changes)."""
    officer = check_link(session, token, now)
    hashed = token_hash(token)
    # An UPDATE returns a CursorResult, which Session.execute's annotation does not say.
    result = cast("CursorResult[Any]", session.execute(
        update(WebLink)
        .where(WebLink.token_hash == hashed, WebLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        raise LinkError(LinkErrorReason.USED)  # another click spent it first
    cookie = secrets.token_urlsafe(TOKEN_BYTES)
    opened = WebSession(token_hash=token_hash(cookie), officer_id=officer.id,
                        csrf_token=secrets.token_urlsafe(TOKEN_BYTES), created_at=now,
                        expires_at=now + ttl)
    session.add(opened)
    session.flush()
    return Opened(cookie, opened)


def signed_in(session: Session, cookie: str | None,
              now: datetime) -> tuple[WebSession, Officer] | None:
    """Return the live session of a cookie and its officer (still active), or None."""
    if not cookie:
        return None
    found = session.get(WebSession, token_hash(cookie))
    if found is None or found.ended_at is not None or found.expires_at <= now:
        return None
    officer = session.get(Officer, found.officer_id)
    if officer is None or not officer.active:
        return None
    return found, officer


def end_session(session: Session, cookie: str | None, now: datetime) -> bool:
    """Sign the session of `cookie` out; return False if there was none to end."""
    if not cookie:
        return False
    found = session.get(WebSession, token_hash(cookie))
    if found is None or found.ended_at is not None:
        return False
    found.ended_at = now
    session.flush()
    return True
