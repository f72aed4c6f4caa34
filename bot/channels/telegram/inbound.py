"""The Telegram channel: one composition function for the python-telegram-bot Application."""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Any

from telegram import Bot, BotCommand, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    filters,
)

from bot import answers, texts
from bot.channels.base import (
    Attachment,
    OutMessage,
    StartupError,
    TransportError,
    Undelivered,
)
from bot.channels.telegram.transport import TelegramTransport, redact
from bot.commands import CommandLayer, Incoming, Reply
from bot.evidence import download_path, refusal

# Start-up calls (getMe, deleteWebhook/setWebhook) are retried on network failures: PTB's own
# bootstrap_retries default is 0 since 21.11, so one hiccup at start would stop the bot.
STARTUP_ATTEMPTS = 5
STARTUP_INTERVAL = 1.0  # seconds before the first retry, doubled after each
Migrated = Callable[[str, str], Awaitable[None]]
# The name python-telegram-bot gives its polling task (Updater.start_polling).
POLLING_TASK = "Updater:start_polling:polling_task"

log = logging.getLogger(__name__)

# The menu Telegram shows when a person types "/"; aliases stay out of it to keep it short.
COMMAND_MENU: tuple[tuple[str, str], ...] = tuple(
    (name, description) for name, _aliases, description in texts.COMMANDS
)

# The job queue is disabled (the process runs its own APScheduler), hence the final `None`.
TelegramApplication = Application[
    ExtBot[Any], ContextTypes.DEFAULT_TYPE, dict[Any, Any], dict[Any, Any], dict[Any, Any], None
]

# In groups a command may be addressed to one bot: "/done@nhacviec_bot 3".
_ADDRESSED_COMMAND = re.compile(r"^(/\w+)@(\w+)")


def build_telegram_application(
    token: str, api_url: str, commands: CommandLayer, *, rate_limiter: bool = True,
    on_undelivered: Undelivered | None = None, on_migrated: Migrated | None = None,
    tz: tzinfo = UTC, updater: bool = True, evidence_dir: Path | None = None,
) -> TelegramApplication:
    """Return the bot, wired to `commands`, calling `{api_url}/bot{token}/{method}`.

    `tz` is the zone PTB gives the dates it reads (the settings' NHACVIEC_TZ when running).
    Without `updater` (webhook mode) updates come only through `application.update_queue`.
    With `evidence_dir`, files sent with a report are downloaded there (getFile); without it,
    they stay on Telegram and only their file ids are kept.
    """
    # httpx logs every request URL at INFO and python-telegram-bot the API URL at DEBUG, both
    # holding the token: bot.logs keeps them at WARNING and redacts what it prints.
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url.rstrip('/')}/bot")
        .base_file_url(f"{api_url.rstrip('/')}/file/bot")
        .defaults(Defaults(tzinfo=tz))
        .job_queue(None)
        .post_init(_on_post_init)
    )
    if not updater:
        builder = builder.updater(None)
    application: TelegramApplication = (
        builder.rate_limiter(AIORateLimiter()).build() if rate_limiter else builder.build()
    )
    handlers = _Handlers(commands, TelegramTransport(application.bot, on_migrated),
                         on_undelivered, evidence_dir)
    # Order matters: the first matching handler wins.
    # 1. Taps on inline buttons (reminders carry them).
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    # 2. Every text message, commands included: aliases and forms without diacritics (/xong,
    #    /vuongmac) are resolved by the command layer, not by per-command handlers here. Edited
    #    messages are left out so correcting a typo never reports a task twice.
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, handlers.on_text)
    )
    # 3. Documents and photos, their caption the command they go with ("/xong 3 ..."), or
    #    none (the answer to "gửi kèm văn bản?").
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & (filters.Document.ALL | filters.PHOTO),
                       handlers.on_file)
    )
    # 4. Stickers, voice, anything else in a private chat: say that only text is read.
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & ~filters.TEXT,
            handlers.on_not_text,
        )
    )
    # 5. Anything a handler raised: log first, then apologise to the person.
    application.add_error_handler(handlers.on_error)
    return application


async def set_command_menu(bot: Bot) -> None:
    """Publish the Vietnamese command menu. A failure is logged: the menu is a convenience."""
    try:
        await bot.set_my_commands([BotCommand(name, desc) for name, desc in COMMAND_MENU])
    except TelegramError as exc:
        log.warning(texts.LOG_TELEGRAM_COMMANDS_NOT_SET, redact(exc.message, bot.token))


async def initialize(application: TelegramApplication, *, attempts: int = STARTUP_ATTEMPTS,
                     interval: float = STARTUP_INTERVAL) -> None:
    """Initialize the application (getMe), retrying network failures.

    Raise StartupError with the operator's line if the token is refused or the server cannot
    be reached after `attempts` tries.
    """
    for attempt in range(1, attempts + 1):
        try:
            await application.initialize()
            return
        except InvalidToken:
            # PTB's message quotes the token: it must not reach the log.
            raise StartupError(texts.TELEGRAM_TOKEN_REJECTED) from None
        except NetworkError as exc:  # TimedOut included
            if attempt == attempts:
                raise StartupError(texts.server_unreachable(
                    "telegram", "TELEGRAM_API_URL", attempts, type(exc).__name__)) from None
            delay = interval * 2 ** (attempt - 1)
            log.warning(texts.LOG_TELEGRAM_NO_ANSWER,
                        type(exc).__name__, delay)
            await asyncio.sleep(delay)


