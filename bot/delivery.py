"""Delivery: a tick turns due reminders into outbox messages; the dispatcher sends the outbox.

The database decides what is due and what was sent. A reminder is recorded under a unique key
(assignment, step key) and its messages under a unique dedupe key in the same transaction, so a
second tick, a restart or a second process queues nothing twice. Messages are claimed with a
conditional UPDATE before sending and marked sent only after the platform confirmed them: a
crash repeats at most the messages in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from bot.channels.base import (
    Button,
    ChannelDown,
    OutMessage,
    Transport,
    TransportError,
    deliver,
)
from bot.commands import reminder_buttons, render_status
from scheduler.occurrences import Occurrence
from scheduler.plan import Ladder
from scheduler.policy import PolicyState, Reminder, ScheduledOccurrence, Step, due_reminders
from scheduler.timeframe import TimeframeKind
from scheduler.timer import latest_send_instant
from scheduler.workdays import WorkingCalendar
from storage import queries
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    OccurrenceRow,
    OfficerChat,
    OutboxKind,
    OutboxMessage,
    PlanRow,
    ReminderRow,
    TaskRow,
    Tick,
)

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Queued:
    """A reminder a tick queued, and how many chats it goes to."""

    reminder: Reminder
    recipients: int


@dataclass(frozen=True)
class TickResult:
    """What a tick queued: the reminders, and the messages in all (digests included)."""

    queued: list[Queued]
    messages: int


# ---- the tick -----------------------------------------------------------------------------


def run_tick(session: Session, now: datetime, calendar: WorkingCalendar, tz: ZoneInfo,
             send_at: time) -> TickResult:
    """Queue every reminder due at `now` that was not queued before; return what was queued.

    `send_at` is the daily send time (NHACVIEC_SEND_AT): the one the timer ticks at.
    """
    queued: list[Queued] = []
    names = queries.agency_names(session)
    for plan in session.scalars(select(PlanRow).order_by(PlanRow.id)):
        state, assignments = _policy_state(session, plan, calendar, tz, send_at)
        due = due_reminders(state, now)
        escalations: dict[tuple[str, str], list[tuple[Reminder, Assignment, ReminderRow]]] = {}
        coordinators = queries.coordinator_chats(session)
        for reminder in due:
            escalation = reminder.step is Step.ESCALATION
            chats = (coordinators if escalation
                     else queries.chats_of_agency(session, reminder.agency))
            if not chats:
                # Not recorded as sent: whoever registers later gets the latest step due then.
                continue
            assignment = assignments[(reminder.task_key, reminder.period, reminder.agency)]
            row = queries.record_reminder(session, assignment.id, reminder.step.value,
                                          reminder.key, reminder.day, now)
            if row is None:
                continue
            if escalation:
                group = (reminder.task_key, reminder.period)
                escalations.setdefault(group, []).append((reminder, assignment, row))
                continue
            count = _queue_to_agency(session, reminder, assignment, row, chats, now, tz, names)
            queued.append(Queued(reminder, count))
        for late in escalations.values():
            count = _queue_escalation(session, late, coordinators, now, tz, names)
            queued.extend(Queued(reminder, count) for reminder, _, _ in late)
    digests = _queue_digest(session, now.astimezone(tz).date(), now, names)
    return TickResult(queued, digests + sum(item.recipients for item in queued))


def _queue_digest(session: Session, today: date, now: datetime,
                  names: dict[str, AgencyRow]) -> int:
    """Queue this week's digest for every leader once (the first tick of the week sends it)."""
    chats = queries.leader_chats(session)
    if not chats:
        return 0
    year, week, _ = today.isocalendar()
    text = "\n".join((texts.DIGEST_TITLE.format(week=f"{week}/{year}"), render_status(
        names, today, queries.lead_assignments(session, today), texts.STATUS_WHOLE_PLAN, True)))
    return sum(queries.enqueue(session, chat, OutboxKind.DIGEST.value, text, (), now,
                               dedupe_key=f"digest{year}-W{week:02d}:c{chat.id}")
               for chat in chats)


