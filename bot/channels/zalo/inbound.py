"""The Zalo channel: long polling or a webhook in, the command layer, replies out."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from bot import texts
from bot.channels.base import (
    Attachment,
    ChannelDown,
    OutMessage,
    StartupError,
    TransportError,
    Undelivered,
)
from bot.channels.zalo.client import (
    POLL_TIMEOUT,
    ZaloClient,
    ZaloUpdate,
    parse_update,
)
from bot.channels.zalo.transport import ZaloTransport
from bot.commands import CommandLayer, Incoming
from bot.evidence import MAX_SIZE as EVIDENCE_MAX_SIZE
from bot.evidence import download_path
from bot.web import answer, secret_matches

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_WEBHOOK_BODY = 1_000_000  # bytes; a Zalo update is a few hundred
WEBHOOK_HANDLING_TIMEOUT = 30.0  # seconds the endpoint waits for a handler before answering
# getUpdates has no offset and may hand the same update back at once: without a floor between
# polls, a replaying server was polled 735 times in 2 seconds.
MIN_POLL_INTERVAL = 0.5  # seconds from the start of one poll to the start of the next
STARTUP_ATTEMPTS = 5  # tries of the start-up call (deleteWebhook or setWebhook)
STARTUP_INTERVAL = 1.0  # seconds before the first retry, doubled after each

T = TypeVar("T")


class ZaloChannel:
    """Turn Zalo updates into Incoming for the command layer and send its replies back."""

    def __init__(self, client: ZaloClient, commands: CommandLayer, *,
                 seen_cache_size: int = 1000, poll_timeout: int = POLL_TIMEOUT,
                 backoff_base: float = 1.0, backoff_cap: float = 60.0,
                 min_poll_interval: float = MIN_POLL_INTERVAL,
                 on_undelivered: Undelivered | None = None,
                 evidence_dir: Path | None = None) -> None:
        self.client = client
        self.evidence_dir = evidence_dir  # NHACVIEC_EVIDENCE_DIR: images are downloaded here
        self.commands = commands
        self.on_undelivered = on_undelivered
        self.transport = ZaloTransport(client)
        self.poll_timeout = poll_timeout
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.min_poll_interval = min_poll_interval
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_cache_size = seen_cache_size

    async def poll_forever(self, stop: asyncio.Event) -> None:
        """Long-poll getUpdates and handle each update until `stop` is set.

        Transient errors back off (Zalo's retry_after, else exponentially up to backoff_cap);
        ChannelDown (the token was rejected) is raised: polling again cannot help. Polls start
        at least `min_poll_interval` apart.
        """
        loop = asyncio.get_running_loop()
        failures = 0
        next_poll = loop.time()
        while not stop.is_set():
            wait = next_poll - loop.time()
            if wait > 0:
                await _sleep_unless_stopped(wait, stop)
                if stop.is_set():
                    return
            next_poll = loop.time() + self.min_poll_interval
            try:
                polled = await _unless_stopped(self.client.get_updates(self.poll_timeout), stop)
            except TransportError as exc:
                if isinstance(exc, ChannelDown) or exc.permanent:
                    raise
                failures += 1
                delay = exc.retry_after or min(self.backoff_cap,
                                               self.backoff_base * 2 ** (failures - 1))
                log.warning(texts.LOG_ZALO_POLL_RETRY, exc.message, delay)
                await _sleep_unless_stopped(delay, stop)
                continue
            if polled is None:
                return  # stopped
            failures = 0
            update = polled[0]
            if update is not None:
                await self._handle_safely(update)

    async def handle_payload(self, payload: object) -> None:
        """Handle a raw update body (wrapped or flat), logging failures; ignore non-updates."""
        update = parse_update(payload)
        if update is None:
            log.info(texts.LOG_ZALO_NOT_AN_UPDATE)
            return
        await self._handle_safely(update)

    async def handle_update(self, update: ZaloUpdate) -> None:
        """Answer one update once: text goes to the command layer, anything else gets a hint."""
        if self._already_seen(update.message_id):
            # Routine: getUpdates hands updates back (no offset), so this is no news.
            log.debug(texts.LOG_ZALO_SEEN, update.message_id)
            return
        attachment = (Attachment("photo", url=update.photo) if update.photo is not None
                      else None)
        text = (update.caption or "") if attachment is not None else update.text
        if attachment is not None and self.evidence_dir is not None:
            attachment = await self._download(attachment, update.message_id, self.evidence_dir)
        if text is None:
            await self.transport.send(OutMessage(update.chat_id, texts.NOT_TEXT_HINT))
            return
        incoming = Incoming(channel="zalo", chat_id=update.chat_id,
                            display_name=update.display_name, text=text,
                            message_id=update.message_id, attachment=attachment)
        # The command layer is synchronous (database work): keep it off the event loop.
        replies = await asyncio.to_thread(self.commands.handle, incoming)
        for reply in replies:
            message = OutMessage(update.chat_id, reply.text, reply.buttons,
                                 file_ref=reply.file_ref)
            try:
                await self.transport.send(message)
            except TransportError as exc:
                if exc.permanent or self.on_undelivered is None:
                    raise
                log.warning(texts.LOG_ZALO_REPLY_QUEUED, exc.message)
                await asyncio.to_thread(self.on_undelivered, "zalo",
                                        replace(message, first_piece=exc.pieces_sent))

    async def _download(self, attachment: Attachment, message_id: str,
                        folder: Path) -> Attachment:
        """Return the image with the path of its copy in `folder` (its size and type read on
        the way), or as it was if it could not be fetched: the URL is kept either way."""
        assert attachment.url is not None
        # Zalo gives an image no id of its own: the message's names the copy.
        path = download_path(folder, replace(attachment, file_unique_id=f"zalo-{message_id}"),
                             attachment.url)
        try:
            size, kind = await self.client.download(attachment.url, path, EVIDENCE_MAX_SIZE)
        except (TransportError, OSError) as exc:
            log.warning(texts.LOG_EVIDENCE_DOWNLOAD_FAILED, message_id, exc)
            return attachment
        mime = kind.split(";")[0].strip() if kind else None
        if size > EVIDENCE_MAX_SIZE:
            return replace(attachment, size=size, mime_type=mime)  # refused as too big
        return replace(attachment, size=size, mime_type=mime, stored_path=str(path))

    async def _handle_safely(self, update: ZaloUpdate) -> None:
        # One bad update or one failed reply must not stop the loop for everybody else.
        try:
            await self.handle_update(update)
        except TransportError as exc:
            log.warning(texts.LOG_ZALO_REPLY_FAILED, update.message_id, exc.message)
        except Exception:
            log.exception(texts.LOG_ZALO_HANDLING_FAILED, update.message_id)
            # As on Telegram: the person hears that it failed, not silence.
            with contextlib.suppress(TransportError):
                await self.transport.send(OutMessage(update.chat_id, texts.GENERIC_ERROR))

    def _already_seen(self, message_id: str) -> bool:
        # Marked before handling: a duplicate arriving mid-handling must not apply twice.
        if message_id in self._seen:
            self._seen.move_to_end(message_id)
            return True
        self._seen[message_id] = None
        if len(self._seen) > self._seen_cache_size:
            self._seen.popitem(last=False)
        return False


async def _unless_stopped(awaitable: Awaitable[T], stop: asyncio.Event) -> tuple[T] | None:
    """Return `(result,)` of `awaitable`, or None (cancelling it) if `stop` is set first."""
    work = asyncio.ensure_future(awaitable)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        if not work.done():
            work.cancel()
    if not work.done() or work.cancelled():
        return None
    return (work.result(),)


async def _sleep_unless_stopped(delay: float, stop: asyncio.Event) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=delay)


async def starting(call: Callable[[], Awaitable[object]], *, attempts: int = STARTUP_ATTEMPTS,
                   interval: float = STARTUP_INTERVAL) -> None:
    """Run a start-up call, retrying what may pass (network, 403, 5xx).

    Raise StartupError with the operator's line if the token is refused, or if the call still
    fails after `attempts` tries.
    """
    for attempt in range(1, attempts + 1):
        try:
            await call()
            return
        except ChannelDown as exc:
            raise StartupError(exc.message) from None
        except TransportError as exc:
            if attempt == attempts:
                raise StartupError(texts.server_unreachable(
                    "zalo", "ZALO_API_URL", attempts, exc.message)) from None
            delay = interval * 2 ** (attempt - 1)
            log.warning(texts.LOG_ZALO_RETRY, exc.message, delay)
            await asyncio.sleep(delay)


async def start_webhook_mode(client: ZaloClient, public_url: str, secret: str) -> dict[str, Any]:
    """Register `public_url` as the bot's webhook with `secret`; return Zalo's answer."""
    if not 8 <= len(secret) <= 256:
        raise ValueError(texts.ZALO_WEBHOOK_SECRET_LENGTH)
    if not public_url.startswith("https://"):
        raise ValueError(texts.ZALO_WEBHOOK_URL_NOT_HTTPS)
    return await client.set_webhook(public_url, secret)


async def start_polling_mode(client: ZaloClient) -> None:
    """Remove any webhook: getUpdates does not work while one is set."""
    await client.delete_webhook()


class ZaloWebhook:
    """The endpoint `POST /zalo` of the bot's web app: hands webhook updates to the channel.

    It answers 403 without reading the body when X-Bot-Api-Secret-Token is wrong, 413 to a body
    over MAX_WEBHOOK_BODY, 200 to anything it ignores (bad JSON, unknown shape), and 200 once an
    update has been handled (or after WEBHOOK_HANDLING_TIMEOUT, the handling going on).
    """

    def __init__(self, channel: ZaloChannel, secret: str) -> None:
        if not secret:
            raise ValueError(texts.ZALO_WEBHOOK_SECRET_EMPTY)
        self.channel = channel
        self.secret = secret
        self._handling: set[asyncio.Task[None]] = set()

    async def __call__(self, request: Request) -> Response:
        if not secret_matches(request.headers.get(SECRET_HEADER), self.secret):
            # The body is never read, so the connection cannot be reused.
            return _closing(answer(403))
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_WEBHOOK_BODY:
            return _closing(answer(413))
        raw = await request.body()
        if len(raw) > MAX_WEBHOOK_BODY:
            return _closing(answer(413))
        await self.handle_body(raw)
        return answer(200)

    async def handle_body(self, raw: bytes) -> None:
        """Handle the JSON body `raw` and wait for it (at most a while); ignore bad JSON."""
        try:
            payload = json.loads(raw)
        except ValueError:
            log.info(texts.LOG_ZALO_WEBHOOK_NOT_JSON)
            return
        task = asyncio.create_task(self.channel.handle_payload(payload))
        self._handling.add(task)
        task.add_done_callback(self._handling.discard)
        done, _ = await asyncio.wait({task}, timeout=WEBHOOK_HANDLING_TIMEOUT)
        if not done:
            log.warning(texts.LOG_ZALO_WEBHOOK_SLOW,
                        WEBHOOK_HANDLING_TIMEOUT)


def _closing(response: Response) -> Response:
    response.headers["Connection"] = "close"
    return response