async def bootstrap(start: Awaitable[object], *, attempts: int = STARTUP_ATTEMPTS) -> None:
    """Await the updater's start (its bootstrap retried by PTB); raise StartupError if it fails."""
    try:
        await start
    except InvalidToken:
        raise StartupError(texts.TELEGRAM_TOKEN_REJECTED) from None
    except NetworkError as exc:
        raise StartupError(texts.server_unreachable(
            "telegram", "TELEGRAM_API_URL", attempts, type(exc).__name__)) from None


def polling_error(token: str) -> Callable[[TelegramError], None]:
    """Return the updater's error callback: one redacted line, not PTB's traceback."""
    def log_it(exc: TelegramError) -> None:
        log.warning(texts.LOG_TELEGRAM_GET_UPDATES, type(exc).__name__,
                    redact(exc.message, token))
    return log_it


@asynccontextmanager
async def polling(
    application: TelegramApplication, *, timeout: int = 10, poll_interval: float = 0.0,
    attempts: int = STARTUP_ATTEMPTS, interval: float = STARTUP_INTERVAL,
    on_token_refused: Callable[[], None] | None = None,
) -> AsyncIterator[TelegramApplication]:
    """Run `application` by long polling inside this block, in the caller's event loop.

    Raise StartupError (before entering the block) if Telegram refuses the token or cannot be
    reached after `attempts` tries. If the token is refused later (revoked while running),
    python-telegram-bot stops polling for good: `on_token_refused` is called.
    """
    await initialize(application, attempts=attempts, interval=interval)
    async with application:
        await set_command_menu(application.bot)
        updater = application.updater
        if updater is None:
            raise RuntimeError("the application was built without an updater")
        await bootstrap(updater.start_polling(
            poll_interval=poll_interval, timeout=timeout, bootstrap_retries=attempts - 1,
            error_callback=polling_error(application.bot.token)), attempts=attempts)
        if on_token_refused is not None:
            _when_polling_refused(on_token_refused)
        await application.start()
        try:
            yield application
        finally:
            # Polling that ended on a revoked token re-raises it here; it was reported then.
            with suppress(InvalidToken):
                await updater.stop()
            await application.stop()


def _when_polling_refused(callback: Callable[[], None]) -> None:
    """Call `callback` if the updater's polling task ends on InvalidToken (it retries all else)."""
    def done(task: asyncio.Task[object]) -> None:
        if not task.cancelled() and isinstance(task.exception(), InvalidToken):
            callback()
    for task in asyncio.all_tasks():
        if task.get_name() == POLLING_TASK:
            task.add_done_callback(done)


async def _on_post_init(application: TelegramApplication) -> None:
    # Runs only under Application.run_polling/run_webhook; `polling()` sets the menu itself.
    await set_command_menu(application.bot)