def _policy_state(session: Session, plan: PlanRow, calendar: WorkingCalendar, tz: ZoneInfo,
                  send_at: time) -> tuple[PolicyState, dict[tuple[str, str, str], Assignment]]:
    rows = session.execute(
        select(Assignment, OccurrenceRow, TaskRow)
        .join(Assignment.occurrence).join(OccurrenceRow.task)
        .where(TaskRow.plan_id == plan.id, TaskRow.archived.is_(False),
               OccurrenceRow.archived.is_(False), Assignment.archived.is_(False))
        .order_by(OccurrenceRow.due, OccurrenceRow.id, Assignment.id)
    ).all()
    by_key: dict[tuple[str, str, str], Assignment] = {}
    occurrence_rows: dict[int, tuple[OccurrenceRow, TaskRow]] = {}
    leads: dict[int, list[str]] = {}
    coordinating: dict[int, list[str]] = {}
    done: set[tuple[str, str, str]] = set()
    snoozes: dict[tuple[str, str, str], date] = {}
    for assignment, occurrence, task in rows:
        key = (task.key, occurrence.period, assignment.agency_code)
        by_key[key] = assignment
        occurrence_rows[occurrence.id] = (occurrence, task)
        target = leads if assignment.role == AssignmentRole.LEAD.value else coordinating
        target.setdefault(occurrence.id, []).append(assignment.agency_code)
        if assignment.status == AssignmentStatus.DONE.value:
            done.add(key)
        if assignment.snoozed_until is not None:
            snoozes[key] = assignment.snoozed_until
    scheduled = tuple(
        ScheduledOccurrence(
            Occurrence(task.key, occurrence.period, occurrence.label, occurrence.window_start,
                       occurrence.due),
            TimeframeKind(task.kind), tuple(leads.get(occurrence_id, ())),
            tuple(coordinating.get(occurrence_id, ())))
        for occurrence_id, (occurrence, task) in occurrence_rows.items())
    sent = {
        (task_key, period, agency, key)
        for task_key, period, agency, key in session.execute(
            select(TaskRow.key, OccurrenceRow.period, Assignment.agency_code, ReminderRow.key)
            .join(Assignment, Assignment.id == ReminderRow.assignment_id)
            .join(OccurrenceRow, OccurrenceRow.id == Assignment.occurrence_id)
            .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
            .where(TaskRow.plan_id == plan.id))
    }
    state = PolicyState(scheduled, _ladder(plan.ladder_json), calendar, tz, send_at,
                        frozenset(sent), frozenset(done), snoozes)
    return state, by_key


def _ladder(ladder_json: str) -> Ladder:
    """Return the stored ladder; a send time stored by an older version is not the ladder's."""
    stored = json.loads(ladder_json)
    stored.pop("send_at", None)
    return Ladder.model_validate(stored)


def _queue_to_agency(session: Session, reminder: Reminder, assignment: Assignment,
                     row: ReminderRow, chats: list[OfficerChat], now: datetime, tz: ZoneInfo,
                     names: dict[str, AgencyRow]) -> int:
    occurrence = assignment.occurrence
    task = occurrence.task
    ref = texts.task_ref(task.key, occurrence.period)
    today = now.astimezone(tz).date()
    agency = names[reminder.agency].name
    buttons: tuple[Button, ...] = ()
    if reminder.step is Step.COORDINATE:
        lead_codes = [a.agency_code for a in queries.assignments_of_task(
            session, task.id, role=AssignmentRole.LEAD) if a.occurrence_id == occurrence.id]
        leads = ", ".join(names[code].short_name for code in lead_codes)
        text = texts.coordinate_notice(ref, task.title, occurrence.label, occurrence.due,
                                       today, agency, leads)
    elif reminder.step is Step.PROGRESS:
        text = texts.progress_request(ref, task.title, occurrence.label, occurrence.due,
                                      today, agency)
        buttons = reminder_buttons(assignment.id)
    else:
        text = texts.reminder(reminder.step.value, ref, task.title, occurrence.label,
                              occurrence.due, today, agency)
        buttons = reminder_buttons(assignment.id)
    pairs = tuple((b.label, b.data) for b in buttons)
    count = 0
    for chat in chats:
        if queries.enqueue(session, chat, OutboxKind.REMINDER.value, text, pairs, now,
                           assignment_id=assignment.id if buttons else None,
                           dedupe_key=f"r{row.id}:c{chat.id}"):
            count += 1
    return count


