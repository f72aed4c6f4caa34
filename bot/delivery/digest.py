"""The day's message: every reminder due to a chat on a day, in one message.

The tick records each reminder as before (one row per assignment and step key: the policy's
"already sent" set); this module gathers them per chat and queues ONE outbox message per chat
and day (dedupe key "day<date>:c<chat>"; the escalations to a coordinator, "esc<date>:c<chat>"),
so an officer receives at most one reminder message a working day, however many items are due.
A message with one item reads as a single reminder always did; several are numbered, each with
its answers (`bot.answers.item_buttons`). A chat that had the day's message already takes no
more that day: the tick leaves those reminders unrecorded, due again at the next tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import texts
from bot.answers import item_buttons, reminder_buttons
from bot.channels.base import Button
from bot.render import plan_label, ref, standing_text
from scheduler.policy import Reminder, Step
from scheduler.status import Category, standing_of
from storage import outbox, work
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentRole,
    OfficerChat,
    OutboxKind,
    PlanRow,
    ReminderRow,
)


@dataclass(frozen=True)
class DueItem:
    """A reminder the tick recorded, with its rows, waiting for the day's message."""

    reminder: Reminder
    assignment: Assignment
    row: ReminderRow
    plan: PlanRow


@dataclass
class _Chat:
    chat: OfficerChat
    items: list[DueItem] = field(default_factory=list)