class _Handlers:
    """The handlers: each builds an Incoming, asks the command layer, sends the replies."""

    def __init__(self, commands: CommandLayer, transport: TelegramTransport,
                 on_undelivered: Undelivered | None, evidence_dir: Path | None = None) -> None:
        self._commands = commands
        self._transport = transport
        self._on_undelivered = on_undelivered
        self._evidence_dir = evidence_dir

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.text is None:
            return
        text = _command_for_this_bot(message.text, context.bot.username)
        if text is None:
            return
        incoming = Incoming(
            channel="telegram",
            chat_id=str(message.chat.id),
            display_name=_display_name(message),
            text=text,
            # Telegram numbers messages per chat.
            message_id=f"{message.chat.id}:{message.message_id}",
        )
        await self._send(incoming.chat_id, await self._ask(incoming))

    async def on_file(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        attachment = _attachment(message)
        if attachment is None:
            return
        text = _command_for_this_bot(message.caption or "", context.bot.username)
        if text is None or (message.chat.type != "private" and not text.startswith("/")):
            return  # another bot's, or a group's file that is no command of ours
        if self._evidence_dir is not None and refusal(attachment) is None:
            attachment = await self._download(context.bot, attachment, self._evidence_dir)
        incoming = Incoming(
            channel="telegram",
            chat_id=str(message.chat.id),
            display_name=_display_name(message),
            text=text,
            message_id=f"{message.chat.id}:{message.message_id}",
            attachment=attachment,
        )
        await self._send(incoming.chat_id, await self._ask(incoming))

    @staticmethod
    async def _download(bot: Bot, attachment: Attachment, folder: Path) -> Attachment:
        """Return `attachment` with the path of its copy in `folder`, or unchanged if Telegram
        would not hand it over (the file id is kept either way)."""
        assert attachment.file_id is not None
        try:
            file = await bot.get_file(attachment.file_id)
            path = download_path(folder, attachment, file.file_path or "")
            await file.download_to_drive(path)
        except (TelegramError, OSError) as exc:
            log.warning(texts.LOG_EVIDENCE_DOWNLOAD_FAILED, attachment.file_unique_id,
                        redact(str(exc), bot.token))
            return attachment
        return replace(attachment, stored_path=str(path))

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        # The message is missing only for very old messages; a private chat's id is the user's.
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        incoming = Incoming(
            channel="telegram",
            chat_id=str(chat_id),
            display_name=query.from_user.full_name,
            text=query.data,
            is_button=True,
            # A tap redelivered (a restart mid-update) must not report twice.
            message_id=f"cb:{query.id}",
        )
        # Answered before the work: Telegram refuses an answer that comes late ("query is too
        # old"), and the work (recording a completion) must neither wait for nor depend on it.
        try:
            await query.answer(text=texts.TAP_RECEIVED)
        except TelegramError as exc:
            log.info(texts.LOG_TELEGRAM_CALLBACK_UNANSWERED, query.id,
                     redact(exc.message, context.bot.token))
        replies = await self._ask(incoming)
        # One rule for every tap: the pressed message loses its buttons (so it cannot be pressed
        # twice by mistake; on a day's message, the tapped item's row) and the answer arrives
        # as a new message.
        if isinstance(query.message, Message) and query.message.reply_markup is not None:
            try:
                await query.edit_message_reply_markup(
                    reply_markup=_markup_after_tap(query.message.reply_markup, query.data))
            except BadRequest as exc:
                # "message is not modified" after a double tap, or "message can't be edited"
                # once it is 48 hours old: the reply below still matters.
                log.info(texts.LOG_TELEGRAM_BUTTONS_KEPT, query.message.message_id, exc)
        await self._send(incoming.chat_id, replies)

    async def on_not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None:
            await self._send(str(update.message.chat.id), [Reply(texts.NOT_TEXT_HINT)])

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        token = context.bot.token
        if update is None and isinstance(error, NetworkError):
            # Polling hiccups: python-telegram-bot retries by itself.
            log.warning(texts.LOG_TELEGRAM_CONNECTION_LOST, redact(str(error), token))
            return
        details = "".join(traceback.format_exception(error)) if error else texts.LOG_UNKNOWN_ERROR
        update_id = update.update_id if isinstance(update, Update) else None
        log.error(texts.LOG_TELEGRAM_UPDATE_FAILED, update_id, redact(details, token))
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        # A tap was answered before its work began: the apology below is all that is left.
        with suppress(TransportError):
            await self._transport.send(
                OutMessage(str(update.effective_chat.id), texts.GENERIC_ERROR)
            )

    async def _ask(self, incoming: Incoming) -> list[Reply]:
        # The command layer is synchronous and touches the database: keep the event loop free.
        return await asyncio.to_thread(self._commands.handle, incoming)

    async def _send(self, chat_id: str, replies: list[Reply]) -> None:
        for reply in replies:
            message = OutMessage(chat_id, reply.text, reply.buttons, file_ref=reply.file_ref,
                                 upload=reply.upload)
            try:
                await self._transport.send(message)
            except TransportError as exc:
                if exc.permanent or self._on_undelivered is None:
                    raise
                log.warning(texts.LOG_TELEGRAM_REPLY_QUEUED,
                            exc.message)
                # The outbox keeps texts: the composition root offers the file another way.
                later = replace(message, first_piece=exc.pieces_sent)
                await asyncio.to_thread(self._on_undelivered, "telegram", later)


def _command_for_this_bot(text: str, bot_username: str) -> str | None:
    """Return the text with "@bot_username" dropped from its command, or None if it is
    addressed to another bot."""
    match = _ADDRESSED_COMMAND.match(text)
    if match is None:
        return text
    if match.group(2).lower() != bot_username.lower():
        return None
    return match.group(1) + text[match.end():]


def _attachment(message: Message) -> Attachment | None:
    """Return the document or photo of `message` as the Bot API describes it (for a photo, its
    largest size), or None."""
    document = message.document
    if document is not None:
        return Attachment("document", file_id=document.file_id,
                          file_unique_id=document.file_unique_id, file_name=document.file_name,
                          mime_type=document.mime_type, size=document.file_size)
    if message.photo:
        largest = message.photo[-1]
        # Telegram re-encodes every photo as JPEG.
        return Attachment("photo", file_id=largest.file_id,
                          file_unique_id=largest.file_unique_id, mime_type="image/jpeg",
                          size=largest.file_size)
    return None


def _display_name(message: Message) -> str:
    if message.from_user is not None:
        return message.from_user.full_name
    return message.chat.full_name or message.chat.title or ""


def _markup_after_tap(markup: InlineKeyboardMarkup, data: str) -> InlineKeyboardMarkup | None:
    """Return the buttons left once `data` was tapped: the other items' rows of a day's
    message, none on any other message."""
    tapped = answers.parse_button(data)
    if tapped is None or tapped.item is None:
        return None
    rows = [row for row in markup.inline_keyboard
            if not any(button.callback_data == data for button in row)]
    return InlineKeyboardMarkup(rows) if rows else None
