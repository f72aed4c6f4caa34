"""Start the Zalo channel: the client, webhook or polling mode, the transport; stop it cleanly.
bot/app.py calls `zalo_channel` with what it needs, nothing more."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path

from bot.channels.base import Transport, TransportError, Undelivered
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.inbound import (
    STARTUP_ATTEMPTS,
    STARTUP_INTERVAL,
    ZaloChannel,
    ZaloWebhook,
    start_polling_mode,
    start_webhook_mode,
    starting,
)
from bot.channels.zalo.transport import ZaloTransport
from bot.commands import CommandLayer
from bot.web import WebApp

CHANNEL = "zalo"


@asynccontextmanager
async def zalo_channel(
    token: str, api_url: str, commands: CommandLayer, transports: MutableMapping[str, Transport],
    stop: asyncio.Event, *, webhook_url: str | None, webhook_secret: str | None,
    web: WebApp | None, on_undelivered: Undelivered, on_down: Callable[[str], None],
    attempts: int | None = None, interval: float | None = None,
    evidence_dir: Path | None = None,
) -> AsyncIterator[None]:
    """Run the channel inside the block; `transports["zalo"]` sends through it.

    The webhook (`POST /zalo` on the bot's web app `web`) when `webhook_url`, `webhook_secret`
    and `web` are set, else long polling until `stop`; `on_down(reason)` is told when polling
    ends on a rejected token.
    """
    attempts = attempts or STARTUP_ATTEMPTS
    interval = interval if interval is not None else STARTUP_INTERVAL
    async with ZaloClient(token, api_url) as client:
        channel = ZaloChannel(client, commands, on_undelivered=on_undelivered,
                              evidence_dir=evidence_dir)
        if webhook_url and webhook_secret and web is not None:
            web.mount(CHANNEL, ZaloWebhook(channel, webhook_secret))
            try:
                await starting(lambda: start_webhook_mode(client, webhook_url, webhook_secret),
                               attempts=attempts, interval=interval)
                transports[CHANNEL] = ZaloTransport(client)
                yield
            finally:
                web.unmount(CHANNEL)
            return
        await starting(lambda: start_polling_mode(client), attempts=attempts, interval=interval)
        transports[CHANNEL] = ZaloTransport(client)
        polling_task = asyncio.create_task(channel.poll_forever(stop))

        def stop_if_failed(task: asyncio.Task[None]) -> None:
            # A rejected token ends polling: the Zalo channel stops (the others go on), and the
            # operator and the coordinators hear it once.
            if not task.cancelled() and task.exception() is not None:
                error = task.exception()
                on_down(error.message if isinstance(error, TransportError) else repr(error))

        polling_task.add_done_callback(stop_if_failed)
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(Exception):
                await polling_task
