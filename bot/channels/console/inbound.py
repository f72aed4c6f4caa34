"""The console channel: a terminal session as one officer, on the same database as the bot."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot import texts
from bot.app import Services, background
from bot.channels.base import OutMessage
from bot.channels.choices import render_choices
from bot.commands import Incoming, Reply
from storage import queries
from storage.invites import create_invite
from storage.models import Role

log = logging.getLogger(__name__)

CHANNEL = "console"
ReadLine = Callable[[], Awaitable[str | None]]
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

    async def send_piece(self, piece: OutMessage) -> None:
        await self.send(piece)


def console_chat_id(agency: str, role: str) -> str:
    return f"{agency.upper()}-{role}"


def register(services: Services, agency: str, role: Role, name: str) -> list[Reply]:
    """Bind the console chat of (agency, role) to an officer, once; return the greeting."""
    chat_id = console_chat_id(agency, role.value)
    with services.sessions() as session, session.begin():
        if queries.officer_for_chat(session, CHANNEL, chat_id) is not None:
            queries.set_chat_open(session, CHANNEL, chat_id, True)
            code = None
        else:
            code = create_invite(session, agency, role, services.clock()).code
    text = f"/start {code}" if code else "/start"
    return services.inbox.handle(Incoming(CHANNEL, chat_id, name, text))


async def chat(services: Services, agency: str, role: Role, name: str, read_line: ReadLine,
               write: Write) -> None:
    """Run a terminal session until end of input: commands in, replies and reminders out."""
    chat_id = console_chat_id(agency, role.value)
    for reply in register(services, agency, role, name):
        write(render_choices(reply.text, reply.buttons))
    stop = asyncio.Event()
    transports = {CHANNEL: ConsoleTransport(write)}
    try:
        async with background(services, transports, stop,
                              chats=frozenset({(CHANNEL, chat_id)})):
            await _converse(services, chat_id, name, read_line, write)
    finally:
        # Nobody reads a closed terminal: reminders and escalations must not count as
        # delivered there (they wait for whoever registers on a real channel).
        with services.sessions() as session, session.begin():
            queries.set_chat_open(session, CHANNEL, chat_id, False)


async def _converse(services: Services, chat_id: str, name: str, read_line: ReadLine,
                    write: Write) -> None:
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
            replies = await asyncio.to_thread(services.inbox.handle, incoming)
        except Exception:
            log.exception("console: lỗi khi xử lý lệnh")
            replies = [Reply(texts.GENERIC_ERROR)]
        for reply in replies:
            write(render_choices(reply.text, reply.buttons))
