"""The tick: turns the reminders due now into outbox messages, each queued once.

A reminder is recorded under a unique key (assignment, step key) and its messages under a unique
dedupe key in the same transaction, so a second tick, a restart or a second process queues
nothing twice. What can be due is read from storage (`storage.schedule`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import texts
from bot.agency_changes import shown_agencies
from bot.answers import reminder_buttons
from bot.channels.base import Button
from bot.render import render_status
from scheduler.policy import Reminder, Step, due_reminders
from scheduler.workdays import WorkingCalendar
from storage import agencies, outbox, people, schedule, work
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentRole,
    OfficerChat,
    OutboxKind,
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


def run_tick(session: Session, now: datetime, calendar: WorkingCalendar, tz: ZoneInfo,
             send_at: time, plans: Collection[str] | None = None) -> TickResult:
    """Queue every reminder due at `now` that was not queued before; return what was queued.

    `send_at` is the daily send time (NHACVIEC_SEND_AT) of the plans that set none; `plans`
    (ids) limits the tick to the plans whose send instant it serves (None: every live plan).
    """
    queued: list[Queued] = []
    names = people.agency_names(session)
    # An agency that no longer exists is reminded of nothing (its open work has nobody).
    ceased = agencies.ceased_on(session, now.astimezone(tz).date())
    for plan in schedule.plans(session):
        if plans is not None and plan.id not in plans:
            continue
        state, assignments = schedule.policy_state(session, plan, calendar, tz,
                                                   schedule.send_time(plan, send_at))
        due = [reminder for reminder in due_reminders(state, now) if reminder.agency not in ceased]
        escalations: dict[tuple[str, str], list[tuple[Reminder, Assignment, ReminderRow]]] = {}
        # The plan's own coordinating agency hears of its late items, no other.
        coordinators = people.coordinator_chats(session, plan.id)
        for reminder in due:
            escalation = reminder.step is Step.ESCALATION
            chats = (coordinators if escalation
                     else people.chats_of_agency(session, reminder.agency))
            if not chats:
                # Not recorded as sent: whoever registers later gets the latest step due then.
                continue
            assignment = assignments[(reminder.task_key, reminder.period, reminder.agency)]
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
    today = now.astimezone(tz).date()
    digests = _queue_digest(session, today, now, shown_agencies(session, today))
    return TickResult(queued, digests + sum(item.recipients for item in queued))


def _queue_digest(session: Session, today: date, now: datetime,
                  names: dict[str, AgencyRow]) -> int:
    """Queue this week's digest for every leader once (the first tick of the week sends it)."""
    chats = people.leader_chats(session)
    if not chats:
        return 0
    year, week, _ = today.isocalendar()
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
