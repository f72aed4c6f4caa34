"""The dashboard's pages on the bot's one web server: routes, sign-in, refusals, exports.

Every page is rendered on the server from bot/dashboard/templates; endpoints are plain
functions, so Starlette runs them in its thread pool and the bot's event loop never waits on
the database. `?xuat=xlsx&bang=NAME` on a page downloads one of its tables.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from bot import texts
from bot.commands import Commands
from bot.commands.web import SIGN_IN_PATH
from bot.dashboard import auth, pages, pending
from bot.dashboard.auth import COOKIE, Refused, Viewer, refuse
from bot.dashboard.views import OverviewCache
from storage import web_auth
from storage.db import make_read_engine, make_sessionmaker
from storage.watch import ChangeWatch
from storage.web_auth import LinkError, LinkErrorReason

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The pages load nothing from elsewhere: styles inline, charts inline SVG, no script at all.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'unsafe-inline'; "
                                "img-src 'self' data:; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_LINK_REFUSALS = {
    LinkErrorReason.UNKNOWN: texts.REFUSE_LINK_UNKNOWN,
    LinkErrorReason.USED: texts.REFUSE_LINK_USED,
    LinkErrorReason.EXPIRED: texts.REFUSE_LINK_EXPIRED,
    LinkErrorReason.REVOKED: texts.REFUSE_LINK_REVOKED,
}

PageHandler = Callable[["Context"], Response]
MAX_FORM_BYTES = 16 * 1024  # a note is at most 1000 characters


@dataclass
class Context:
    """One request to a signed-in page: the request, its session, the viewer, the day."""

    request: Request
    session: Session
    who: Viewer
    now: datetime
    today: date
    dashboard: Dashboard


class Dashboard:
    """The dashboard over a database, a clock, the command layer (its actions) and a zone."""

    def __init__(self, engine: Engine, sessions: sessionmaker[Session],
                 clock: Callable[[], datetime], tz: tzinfo, commands: Commands,
                 base_url: str | None) -> None:
        self.sessions = sessions  # sign-in and sign-out write; the actions go through `commands`
        self.read_engine = make_read_engine(engine.url.render_as_string(hide_password=False))
        self.read_sessions = make_sessionmaker(self.read_engine)
        self.clock = clock
        self.tz = tz
        self.commands = commands
        self.secure = (base_url or "").startswith("https://")
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        env = self.templates.env
        env.filters["day"] = texts.day
        env.globals["texts"] = texts
        self.watch = ChangeWatch(engine)
        self.cache = OverviewCache(self.watch, self.read_sessions, sessions)

    def close(self) -> None:
        self.watch.close()
        self.read_engine.dispose()

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/", self._page(pages.overview), methods=["GET"]),
            Route("/co-quan/{code}", self._page(pages.agency), methods=["GET"]),
            Route("/viec/{assignment_id:int}", self._page(pages.item), methods=["GET"]),
            Route("/qua-han", self._page(pages.overdue), methods=["GET"]),
            Route("/cho-xu-ly", self._page(pending.page), methods=["GET"]),
            Route("/cho-xu-ly/{assignment_id:int}", self._page(pending.act), methods=["POST"]),
            Route("/dang-xuat", self._sign_out, methods=["POST"]),
            Route(SIGN_IN_PATH + "{token}", self._sign_in_page, methods=["GET"]),
            Route(SIGN_IN_PATH + "{token}", self._sign_in, methods=["POST"]),
        ]

    # ---- rendering ----

    def render(self, request: Request, name: str, context: dict[str, Any],
               status: int = 200) -> Response:
        response = self.templates.TemplateResponse(request, name, context, status_code=status)
        return secured(response)

    def refusal(self, request: Request, refused: Refused, who: Viewer | None = None) -> Response:
        return self.render(request, "refusal.html",
                           {"title": refused.title, "message": refused.message, "who": who},
                           refused.status)

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _page(self, handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            if request.method == "POST":
                body = b""
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > MAX_FORM_BYTES:
                        return self.refusal(request, refuse(400, texts.REFUSE_CSRF))
                request.scope["nhacviec.body"] = body
            return await run_in_threadpool(run, request)

        def run(request: Request) -> Response:
            now = self._now()
            with self.read_sessions() as session, session.begin():
                found = web_auth.signed_in(session, auth.cookie_value(request), now)
                if found is None:
                    return self.refusal(request, refuse(401, texts.REFUSE_SIGNED_OUT))
                who = auth.viewer(*found)
                context = Context(request, session, who, now, now.astimezone(self.tz).date(),
                                  self)
                try:
                    return handler(context)
                except Refused as refused:
                    return self.refusal(request, refused, who)
        return endpoint

    # ---- signing in and out ----

    def _sign_in_page(self, request: Request) -> Response:
        """Show who the link signs in and one button; a GET spends nothing (link previews)."""
        token = str(request.path_params["token"])
        with self.read_sessions() as session:
            try:
                officer = web_auth.check_link(session, token, self._now())
            except LinkError as error:
                return self.refusal(request, refuse(401, _LINK_REFUSALS[error.reason]))
            return self.render(request, "signin.html", {
                "name": officer.name, "role": texts.ROLE_NAMES.get(officer.role, officer.role),
                "agency": officer.agency.name, "who": None})

    def _sign_in(self, request: Request) -> Response:
        token = str(request.path_params["token"])
        now = self._now()
        with self.sessions() as session, session.begin():
            try:
                opened = web_auth.redeem_link(session, token, now)
            except LinkError as error:
                return self.refusal(request, refuse(401, _LINK_REFUSALS[error.reason]))
            expires = opened.session.expires_at
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, opened.token, max_age=int((expires - now).total_seconds()),
                            expires=expires, path="/", secure=self.secure, httponly=True,
                            samesite="lax")
        return secured(response)

    async def _sign_out(self, request: Request) -> Response:
        body = await request.body()
        request.scope["nhacviec.body"] = body[:MAX_FORM_BYTES]
        return await run_in_threadpool(self._sign_out_now, request)

    def _sign_out_now(self, request: Request) -> Response:
        now = self._now()
        with self.sessions() as session, session.begin():
            found = web_auth.signed_in(session, auth.cookie_value(request), now)
            if found is None:
                return self.refusal(request, refuse(401, texts.REFUSE_SIGNED_OUT))
            try:
                auth.check_csrf(pending.form_of(request).get(auth.CSRF_FIELD),
                                auth.viewer(*found))
            except Refused as refused:
                return self.refusal(request, refused, auth.viewer(*found))
            web_auth.end_session(session, auth.cookie_value(request), now)
        response = self.render(request, "signed_out.html", {"who": None})
        response.delete_cookie(COOKIE, path="/", secure=self.secure, httponly=True,
                               samesite="lax")
        return response


def secured(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
