"""The tick: turns the reminders due now into outbox messages, each queued once.

A reminder is recorded under a unique key (assignment, step key) and the day's message of each
chat under a unique dedupe key (chat, day) in the same transaction, so a second tick, a restart
or a second process queues nothing twice. What can be due is read from storage
(`storage.schedule`), only the candidates, in a snapshot that takes no write lock; the writes go
in short batches, an agency's reminders (of every plan) in one, the escalations in the last.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from time import monotonic
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from bot.agency_changes import shown_agencies
from bot.delivery.digest import DailyMessages, DueItem
from bot.render import render_status
from scheduler.policy import Reminder, Step, due_reminders
from scheduler.workdays import WorkingCalendar
from storage import agencies, outbox, people, schedule, work
from storage.db import pause_after_write, reading
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentStatus,
    OutboxKind,
    OutboxMessage,
    PlanRow,
)


@dataclass(frozen=True)
class Queued:
    """A reminder a tick queued, and how many chats it goes to."""

    reminder: Reminder
    recipients: int


@dataclass(frozen=True)
class TickResult:
    """What a tick queued: the reminders, and the messages in all (one per chat and day, the
    leaders' weekly digests included)."""

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
    The reminders due to one chat go in one message a day (`bot.delivery.digest`).
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
        due: list[_Due] = []
        for plan in schedule.plans(session):
            if plans is not None and plan.id not in plans:
                continue
            state, assignments = schedule.policy_state(
                session, plan, calendar, tz, schedule.send_time(plan, send_at), now)
            due.extend(_Due(plan.id, reminder,
                            assignments[(reminder.task_key, reminder.period, reminder.agency)])
                       for reminder in due_reminders(state, now)
                       if reminder.agency not in ceased)
    queued: list[Queued] = []
    messages = 0
    for batch in _batches(due, batch_size or BATCH_SIZE):
        began = monotonic()
        with _transaction(sessions) as session:
            if on_batch is not None:
                on_batch(session)
            batch_queued, batch_messages = _queue_batch(session, batch, now, tz)
            queued.extend(batch_queued)
            messages += batch_messages
        if not isinstance(sessions, Session):  # committed: the officers' commands go first
            pause_after_write(monotonic() - began)
    with _transaction(sessions) as session:
        digests = _queue_digest(session, today, now, shown_agencies(session, today))
    return TickResult(queued, digests + messages)


@dataclass(frozen=True)
class _Due:
    plan_id: str
    reminder: Reminder
    assignment_id: int


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


def _batches(due: list[_Due], size: int) -> list[list[_Due]]:
    """Cut `due` into batches of about `size`: an agency's reminders (of every plan: its chats
    get one message a day) are never cut apart, and the escalations (one message a day to each
    coordinator) all go in the last batch."""
    units: dict[str, list[_Due]] = {}
    escalations: list[_Due] = []
    for item in due:
        if item.reminder.step is Step.ESCALATION:
            escalations.append(item)
        else:
            units.setdefault(item.reminder.agency, []).append(item)
    batches: list[list[_Due]] = []
    for items in units.values():
        if not batches or len(batches[-1]) >= size:
            batches.append([])
        batches[-1].extend(items)
    if escalations:
        batches.append(escalations)
    return batches


def _queue_batch(session: Session, due: list[_Due], now: datetime,
                 tz: ZoneInfo) -> tuple[list[Queued], int]:
    """Record one batch of due reminders and queue their day's messages, in the caller's
    transaction; return what was queued and the number of messages."""
    names = people.agency_names(session)
    daily = DailyMessages(session, now, tz, names)
    recorded: list[tuple[Reminder, int]] = []
    plan_rows: dict[str, PlanRow] = {}
    for item in due:
        reminder = item.reminder
        escalation = reminder.step is Step.ESCALATION
        # The plan's own coordinating agency hears of its late items, no other.
        chats = daily.free(people.coordinator_chats(session, item.plan_id) if escalation
                           else people.chats_of_agency(session, reminder.agency),
                           escalation=escalation)
        if not chats:
            # Not recorded as sent: whoever registers later gets the latest step due then,
            # and a chat that had the day's message gets it with the next day's.
            continue
        assignment = session.get(Assignment, item.assignment_id)
        if assignment is None or assignment.status in RESTING:
            continue  # reported done (or awaiting confirmation) since the tick read what was due
        row = outbox.record_reminder(session, assignment.id, reminder.step.value,
                                      reminder.key, reminder.day, now)
        if row is None:
            continue
        if item.plan_id not in plan_rows:
            plan_rows[item.plan_id] = schedule.plan_row(session, item.plan_id)
        daily.add(DueItem(reminder, assignment, row, plan_rows[item.plan_id]), chats,
                  escalation=escalation)
        recorded.append((reminder, row.id))
    recipients, messages = daily.queue()
    return [Queued(reminder, recipients.get(row_id, 0)) for reminder, row_id in recorded], messages


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
