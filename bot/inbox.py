"""The inbox: the one door by which what people send (Telegram, Zalo, console) comes in.

Every message is kept durably before it is acted on: the command layer records it in the inbound
log in the transaction that applies it. When the database cannot take it (locked, full,
unreachable), the message goes to the journal (storage/journal.py) and the person is told it was
received and will be applied. The journal is replayed in order, before the next message and on
each timer wake, each entry through the same command layer with its original time of receipt;
its replies are queued in the outbox in the transaction that applies it. An entry keeps the
platform's message id, so the inbound log applies a message delivered twice, or replayed twice
(two processes, a replay cut short), once.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from bot.channels.base import Attachment, OutMessage
from bot.commands import Clock, Commands, Incoming, Reply
from bot.deferred import deferred_text
from storage import outbox
from storage.journal import Journal, JournalEntry

log = logging.getLogger(__name__)

# What a database that cannot take a message raises: locked or busy, disk or database full,
# server unreachable or gone (DBAPI's OperationalError), no connection free in the pool.
UNAVAILABLE: tuple[type[Exception], ...] = (sa_exc.OperationalError, sa_exc.TimeoutError)
LOCAL_ID_PREFIX = "local:"  # a message id made up for channels that have none (the console)
ECHO_LIMIT = 40


class Inbox:
    """The command layer behind the journal: what every channel calls."""

    def __init__(self, commands: Commands, journal: Journal, sessions: sessionmaker[Session],
                 clock: Clock, tz: ZoneInfo) -> None:
        self.commands = commands
        self.journal = journal
        self.sessions = sessions
        self.clock = clock
        self.tz = tz

    def handle(self, incoming: Incoming) -> list[Reply]:
        """Apply what the person sent, or keep it for later; return the replies to show."""
        incoming = replace(incoming, received_at=incoming.received_at or self.clock(),
                           message_id=incoming.message_id or LOCAL_ID_PREFIX + uuid.uuid4().hex)
        # What waits in the journal came first: a new message never overtakes it.
        if self.replay():
            try:
                return self.commands.handle(incoming)
            except UNAVAILABLE as exc:
                log.warning(texts.LOG_JOURNAL_KEPT,
                            incoming.message_id, _reason(exc), self.journal.path)
        return self._keep(incoming)

    def replay(self) -> bool:
        """Apply what the journal holds, in order; return True once it is empty."""
        if not self.journal.pending():
            return True
        applied: list[str] = []

        def apply(entry: JournalEntry) -> bool:
            if self._apply(entry):
                applied.append(entry.message_id)
                return True
            return False

        try:
            done = self.journal.replay(apply, self._rejected_line)
        except OSError as exc:
            log.error(texts.LOG_JOURNAL_UNREADABLE,
                      self.journal.path, exc)
            return False
        if done:
            log.info(texts.LOG_JOURNAL_REPLAYED, len(applied))
        return done

    def _rejected_line(self, exc: ValueError) -> None:
        log.error(texts.JOURNAL_BAD_LINE, exc, self.journal.rejected_path)

    # ---- keeping and applying --------------------------------------------------------------

    def _keep(self, incoming: Incoming) -> list[Reply]:
        assert incoming.received_at is not None and incoming.message_id is not None
        entry = JournalEntry(incoming.channel, incoming.chat_id, incoming.display_name,
                             incoming.text, incoming.is_button, incoming.message_id,
                             incoming.received_at,
                             None if incoming.attachment is None
                             else dataclasses.asdict(incoming.attachment))
        try:
            self.journal.append(entry)
        except OSError as exc:
            log.error(texts.LOG_JOURNAL_UNWRITABLE,
                      self.journal.path, exc, incoming.message_id)
            return [Reply(texts.JOURNAL_FAILED)]
        return [Reply(texts.JOURNAL_KEPT.format(time=self._time(incoming.received_at)))]

    def _apply(self, entry: JournalEntry) -> bool:
        """Apply one entry; return False if the database still cannot take it."""
        incoming = Incoming(entry.channel, entry.chat_id, entry.display_name, entry.text,
                            entry.is_button, entry.message_id, entry.received_at,
                            _attachment(entry.attachment))
        try:
            # A message applied before (delivered twice, or replayed by another process)
            # returns no replies and changes nothing.
            self.commands.handle(incoming, deliver=self._queue_replies)
        except UNAVAILABLE as exc:
            log.warning(texts.LOG_JOURNAL_DB_STILL_DOWN,
                        _reason(exc))
            return False
        except Exception:
            # As for a live message the command layer fails on: the person hears it failed;
            # the entry is kept aside for a person to look at, not retried for ever.
            log.exception(texts.LOG_JOURNAL_APPLY_FAILED,
                          entry.message_id, self.journal.rejected_path)
            try:
                with self.sessions() as session, session.begin():
                    outbox.enqueue_reply(session, entry.channel, entry.chat_id,
                                          texts.GENERIC_ERROR, (), self.clock())
            except UNAVAILABLE:
                return False
            self.journal.keep_rejected([entry.to_line().rstrip(b"\n")])
        return True

    def _queue_replies(self, session: Session, incoming: Incoming, replies: list[Reply]) -> None:
        """Queue a replayed message's replies, the first one saying which message it answers."""
        assert incoming.received_at is not None
        time = self._time(incoming.received_at)
        header = (texts.JOURNAL_APPLIED_TAP.format(time=time) if incoming.is_button else
                  texts.JOURNAL_APPLIED.format(time=time, text=_echo(incoming.text)))
        now = self.clock()
        for index, reply in enumerate(replies):
            # The outbox keeps texts, not files: the file that was to go with a reply is offered
            # as any answer that goes later offers it (a download link, or a word to ask again).
            body = deferred_text(session, OutMessage(incoming.chat_id, reply.text, reply.buttons,
                                                     file_ref=reply.file_ref,
                                                     upload=reply.upload),
                                 self.commands.web_url, self.tz, now)
            text = f"{header}\n{body}" if index == 0 else body
            outbox.enqueue_reply(session, incoming.channel, incoming.chat_id, text,
                                  [(b.label, b.data) for b in reply.buttons], now)

    def _time(self, instant: datetime) -> str:
        local = instant.astimezone(self.tz)
        return f"{local:%H:%M} {texts.day(local.date())}"


def _attachment(fields: dict[str, object] | None) -> Attachment | None:
    """Return the attachment a journal entry kept (its known fields), or None."""
    if fields is None or not isinstance(fields.get("kind"), str):
        return None
    known = {f.name for f in dataclasses.fields(Attachment)}
    values = {k: v for k, v in fields.items() if k in known}
    return Attachment(**values)  # type: ignore[arg-type]


def _reason(error: BaseException) -> str:
    # SQLite rolls a transaction back by itself on SQLITE_FULL, so what surfaces may be the
    # failed savepoint rollback: name the error it happened in.
    while isinstance(error.__context__, UNAVAILABLE):
        error = error.__context__
    # The DBAPI's own message ("database is locked"), never the statement and its parameters.
    original = getattr(error, "orig", None)
    return str(original if original is not None else error).strip().split("\n", 1)[0]


def _echo(text: str) -> str:
    one_line = " ".join(text.split())
    clipped = one_line if len(one_line) <= ECHO_LIMIT else one_line[: ECHO_LIMIT - 1] + "…"
    return clipped.encode("utf-8", "replace").decode("utf-8")
