"""The tick: turns the reminders due now into outbox messages, each queued once.

A reminder is recorded under a unique key (assignment, step key) and its messages under a unique
dedupe key in the same transaction, so a second tick, a restart or a second process queues
nothing twice. What can be due is read from storage (`storage.schedule`), only the candidates,
in a snapshot that takes no write lock; the writes go in short batches.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from bot.agency_changes import shown_agencies
from bot.answers import reminder_buttons
from bot.channels.base import Button
from bot.render import render_status
from scheduler.policy import Reminder, Step, due_reminders
from scheduler.workdays import WorkingCalendar
from storage import agencies, outbox, people, schedule, work
from storage.db import reading
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    OfficerChat,
    OutboxKind,
    OutboxMessage,
    ReminderRow,
)


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


# Reminders are written this many at a time (whole agencies, a group of escalations whole), each
# batch in its own short transaction: the write lock is never held for long.
BATCH_SIZE = 10
# An assignment in one of these states is not reminded.
RESTING = frozenset({AssignmentStatus.DONE.value, AssignmentStatus.AWAITING.value})


def run_tick(sessions: sessionmaker[Session] | Session, now: datetime,
             calendar: WorkingCalendar, tz: ZoneInfo, send_at: time,
             plans: Collection[str] | None = None, *, batch_size: int | None = None,
             on_batch: Callable[[Session], None] | None = None) -> TickResult:
    """Queue every reminder due at `now` that was not queued before; return what was queued.

    `send_at` is the daily send time (NHACVIEC_SEND_AT) of the plans that set none; `plans`
    (ids) limits the tick to the plans whose send instant it serves (None: every live plan).
    Given a session factory, what is due is read in one snapshot that takes no write lock and
    the reminders are written in batches, each in its own transaction (`on_batch` runs in each,
    e.g. to renew a claim); given a session, all in the caller's transaction. A reminder is
    recorded under its unique key with its messages: a tick cut short and run again queues
    each reminder once.
    """
    today = now.astimezone(tz).date()
    with _transaction(sessions, read_only=True) as session:
        # An agency that no longer exists is reminded of nothing (its open work has nobody).
        ceased = agencies.ceased_on(session, today)
        due_by_plan = []
        for plan in schedule.plans(session):
            if plans is not None and plan.id not in plans:
                continue
            state, assignments = schedule.policy_state(
                session, plan, calendar, tz, schedule.send_time(plan, send_at), now)
            due = [reminder for reminder in due_reminders(state, now)
                   if reminder.agency not in ceased]
            due_by_plan.append((plan.id, due, assignments))
    queued: list[Queued] = []
    for plan_id, due, assignments in due_by_plan:
        for batch in _batches(due, batch_size or BATCH_SIZE):
            with _transaction(sessions) as session:
                if on_batch is not None:
                    on_batch(session)
                queued.extend(_queue_batch(session, plan_id, batch, assignments, now, tz))
    with _transaction(sessions) as session:
        digests = _queue_digest(session, today, now, shown_agencies(session, today))
    return TickResult(queued, digests + sum(item.recipients for item in queued))


@contextlib.contextmanager
def _transaction(sessions: sessionmaker[Session] | Session, *,
                 read_only: bool = False) -> Iterator[Session]:
    """Yield the caller's session, or a new one in a transaction of its own (committed)."""
    if isinstance(sessions, Session):
        yield sessions
        return
    factory = reading(sessions) if read_only else sessions
    with factory() as session, session.begin():
        yield session


def _batches(due: list[Reminder], size: int) -> list[list[Reminder]]:
    """Cut `due` into batches of about `size`: an agency's reminders, and the escalations of one
    occurrence (one message to the coordinators), are never cut apart; escalations go last."""
    units: dict[tuple[str, ...], list[Reminder]] = {}
    for reminder in due:
        unit = (("escalation", reminder.task_key, reminder.period)
                if reminder.step is Step.ESCALATION else ("agency", reminder.agency))
        units.setdefault(unit, []).append(reminder)
    ordered = ([items for unit, items in units.items() if unit[0] == "agency"]
               + [items for unit, items in units.items() if unit[0] == "escalation"])
    batches: list[list[Reminder]] = []
    for items in ordered:
        if not batches or len(batches[-1]) >= size:
            batches.append([])
        batches[-1].extend(items)
    return batches


