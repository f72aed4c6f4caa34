"""Withdrawing a report: /huy."""

from __future__ import annotations

from bot import texts
from bot.commands.core import (
    UNDO_LIFETIME,
    Refusal,
    Reply,
    Request,
    agency_name,
    check_note,
    find_task,
    parse_ref,
    parse_report,
)
from bot.commands.reporting import acting_agency, naming_agency, pick_assignment
from bot.render import ref, standing_text
from scheduler.status import standing_of
from storage import outbox, people, work
from storage.models import AssignmentRole, EventStatus, Officer, OutboxKind, Role, StatusEvent


def undo(request: Request, rest: str) -> list[Reply]:
    """Withdraw the latest report on an item: its author within 24 hours, or a coordinator
    with a reason. The report stays in the history, followed by its withdrawal."""
    officer = request.registered
    key_token, note, explicit_agency = parse_report(request, rest, texts.USAGE_UNDO)
    check_note(note)
    plan, key, period = parse_ref(key_token)
    task = find_task(request, key, plan, naming_agency(officer, explicit_agency))
    agency = acting_agency(request, officer, task, explicit_agency, "huy")
    session = request.session
    assignments = (
        [pick_assignment(request, task, agency, period)] if period is not None else
        work.assignments_of_task(session, task.id, agency, AssignmentRole.LEAD,
                                    for_update=True))
    report = work.latest_report(session, [a.id for a in assignments])
    if report is None:
        shown = ref(task, assignments[0].occurrence.period) if period else task.key
        raise Refusal(texts.NOTHING_TO_UNDO.format(agency=agency_name(request, agency),
                                                   ref=shown))
    assignment = next(a for a in assignments if a.id == report.assignment_id)
    occurrence = assignment.occurrence
    item_ref = ref(task, occurrence.period)
    what = texts.REPORT_NAMES.get(report.status, report.status)
    at = texts.moment(report.at.astimezone(request.tz))
    own = report.officer_id == officer.id
    if own and request.now - report.at <= UNDO_LIFETIME:
        pass
    elif officer.role == Role.COORDINATOR.value:
        if not note:
            raise Refusal(texts.UNDO_NEEDS_REASON.format(ref=item_ref))
    elif own:
        raise Refusal(texts.UNDO_TOO_LATE.format(what=what, ref=item_ref, at=at))
    else:
        raise Refusal(texts.UNDO_NOT_AUTHOR.format(
            what=what, ref=item_ref, at=at, author=_author(request, report)))
    work.withdraw_report(session, assignment, report, note or None, officer,
                            request.incoming.channel, request.now, request.tz)
    name = agency_name(request, assignment.agency_code)
    if report.status == EventStatus.BLOCKED.value:
        # The coordinators were told of the blocker at once; they are told it is withdrawn.
        alert = texts.UNDO_BLOCKED_ALERT.format(agency=name, ref=item_ref,
                                                period=occurrence.label, at=at,
                                                officer=officer.name)
        for chat in people.coordinator_chats(session, task.plan_id):
            outbox.enqueue(session, chat, OutboxKind.NOTICE.value, alert, (), request.now)
    return [Reply(texts.UNDO_RECORDED.format(
        what=what, at=at, agency=name, ref=item_ref, period=occurrence.label,
        standing=standing_text(standing_of(assignment, request.today))))]


def _author(request: Request, report: StatusEvent) -> str:
    author = (request.session.get(Officer, report.officer_id)
              if report.officer_id is not None else None)
    return author.name if author is not None else texts.SOMEONE
