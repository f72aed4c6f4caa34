"""The channel-agnostic command layer: one set of commands, texts and rules for every channel.

A channel turns what a person sent into an `Incoming`, calls `Commands.handle` and shows the
replies. Everything else (who may do what, what is stored, who is told) happens here, once.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from bot.channels.base import Button
from scheduler.status import Category, Standing
from scheduler.timeframe import TimeframeKind
from scheduler.workdays import WorkingCalendar
from storage import queries
from storage.invites import InviteError, InviteErrorReason, redeem_invite
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventStatus,
    Officer,
    OutboxKind,
    Role,
    StatusEvent,
    TaskRow,
)

Clock = Callable[[], datetime]

NOTE_LIMIT = 1000


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


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


# Receives the replies inside the transaction that applies the message (a replay queues them).
Deliver = Callable[[Session, Incoming, list[Reply]], None]


class CommandLayer(Protocol):
    def handle(self, incoming: Incoming) -> list[Reply]:
        """Apply what the person sent and return the replies to show in that chat."""
        ...


def fold(text: str) -> str:
    """Return `text` lower-cased without diacritics, for matching what people type."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_ALIASES: dict[str, str] = {
    alias: name for name, aliases, _ in texts.COMMANDS for alias in (name, *aliases)
}
_KEY = re.compile(r"^(?P<key>[0-9IVXivx]+(?:\.[0-9]+)*)(?:@(?P<period>\S+))?$")
_BARE_CHOICE = re.compile(r"^[123]$")
PROMPT_LIFETIME = timedelta(hours=24)
UNDO_LIFETIME = timedelta(hours=24)  # an author may withdraw their own report this long
_NUMBERED = re.compile(r"^(?P<choice>[123])(?:[\s.:,)-]+(?P<rest>.*))?$", re.DOTALL)
# Button data the bot made: an action and an assignment id that fits a 64-bit integer column.
# Anything else (forged, "d:²", thousands of digits) is no reminder to answer.
_BUTTON = re.compile(r"^(?P<action>[dbs]):(?P<id>[0-9]{1,18})$")
# Tasks whose periods follow one another: a period is reported on only once its window opens.
_PERIODIC = frozenset((TimeframeKind.RECURRING.value, TimeframeKind.CONTINUOUS.value))
_LONE_SURROGATE_OR_NUL = re.compile(r"[\ud800-\udfff\x00]")


def reminder_buttons(assignment_id: int) -> tuple[Button, ...]:
    """Return the one-tap answers of a reminder to a lead agency."""
    return (Button(texts.BUTTON_DONE, f"d:{assignment_id}"),
            Button(texts.BUTTON_BLOCKED, f"b:{assignment_id}"),
            Button(texts.BUTTON_SNOOZE, f"s:{assignment_id}"))


@dataclass
class _Request:
    session: Session
    incoming: Incoming
    now: datetime
    today: date
    officer: Officer | None
    _agencies: dict[str, AgencyRow] | None = None

    @property
    def agencies(self) -> dict[str, AgencyRow]:
        """Return every agency by code, read once per request."""
        if self._agencies is None:
            self._agencies = queries.agency_names(self.session)
        return self._agencies


class _Refusal(Exception):
    """A request that changes nothing; the message tells the person why."""


