"""Start the Telegram channel: build the application, poll or serve the webhook, register the
transport; stop it cleanly. bot/app.py calls `telegram_channel` with what it needs, nothing more."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import asynccontextmanager
from datetime import tzinfo

from bot import texts
from bot.channels.base import Transport, Undelivered
from bot.channels.telegram import inbound as channel
from bot.channels.telegram.inbound import Migrated
from bot.channels.telegram.transport import TelegramTransport
from bot.commands import CommandLayer

CHANNEL = "telegram"


@asynccontextmanager
async def telegram_channel(
    token: str, api_url: str, commands: CommandLayer, transports: MutableMapping[str, Transport],
    *, tz: tzinfo, webhook_url: str | None, webhook_port: int,
    on_undelivered: Undelivered, on_migrated: Migrated, on_down: Callable[[str], None],
    attempts: int | None = None, interval: float | None = None,
) -> AsyncIterator[None]:
    """Run the channel inside the block; `transports["telegram"]` sends through it.

    Polling when `webhook_url` is None, else PTB's webhook server on `webhook_port`.
    `on_down(reason)` is told when Telegram refuses the token while polling.
    """
    application = channel.build_telegram_application(token, api_url, commands,
                                                      on_undelivered=on_undelivered,
                                                      on_migrated=on_migrated, tz=tz)
    attempts = attempts or channel.STARTUP_ATTEMPTS
    interval = interval if interval is not None else channel.STARTUP_INTERVAL
    transports[CHANNEL] = TelegramTransport(application.bot, on_migrated)
    if webhook_url is None:
        def refused() -> None:
            on_down(texts.TELEGRAM_TOKEN_REJECTED)

        async with channel.polling(application, attempts=attempts, interval=interval,
                                   on_token_refused=refused):
            yield
        return
    await channel.initialize(application, attempts=attempts, interval=interval)
    async with application:
        await channel.set_command_menu(application.bot)
        updater = application.updater
        assert updater is not None
        # A fresh secret each start: Telegram echoes it in a header, PTB rejects calls without it.
        await channel.bootstrap(updater.start_webhook(
            listen="0.0.0.0", port=webhook_port, url_path="telegram",
            webhook_url=f"{webhook_url}/telegram",
            secret_token=secrets.token_urlsafe(32), bootstrap_retries=attempts - 1),
            attempts=attempts)
        await application.start()
        try:
            yield
        finally:
            await updater.stop()
            await application.stop()
