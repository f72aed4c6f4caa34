"""The dashboard's verbs: `web` (serve it alone) and `web-link OFFICER_ID` (a sign-in link)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from bot import texts
from bot.cli.common import database
from bot.cli.people import officer_id_arg

DEFAULT_WEB_PORT = 8080


def _base_url(web_url: str | None, port: int) -> str:
    """NHACVIEC_WEB_URL, or this machine on the dashboard's port when it is not set."""
    return web_url or f"http://localhost:{port}"


def cmd_web_link(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.commands.web import link_text
    from storage import web_auth

    with database() as opened:
        if opened is None:
            return 2
        settings, session = opened
        try:
            token = web_auth.create_link(session, args.officer_id, datetime.now(UTC))
        except LookupError:
            print(texts.CLI_WEB_LINK_UNKNOWN.format(officer_id=args.officer_id), file=sys.stderr)
            return 1
        base = _base_url(settings.web_url, settings.web_port or DEFAULT_WEB_PORT)
        print(link_text(base, token))
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    from bot.cli.run import _services
    from bot.serving import dashboard_of
    from bot.web import WebApp, serve

    services = _services(None, read_only=True)
    if services is None:
        return 2
    settings = services.settings
    port: int = args.port or settings.web_port or DEFAULT_WEB_PORT

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        pages = dashboard_of(services)
        try:
            async with serve(WebApp(pages.routes()), args.host, port) as running:
                print(texts.CLI_WEB_SERVING.format(
                    url=_base_url(settings.web_url, running.port), port=running.port),
                    flush=True)
                await stop.wait()
        except OSError as exc:
            print(texts.WEB_PORT_UNAVAILABLE.format(port=port, reason=exc.strerror or exc),
                  file=sys.stderr)
            return 2
        finally:
            pages.close()
        return 0

    try:
        return asyncio.run(main())
    finally:
        services.engine.dispose()


def _port_arg(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) < 65536:
        raise argparse.ArgumentTypeError(texts.CLI_BAD_PORT.format(value=text))
    return int(text)


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    p = sub.add_parser("web", help=texts.CLI_HELP_WEB)
    p.add_argument("--host", default="0.0.0.0", help=texts.CLI_HELP_WEB_HOST)
    p.add_argument("--port", type=_port_arg, help=texts.CLI_HELP_WEB_PORT)
    p.set_defaults(handler=cmd_web)

    p = sub.add_parser("web-link", help=texts.CLI_HELP_WEB_LINK)
    p.add_argument("officer_id", type=officer_id_arg, metavar="OFFICER_ID",
                   help=texts.CLI_HELP_WEB_LINK_ID)
    p.set_defaults(handler=cmd_web_link)
