"""The channel-agnostic command layer: one set of commands, texts and rules for every channel.

A channel turns what a person sent into an `Incoming`, calls `Commands.handle` and shows the
replies. Everything else (who may do what, what is stored, who is told) happens here, once:
`COMMANDS` maps each command name to its handler, one module per group of commands.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot import answers, texts
from bot.commands import (
    answering,
    baocao,
    confirming,
    evidence,
    extensions,
    history,
    reading,
    registration,
    reporting,
    undo,
    web,
)
from bot.commands.core import (
    NOTE_LIMIT,
    PROMPT_LIFETIME,
    UNDO_LIFETIME,
    Clock,
    CommandLayer,
    Deliver,
    Incoming,
    Refusal,
    Reply,
    Request,
    View,
    clip,
    storable,
    storable_incoming,
)
from scheduler.text import fold
from scheduler.workdays import WorkingCalendar
from storage import evidence as stored_evidence
from storage import inbox, people, work
from storage.models import Channel, Officer, PromptKind

__all__ = ["COMMANDS", "NOTE_LIMIT", "PROMPT_LIFETIME", "UNDO_LIFETIME", "Clock", "Command",
           "CommandLayer", "Commands", "Deliver", "Incoming", "Reply"]

Handler = Callable[[Request, str], list[Reply]]


@dataclass(frozen=True)
class Command:
    """A command's handler; `registered_only` ones answer an unregistered chat NEED_INVITE."""

    run: Handler
    registered_only: bool = True


# Command name (texts.COMMANDS: the names, their aliases and menu lines) -> its handler.
COMMANDS: dict[str, Command] = {
    "start": Command(registration.start, registered_only=False),
    "help": Command(registration.help_, registered_only=False),
    "tasks": Command(reading.tasks),
    "status": Command(reading.status),
    "overdue": Command(reading.overdue),
    "done": Command(reporting.done),
    "blocked": Command(reporting.blocked),
    "progress": Command(reporting.progress),
    "undo": Command(undo.undo),
    "evidence": Command(evidence.fetch),
    "report": Command(baocao.report),
    "extend": Command(extensions.extend),
    "approve": Command(extensions.approve),
    "refuse": Command(extensions.refuse),
    "setdue": Command(extensions.set_due),
    "confirm": Command(confirming.confirm),
    "giveback": Command(confirming.give_back),
    "history": Command(history.history),
    "nudge": Command(history.nudge),
    "web": Command(web.web),
}

_ALIASES: dict[str, str] = {
    alias: name for name, aliases, _ in texts.COMMANDS for alias in (name, *aliases)
}