def _queue_escalation(session: Session,
                      group: list[tuple[Reminder, Assignment, ReminderRow]],
                      chats: list[OfficerChat], now: datetime, tz: ZoneInfo,
                      names: dict[str, AgencyRow]) -> int:
    _, first_assignment, first_row = group[0]
    occurrence = first_assignment.occurrence
    late = [names[reminder.agency].name for reminder, _, _ in group]
    text = texts.escalation(texts.task_ref(occurrence.task.key, occurrence.period),
                            occurrence.task.title, occurrence.label,
                            occurrence.due, now.astimezone(tz).date(), late)
    count = 0
    for chat in chats:
        if queries.enqueue(session, chat, OutboxKind.ESCALATION.value, text, (), now,
                           dedupe_key=f"e{first_row.id}:c{chat.id}"):
            count += 1
    return count


def pending_tick(session: Session, now: datetime, send_at: time, calendar: WorkingCalendar,
                 tz: ZoneInfo) -> datetime | None:
    """Return the send instant a tick at `now` should serve, or None if one already served it.

    Only the latest instant counts: a bot down for days serves one tick when it is back.
    """
    instant = latest_send_instant(now, send_at, calendar, tz)
    if instant is None:
        return None
    # Served is asked of this very instant, not of the latest one recorded, so a clock set
    # back for a demo (--clock) still ticks.
    served = session.scalar(select(Tick.id).where(Tick.due_at == instant))
    return None if served is not None else instant


def claim_tick(session: Session, instant: datetime, now: datetime) -> bool:
    """Record that a tick serves `instant`. False: another process already did.

    Written in the caller's transaction with what the tick queues, so two processes cannot both
    serve one instant, and a bot that was down serves only the latest instant when it is back.
    """
    try:
        with session.begin_nested():
            session.add(Tick(due_at=instant, started_at=now, completed_at=now))
    except IntegrityError:
        return False
    return True


# ---- the dispatcher -----------------------------------------------------------------------

# A message that keeps failing transiently is given up after this many attempts, once it has
# waited this long: Telegram refuses some messages for good with an error that is not about the
# chat (a "Bad Request" other than the permanent ones), and such a message would otherwise be
# retried forever while holding its chat's later messages. The age keeps an outage of the
# platform or of our network (every message failing for a while) from failing the outbox.
MAX_ATTEMPTS = 10
GIVE_UP_AFTER = timedelta(days=1)


