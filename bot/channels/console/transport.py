"""The console transport: print messages for one terminal; buttons become numbered choices."""

from __future__ import annotations

from collections.abc import Callable

from bot import texts
from bot.answers import render_choices
from bot.channels.base import OutMessage

CHANNEL = "console"
Write = Callable[[str], None]


class ConsoleTransport:
    """Print messages for one terminal; buttons become numbered choices as on Zalo."""

    channel = CHANNEL

    def __init__(self, write: Write) -> None:
        self.write = write

    def pieces(self, message: OutMessage) -> list[OutMessage]:
        """Return the message whole: a terminal has no length limit."""
        return [message]

    async def send(self, message: OutMessage) -> None:
        self.write(render_choices(message.text, message.buttons))
        if message.file_ref is not None:
            self.write(texts.EVIDENCE_CONSOLE_FILE.format(ref=message.file_ref.ref))

    async def send_piece(self, piece: OutMessage) -> None:
        await self.send(piece)


def console_chat_id(agency: str, role: str) -> str:
    return f"{agency.upper()}-{role}"