class Commands:
    """The command layer over a database, a clock and the working-day calendar."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock,
                 calendar: WorkingCalendar, tz: ZoneInfo) -> None:
        self.sessions = sessions
        self.clock = clock
        self.calendar = calendar
        self.tz = tz

    def handle(self, incoming: Incoming, deliver: Deliver | None = None) -> list[Reply]:
        incoming = _storable_incoming(incoming)
        now = incoming.received_at or self.clock()
        with self.sessions() as session, session.begin():
            if incoming.message_id is not None and not queries.record_inbound(
                    session, incoming.channel, incoming.message_id, incoming.chat_id,
                    unicodedata.normalize("NFC", incoming.text), now):
                return []  # delivered twice: the first delivery was answered
            officer = queries.officer_for_chat(session, incoming.channel, incoming.chat_id)
            request = _Request(session, incoming, now, now.astimezone(self.tz).date(), officer)
            try:
                with session.begin_nested():
                    replies = self._route(request)
            except _Refusal as refusal:
                # A refusal changes nothing, whatever was flushed before it (the savepoint is
                # rolled back); what the person sent stays in the inbound log.
                replies = [Reply(str(refusal))]
            if deliver is not None:
                deliver(session, incoming, replies)
            return replies

    # ---- routing ---------------------------------------------------------------------------

    def _route(self, request: _Request) -> list[Reply]:
        incoming = request.incoming
        if incoming.is_button:
            return self._button(request, incoming.text)
        text = unicodedata.normalize("NFC", incoming.text).strip()
        words = text.split(None, 1)
        first = words[0] if words else ""
        rest = words[1].strip() if len(words) > 1 else ""
        command = _ALIASES.get(fold(first.lstrip("/").split("@", 1)[0]))
        slashed = first.startswith("/")
        # A pending question ("what is the blocker?") is answered by the next plain message;
        # a slash command or a bare choice number drops it; an old question is forgotten.
        # The question belongs to the officer who was asked: a chat that changed hands, or an
        # officer revoked since, leaves it void.
        officer = request.officer
        prompt = (queries.pop_prompt(request.session, incoming.channel, incoming.chat_id)
                  if officer is not None else None)
        if (officer is not None and prompt is not None and prompt.officer_id == officer.id
                and not slashed and not _BARE_CHOICE.match(text)
                and request.now - prompt.created_at <= PROMPT_LIFETIME):
            assignment = queries.assignment_for_update(request.session, prompt.assignment_id)
            if assignment is not None:
                # Too long: refused before the question is taken, so a shorter answer still
                # answers it (the refusal rolls the taking back).
                _check_note(text)
                try:
                    with request.session.begin_nested():
                        # The same rules as /blocked: the answer is a report like any other.
                        return self._answer(request, officer, assignment, "b", text)
                except _Refusal as refusal:
                    return [Reply(str(refusal))]  # the question is answered (refused): gone
        if command is not None:
            return self._command(request, command, rest)
        if slashed:
            return [Reply(texts.UNKNOWN_COMMAND.format(text=_clip(first)))]
        if request.officer is None:
            return [Reply(texts.NEED_INVITE)]
        numbered = _NUMBERED.match(text)
        if numbered:
            return self._numbered(request, numbered.group("choice"),
                                  (numbered.group("rest") or "").strip())
        return [Reply(texts.UNKNOWN_COMMAND.format(text=_clip(text)))]

    def _command(self, request: _Request, command: str, rest: str) -> list[Reply]:
        if command == "start":
            return self._start(request, rest)
        if command == "help":
            return [Reply(texts.HELP)]
        officer = request.officer
        if officer is None:
            return [Reply(texts.NEED_INVITE)]
        if command == "tasks":
            return [Reply(self._tasks_text(request, officer.agency_code))]
        if command == "status":
            return [Reply(self._status(request, officer, rest))]
        if command == "overdue":
            return [Reply(self._overdue(request, officer))]
        if command == "done":
            return self._report(request, officer, EventStatus.DONE, rest, texts.USAGE_DONE)
        if command == "blocked":
            return self._report(request, officer, EventStatus.BLOCKED, rest, texts.USAGE_BLOCKED)
        if command == "undo":
            return self._undo(request, officer, rest)
        return self._report(request, officer, EventStatus.PROGRESS, rest, texts.USAGE_PROGRESS)

    # ---- registration ----------------------------------------------------------------------

    def _start(self, request: _Request, code: str) -> list[Reply]:
        incoming = request.incoming
        officer = request.officer
        if code:
            try:
                officer = redeem_invite(request.session, code.split()[0], incoming.channel,
                                        incoming.chat_id, incoming.display_name, request.now)
            except InviteError as error:
                if error.reason is InviteErrorReason.ALREADY_REGISTERED and officer is not None:
                    raise _Refusal(texts.ALREADY_REGISTERED.format(
                        agency=officer.agency.name)) from None
                raise _Refusal({
                    InviteErrorReason.USED: texts.INVITE_USED,
                    InviteErrorReason.EXPIRED: texts.INVITE_EXPIRED,
                }.get(error.reason, texts.INVITE_UNKNOWN)) from None
        if officer is None:
            return [Reply(texts.NEED_INVITE)]
        greeting = texts.greeting(officer.name, officer.role, officer.agency.name)
        return [Reply(greeting), Reply(self._tasks_text(request, officer.agency_code))]

    # ---- reading ---------------------------------------------------------------------------

    def _tasks_text(self, request: _Request, agency_code: str) -> str:
        items = queries.open_items(request.session, agency_code, request.today)
        agency = _agency_name(request, agency_code)
        if not items:
            return texts.NO_OPEN_ITEMS.format(agency=agency)
        lines = [texts.TASKS_TITLE.format(agency=agency, count=len(items))]
        for assignment in items:
            lines.append(self._item_line(assignment, request.today))
        return "\n".join(lines)

    def _item_line(self, assignment: Assignment, today: date) -> str:
        occurrence = assignment.occurrence
        task = occurrence.task
        shown = _standing_text(queries.standing_of(assignment, today))
        return texts.TASK_LINE.format(ref=_key(task, occurrence.period), title=task.title,
                                      period=occurrence.label, due=texts.day(occurrence.due),
                                      standing=shown)

    def status_report(self, argument: str = "") -> str:
        """Return /status as a coordinator sees it (for the terminal). Raise ValueError."""
        argument = _storable(argument)  # a command line that is not UTF-8 carries surrogates
        now = self.clock()
        with self.sessions() as session:
            request = _Request(session, Incoming("cli", "", "", ""), now,
                               now.astimezone(self.tz).date(), None)
            try:
                return self._status(request, None, argument)
            except _Refusal as refusal:
                raise ValueError(str(refusal)) from None

    def _status(self, request: _Request, officer: Officer | None, argument: str) -> str:
        session = request.session
        agency_code: str | None = None
        task: TaskRow | None = None
        if argument:
            token = argument.split()[0]
            agency = _find_agency(request, token)
            if agency is not None:
                agency_code = agency
            else:
                task = self._task(request, _parse_key(token)[0])
        if officer is not None and officer.role == Role.FOCAL.value:
            if agency_code not in (None, officer.agency_code):
                raise _Refusal(texts.FOCAL_OWN_AGENCY.format(
                    agency=_agency_name(request, officer.agency_code)))
            agency_code = officer.agency_code
        items = queries.lead_assignments(session, request.today, agency_code,
                                         task.id if task else None)
        scope = (texts.STATUS_TASK.format(key=task.key) if task else
                 _agency_name(request, agency_code) if agency_code else texts.STATUS_WHOLE_PLAN)
        if agency_code and task:
            scope = ", ".join((texts.STATUS_TASK.format(key=task.key),
                               _agency_name(request, agency_code)))
        return self._status_text(request, items, scope, per_agency=agency_code is None)

    def _status_text(self, request: _Request, items: list[Assignment], scope: str,
                     per_agency: bool) -> str:
        return render_status(request.agencies, request.today, items, scope, per_agency)

    def _overdue(self, request: _Request, officer: Officer) -> str:
        if officer.role == Role.FOCAL.value:
            raise _Refusal(texts.ONLY_COORDINATOR)
        items = [a for a in queries.lead_assignments(request.session, request.today)
                 if queries.standing_of(a, request.today).category is Category.OVERDUE]
        if not items:
            return texts.NO_OVERDUE
        lines = [texts.OVERDUE_TITLE.format(count=len(items), day=texts.day(request.today))]
        # One line per occurrence: ten districts late on one task read as one item to chase.
        by_occurrence: dict[int, list[Assignment]] = {}
        for assignment in items:
            by_occurrence.setdefault(assignment.occurrence_id, []).append(assignment)
        for group in by_occurrence.values():
            occurrence = group[0].occurrence
            item = queries.standing_of(group[0], request.today)
            agencies = ", ".join(
                _agency_short(request, a.agency_code)
                + (texts.BLOCKED_FLAG if queries.standing_of(a, request.today).blocked else "")
                for a in group)
            lines.append(texts.OVERDUE_LINE.format(
                ref=_key(occurrence.task, occurrence.period), period=occurrence.label,
                due=texts.day(occurrence.due), days=item.days_late,
                flag=texts.LONG_OVERDUE_FLAG if item.long_overdue else "", agencies=agencies))
        return "\n".join(lines)

    # ---- reporting -------------------------------------------------------------------------

    def _report(self, request: _Request, officer: Officer, status: EventStatus, rest: str,
                usage: str) -> list[Reply]:
        if officer.role == Role.LEADER.value:
            raise _Refusal(texts.LEADER_READ_ONLY)
        key_token, note = _split_first(rest)
        if not key_token or not _KEY.match(key_token):
            raise _Refusal(usage)
        explicit_agency: str | None = None
        if officer.role == Role.COORDINATOR.value and note:
            candidate, remainder = _split_first(note)
            explicit_agency = _find_agency(request, candidate)
            if explicit_agency is not None:
                note = remainder
        if status is not EventStatus.DONE and not note:
            raise _Refusal(usage)
        key, period = _parse_key(key_token)
        task = self._task(request, key)
        agency = self._acting_agency(request, officer, task, explicit_agency)
        assignment = self._assignment(request, task, agency, period)
        if status is EventStatus.DONE:
            return self._done(request, assignment, note)
        if status is EventStatus.BLOCKED:
            return self._blocked(request, assignment, note)
        return self._progress(request, assignment, note)

    def _done(self, request: _Request, assignment: Assignment, note: str) -> list[Reply]:
        _check_note(note)
        occurrence = assignment.occurrence
        if assignment.status == AssignmentStatus.DONE.value:
            raise _Refusal(self._already_done(request, assignment))
        self._check_opened(request, assignment)
        queries.record_event(request.session, assignment, EventStatus.DONE, note or None,
                             request.officer, request.incoming.channel, request.now,
                             request.today)
        item = queries.standing_of(assignment, request.today)
        return [Reply(texts.DONE_RECORDED.format(
            agency=_agency_name(request, assignment.agency_code),
            key=_key(occurrence.task, occurrence.period), period=occurrence.label,
            day=texts.day(request.today), category=texts.CATEGORY_NAMES[item.category.value]))]

    def _blocked(self, request: _Request, assignment: Assignment, reason: str) -> list[Reply]:
        _check_note(reason)
        if not reason:
            raise _Refusal(texts.USAGE_BLOCKED)
        if assignment.status == AssignmentStatus.DONE.value:
            raise _Refusal(self._already_done(request, assignment))
        self._check_opened(request, assignment)
        session = request.session
        queries.record_event(session, assignment, EventStatus.BLOCKED, reason, request.officer,
                             request.incoming.channel, request.now, request.today)
        occurrence = assignment.occurrence
        alert = texts.blocked_alert(_agency_name(request, assignment.agency_code),
                                    _key(occurrence.task, occurrence.period),
                                    occurrence.task.title, occurrence.label, reason,
                                    request.officer.name if request.officer else "")
        for chat in queries.coordinator_chats(session):
            queries.enqueue(session, chat, OutboxKind.NOTICE.value, alert, (), request.now)
        return [Reply(texts.BLOCKED_RECORDED.format(
            agency=_agency_name(request, assignment.agency_code),
            key=_key(occurrence.task, occurrence.period), period=occurrence.label))]

    def _progress(self, request: _Request, assignment: Assignment, note: str) -> list[Reply]:
        _check_note(note)
        if assignment.status == AssignmentStatus.DONE.value:
            raise _Refusal(self._already_done(request, assignment))
        self._check_opened(request, assignment)
        queries.record_event(request.session, assignment, EventStatus.PROGRESS, note,
                             request.officer, request.incoming.channel, request.now,
                             request.today)
        occurrence = assignment.occurrence
        return [Reply(texts.PROGRESS_RECORDED.format(
            key=_key(occurrence.task, occurrence.period), period=occurrence.label,
            agency=_agency_name(request, assignment.agency_code)))]

    def _snooze(self, request: _Request, assignment: Assignment) -> list[Reply]:
        if request.officer is None:
            raise _Refusal(texts.NEED_INVITE)
        self._check_opened(request, assignment)
        until = self.calendar.add_working_days(request.today, 1)
        queries.snooze(request.session, assignment, until, request.officer,
                       request.incoming.channel, request.now)
        occurrence = assignment.occurrence
        return [Reply(texts.SNOOZED.format(key=_key(occurrence.task, occurrence.period),
                                           day=texts.day(until)))]

    def _check_opened(self, request: _Request, assignment: Assignment) -> None:
        """Refuse a report on a period of a recurring task whose window has not opened yet."""
        occurrence = assignment.occurrence
        task = occurrence.task
        if task.kind not in _PERIODIC or occurrence.window_start <= request.today:
            return
        siblings = queries.assignments_of_task(request.session, task.id, assignment.agency_code,
                                               AssignmentRole.LEAD)
        opened = [a for a in siblings if a.occurrence.window_start <= request.today]
        open_refs = [_key(task, a.occurrence.period) for a in opened
                     if a.status != AssignmentStatus.DONE.value]
        if open_refs:
            open_text = texts.OPEN_PERIODS.format(refs=", ".join(open_refs))
        else:
            open_text = texts.NO_PERIOD_OPEN.format(
                key=task.key, agency=_agency_name(request, assignment.agency_code))
            done = [a for a in opened if a.completed_on is not None]
            if done:
                open_text += " " + texts.LATEST_PERIOD_DONE.format(
                    ref=_key(task, done[-1].occurrence.period),
                    day=texts.day(done[-1].completed_on or request.today))
        raise _Refusal(texts.PERIOD_NOT_OPENED.format(
            ref=_key(task, occurrence.period), period=occurrence.label,
            start=texts.day(occurrence.window_start), open=open_text))

    # ---- withdrawing a report ------------------------------------------------------------------

    def _undo(self, request: _Request, officer: Officer, rest: str) -> list[Reply]:
        """Withdraw the latest report on an item: its author within 24 hours, or a coordinator
        with a reason. The report stays in the history, followed by its withdrawal."""
        if officer.role == Role.LEADER.value:
            raise _Refusal(texts.LEADER_READ_ONLY)
        key_token, note = _split_first(rest)
        if not key_token or not _KEY.match(key_token):
            raise _Refusal(texts.USAGE_UNDO)
        explicit_agency: str | None = None
        if officer.role == Role.COORDINATOR.value and note:
            candidate, remainder = _split_first(note)
            explicit_agency = _find_agency(request, candidate)
            if explicit_agency is not None:
                note = remainder
        _check_note(note)
        key, period = _parse_key(key_token)
        task = self._task(request, key)
        agency = self._acting_agency(request, officer, task, explicit_agency, "huy")
        session = request.session
        assignments = (
            [self._assignment(request, task, agency, period)] if period is not None else
            queries.assignments_of_task(session, task.id, agency, AssignmentRole.LEAD,
                                        for_update=True))
        report = queries.latest_report(session, [a.id for a in assignments])
        if report is None:
            ref = _key(task, assignments[0].occurrence.period) if period else task.key
            raise _Refusal(texts.NOTHING_TO_UNDO.format(agency=_agency_name(request, agency),
                                                        ref=ref))
        assignment = next(a for a in assignments if a.id == report.assignment_id)
        occurrence = assignment.occurrence
        ref = _key(task, occurrence.period)
        what = texts.REPORT_NAMES.get(report.status, report.status)
        at = texts.moment(report.at.astimezone(self.tz))
        own = report.officer_id == officer.id
        if own and request.now - report.at <= UNDO_LIFETIME:
            pass
        elif officer.role == Role.COORDINATOR.value:
            if not note:
                raise _Refusal(texts.UNDO_NEEDS_REASON.format(ref=ref))
        elif own:
            raise _Refusal(texts.UNDO_TOO_LATE.format(what=what, ref=ref, at=at))
        else:
            raise _Refusal(texts.UNDO_NOT_AUTHOR.format(
                what=what, ref=ref, at=at, author=self._author(request, report)))
        queries.withdraw_report(session, assignment, report, note or None, officer,
                                request.incoming.channel, request.now, self.tz)
        agency_name = _agency_name(request, assignment.agency_code)
        if report.status == EventStatus.BLOCKED.value:
            # The coordinators were told of the blocker at once; they are told it is withdrawn.
            alert = texts.UNDO_BLOCKED_ALERT.format(agency=agency_name, ref=ref,
                                                    period=occurrence.label, at=at,
                                                    officer=officer.name)
            for chat in queries.coordinator_chats(session):
                queries.enqueue(session, chat, OutboxKind.NOTICE.value, alert, (), request.now)
        return [Reply(texts.UNDO_RECORDED.format(
            what=what, at=at, agency=agency_name, ref=ref, period=occurrence.label,
            standing=_standing_text(queries.standing_of(assignment, request.today))))]

    def _author(self, request: _Request, report: StatusEvent) -> str:
        author = (request.session.get(Officer, report.officer_id)
                  if report.officer_id is not None else None)
        return author.name if author is not None else texts.SOMEONE

    # ---- one-tap and numbered answers ----------------------------------------------------------

    def _button(self, request: _Request, data: str) -> list[Reply]:
        officer = request.officer
        if officer is None:
            return [Reply(texts.NEED_INVITE)]
        button = _BUTTON.match(data)
        assignment = (queries.assignment_for_update(request.session, int(button.group("id")))
                      if button else None)
        if button is None or assignment is None:
            return [Reply(texts.NO_REMINDER_TO_ANSWER)]
        return self._answer(request, officer, assignment, button.group("action"), "")

    def _numbered(self, request: _Request, choice: str, rest: str) -> list[Reply]:
        officer = request.officer
        assert officer is not None
        last = queries.last_reminder_to_chat(request.session, request.incoming.channel,
                                             request.incoming.chat_id)
        if last is None or last.assignment_id is None:
            return [Reply(texts.NO_REMINDER_TO_ANSWER)]
        assignment = queries.assignment_for_update(request.session, last.assignment_id)
        if assignment is None:
            return [Reply(texts.NO_REMINDER_TO_ANSWER)]
        return self._answer(request, officer, assignment, {"1": "d", "2": "b", "3": "s"}[choice],
                            rest)

    def _answer(self, request: _Request, officer: Officer, assignment: Assignment, action: str,
                rest: str) -> list[Reply]:
        if officer.role == Role.LEADER.value:
            raise _Refusal(texts.LEADER_READ_ONLY)
        self._check_may_report(request, officer, assignment)
        if assignment.status == AssignmentStatus.DONE.value or assignment.archived:
            occurrence = assignment.occurrence
            raise _Refusal(texts.STALE_BUTTON.format(
                key=_key(occurrence.task, occurrence.period), period=occurrence.label,
                agency=_agency_name(request, assignment.agency_code),
                standing=_standing_text(queries.standing_of(assignment, request.today))))
        self._check_opened(request, assignment)
        if action == "d":
            return self._done(request, assignment, rest)
        if action == "s":
            return self._snooze(request, assignment)
        if rest:
            return self._blocked(request, assignment, rest)
        queries.set_prompt(request.session, request.incoming.channel, request.incoming.chat_id,
                           assignment.id, officer, request.now)
        occurrence = assignment.occurrence
        return [Reply(texts.ASK_BLOCKED_REASON.format(
            key=_key(occurrence.task, occurrence.period), period=occurrence.label))]

    # ---- lookups and rules -----------------------------------------------------------------

    def _task(self, request: _Request, key: str) -> TaskRow:
        tasks = queries.tasks_by_key(request.session, key)
        if not tasks:
            raise _Refusal(texts.UNKNOWN_TASK.format(key=_clip(key)))
        return tasks[0]

    def _leads(self, request: _Request, task: TaskRow) -> list[str]:
        assignments = queries.assignments_of_task(request.session, task.id,
                                                  role=AssignmentRole.LEAD)
        return list(dict.fromkeys(a.agency_code for a in assignments))

    def _acting_agency(self, request: _Request, officer: Officer, task: TaskRow,
                       explicit: str | None, command: str = "xong") -> str:
        """Return the agency whose status the officer changes, or refuse."""
        leads = self._leads(request, task)
        lead_names = ", ".join(_agency_short(request, code) for code in leads) or texts.NONE_YET
        if officer.role == Role.COORDINATOR.value:
            if explicit is not None:
                if explicit not in leads:
                    raise _Refusal(texts.NOT_LEAD.format(
                        agency=_agency_name(request, explicit), key=task.key, leads=lead_names))
                return explicit
            if officer.agency_code in leads:
                return officer.agency_code
            if len(leads) == 1:
                return leads[0]
            raise _Refusal(texts.COORDINATOR_NEEDS_AGENCY.format(
                key=task.key, leads=lead_names, first=leads[0] if leads else "SCT",
                command=command))
        if officer.agency_code not in leads:
            raise _Refusal(texts.NOT_LEAD.format(agency=_agency_name(request, officer.agency_code),
                                                 key=task.key, leads=lead_names))
        return officer.agency_code

    def _check_may_report(self, request: _Request, officer: Officer,
                          assignment: Assignment) -> None:
        if assignment.role != AssignmentRole.LEAD.value or (
                officer.role != Role.COORDINATOR.value
                and officer.agency_code != assignment.agency_code):
            task = assignment.occurrence.task
            leads = ", ".join(_agency_short(request, c) for c in self._leads(request, task))
            raise _Refusal(texts.NOT_LEAD.format(
                agency=_agency_name(request, officer.agency_code), key=task.key, leads=leads))

    def _assignment(self, request: _Request, task: TaskRow, agency: str,
                    period: str | None) -> Assignment:
        """Return the agency's assignment of `period`, or its current open one."""
        assignments = queries.assignments_of_task(request.session, task.id, agency,
                                                  AssignmentRole.LEAD, for_update=True)
        if period is not None:
            for assignment in assignments:
                if assignment.occurrence.period.upper() == period.upper():
                    return assignment
            periods = ", ".join(a.occurrence.period for a in assignments
                                if a.occurrence.window_start <= request.today) or texts.NONE
            raise _Refusal(texts.UNKNOWN_PERIOD.format(key=task.key, period=_clip(period),
                                                       periods=periods))
        today = request.today
        not_done = [a for a in assignments if a.status != AssignmentStatus.DONE.value]
        started = [a for a in not_done if a.occurrence.window_start <= today]
        if len(started) > 1:
            # A late period and the running one are both open: guessing could close the wrong
            # one, so the person names it (buttons and numbered replies name it already).
            refs = [_key(task, a.occurrence.period) for a in started]
            raise _Refusal(texts.WHICH_PERIOD.format(key=task.key, refs=", ".join(refs),
                                                     example=refs[0]))
        if started:
            return started[0]
        if not_done:
            return not_done[0]
        if assignments:
            done = [a for a in assignments if a.occurrence.window_start <= request.today]
            return (done or assignments)[-1]
        raise _Refusal(texts.NO_OPEN_OCCURRENCE.format(key=task.key,
                                                       agency=_agency_name(request, agency)))

    def _already_done(self, request: _Request, assignment: Assignment) -> str:
        occurrence = assignment.occurrence
        done_on = assignment.completed_on or request.today
        return texts.ALREADY_DONE.format(key=_key(occurrence.task, occurrence.period),
                                         period=occurrence.label,
                                         agency=_agency_name(request, assignment.agency_code),
                                         day=texts.day(done_on))