class Commands:
    """The command layer over a database, a clock and the working-day calendar."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock,
                 calendar: WorkingCalendar, tz: ZoneInfo, web_url: str | None = None) -> None:
        self.sessions = sessions
        self.clock = clock
        self.calendar = calendar
        self.tz = tz
        self.web_url = web_url

    def handle_as(self, officer_id: int, text: str, message_id: str) -> list[Reply]:
        """Apply a command an officer signed in to the dashboard sent from a page (channel
        "web"), under the same rules as in the chat; `message_id` applies a form sent twice
        once."""
        incoming = Incoming(Channel.WEB.value, f"officer:{officer_id}", "", text,
                            message_id=message_id)
        return self.handle(incoming, officer_id=officer_id)

    def handle(self, incoming: Incoming, deliver: Deliver | None = None, *,
               officer_id: int | None = None) -> list[Reply]:
        incoming = storable_incoming(incoming)
        now = incoming.received_at or self.clock()
        request: Request | None = None
        with self.sessions() as session:
            try:
                with session.begin():
                    request = self._begin(session, incoming, now, officer_id)
                    if request is None:
                        return []  # delivered twice: the first delivery was answered
                    replies = self._end(request, _route(request), deliver)
            except Refusal as refusal:
                # A refusal changes nothing: whatever was flushed before it is rolled back with
                # its transaction, and what the person sent is kept in the inbound log in a new
                # one. (A savepoint around every command would cost each one more than this
                # second transaction costs the few that are refused.)
                with session.begin():
                    again = self._begin(session, incoming, now, officer_id)
                    if again is None:
                        return []  # another process applied a second delivery meanwhile
                    again.evidence_handled = request is not None and request.evidence_handled
                    replies = self._end(again, [Reply(str(refusal))], deliver)
        self._forget_unkept(incoming)
        return replies

    def _begin(self, session: Session, incoming: Incoming, now: datetime,
               officer_id: int | None) -> Request | None:
        """Keep the message in the inbound log and return its request; None if it was kept
        before (a second delivery)."""
        if incoming.message_id is not None and not inbox.record_inbound(
                session, incoming.channel, incoming.message_id, incoming.chat_id,
                unicodedata.normalize("NFC", incoming.text), now):
            return None
        officer: Officer | None
        if officer_id is not None:  # signed in on the dashboard: no chat to look up
            officer = session.get(Officer, officer_id)
            if officer is not None and not officer.active:
                officer = None
        else:
            officer = people.officer_for_chat(session, incoming.channel, incoming.chat_id)
        return Request(session=session, today=now.astimezone(self.tz).date(),
                       incoming=incoming, now=now, officer=officer,
                       calendar=self.calendar, tz=self.tz, web_url=self.web_url)

    @staticmethod
    def _end(request: Request, replies: list[Reply], deliver: Deliver | None) -> list[Reply]:
        if (request.incoming.attachment is not None and request.officer is not None
                and not request.evidence_handled):
            replies.append(Reply(texts.EVIDENCE_NOT_KEPT))
        if deliver is not None:
            deliver(request.session, request.incoming, replies)
        return replies

    def _forget_unkept(self, incoming: Incoming) -> None:
        """Delete the downloaded copy of an attachment that no evidence keeps (a refused
        report, a stranger's file): only files that go with a report stay on the server."""
        path = incoming.attachment.stored_path if incoming.attachment is not None else None
        if path is None:
            return
        with self.sessions() as session:
            if stored_evidence.path_in_use(session, path):
                return
        with contextlib.suppress(OSError):
            Path(path).unlink()

    def status_report(self, argument: str = "", plan: str | None = None) -> str:
        """Return /status as a coordinator sees it (for the terminal), of the stored plan whose
        id or code is `plan` if given. Raise ValueError."""
        argument = storable(argument)  # a command line that is not UTF-8 carries surrogates
        now = self.clock()
        with self.sessions() as session:
            view = View(session=session, today=now.astimezone(self.tz).date())
            try:
                plan_id = reading.plan_id_of(view, plan)
                return reading.status_text(view, None, argument, plan_id)
            except Refusal as refusal:
                raise ValueError(str(refusal)) from None


def _route(request: Request) -> list[Reply]:
    incoming = request.incoming
    if incoming.is_button:
        return answering.button(request, incoming.text)
    text = unicodedata.normalize("NFC", incoming.text).strip()
    words = text.split(None, 1)
    first = words[0] if words else ""
    rest = words[1].strip() if len(words) > 1 else ""
    name = _ALIASES.get(fold(first.lstrip("/").split("@", 1)[0]))
    slashed = first.startswith("/")
    # A pending question ("what is the blocker?") is answered by the next plain message;
    # a slash command or a bare choice number drops it; an old question is forgotten.
    # The question belongs to the officer who was asked: a chat that changed hands, or an
    # officer revoked since, leaves it void.
    officer = request.officer
    prompt = (inbox.pop_prompt(request.session, incoming.channel, incoming.chat_id)
              if officer is not None else None)
    # "Gửi kèm văn bản?" is answered by a file, a photo or links; anything else drops it.
    if (prompt is not None and name is None and not slashed
            and evidence.answers_prompt(request, prompt, text)):
        return evidence.answer_prompt(request, prompt, text)
    if (officer is not None and prompt is not None and prompt.officer_id == officer.id
            and prompt.kind != PromptKind.EVIDENCE.value and text
            and not slashed and not answers.BARE_CHOICE.match(text)
            and request.now - prompt.created_at <= PROMPT_LIFETIME):
        assignment = work.assignment_for_update(request.session, prompt.assignment_id)
        if assignment is not None:
            return answering.pending_question(request, assignment, text, prompt.kind)
    if name is not None:
        command = COMMANDS[name]
        if command.registered_only and officer is None:
            return [Reply(texts.NEED_INVITE)]
        return command.run(request, rest)
    if slashed:
        return [Reply(texts.UNKNOWN_COMMAND.format(text=clip(first)))]
    if officer is None:
        return [Reply(texts.NEED_INVITE)]
    reply = answers.parse_numbered(text)
    if reply is not None:
        return answering.numbered(request, reply)
    if incoming.attachment is not None:
        return evidence.unasked(request)
    return [Reply(texts.UNKNOWN_COMMAND.format(text=clip(text)))]
