"""/web: a one-time link that signs the officer in to the dashboard (valid 10 minutes)."""

from __future__ import annotations

from bot import texts
from bot.commands.core import Reply, Request
from storage import web_auth

SIGN_IN_PATH = "/vao/"  # the dashboard's sign-in page: SIGN_IN_PATH + token


def sign_in_url(base_url: str, token: str) -> str:
    """Return the link that opens a session: the dashboard's address, the path, the token."""
    return base_url.rstrip("/") + SIGN_IN_PATH + token


def link_text(base_url: str, token: str) -> str:
    minutes = int(web_auth.LINK_TTL.total_seconds() // 60)
    return texts.WEB_LINK.format(minutes=minutes, url=sign_in_url(base_url, token))


def web(request: Request, rest: str) -> list[Reply]:
    officer = request.registered
    if not request.web_url:
        return [Reply(texts.WEB_NOT_CONFIGURED)]
    token = web_auth.create_link(request.session, officer.id, request.now)
    return [Reply(link_text(request.web_url, token))]