def _queue_batch(session: Session, plan_id: str, due: list[Reminder],
                 assignments: dict[tuple[str, str, str], int], now: datetime,
                 tz: ZoneInfo) -> list[Queued]:
    """Record and queue one batch of due reminders in the caller's transaction."""
    queued: list[Queued] = []
    names = people.agency_names(session)
    escalations: dict[tuple[str, str], list[tuple[Reminder, Assignment, ReminderRow]]] = {}
    # The plan's own coordinating agency hears of its late items, no other.
    coordinators = people.coordinator_chats(session, plan_id)
    for reminder in due:
        escalation = reminder.step is Step.ESCALATION
        chats = (coordinators if escalation
                 else people.chats_of_agency(session, reminder.agency))
        if not chats:
            # Not recorded as sent: whoever registers later gets the latest step due then.
            continue
        assignment = session.get(Assignment,
                                 assignments[(reminder.task_key, reminder.period, reminder.agency)])
        if assignment is None or assignment.status in RESTING:
            continue  # reported done (or awaiting confirmation) since the tick read what was due
        row = outbox.record_reminder(session, assignment.id, reminder.step.value,
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
    return queued


def _queue_digest(session: Session, today: date, now: datetime,
                  names: dict[str, AgencyRow]) -> int:
    """Queue this week's digest for every leader once (the first tick of the week sends it)."""
    chats = people.leader_chats(session)
    if not chats:
        return 0
    year, week, _ = today.isocalendar()
    keys = {f"digest{year}-W{week:02d}:c{chat.id}" for chat in chats}
    if set(session.scalars(select(OutboxMessage.dedupe_key)
                           .where(OutboxMessage.dedupe_key.in_(keys)))) == keys:
        return 0  # queued already this week: not worth reading the whole plan again
    text = "\n".join((texts.DIGEST_TITLE.format(week=f"{week}/{year}"), render_status(
        names, today, work.lead_assignments(session, today), texts.STATUS_WHOLE_PLAN, True)))
    return sum(outbox.enqueue(session, chat, OutboxKind.DIGEST.value, text, (), now,
                               dedupe_key=f"digest{year}-W{week:02d}:c{chat.id}")
               for chat in chats)


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
        lead_codes = [a.agency_code for a in work.assignments_of_task(
            session, task.id, role=AssignmentRole.LEAD) if a.occurrence_id == occurrence.id]
        leads = ", ".join(names[code].short_name for code in lead_codes)
        text = texts.coordinate_notice(ref, task.title, occurrence.label, reminder.due,
                                       today, agency, leads)
    elif reminder.step is Step.PROGRESS:
        text = texts.progress_request(ref, task.title, occurrence.label, reminder.due,
                                      today, agency)
        buttons = reminder_buttons(assignment.id)
    else:
        # The due date in force: an approved extension's, not the occurrence's.
        text = texts.reminder(reminder.step.value, ref, task.title, occurrence.label,
                              reminder.due, today, agency)
        buttons = reminder_buttons(assignment.id)
    pairs = tuple((b.label, b.data) for b in buttons)
    count = 0
    for chat in chats:
        if outbox.enqueue(session, chat, OutboxKind.REMINDER.value, text, pairs, now,
                           assignment_id=assignment.id if buttons else None,
                           dedupe_key=f"r{row.id}:c{chat.id}"):
            count += 1
    return count


def _queue_escalation(session: Session,
                      group: list[tuple[Reminder, Assignment, ReminderRow]],
                      chats: list[OfficerChat], now: datetime, tz: ZoneInfo,
                      names: dict[str, AgencyRow]) -> int:
    first_reminder, first_assignment, first_row = group[0]
    occurrence = first_assignment.occurrence
    late = [names[reminder.agency].name for reminder, _, _ in group]
    text = texts.escalation(texts.task_ref(occurrence.task.key, occurrence.period),
                            occurrence.task.title, occurrence.label,
                            first_reminder.due, now.astimezone(tz).date(), late)
    count = 0
    for chat in chats:
        if outbox.enqueue(session, chat, OutboxKind.ESCALATION.value, text, (), now,
                           dedupe_key=f"e{first_row.id}:c{chat.id}"):
            count += 1
    return count