# ---- helpers ------------------------------------------------------------------------------


def render_status(agencies: dict[str, AgencyRow], today: date, items: list[Assignment],
                  scope: str, per_agency: bool) -> str:
    """Return the /status text: the categories, the overdue share, then one line per agency."""
    standings = [(a, queries.standing_of(a, today)) for a in items]
    lines = [texts.STATUS_TITLE.format(scope=scope, day=texts.day(today))]
    lines.extend(_summary_lines([s for _, s in standings]))
    if per_agency and standings:
        lines.append(texts.STATUS_LEGEND)
        by_agency: dict[str, list[Standing]] = {}
        for assignment, item in standings:
            by_agency.setdefault(assignment.agency_code, []).append(item)
        # The most overdue first: what the coordinator must chase stands at the top.
        ranked = sorted(by_agency.items(), key=lambda entry: (
            -sum(s.category is Category.OVERDUE for s in entry[1]),
            -sum(s.blocked for s in entry[1])))
        for code, group in ranked:
            counts = _counts(group)
            short = agencies[code].short_name if code in agencies else code
            lines.append(texts.STATUS_AGENCY_LINE.format(
                agency=short, on_time=counts[Category.DONE_ON_TIME],
                late=counts[Category.DONE_LATE], in_progress=counts[Category.IN_PROGRESS],
                overdue=counts[Category.OVERDUE], blocked=sum(s.blocked for s in group)))
    return "\n".join(lines)


