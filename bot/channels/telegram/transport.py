"""The Telegram transport: deliver an OutMessage through the Bot API and classify its failures."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import MessageLimit
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from bot import answers, texts
from bot.channels.base import (
    Button,
    ChannelDown,
    OutMessage,
    TransportError,
    deliver,
    split_blocks,
    split_message,
)

log = logging.getLogger(__name__)

# Matched case-insensitively inside the error text: python-telegram-bot strips and recapitalises
# the "Bad Request: " prefix, and the Bot API words these slightly differently across methods.
PERMANENT_ERRORS = (
    "bot was blocked by the user",
    "chat not found",
    "user is deactivated",
    "bot can't initiate conversation",
    "bot can't send messages to bots",
    "bot was kicked",
    "bot is not a member",
    "peer_id_invalid",
)
MAX_MESSAGE_LENGTH = MessageLimit.MAX_TEXT_LENGTH  # 4096
MAX_CAPTION_LENGTH = MessageLimit.CAPTION_LENGTH  # 1024


class TelegramTransport:
    """Sends plain text (never parsed as markup) with one inline button per row."""

    channel = "telegram"

    def __init__(self, bot: Bot,
                 on_migrated: Callable[[str, str], Awaitable[None]] | None = None) -> None:
        self._bot = bot
        self._on_migrated = on_migrated

    def pieces(self, message: OutMessage) -> list[OutMessage]:
        """Return the text split on line boundaries to Telegram's limit, buttons on the last.

        A file goes as the last piece: a file the platform holds with the text as its caption if it
        fits one; an uploaded document with the last piece as its caption (1024 at most). A day's
        message is cut between its items, each piece with the buttons of its items.
        """
        if message.upload is not None:
            parts = split_message(message.text, MAX_CAPTION_LENGTH)
            last = len(parts) - 1
            return [OutMessage(message.chat_id, part, message.buttons if index == last else (),
                               upload=message.upload if index == last else None)
                    for index, part in enumerate(parts)]
        if answers.is_daily(message.buttons):
            return [OutMessage(message.chat_id, part, answers.buttons_of_items(
                        message.buttons, {item for block in part.split("\n\n")
                                          if (item := answers.item_of_block(block))}))
                    for part in split_blocks(message.text, MAX_MESSAGE_LENGTH)]
        file_ref = message.file_ref
        if file_ref is not None and len(message.text) <= MAX_CAPTION_LENGTH:
            return [message]
        parts = split_message(message.text, MAX_MESSAGE_LENGTH)
        last = len(parts) - 1
        pieces = [OutMessage(message.chat_id, part,
                             message.buttons if index == last and file_ref is None else ())
                  for index, part in enumerate(parts)]
        if file_ref is not None:
            pieces.append(OutMessage(message.chat_id, "", message.buttons, file_ref=file_ref))
        return pieces

    async def send(self, message: OutMessage) -> None:
        """Send `message` from its `first_piece` on, split if too long, buttons on the last.

        Raise TransportError (token-free, `pieces_sent` set) if Telegram refuses or cannot be
        reached, ChannelDown if it refuses the token.
        """
        await deliver(self, message)

    async def send_piece(self, piece: OutMessage) -> None:
        """Send one piece that fits Telegram's limit.

        A group that became a supergroup is followed to its new chat id (`on_migrated` records
        it) and the piece sent again there.
        """
        try:
            try:
                await self._send_to(piece.chat_id, piece)
            except ChatMigrated as exc:
                if self._on_migrated is None:
                    raise
                # As healthchecks does: follow the new id, store it, send again.
                new_id = str(exc.new_chat_id)
                await self._on_migrated(piece.chat_id, new_id)
                log.info(texts.chat_migrated(piece.chat_id, new_id))
                await self._send_to(new_id, piece)
        except TelegramError as exc:
            # `from None`: the cause may quote the request URL, which holds the token.
            raise transport_error(exc, self._bot.token) from None


    async def _send_to(self, chat_id: str, piece: OutMessage) -> None:
        markup = inline_keyboard(piece.buttons)
        file_ref = piece.file_ref
        upload = piece.upload
        if upload is not None:
            # sendDocument, the file in a multipart body (python-telegram-bot builds it).
            document = InputFile(upload.content, filename=upload.filename)
            document.mimetype = upload.mime
            await self._bot.send_document(chat_id=chat_id, document=document,
                                          caption=piece.text or None, reply_markup=markup)
        elif file_ref is None:
            await self._bot.send_message(chat_id=chat_id, text=piece.text, reply_markup=markup)
        elif file_ref.kind == "photo":
            # A file id Telegram gave, or an image URL it fetches itself (a Zalo image).
            await self._bot.send_photo(chat_id=chat_id, photo=file_ref.ref,
                                       caption=piece.text or None, reply_markup=markup)
        else:
            await self._bot.send_document(chat_id=chat_id, document=file_ref.ref,
                                          caption=piece.text or None, reply_markup=markup)


def inline_keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """Return one button per row (labels are long Vietnamese phrases), one row per item for a
    day's message, or None for no buttons."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data) for button in row]
         for row in answers.item_rows(buttons)]
    )


def transport_error(exc: TelegramError, token: str) -> TransportError:
    """Classify a python-telegram-bot error: permanent, transient, or transient with a delay."""
    text = redact(exc.message, token)
    if isinstance(exc, InvalidToken):
        # The token was revoked: no chat is at fault, and no message can go until it is fixed.
        return ChannelDown(texts.TELEGRAM_TOKEN_REJECTED)
    if isinstance(exc, RetryAfter):
        return TransportError(text, retry_after=retry_after_seconds(exc))
    if isinstance(exc, ChatMigrated):
        # A group became a supergroup: the old chat id will never work again.
        return TransportError(text, permanent=True)
    if isinstance(exc, Forbidden | BadRequest) and is_permanent(text):
        return TransportError(text, permanent=True)
    return TransportError(text)


def is_permanent(error_text: str) -> bool:
    """Return True if the Bot API error text means this chat can never be reached."""
    lowered = error_text.lower()
    return any(marker in lowered for marker in PERMANENT_ERRORS)


def retry_after_seconds(exc: RetryAfter) -> float:
    """Return the delay Telegram asked for, in seconds."""
    # PTB 22 warns on reading `retry_after` until it becomes a timedelta in a later major
    # version; accept both shapes so the upgrade changes nothing here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def redact(text: str, token: str) -> str:
    """Return `text` with the bot token replaced, for errors and logs."""
    if not token:
        return text
    # Case-insensitive: python-telegram-bot lowercases "Bad Request: ..." descriptions.
    return re.sub(re.escape(token), "<token>", text, flags=re.IGNORECASE)
