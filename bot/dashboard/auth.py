"""Who is signed in: the session cookie, the roles as in the chat, CSRF, the refusal pages.

A session is opened by a one-time link (`/web`, `nhacviec web-link`): GET shows a page with one
button, so a link preview fetching the URL spends nothing; its POST spends the link and sets an
HttpOnly cookie (Secure when the dashboard is served over https, SameSite=Lax, expiring with the
session). Every other POST carries the session's CSRF token.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from starlette.requests import Request

from bot import texts
from storage.models import Officer, Role
from storage.web_models import WebSession

COOKIE = "nhacviec_phien"
CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class Viewer:
    """The signed-in officer as the pages need it."""

    officer_id: int
    name: str
    agency_code: str
    role: str
    csrf_token: str
    expires_at: datetime

    @property
    def coordinator(self) -> bool:
        return self.role == Role.COORDINATOR.value

    @property
    def leader(self) -> bool:
        return self.role == Role.LEADER.value

    @property
    def focal(self) -> bool:
        return self.role == Role.FOCAL.value

    @property
    def sees_all(self) -> bool:
        """A coordinator and a leader see every agency; a focal officer its own."""
        return not self.focal

    def may_see(self, agency_code: str) -> bool:
        return self.sees_all or agency_code == self.agency_code


def viewer(web_session: WebSession, officer: Officer) -> Viewer:
    return Viewer(officer.id, officer.name, officer.agency_code, officer.role,
                  web_session.csrf_token, web_session.expires_at)


class Refused(Exception):
    """A page refused: its status (401, 403, 404, 400), title and explanation."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.message = message


def refuse(status: int, words: tuple[str, str], **values: str) -> Refused:
    title, message = words
    return Refused(status, title, message.format(**values))


def check_csrf(presented: str | None, who: Viewer) -> None:
    """Refuse a form that does not carry the session's token (compared in constant time)."""
    if not hmac.compare_digest((presented or "").encode(), who.csrf_token.encode()):
        raise refuse(403, texts.REFUSE_CSRF)


def cookie_value(request: Request) -> str | None:
    return request.cookies.get(COOKIE)


def agency_refusal(session: Session, who: Viewer) -> Refused:
    from storage import people

    agencies = people.agency_names(session)
    own = agencies[who.agency_code].name if who.agency_code in agencies else who.agency_code
    return refuse(403, texts.REFUSE_OTHER_AGENCY, agency=own)