class DailyMessages:
    """The day's reminders and escalations, gathered per chat, queued as one message each."""

    def __init__(self, session: Session, now: datetime, tz: ZoneInfo,
                 names: dict[str, AgencyRow]) -> None:
        self.session = session
        self.now = now
        self.today = now.astimezone(tz).date()
        self.names = names
        self._reminders: dict[int, _Chat] = {}
        self._escalations: dict[int, _Chat] = {}
        self._queued_before: dict[str, bool] = {}

    def key(self, chat: OfficerChat, escalation: bool) -> str:
        """Return the dedupe key of the chat's message of the day."""
        return f"{'esc' if escalation else 'day'}{self.today.isoformat()}:c{chat.id}"

    def free(self, chats: list[OfficerChat], *, escalation: bool) -> list[OfficerChat]:
        """Return the chats that did not get the day's message (of that kind) before this tick."""
        keys = {self.key(chat, escalation): chat for chat in chats}
        unknown = [key for key in keys if key not in self._queued_before]
        if unknown:
            before = outbox.queued_keys(self.session, unknown)
            self._queued_before.update({key: key in before for key in unknown})
        return [chat for key, chat in keys.items() if not self._queued_before[key]]

    def add(self, item: DueItem, chats: list[OfficerChat], *, escalation: bool) -> None:
        """Put `item` in the day's message of each chat."""
        target = self._escalations if escalation else self._reminders
        for chat in chats:
            target.setdefault(chat.id, _Chat(chat)).items.append(item)

    def queue(self) -> tuple[dict[int, int], int]:
        """Queue the day's messages; return, per reminder row id, how many chats it went to,
        and how many messages were queued."""
        recipients: dict[int, int] = {}
        messages = 0
        for gathered, escalation in ((self._reminders, False), (self._escalations, True)):
            for entry in gathered.values():
                text, buttons, assignment_id = (self._escalation(entry.items) if escalation
                                                else self._reminder(entry.items))
                kind = OutboxKind.ESCALATION if escalation else OutboxKind.REMINDER
                if not outbox.enqueue(self.session, entry.chat, kind.value, text,
                                      tuple((b.label, b.data) for b in buttons), self.now,
                                      assignment_id=assignment_id,
                                      dedupe_key=self.key(entry.chat, escalation)):
                    continue
                messages += 1
                for item in entry.items:
                    recipients[item.row.id] = recipients.get(item.row.id, 0) + 1
        return recipients, messages

    # ---- the texts ------------------------------------------------------------------------

    def _reminder(self, items: list[DueItem]
                  ) -> tuple[str, tuple[Button, ...], int | None]:
        if len(items) == 1:
            return self._single(items[0])
        answerable = sorted((i for i in items if i.reminder.step is not Step.COORDINATE),
                            key=_by_due)
        notices = sorted((i for i in items if i.reminder.step is Step.COORDINATE), key=_by_due)
        agency = self.names[items[0].reminder.agency]
        blocks = [texts.DAILY_TITLE.format(day=texts.day(self.today), agency=agency.name,
                                           count=len(items))]
        buttons: list[Button] = []
        for number, item in enumerate(answerable, start=1):
            blocks.append(self._item_block(number, item))
            buttons.extend(item_buttons(number, item.assignment.id))
        if notices:
            blocks.append(texts.DAILY_NOTICES_TITLE)
            blocks.extend(self._notice_block(item) for item in notices)
        return "\n\n".join(blocks), tuple(buttons), None

    def _single(self, item: DueItem) -> tuple[str, tuple[Button, ...], int | None]:
        reminder, assignment = item.reminder, item.assignment
        occurrence = assignment.occurrence
        task = occurrence.task
        key = ref(task, occurrence.period)
        agency = self.names[reminder.agency].name
        plan = texts.DAILY_PLAN.format(plan=plan_label(item.plan))
        if reminder.step is Step.COORDINATE:
            text = texts.coordinate_notice(key, task.title, occurrence.label, reminder.due,
                                           self.today, agency, self._leads(assignment))
            return f"{text}\n{plan}", (), None
        if reminder.step is Step.PROGRESS:
            text = texts.progress_request(key, task.title, occurrence.label, reminder.due,
                                          self.today, agency)
        else:
            text = texts.reminder(reminder.step.value, key, task.title, occurrence.label,
                                  reminder.due, self.today, agency)
        return f"{text}\n{plan}", reminder_buttons(assignment.id), assignment.id

    def _item_block(self, number: int, item: DueItem) -> str:
        assignment = item.assignment
        occurrence = assignment.occurrence
        key = ref(occurrence.task, occurrence.period)
        lines = [texts.DAILY_ITEM.format(
            number=number, heading=texts.STEP_HEADINGS.get(item.reminder.step.value, ""),
            ref=key, title=occurrence.task.title, period=occurrence.label,
            due=texts.day(item.reminder.due), standing=self._standing(assignment))]
        if item.reminder.step is Step.PROGRESS:
            lines.append(texts.DAILY_PROGRESS_HINT.format(ref=key))
        lines.append(texts.DAILY_PLAN.format(plan=plan_label(item.plan)))
        return "\n".join(lines)

    def _notice_block(self, item: DueItem) -> str:
        assignment = item.assignment
        occurrence = assignment.occurrence
        return "\n".join((texts.DAILY_NOTICE.format(
            heading=texts.STEP_HEADINGS[Step.COORDINATE.value],
            ref=ref(occurrence.task, occurrence.period), title=occurrence.task.title,
            period=occurrence.label, due=texts.day(occurrence.due),
            leads=self._leads(assignment)), texts.DAILY_PLAN.format(plan=plan_label(item.plan))))

    def _standing(self, assignment: Assignment) -> str:
        standing = standing_of(assignment, self.today)
        text = standing_text(standing)
        if standing.category is Category.IN_PROGRESS:
            text += f" ({texts.where_it_stands(assignment.due, self.today)})"
        return text

    def _leads(self, assignment: Assignment) -> str:
        occurrence = assignment.occurrence
        codes = [a.agency_code for a in work.assignments_of_task(
            self.session, occurrence.task_id, role=AssignmentRole.LEAD)
            if a.occurrence_id == occurrence.id]
        return ", ".join(self.names[code].short_name for code in codes)

    def _escalation(self, items: list[DueItem]
                    ) -> tuple[str, tuple[Button, ...], int | None]:
        groups: dict[tuple[str, str, str], list[DueItem]] = {}
        for item in sorted(items, key=_by_due):
            reminder = item.reminder
            groups.setdefault((item.plan.id, reminder.task_key, reminder.period), []).append(item)
        if len(groups) == 1:
            (group,) = groups.values()
            occurrence = group[0].assignment.occurrence
            text = texts.escalation(ref(occurrence.task, occurrence.period),
                                    occurrence.task.title, occurrence.label, group[0].reminder.due,
                                    self.today, [self.names[i.reminder.agency].name
                                                 for i in group])
            return f"{text}\n{texts.DAILY_PLAN.format(plan=plan_label(group[0].plan))}", (), None
        lines = [texts.DAILY_ESCALATION_TITLE.format(day=texts.day(self.today),
                                                     count=len(groups))]
        # One line per item, so a long list is cut between items, never inside one.
        for number, group in enumerate(groups.values(), start=1):
            occurrence = group[0].assignment.occurrence
            lines.append(texts.DAILY_ESCALATION_ITEM.format(
                number=number, ref=ref(occurrence.task, occurrence.period),
                title=occurrence.task.title, period=occurrence.label,
                due=texts.day(group[0].reminder.due), plan=plan_label(group[0].plan),
                late=texts.where_it_stands(group[0].reminder.due, self.today),
                agencies=", ".join(self.names[i.reminder.agency].short_name for i in group)))
        return "\n".join(lines), (), None


def _by_due(item: DueItem) -> tuple[date, str, str]:
    return item.reminder.due, item.reminder.task_key, item.reminder.period
