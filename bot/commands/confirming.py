"""Confirmation of completion: /xacnhan (confirm), /tralai (return, with a reason), and the
one-tap and numbered answers to a completion awaiting confirmation."""

from __future__ import annotations

from bot import answers, texts
from bot.commands.core import (
    Refusal,
    Reply,
    Request,
    agency_name,
    check_note,
    find_task,
    parse_key,
    parse_report,
)
from bot.commands.reporting import acting_agency, pick_assignment
from bot.commands.workflow import (
    coordinator_name,
    item_ref,
    officer_chats,
    require_coordinator,
    send_notice,
)
from bot.render import standing_text
from scheduler.status import standing_of
from storage import followup, inbox, work
from storage.models import Assignment, AssignmentRole, Officer, PromptKind, Role, TaskRow


def confirm(request: Request, rest: str) -> list[Reply]:
    """Apply "/xacnhan KEY[@PERIOD] [AGENCY]"."""
    assignment = _named(request, rest, texts.USAGE_CONFIRM, "xacnhan")[0]
    return confirm_done(request, assignment)


def give_back(request: Request, rest: str) -> list[Reply]:
    """Apply "/tralai KEY[@PERIOD] [AGENCY] lý do"."""
    assignment, reason = _named(request, rest, texts.USAGE_RETURN, "tralai")
    if not reason:
        raise Refusal(texts.USAGE_RETURN)
    return return_done(request, assignment, reason)


def confirm_done(request: Request, assignment: Assignment) -> list[Reply]:
    """Confirm the completion awaiting confirmation: done as of the day it was reported."""
    officer = _check_awaiting(request, assignment)
    reporter = followup.pending_reporter(request.session, assignment)
    followup.confirm(request.session, assignment, officer, request.incoming.channel,
                     request.now, request.today)
    occurrence = assignment.occurrence
    item = standing_of(assignment, request.today)
    values = dict(ref=item_ref(assignment), period=occurrence.label,
                  agency=agency_name(request, assignment.agency_code),
                  day=texts.day(assignment.completed_on or request.today),
                  category=texts.CATEGORY_NAMES[item.category.value],
                  coordinator=coordinator_name(request, assignment))
    send_notice(request, officer_chats(request, reporter, assignment.agency_code),
                texts.CONFIRMED_NOTICE.format(**values))
    return [Reply(texts.CONFIRMED_REPLY.format(**values))]


def return_done(request: Request, assignment: Assignment, reason: str) -> list[Reply]:
    """Return the completion awaiting confirmation: in progress again, reminded again."""
    check_note(reason)
    officer = _check_awaiting(request, assignment)
    reporter = followup.pending_reporter(request.session, assignment)
    followup.return_done(request.session, assignment, officer, reason,
                         request.incoming.channel, request.now, request.today)
    occurrence = assignment.occurrence
    values = dict(ref=item_ref(assignment), period=occurrence.label,
                  agency=agency_name(request, assignment.agency_code),
                  coordinator=coordinator_name(request, assignment))
    send_notice(request, officer_chats(request, reporter, assignment.agency_code),
                texts.RETURNED_NOTICE.format(**values, reason=reason))
    return [Reply(texts.RETURNED_REPLY.format(**values))]


def tap(request: Request, action: str, assignment_id: int, rest: str) -> list[Reply]:
    """Apply a tapped (or numbered) answer to a completion awaiting confirmation; a return
    without its reason asks for it."""
    assignment = work.assignment_for_update(request.session, assignment_id)
    if assignment is None:
        raise Refusal(texts.NO_REMINDER_TO_ANSWER)
    if action == answers.CONFIRM:
        return confirm_done(request, assignment)
    if rest:
        return return_done(request, assignment, rest)
    _check_awaiting(request, assignment)
    inbox.set_prompt(request.session, request.incoming.channel, request.incoming.chat_id,
                     assignment.id, request.registered, request.now,
                     kind=PromptKind.RETURN_REASON)
    return [Reply(texts.ASK_RETURN_REASON.format(ref=item_ref(assignment),
                                                 period=assignment.occurrence.label))]


def _check_awaiting(request: Request, assignment: Assignment) -> Officer:
    officer = require_coordinator(request, assignment, texts.WHAT_CONFIRM)
    if not assignment.awaiting or assignment.archived:
        raise Refusal(texts.NOT_AWAITING.format(
            ref=item_ref(assignment), period=assignment.occurrence.label,
            agency=agency_name(request, assignment.agency_code),
            standing=standing_text(standing_of(assignment, request.today))))
    return officer


def _named(request: Request, rest: str, usage: str, command: str) -> tuple[Assignment, str]:
    """Return the assignment "KEY[@PERIOD] [AGENCY]" names and the note; refuse whoever does
    not coordinate the task's plan."""
    officer = request.registered
    key_token, note, explicit = parse_report(request, rest, usage)
    key, period = parse_key(key_token)
    task = find_task(request, key)
    if (officer.role != Role.COORDINATOR.value
            or officer.agency_code != task.plan.coordinator_code):
        raise Refusal(texts.ONLY_PLAN_COORDINATOR.format(
            agency=agency_name(request, task.plan.coordinator_code), what=texts.WHAT_CONFIRM))
    agency = explicit or _awaiting_agency(request, task) or acting_agency(
        request, officer, task, None, command)
    if period is None:
        waiting = [a for a in work.assignments_of_task(request.session, task.id, agency,
                                                       AssignmentRole.LEAD, for_update=True)
                   if a.awaiting]
        if len(waiting) == 1:
            return waiting[0], note
    return pick_assignment(request, task, agency, period), note


def _awaiting_agency(request: Request, task: TaskRow) -> str | None:
    """Return the one lead agency of `task` with a completion awaiting confirmation, if one."""
    codes = {a.agency_code for a in work.assignments_of_task(
        request.session, task.id, role=AssignmentRole.LEAD) if a.awaiting}
    return codes.pop() if len(codes) == 1 else None
