"""The one web server of `nhacviec run` (webhooks, /baocao's download links, the dashboard) and
the dashboard over the services: what the composition root starts when a port is set."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from bot import texts
from bot.channels.base import StartupError
from bot.web import WebApp, serve

if TYPE_CHECKING:
    from bot.app import Services
    from bot.dashboard import Dashboard

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def web_server(services: Services) -> AsyncIterator[WebApp | None]:
    """Serve the one web server: the webhooks of the channels receiving by webhook, the
    one-time download links of /baocao when NHACVIEC_WEB_URL is set, and the dashboard when
    NHACVIEC_WEB_PORT is set (then on that port, else NHACVIEC_WEBHOOK_PORT)."""
    from bot.downloads import download_endpoint

    settings = services.settings
    telegram_hook = bool(settings.telegram_token and settings.telegram_webhook_url)
    zalo_hook = bool(settings.zalo_token and settings.zalo_webhook_url
                     and settings.zalo_webhook_secret)
    if not (telegram_hook or zalo_hook or settings.web_port or settings.web_url):
        yield None
        return
    pages = dashboard_of(services) if settings.web_port else None
    web = WebApp(pages.routes() if pages else ())
    web.serve_downloads(download_endpoint(services.sessions, services.clock))
    port = settings.web_port or settings.webhook_port
    try:
        serving = serve(web, "0.0.0.0", port)
        await serving.__aenter__()
    except OSError as exc:
        if pages:
            pages.close()
        reason = exc.strerror or str(exc)
        raise StartupError(texts.WEB_PORT_UNAVAILABLE.format(port=port, reason=reason)
                           if settings.web_port else
                           texts.webhook_port_unavailable(port, reason)) from None
    try:
        yield web
    finally:
        await serving.__aexit__(None, None, None)
        if pages:
            pages.close()


def dashboard_of(services: Services) -> Dashboard:
    """The dashboard over the services' database, clock and command layer."""
    from bot.dashboard import Dashboard

    dashboard = Dashboard(services.engine, services.sessions, services.clock,
                          services.settings.tz, services.commands, services.settings.web_url)
    # Count what changed while no page was served before a visitor waits for it, beside the
    # start-up: every assignment the first time, about a minute at 300,000 (its batches pause
    # for the bot's writes).
    today = services.clock().astimezone(services.settings.tz).date()
    threading.Thread(target=_fold, args=(dashboard, today, services.settings.tz),
                     name="nhacviec-fold", daemon=True).start()
    return dashboard


def _fold(dashboard: Dashboard, today: date, tz: tzinfo) -> None:
    try:
        dashboard.cache.fold(today, tz)
    except Exception:  # the next page folds what is left
        log.warning("could not count the changes for the dashboard at start", exc_info=True)