class Dispatcher:
    """Sends the outbox in order within rate limits, retrying what failed transiently."""

    def __init__(self, sessions: sessionmaker[Session], transports: Mapping[str, Transport],
                 clock: Clock, *, per_second: float = 25.0, per_chat_per_second: float = 1.0,
                 lease: timedelta = timedelta(minutes=2), batch: int = 100,
                 chats: frozenset[tuple[str, str]] | None = None,
                 on_sent: Callable[[int], None] | None = None,
                 on_channel_down: Callable[[str, TransportError], None] | None = None) -> None:
        self.sessions = sessions
        self.transports = dict(transports)
        self.clock = clock
        self.spacing = 1.0 / per_second
        self.chat_spacing = 1.0 / per_chat_per_second
        self.lease = lease
        self.batch = batch
        self._chat_free_at: dict[tuple[str, str], float] = {}
        # The loop time of the next free slot of the overall rate, carried across passes.
        self._next_slot = 0.0
        # Messages the platform confirmed but whose "sent" mark failed: marked on the next pass.
        self._unrecorded: dict[int, datetime] = {}
        self._on_sent = on_sent
        self._on_channel_down = on_channel_down
        self._only_chats = chats

    async def run_forever(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Send until `stop` is set, looking at the outbox again every `idle` seconds."""
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("dispatcher pass failed")
                sent = 0
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle)

    async def run_once(self) -> int:
        """Claim and send what is ready now; return how many messages were attempted."""
        loop = asyncio.get_running_loop()
        now = self.clock()
        claimed: list[queries.Claimed] = []
        unrecorded = dict(self._unrecorded)
        with self.sessions() as session, session.begin():
            for message_id, sent_at in unrecorded.items():
                queries.mark_sent(session, message_id, sent_at)
            queries.requeue_stale(session, now, self.lease)
            queries.drop_messages_of_revoked(session)
            held = queries.held_back(session, now)
            taken: set[tuple[str, str]] = set()
            for message in queries.ready_messages(session, now, self.batch,
                                                  channels=self.transports.keys(),
                                                  chats=self._only_chats):
                chat = (message.channel, message.chat_id)
                # One message per chat and pass (its rate), urgent ones first. Within a lane a
                # chat's messages go in order: one waiting for its retry or in flight elsewhere
                # holds the later ones of its lane, never those of the other lane.
                if chat in taken:
                    continue
                lane = queries.lane_of(message.kind)
                if held.get((*chat, lane), message.id) < message.id:
                    continue
                if message.channel not in self.transports:
                    continue
                if self._only_chats is not None and chat not in self._only_chats:
                    continue
                if self._chat_free_at.get(chat, 0.0) > loop.time():
                    continue
                if queries.claim(session, message.id, now):
                    taken.add(chat)
                    claimed.append(queries.Claimed(message.id, message.channel, message.chat_id,
                                                   message.text, queries.buttons_of(message),
                                                   message.attempts, message.pieces_sent))
        for message_id in unrecorded:
            del self._unrecorded[message_id]
            if self._on_sent is not None:
                self._on_sent(message_id)
        tasks = []
        started = loop.time()
        first_slot = max(started, self._next_slot)
        in_flight = {message.id for message in claimed}
        for index, claimed_message in enumerate(claimed):
            slot = first_slot + index * self.spacing
            chat_key = (claimed_message.channel, claimed_message.chat_id)
            self._chat_free_at[chat_key] = slot + self.chat_spacing
            tasks.append(asyncio.create_task(
                self._send(claimed_message, slot - started, in_flight)))
        self._next_slot = first_slot + len(claimed) * self.spacing
        # The claims last as long as this pass works on them, however long the lease.
        keeper = asyncio.create_task(self._keep_claimed(in_flight)) if claimed else None
        try:
            # Every send runs to its end before the next pass, even if one of them raised.
            for outcome in await asyncio.gather(*tasks, return_exceptions=True):
                if isinstance(outcome, BaseException):
                    log.error("send failed unexpectedly", exc_info=outcome)
        finally:
            if keeper is not None:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper
        return len(claimed)

    async def _keep_claimed(self, in_flight: set[int]) -> None:
        """Renew the claims of the messages still in flight, three times per lease."""
        interval = max(self.lease.total_seconds() / 3, 0.01)
        while in_flight:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self._renew, set(in_flight))
            except SQLAlchemyError:
                log.warning("could not renew the claim of %d messages", len(in_flight),
                            exc_info=True)

    def _renew(self, message_ids: set[int]) -> None:
        with self.sessions() as session, session.begin():
            queries.renew_claims(session, message_ids, self.clock())

    async def _send(self, message: queries.Claimed, delay: float, in_flight: set[int]) -> None:
        try:
            await self._deliver(message, delay)
        finally:
            in_flight.discard(message.id)

    async def _deliver(self, message: queries.Claimed, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        transport = self.transports.get(message.channel)
        if transport is None:
            # Its channel stopped (ChannelDown) since the claim: the message waits for it.
            with self.sessions() as session, session.begin():
                queries.mark_retry(session, message.id, self.clock(), "channel stopped",
                                   message.pieces_sent)
            return
        out = OutMessage(message.chat_id, message.text,
                         tuple(Button(label, data) for label, data in message.buttons),
                         first_piece=message.pieces_sent)
        pieces_sent = message.pieces_sent

        def piece_sent(count: int) -> None:
            nonlocal pieces_sent
            pieces_sent = count
            self._record_pieces(message.id, count)

        try:
            await deliver(transport, out, on_piece=piece_sent)
        except ChannelDown as error:
            self._channel_down(message, error, pieces_sent)
            return
        except TransportError as error:
            self._failed(message, error, pieces_sent)
            return
        except Exception as error:  # a bug in a transport must not lose the message
            log.exception("transport %s crashed", message.channel)
            self._failed(message, TransportError(type(error).__name__), pieces_sent)
            return
        sent_at = self.clock()
        try:
            with self.sessions() as session, session.begin():
                queries.mark_sent(session, message.id, sent_at)
        except SQLAlchemyError:
            # Left "sending", it would be sent again once its lease ran out.
            log.exception("message %s was sent but could not be marked sent", message.id)
            self._unrecorded[message.id] = sent_at
            return
        if self._on_sent is not None:
            self._on_sent(message.id)

    def _record_pieces(self, message_id: int, count: int) -> None:
        """Record a delivered piece at once: a crash before the next one must not repeat it."""
        try:
            with self.sessions() as session, session.begin():
                queries.record_pieces(session, message_id, count)
        except SQLAlchemyError:
            # Still recorded with the outcome of the message (sent, or waiting for a retry).
            log.warning("message %s: could not record %d pieces sent", message_id, count,
                        exc_info=True)

    def _failed(self, message: queries.Claimed, error: TransportError,
                pieces_sent: int) -> None:
        now = self.clock()
        with self.sessions() as session, session.begin():
            if error.permanent:
                self._unreachable(session, message, error, now)
                return
            row = session.get_one(OutboxMessage, message.id)
            if message.attempts + 1 >= MAX_ATTEMPTS and row.created_at <= now - GIVE_UP_AFTER:
                self._give_up(session, message, error, now)
                return
            backoff = min(300.0, 2.0 ** min(message.attempts, 8))
            delay = max(error.retry_after or 0.0, backoff)
            log.warning("send %s failed, retry in %.0fs: %s", message.id, delay, error.message)
            queries.mark_retry(session, message.id, now + timedelta(seconds=delay),
                               error.message, pieces_sent)

    def _channel_down(self, message: queries.Claimed, error: ChannelDown,
                      pieces_sent: int) -> None:
        """Put the message back and send nothing more on its channel: no chat is at fault."""
        with self.sessions() as session, session.begin():
            queries.mark_retry(session, message.id, self.clock(), error.message, pieces_sent)
        if self.transports.pop(message.channel, None) is not None:
            log.error("channel %s stopped: %s", message.channel, error.message)
            if self._on_channel_down is not None:
                self._on_channel_down(message.channel, error)

    def _unreachable(self, session: Session, message: queries.Claimed, error: TransportError,
                     now: datetime) -> None:
        """Fail the message, mark its chat unreachable and, the first time, tell coordinators."""
        log.warning("send %s failed for good: %s", message.id, error.message)
        queries.mark_failed(session, message.id, error.message)
        chat = queries.mark_unreachable(session, message.channel, message.chat_id,
                                        error.message)
        if chat is None:
            return
        officer = chat.officer
        alert = texts.unreachable_alert(officer.name, officer.agency.short_name,
                                        message.channel, error.message)
        for coordinator_chat in queries.coordinator_chats(session):
            queries.enqueue(session, coordinator_chat, OutboxKind.NOTICE.value, alert, (),
                            now, dedupe_key=f"u{chat.id}:{message.id}:c{coordinator_chat.id}")

    def _give_up(self, session: Session, message: queries.Claimed, error: TransportError,
                 now: datetime) -> None:
        """Fail a message that keeps failing and tell the coordinators; the chat stays usable."""
        log.warning("send %s given up after %d attempts: %s", message.id, message.attempts + 1,
                    error.message)
        failed = queries.mark_failed(session, message.id, error.message)
        chat = session.scalars(select(OfficerChat).where(
            OfficerChat.channel == message.channel,
            OfficerChat.chat_id == message.chat_id)).one_or_none()
        # An alert about an alert could bounce between two coordinators' failing chats.
        if chat is None or failed.kind == OutboxKind.NOTICE.value:
            return
        officer = chat.officer
        alert = texts.unreachable_alert(officer.name, officer.agency.short_name,
                                        message.channel, error.message)
        for coordinator_chat in queries.coordinator_chats(session):
            if coordinator_chat.id != chat.id:
                queries.enqueue(session, coordinator_chat, OutboxKind.NOTICE.value, alert, (),
                                now, dedupe_key=f"g{message.id}:c{coordinator_chat.id}")
