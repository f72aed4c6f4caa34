"""The console channel's inbound side: lines a person types in, the command layer's replies out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from bot import texts
from bot.answers import render_choices
from bot.channels.console.transport import CHANNEL, Write
from bot.commands import Incoming, Reply

log = logging.getLogger(__name__)

ReadLine = Callable[[], Awaitable[str | None]]
Handle = Callable[[Incoming], list[Reply]]


def show(replies: Iterable[Reply], write: Write) -> None:
    """Write each reply, its buttons as numbered choices."""
    for reply in replies:
        write(render_choices(reply.text, reply.buttons))


async def converse(handle: Handle, chat_id: str, name: str, read_line: ReadLine,
                   write: Write) -> None:
    """Hand each line to `handle` (in a thread) and write its replies, until end of input."""
    while True:
        line = await read_line()
        if line is None:
            return
        if not line.strip():
            continue
        if line.strip().lower() in {"/thoat", "/thoát", "/quit", "/exit"}:
            return
        incoming = Incoming(CHANNEL, chat_id, name, line.rstrip("\n"))
        try:
            replies = await asyncio.to_thread(handle, incoming)
        except Exception:
            log.exception(texts.LOG_CONSOLE_FAILED)
            replies = [Reply(texts.GENERIC_ERROR)]
        show(replies, write)
