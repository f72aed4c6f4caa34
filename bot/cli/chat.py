"""`nhacviec chat`: a terminal session as one officer, on the same database as the bot.

The composition of the console channel (bot/channels/console) with the running bot: the
registration through an invite, the tick and the dispatcher in the background.
"""

from __future__ import annotations

import asyncio

from bot.app import Services, background
from bot.channels.console.inbound import ReadLine, converse, show
from bot.channels.console.transport import CHANNEL, ConsoleTransport, Write, console_chat_id
from bot.commands import Incoming, Reply
from storage import people
from storage.invites import create_invite
from storage.models import Role


def register(services: Services, agency: str, role: Role, name: str) -> list[Reply]:
    """Bind the console chat of (agency, role) to an officer, once; return the greeting."""
    chat_id = console_chat_id(agency, role.value)
    with services.sessions() as session, session.begin():
        if people.officer_for_chat(session, CHANNEL, chat_id) is not None:
            people.set_chat_open(session, CHANNEL, chat_id, True)
            code = None
        else:
            now = services.clock()
            code = create_invite(session, agency, role, now,
                                 today=now.astimezone(services.settings.tz).date()).code
    text = f"/start {code}" if code else "/start"
    return services.inbox.handle(Incoming(CHANNEL, chat_id, name, text))


async def chat(services: Services, agency: str, role: Role, name: str, read_line: ReadLine,
               write: Write) -> None:
    """Run a terminal session until end of input: commands in, replies and reminders out."""
    chat_id = console_chat_id(agency, role.value)
    show(register(services, agency, role, name), write)
    stop = asyncio.Event()
    transports = {CHANNEL: ConsoleTransport(write)}
    try:
        async with background(services, transports, stop,
                              chats=frozenset({(CHANNEL, chat_id)})):
            await converse(services.inbox.handle, chat_id, name, read_line, write)
    finally:
        # Nobody reads a closed terminal: reminders and escalations must not count as
        # delivered there (they wait for whoever registers on a real channel).
        with services.sessions() as session, session.begin():
            people.set_chat_open(session, CHANNEL, chat_id, False)
