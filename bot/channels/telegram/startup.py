"""Start the Telegram channel: build the application, poll or serve the webhook, register the
transport; stop it cleanly. bot/app.py calls `telegram_channel` with what it needs, nothing more."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import AsyncIterator, Callable, MutableMapping
from contextlib import asynccontextmanager
from datetime import tzinfo
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from telegram import Bot, Update
from telegram.error import InvalidToken, TelegramError

from bot import texts
from bot.channels.base import StartupError, Transport, Undelivered
from bot.channels.telegram import inbound as channel
from bot.channels.telegram.inbound import Migrated
from bot.channels.telegram.transport import TelegramTransport
from bot.commands import CommandLayer
from bot.web import WebApp, answer, secret_matches

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@asynccontextmanager
async def telegram_channel(
    token: str, api_url: str, commands: CommandLayer, transports: MutableMapping[str, Transport],
    *, tz: tzinfo, webhook_url: str | None, web: WebApp | None,
    on_undelivered: Undelivered, on_migrated: Migrated, on_down: Callable[[str], None],
    attempts: int | None = None, interval: float | None = None,
    evidence_dir: Path | None = None,
) -> AsyncIterator[None]:
    """Run the channel inside the block; `transports["telegram"]` sends through it.

    Polling when `webhook_url` or `web` is None, else the webhook `POST /telegram` on the bot's
    web app `web` (the application runs without PTB's updater).
    `on_down(reason)` is told when Telegram refuses the token while polling.
    """
    application = channel.build_telegram_application(token, api_url, commands,
                                                      on_undelivered=on_undelivered,
                                                      on_migrated=on_migrated, tz=tz,
                                                      updater=webhook_url is None or web is None,
                                                      evidence_dir=evidence_dir)
    attempts = attempts or channel.STARTUP_ATTEMPTS
    interval = interval if interval is not None else channel.STARTUP_INTERVAL
    transports[CHANNEL] = TelegramTransport(application.bot, on_migrated)
    if webhook_url is None or web is None:
        def refused() -> None:
            on_down(texts.TELEGRAM_TOKEN_REJECTED)

        async with channel.polling(application, attempts=attempts, interval=interval,
                                   on_token_refused=refused):
            yield
        return
    await channel.initialize(application, attempts=attempts, interval=interval)
    async with application:
        await channel.set_command_menu(application.bot)
        # A fresh secret each start: Telegram echoes it in a header, the endpoint refuses calls
        # without it.
        secret = secrets.token_urlsafe(32)
        web.mount(CHANNEL, TelegramWebhook(application, secret))
        try:
            await register_webhook(application.bot, f"{webhook_url}/telegram", secret,
                                   attempts=attempts, interval=interval)
            await application.start()
            try:
                yield
            finally:
                await application.stop()
        finally:
            web.unmount(CHANNEL)


class TelegramWebhook:
    """The endpoint `POST /telegram` of the bot's web app, as PTB's custom-webhook example.

    403 unless X-Telegram-Bot-Api-Secret-Token is the secret given to setWebhook (compared in
    constant time), 400 to a body that is not an update, else 200 once the update is queued.
    """

    def __init__(self, application: channel.TelegramApplication, secret: str) -> None:
        self.application = application
        self.secret = secret

    async def __call__(self, request: Request) -> Response:
        if not secret_matches(request.headers.get(SECRET_HEADER), self.secret):
            return answer(403)
        try:
            data = json.loads(await request.body())
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.info(texts.LOG_TELEGRAM_WEBHOOK_NOT_UPDATE)
            return answer(400)
        await self.application.update_queue.put(update)
        return answer(200)


async def register_webhook(bot: Bot, url: str, secret: str, *, attempts: int,
                           interval: float) -> None:
    """setWebhook with `secret`, retrying what may pass; raise StartupError if it cannot."""
    for attempt in range(1, attempts + 1):
        try:
            await bot.set_webhook(url=url, secret_token=secret)
            return
        except InvalidToken:
            raise StartupError(texts.TELEGRAM_TOKEN_REJECTED) from None
        except TelegramError as exc:  # the network, a 5xx, flood control: may pass
            if attempt == attempts:
                raise StartupError(texts.server_unreachable(
                    "telegram", "TELEGRAM_API_URL", attempts, type(exc).__name__)) from None
        delay = interval * 2 ** (attempt - 1)
        log.warning(texts.LOG_TELEGRAM_SETWEBHOOK_RETRY, delay)
        await asyncio.sleep(delay)