def _split_first(text: str) -> tuple[str, str]:
    """Return the first word and the rest (a note may start on a new line)."""
    words = text.split(None, 1)
    if not words:
        return "", ""
    return words[0], words[1].strip() if len(words) > 1 else ""


def _parse_key(token: str) -> tuple[str, str | None]:
    match = _KEY.match(token)
    if match is None:
        return token, None
    return match.group("key").upper(), match.group("period")


def _key(task: TaskRow, period: str) -> str:
    return texts.task_ref(task.key, period)


def _check_note(note: str) -> None:
    if len(note) > NOTE_LIMIT:
        raise _Refusal(texts.NOTE_TOO_LONG.format(length=len(note), limit=NOTE_LIMIT))


def _clip(text: str, limit: int = 40) -> str:
    """Return `text` cut to `limit` characters: what a person typed is echoed, never whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _storable(text: str) -> str:
    """Return `text` with what no database or platform takes written as escapes (`\\udc80`).

    A platform's JSON may carry a lone UTF-16 surrogate, which UTF-8 cannot encode, and
    PostgreSQL refuses NUL; a surrogate pair split in two is joined first.
    """
    if not _LONE_SURROGATE_OR_NUL.search(text):
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return _LONE_SURROGATE_OR_NUL.sub(lambda m: f"\\u{ord(m.group()):04x}", joined)


def _storable_incoming(incoming: Incoming) -> Incoming:
    return dataclasses.replace(
        incoming, chat_id=_storable(incoming.chat_id),
        display_name=_storable(incoming.display_name), text=_storable(incoming.text),
        message_id=None if incoming.message_id is None else _storable(incoming.message_id))


def _find_agency(request: _Request, token: str) -> str | None:
    wanted = fold(token)
    for code in request.agencies:
        if fold(code) == wanted:
            return code
    return None


def _agency_name(request: _Request, code: str | None) -> str:
    agencies = request.agencies
    return agencies[code].name if code in agencies else str(code)


def _agency_short(request: _Request, code: str) -> str:
    agencies = request.agencies
    return agencies[code].short_name if code in agencies else code


def _standing_text(item: Standing) -> str:
    text = texts.CATEGORY_NAMES[item.category.value]
    if item.category is Category.OVERDUE:
        text += texts.DAYS_LATE.format(days=item.days_late)
    if item.blocked:
        text += f", {texts.BLOCKED_NAME}"
    return text


def _counts(items: list[Standing]) -> dict[Category, int]:
    counts = dict.fromkeys(Category, 0)
    for item in items:
        counts[item.category] += 1
    return counts


def _summary_lines(items: list[Standing]) -> list[str]:
    counts = _counts(items)
    total = len(items)
    share = f"{counts[Category.OVERDUE] * 100 / total:.0f}%" if total else "0%"
    blocked = [s for s in items if s.blocked]
    blocked_late = sum(s.category is Category.OVERDUE for s in blocked)
    return texts.STATUS_SUMMARY.format(
        total=total, on_time=counts[Category.DONE_ON_TIME], late=counts[Category.DONE_LATE],
        in_progress=counts[Category.IN_PROGRESS], overdue=counts[Category.OVERDUE], share=share,
        blocked=len(blocked), blocked_in_time=len(blocked) - blocked_late,
        blocked_late=blocked_late).split("\n")
