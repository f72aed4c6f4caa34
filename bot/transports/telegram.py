"""The Telegram transport: deliver an OutMessage through the Bot API and classify its failures."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
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

from bot import texts
from bot.transports.base import Button, ChannelDown, OutMessage, TransportError, split_message

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


class TelegramTransport:
    """Sends plain text (never parsed as markup) with one inline button per row."""

    channel = "telegram"

    def __init__(self, bot: Bot,
                 on_migrated: Callable[[str, str], Awaitable[None]] | None = None) -> None:
        self._bot = bot
        self._on_migrated = on_migrated

    async def send(self, message: OutMessage) -> None:
        """Send `message`, split on line boundaries if too long, buttons on the last part.

        A group that became a supergroup is followed to its new chat id (`on_migrated` records
        it) and the part sent again there. Raise TransportError (token-free) if Telegram
        refuses or cannot be reached, ChannelDown if it refuses the token.
        """
        chat_id = message.chat_id
        parts = split_message(message.text, MAX_MESSAGE_LENGTH)
        for index, part in enumerate(parts):
            is_last = index == len(parts) - 1
            markup = inline_keyboard(message.buttons) if is_last else None
            try:
                try:
                    await self._bot.send_message(chat_id=chat_id, text=part, reply_markup=markup)
                except ChatMigrated as exc:
                    if self._on_migrated is None:
                        raise
                    # As healthchecks does: follow the new id, store it, send again.
                    new_id = str(exc.new_chat_id)
                    await self._on_migrated(chat_id, new_id)
                    log.info(texts.chat_migrated(chat_id, new_id))
                    chat_id = new_id
                    await self._bot.send_message(chat_id=chat_id, text=part, reply_markup=markup)
            except TelegramError as exc:
                # `from None`: the cause may quote the request URL, which holds the token.
                raise transport_error(exc, self._bot.token) from None


def inline_keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    """Return one button per row (labels are long Vietnamese phrases), or None for no buttons."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data)] for button in buttons]
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
