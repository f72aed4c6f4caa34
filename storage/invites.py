"""Registration: one-time invite codes, redeeming them, listing and revoking officers.

Every invite makes a new officer; a person reachable on two channels redeems two invites and
is two officers of the same agency (both receive the agency's reminders). Functions take the
session first and never commit.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, selectinload

from storage import inbox
from storage.models import AgencyRow, Invite, Officer, OfficerChat, Role

INVITE_TTL = timedelta(days=7)
NAME_MAX_LENGTH = 255  # officers.name
# The name stored for an officer whose chat shows none: data kept in officers.name (and shown
# as-is wherever the officer is named), not a message of storage's own.
DEFAULT_OFFICER_NAME = "Cán bộ {agency}"
INVITE_CODE_BYTES = 16  # 128 random bits; token_urlsafe gives 22 characters of [A-Za-z0-9_-]


class InviteErrorReason(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    ALREADY_REGISTERED = "already_registered"
    CEASED = "ceased"  # the agency no longer exists (succeeded or dissolved)


class InviteError(Exception):
    """An invite cannot be redeemed; `reason` says why."""

    def __init__(self, reason: InviteErrorReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class UnknownAgencyError(LookupError):
    """No agency has this code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CeasedAgencyError(LookupError):
    """The agency no longer exists from `agency.ceased_from` (see storage/agencies.py)."""

    def __init__(self, agency: AgencyRow) -> None:
        super().__init__(agency.code)
        self.agency = agency


def _ceased(agency: AgencyRow, today: date) -> bool:
    return agency.ceased_from is not None and agency.ceased_from <= today


class UnknownOfficerError(LookupError):
    """No officer has this id."""

    def __init__(self, officer_id: int) -> None:
        super().__init__(officer_id)
        self.officer_id = officer_id


def find_agency(session: Session, code: str) -> AgencyRow | None:
    """Return the agency with `code`, compared without regard to case, or None."""
    exact = session.get(AgencyRow, code.strip())
    if exact is not None:
        return exact
    wanted = code.strip().casefold()
    for agency in session.scalars(select(AgencyRow)):
        if agency.code.casefold() == wanted:
            return agency
    return None


