"""The tick: turns the reminders due now into outbox messages, each queued once.

A reminder is recorded under a unique key (assignment, step key) and the day's message of each
chat under a unique dedupe key (chat, day) in the same transaction, so a second tick, a restart
or a second process queues nothing twice. What can be due is read from storage
(`storage.schedule`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import texts
from bot.delivery.digest import DailyMessages, DueItem
from bot.render import render_status
from scheduler.policy import Reminder, Step, due_reminders
from scheduler.workdays import WorkingCalendar
from storage import outbox, people, schedule, work
from storage.models import AgencyRow, OutboxKind, ReminderRow


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


def run_tick(session: Session, now: datetime, calendar: WorkingCalendar, tz: ZoneInfo,
             send_at: time) -> TickResult:
    """Queue every reminder due at `now` that was not queued before; return what was queued.

    `send_at` is the daily send time (NHACVIEC_SEND_AT): the one the timer ticks at. The
    reminders due to one chat go in one message a day (`bot.delivery.digest`).
    """
    recorded: list[tuple[Reminder, ReminderRow]] = []
    names = people.agency_names(session)
    daily = DailyMessages(session, now, tz, names)
    for plan in schedule.plans(session):
        state, assignments = schedule.policy_state(session, plan, calendar, tz, send_at)
        due = due_reminders(state, now)
        coordinators = people.coordinator_chats(session)
        for reminder in due:
            escalation = reminder.step is Step.ESCALATION
            chats = daily.free(coordinators if escalation
                               else people.chats_of_agency(session, reminder.agency),
                               escalation=escalation)
            if not chats:
                # Not recorded as sent: whoever registers later gets the latest step due then,
                # and a chat that had the day's message gets it with the next day's.
                continue
            assignment = assignments[(reminder.task_key, reminder.period, reminder.agency)]
            row = outbox.record_reminder(session, assignment.id, reminder.step.value,
                                          reminder.key, reminder.day, now)
            if row is None:
                continue
            daily.add(DueItem(reminder, assignment, row, plan), chats, escalation=escalation)
            recorded.append((reminder, row))
    recipients, messages = daily.queue()
    queued = [Queued(reminder, recipients.get(row.id, 0)) for reminder, row in recorded]
    digests = _queue_digest(session, now.astimezone(tz).date(), now, names)
    return TickResult(queued, digests + messages)


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
