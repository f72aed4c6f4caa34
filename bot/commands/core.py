"""What every command group shares: the message, the reply, one request, refusals, lookups."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import texts
from bot.agency_changes import shown_agencies, shown_agency
from bot.channels.base import Attachment, Button, FileRef, FileUpload
from scheduler.text import fold
from scheduler.workdays import WorkingCalendar
from storage import plans, work
from storage.models import AgencyRow, Officer, PlanRow, Role, TaskRow

Clock = Callable[[], datetime]

NOTE_LIMIT = 1000
PROMPT_LIFETIME = timedelta(hours=24)
UNDO_LIFETIME = timedelta(hours=24)  # an author may withdraw their own report this long
# "[PLAN:]KEY[@PERIOD]": "3", "7@2024", "ND32:III.1@2024-H2".
KEY = re.compile(r"^(?:(?P<plan>[0-9A-Za-z][0-9A-Za-z_\-]*):)?"
                 r"(?P<key>[0-9IVXivx]+(?:\.[0-9]+)*)(?:@(?P<period>\S+))?$")
_LONE_SURROGATE_OR_NUL = re.compile(r"[\ud800-\udfff\x00]")


@dataclass(frozen=True)
class Incoming:
    """Something a person sent: a text message, or (`is_button`) the data of a tapped button."""

    channel: str  # "telegram" | "zalo" | "console"
    chat_id: str
    display_name: str
    text: str
    is_button: bool = False
    message_id: str | None = None  # the platform's id, unique per channel: de-duplicates
    received_at: datetime | None = None  # when it arrived, if not now (a journal replay)
    attachment: Attachment | None = None  # a file or photo sent with it (`text`: its caption)


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    file_ref: FileRef | None = None  # a file sent back with the text (/tailieu)
    upload: FileUpload | None = None  # a file the channel sends as a document (/baocao)


# Receives the replies inside the transaction that applies the message (a replay queues them).
Deliver = Callable[[Session, Incoming, list[Reply]], None]


class CommandLayer(Protocol):
    def handle(self, incoming: Incoming) -> list[Reply]:
        """Apply what the person sent and return the replies to show in that chat."""
        ...


@dataclass(kw_only=True)
class View:
    """What reading the plan needs: a session and the day; the agencies read once."""

    session: Session
    today: date
    _agencies: dict[str, AgencyRow] | None = field(default=None, repr=False)
    _agency: dict[str, AgencyRow | None] = field(default_factory=dict, repr=False)

    @property
    def agencies(self) -> dict[str, AgencyRow]:
        """Return every agency by code, with the name in force today, read once per request."""
        if self._agencies is None:
            self._agencies = shown_agencies(self.session, self.today)
        return self._agencies

    def agency(self, code: str) -> AgencyRow | None:
        """Return agency `code` as `agencies` shows it, reading only that one (a reply names
        one or two agencies: reading all of them cost a command more than its own work)."""
        if self._agencies is not None:
            return self._agencies.get(code)
        if code not in self._agency:
            self._agency[code] = shown_agency(self.session, code, self.today)
        return self._agency[code]


@dataclass(kw_only=True)
class Request(View):
    """One message being applied: who sent it, when, and the rules of the day."""

    incoming: Incoming
    now: datetime
    officer: Officer | None
    calendar: WorkingCalendar
    tz: ZoneInfo
    evidence_handled: bool = False  # the attachment was stored, or its refusal told
    web_url: str | None = None  # NHACVIEC_WEB_URL: download links (/baocao), the dashboard (/web)

    @property
    def registered(self) -> Officer:
        """Return the officer of the chat; the command table lets only registered ones here."""
        assert self.officer is not None
        return self.officer


class Refusal(Exception):
    """A request that changes nothing; the message tells the person why."""


def split_first(text: str) -> tuple[str, str]:
    """Return the first word and the rest (a note may start on a new line)."""
    words = text.split(None, 1)
    if not words:
        return "", ""
    return words[0], words[1].strip() if len(words) > 1 else ""


def parse_key(token: str) -> tuple[str, str | None]:
    """Return the task key and the period a token names ("3.1@2025-Q1")."""
    _, key, period = parse_ref(token)
    return key, period


def parse_ref(token: str) -> tuple[str | None, str, str | None]:
    """Return the plan code, the task key and the period a token names ("ND32:3.1@2025-Q1");
    the plan and the period are None when the token names none."""
    match = KEY.match(token)
    if match is None:
        return None, token, None
    return match.group("plan"), match.group("key").upper(), match.group("period")


def check_note(note: str) -> None:
    """Refuse a note longer than NOTE_LIMIT."""
    if len(note) > NOTE_LIMIT:
        raise Refusal(texts.NOTE_TOO_LONG.format(length=len(note), limit=NOTE_LIMIT))


def clip(text: str, limit: int = 40) -> str:
    """Return `text` cut to `limit` characters: what a person typed is echoed, never whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def storable(text: str) -> str:
    """Return `text` with what no database or platform takes written as escapes (`\\udc80`).

    A platform's JSON may carry a lone UTF-16 surrogate, which UTF-8 cannot encode, and
    PostgreSQL refuses NUL; a surrogate pair split in two is joined first.
    """
    if not _LONE_SURROGATE_OR_NUL.search(text):
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return _LONE_SURROGATE_OR_NUL.sub(lambda m: f"\\u{ord(m.group()):04x}", joined)


