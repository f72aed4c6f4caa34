"""The Zalo transport: OutMessages out through the Zalo client (sending only)."""

from __future__ import annotations

from bot import texts
from bot.answers import is_daily, render_choices
from bot.channels.base import OutMessage, deliver, split_blocks, split_message
from bot.channels.zalo.client import TEXT_LIMIT, ZaloClient


class ZaloTransport:
    """Deliver OutMessages on Zalo: buttons become numbered choices, long texts are split."""

    channel = "zalo"

    def __init__(self, client: ZaloClient) -> None:
        self.client = client

    def pieces(self, message: OutMessage) -> list[OutMessage]:
        """Return the text, choices rendered, split on line boundaries to Zalo's limit."""
        if not message.text.strip():
            raise ValueError(texts.ZALO_EMPTY_MESSAGE)
        text = render_choices(message.text, message.buttons)
        file_ref = message.file_ref
        if file_ref is not None and file_ref.kind == "photo" and len(text) <= TEXT_LIMIT:
            # An image goes by its URL (sendPhoto), the text as its caption.
            return [OutMessage(message.chat_id, text, file_ref=file_ref)]
        # A day's message is cut between its items, never inside one.
        split = split_blocks if is_daily(message.buttons) else split_message
        # Zalo refuses a blank message, which a cut between blank lines could produce.
        return [OutMessage(message.chat_id, piece)
                for piece in split(text, TEXT_LIMIT) if piece.strip()]

    async def send(self, message: OutMessage) -> None:
        """Send the pieces from `first_piece` on; a failure raises ZaloApiError (`pieces_sent`
        set) after the pieces before it."""
        await deliver(self, message)

    async def send_piece(self, piece: OutMessage) -> None:
        """Send one piece of at most TEXT_LIMIT characters (an image with it as caption)."""
        if piece.file_ref is not None:
            await self.client.send_photo(piece.chat_id, piece.file_ref.ref, piece.text)
            return
        await self.client.send_message(piece.chat_id, piece.text)