def create_invite(
    session: Session, agency_code: str, role: Role, now: datetime, ttl: timedelta = INVITE_TTL,
    *, today: date | None = None,
) -> Invite:
    """Add and return a new invite for `agency_code` and `role`, valid from `now` for `ttl`.

    Raise UnknownAgencyError if no agency has that code (compared without regard to case),
    CeasedAgencyError if it no longer exists on `today` (default: the date of `now`).
    """
    agency = find_agency(session, agency_code)
    if agency is None:
        raise UnknownAgencyError(agency_code)
    if _ceased(agency, today if today is not None else now.date()):
        raise CeasedAgencyError(agency)
    invite = Invite(
        code=secrets.token_urlsafe(INVITE_CODE_BYTES),
        agency_code=agency.code,
        role=Role(role).value,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    session.flush()
    return invite


def create_link_invite(session: Session, officer_id: int, now: datetime,
                       ttl: timedelta = INVITE_TTL) -> Invite:
    """Add an invite that binds one more chat (another channel) to an existing officer.

    Raise UnknownOfficerError if no active officer has `officer_id`.
    """
    officer = session.get(Officer, officer_id)
    if officer is None or not officer.active:
        raise UnknownOfficerError(officer_id)
    invite = Invite(code=secrets.token_urlsafe(INVITE_CODE_BYTES), agency_code=officer.agency_code,
                    role=officer.role, created_at=now, expires_at=now + ttl,
                    officer_id=officer.id)
    session.add(invite)
    session.flush()
    return invite


def invite_link(code: str, bot_username: str | None) -> str | None:
    """Return the Telegram deep link that redeems `code`, or None when the bot is not known."""
    username = (bot_username or "").strip().lstrip("@")
    if not username:
        return None
    return f"https://t.me/{username}?start={code}"


def redeem_invite(
    session: Session, code: str, channel: str, chat_id: str, display_name: str, now: datetime,
    *, today: date | None = None,
) -> Officer:
    """Bind the chat to a new officer of the invite's agency and role; return the officer.

    If the chat already belongs to an active officer of the same agency and role, use up the
    invite and return that officer; of another agency or role, raise ALREADY_REGISTERED. A chat
    of a revoked officer moves to the new one. Raise InviteError UNKNOWN, USED or EXPIRED for a
    code that cannot be used, CEASED when its agency no longer exists on `today` (default: the
    date of `now`).
    """
    invite = session.get(Invite, code.strip())
    if invite is None:
        raise InviteError(InviteErrorReason.UNKNOWN)
    if invite.used_at is not None:
        raise InviteError(InviteErrorReason.USED)
    if now >= invite.expires_at:
        raise InviteError(InviteErrorReason.EXPIRED)
    if _ceased(session.get_one(AgencyRow, invite.agency_code),
               today if today is not None else now.date()):
        raise InviteError(InviteErrorReason.CEASED)  # succeeded or dissolved since the invite

    chat = session.scalars(
        select(OfficerChat).where(OfficerChat.channel == channel, OfficerChat.chat_id == chat_id)
    ).one_or_none()
    if invite.officer_id is not None:
        return _link_chat(session, invite, chat, channel, chat_id, now)
    if chat is not None and chat.officer.active:
        same = chat.officer.agency_code == invite.agency_code and chat.officer.role == invite.role
        if not same:
            raise InviteError(InviteErrorReason.ALREADY_REGISTERED)
        _claim(session, invite, now)
        invite.officer_id = chat.officer_id
        chat.reachable = True
        chat.unreachable_reason = None
        return chat.officer

    _claim(session, invite, now)
    agency = session.get_one(AgencyRow, invite.agency_code)
    name = unicodedata.normalize("NFC", display_name.strip())[:NAME_MAX_LENGTH]
    officer = Officer(
        name=name or DEFAULT_OFFICER_NAME.format(agency=agency.short_name),
        agency_code=invite.agency_code,
        role=invite.role,
        active=True,
        created_at=now,
    )
    session.add(officer)
    _bind_chat(session, chat, channel, chat_id, officer)
    invite.officer_id = officer.id
    session.flush()
    return officer


def _link_chat(session: Session, invite: Invite, chat: OfficerChat | None, channel: str,
               chat_id: str, now: datetime) -> Officer:
    """Bind the chat to the officer the invite was made for (a second channel)."""
    officer = session.get_one(Officer, invite.officer_id)
    if not officer.active:
        raise InviteError(InviteErrorReason.UNKNOWN)
    if chat is not None and chat.officer.active and chat.officer_id != officer.id:
        raise InviteError(InviteErrorReason.ALREADY_REGISTERED)
    _claim(session, invite, now)
    _bind_chat(session, chat, channel, chat_id, officer)
    return officer


def _bind_chat(session: Session, chat: OfficerChat | None, channel: str, chat_id: str,
               officer: Officer) -> None:
    if chat is None:
        chat = OfficerChat(channel=channel, chat_id=chat_id)
        session.add(chat)
    if chat.officer_id is not None and chat.officer_id != officer.id:
        inbox.drop_prompts(session, chat=(channel, chat_id))  # asked of the previous holder
    chat.officer = officer
    chat.reachable = True
    chat.unreachable_reason = None
    session.flush()


def _claim(session: Session, invite: Invite, now: datetime) -> None:
    # A conditional UPDATE, so two chats redeeming the same code at once cannot both win.
    # An UPDATE returns a CursorResult, which Session.execute's annotation does not say.
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(Invite)
            .where(Invite.code == invite.code, Invite.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise InviteError(InviteErrorReason.USED)
    session.refresh(invite)


def list_officers(session: Session) -> list[Officer]:
    """Return every officer, active or not, by id, with agency and chats loaded."""
    return list(
        session.scalars(
            select(Officer)
            .options(selectinload(Officer.chats), selectinload(Officer.agency))
            .order_by(Officer.id)
        )
    )


def revoke_officer(session: Session, officer_id: int) -> Officer:
    """Disable the officer with `officer_id` and return it. Raise UnknownOfficerError if none."""
    officer = session.get(Officer, officer_id)
    if officer is None:
        raise UnknownOfficerError(officer_id)
    officer.active = False
    # A question asked of the officer ("what is the blocker?") is void with the officer.
    inbox.drop_prompts(session, officer_id=officer.id)
    session.flush()
    return officer