def storable_incoming(incoming: Incoming) -> Incoming:
    attachment = incoming.attachment
    if attachment is not None and attachment.file_name is not None:
        attachment = dataclasses.replace(attachment, file_name=storable(attachment.file_name))
    return dataclasses.replace(
        incoming, chat_id=storable(incoming.chat_id),
        display_name=storable(incoming.display_name), text=storable(incoming.text),
        message_id=None if incoming.message_id is None else storable(incoming.message_id),
        attachment=attachment)


def parse_report(request: Request, rest: str, usage: str) -> tuple[str, str, str | None]:
    """Read "KEY[@PERIOD] [AGENCY] [note]" as an officer reporting on an item writes it.

    Return the key token, the note and the agency a coordinator named (None otherwise). Refuse a
    leader (read only) and a missing or malformed key with `usage`.
    """
    officer = request.registered
    if officer.role == Role.LEADER.value:
        raise Refusal(texts.LEADER_READ_ONLY)
    key_token, note = split_first(rest)
    if not key_token or not KEY.match(key_token):
        raise Refusal(usage)
    explicit_agency: str | None = None
    if officer.role == Role.COORDINATOR.value and note:
        candidate, remainder = split_first(note)
        explicit_agency = find_agency(request, candidate)
        if explicit_agency is not None:
            note = remainder
    return key_token, note, explicit_agency


def find_agency(view: View, token: str) -> str | None:
    """Return the code of the agency `token` names, whatever its case and diacritics."""
    wanted = fold(unicodedata.normalize("NFC", token))
    for code in view.agencies:
        if fold(unicodedata.normalize("NFC", code)) == wanted:
            return code
    return None


def agency_name(view: View, code: str | None) -> str:
    row = None if code is None else view.agency(code)
    return row.name if row is not None else str(code)


def agency_short(view: View, code: str) -> str:
    row = view.agency(code)
    return row.short_name if row is not None else code


def find_task(view: View, key: str, plan: str | None = None,
              agency: str | None = None) -> TaskRow:
    """Return the task `key` of the live plan whose code is `plan`, or refuse.

    Without a plan, `key` must name one task: of all live plans, or, when `agency` is given
    (a focal officer's agency, or the agency a coordinator named), of the plans where that
    agency has a part. Several: refuse with the `PLAN:KEY` choices.
    """
    session = view.session
    if plan is not None:
        row = plans.find_plan(session, plan, archived=False)
        if row is None:
            raise Refusal(texts.UNKNOWN_PLAN.format(plan=clip(plan), plans=plan_codes(view)))
        tasks = work.tasks_by_key(session, key, row.id)
        if not tasks:
            raise Refusal(texts.UNKNOWN_TASK_IN_PLAN.format(key=clip(key), plan=row.code))
        return tasks[0]
    tasks = work.tasks_by_key(session, key)
    if not tasks:
        raise Refusal(texts.UNKNOWN_TASK.format(key=clip(key)))
    if len(tasks) > 1 and agency is not None:
        # The agency's own tasks decide; with none of them, every plan is a choice.
        tasks = work.tasks_by_key(session, key, agency_code=agency) or tasks
    if len(tasks) > 1:
        choices = [texts.plan_task_ref(task.plan.code, task.key) for task in tasks]
        raise Refusal(texts.AMBIGUOUS_TASK.format(key=clip(key), choices=", ".join(choices),
                                                  example=choices[0]))
    return tasks[0]


def plan_codes(view: View) -> str:
    """Return the codes of the live plans, for a message that lists them."""
    return ", ".join(row.code for row in plans.live_plans(view.session)) or texts.NONE


def take_plan(view: View, argument: str) -> tuple[PlanRow | None, str]:
    """Return the live plan whose code (or id) opens `argument`, and the rest; (None, argument)
    when the first word names no plan ("/tinhhinh ND32 SCT")."""
    first, rest = split_first(argument)
    row = plans.find_plan(view.session, first, archived=False) if first else None
    return (row, rest) if row is not None else (None, argument)
