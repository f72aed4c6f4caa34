"""What the follow-up commands share: dates as people write them, the plan's coordinator, who is
told, and the completion that waits for confirmation (asked by /xong)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from bot import answers, texts
from bot.channels.base import Button
from bot.commands.core import Refusal, Reply, Request, agency_name, agency_short
from bot.render import due_shown, ref
from scheduler.status import standing_of
from storage import followup, outbox, people
from storage.models import Assignment, Officer, OfficerChat, OutboxKind, PlanRow, Role

_DAY = re.compile(r"^(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})$")


def parse_day(token: str) -> date:
    """Return the date "DD/MM/YYYY" names, or refuse."""
    match = _DAY.match(token)
    try:
        if match is None:
            raise ValueError(token)
        return date(int(match.group("year")), int(match.group("month")),
                    int(match.group("day")))
    except ValueError:
        raise Refusal(texts.BAD_DATE.format(text=token[:40])) from None


def check_not_past(request: Request, day: date) -> None:
    """Refuse a new due date before today."""
    if day < request.today:
        raise Refusal(texts.DATE_IN_PAST.format(day=texts.day(day),
                                                today=texts.day(request.today)))


def plan_of(assignment: Assignment) -> PlanRow:
    return assignment.occurrence.task.plan


def is_plan_coordinator(officer: Officer, assignment: Assignment) -> bool:
    """Return True if `officer` coordinates the plan of `assignment`."""
    return (officer.role == Role.COORDINATOR.value
            and officer.agency_code == plan_of(assignment).coordinator_code)


def require_coordinator(request: Request, assignment: Assignment, what: str) -> Officer:
    """Return the officer if it coordinates the assignment's plan; else refuse."""
    officer = request.registered
    if not is_plan_coordinator(officer, assignment):
        raise Refusal(texts.ONLY_PLAN_COORDINATOR.format(
            agency=agency_name(request, plan_of(assignment).coordinator_code), what=what))
    return officer


def coordinator_name(request: Request, assignment: Assignment) -> str:
    """Return the name of the agency coordinating the assignment's plan."""
    return agency_name(request, plan_of(assignment).coordinator_code)


def item_ref(assignment: Assignment) -> str:
    occurrence = assignment.occurrence
    return ref(occurrence.task, occurrence.period)


def officer_chats(request: Request, officer: Officer | None,
                  agency_code: str) -> list[OfficerChat]:
    """Return where to tell `officer` something: its reachable chats while it is active, else
    those of its agency."""
    if officer is not None and officer.active:
        chats = [chat for chat in officer.chats if chat.reachable]
        if chats:
            return chats
    return people.chats_of_agency(request.session, agency_code)


def send_notice(request: Request, chats: Sequence[OfficerChat], text: str,
                buttons: tuple[Button, ...] = (), assignment_id: int | None = None) -> int:
    """Queue an urgent notice to `chats`, except the chat the request came from; return how
    many were queued. Buttons are answered by number where a messenger has none, so the notice
    names its assignment."""
    pairs = tuple((button.label, button.data) for button in buttons)
    count = 0
    for chat in chats:
        if (chat.channel, chat.chat_id) == (request.incoming.channel, request.incoming.chat_id):
            continue
        outbox.enqueue(request.session, chat, OutboxKind.NOTICE.value, text, pairs, request.now,
                       assignment_id=assignment_id if buttons else None)
        count += 1
    return count


def coordinator_chats(request: Request, assignment: Assignment) -> list[OfficerChat]:
    return people.coordinator_chats(request.session, plan_of(assignment).id)


def ask_confirmation(request: Request, assignment: Assignment, note: str) -> list[Reply]:
    """Tell the plan's coordinators a completion awaits their confirmation (one-tap answers);
    a coordinator's own report is confirmed at once."""
    officer = request.registered
    occurrence = assignment.occurrence
    name = agency_name(request, assignment.agency_code)
    key = item_ref(assignment)
    if is_plan_coordinator(officer, assignment):
        followup.confirm(request.session, assignment, officer, request.incoming.channel,
                         request.now, request.today)
        item = standing_of(assignment, request.today)
        return [Reply(texts.DONE_RECORDED.format(
            agency=name, key=key, period=occurrence.label, day=texts.day(request.today),
            category=texts.CATEGORY_NAMES[item.category.value]))]
    notice = texts.CONFIRM_NOTICE.format(
        agency=name, ref=key, title=occurrence.task.title, period=occurrence.label,
        due=due_text(assignment), day=texts.day(request.today), note=note or texts.NONE,
        officer=officer.name, code=assignment.agency_code)
    send_notice(request, coordinator_chats(request, assignment), notice,
                answers.confirm_buttons(assignment.id), assignment.id)
    return [Reply(texts.DONE_AWAITING.format(agency=name, key=key, period=occurrence.label,
                                             day=texts.day(request.today),
                                             coordinator=coordinator_name(request, assignment)))]


def due_text(assignment: Assignment) -> str:
    """Return the due date in force, with the plan's own when an extension moved it."""
    return due_shown(assignment)


def awaiting_refusal(request: Request, assignment: Assignment) -> Refusal:
    """Return the refusal of a report on a completion that awaits confirmation."""
    occurrence = assignment.occurrence
    return Refusal(texts.ALREADY_AWAITING.format(
        key=item_ref(assignment), period=occurrence.label,
        agency=agency_name(request, assignment.agency_code),
        day=texts.day(assignment.reported_done_on or request.today)))


def who(request: Request, officer: Officer | None) -> str:
    if officer is None:
        return texts.HISTORY_SYSTEM
    return texts.HISTORY_WHO.format(name=officer.name,
                                    agency=agency_short(request, officer.agency_code))
