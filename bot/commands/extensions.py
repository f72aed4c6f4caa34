"""Extension requests and due dates: /giahan (ask), /duyet and /tuchoi (decide), /doihan (the
coordinator sets a due date directly), and the one-tap and numbered answers to a request."""

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
    split_first,
)
from bot.commands.reporting import acting_agency, already_done, pick_assignment
from bot.commands.workflow import (
    awaiting_refusal,
    check_not_past,
    coordinator_chats,
    coordinator_name,
    due_text,
    item_ref,
    officer_chats,
    parse_day,
    require_coordinator,
    send_notice,
)
from bot.render import standing_text
from scheduler.status import standing_of
from storage import followup, inbox, people, work
from storage.models import (
    Assignment,
    AssignmentStatus,
    ExtensionRequest,
    ExtensionStatus,
    Officer,
    PromptKind,
    Role,
)


def extend(request: Request, rest: str) -> list[Reply]:
    """Apply "/giahan KEY[@PERIOD] DD/MM/YYYY lý do" from an officer of the lead agency."""
    officer = request.registered
    key_token, note, _ = parse_report(request, rest, texts.USAGE_EXTEND)
    if officer.role == Role.COORDINATOR.value:
        raise Refusal(texts.EXTEND_COORDINATOR.format(ref=key_token))
    date_token, reason = split_first(note)
    if not date_token or not reason:
        raise Refusal(texts.USAGE_EXTEND)
    day = parse_day(date_token)
    check_note(reason)
    key, period = parse_key(key_token)
    task = find_task(request, key)
    agency = acting_agency(request, officer, task, None, "giahan")
    assignment = pick_assignment(request, task, agency, period)
    _check_open(request, assignment)
    session = request.session
    waiting = followup.open_request(session, assignment.id)
    name = agency_name(request, agency)
    if waiting is not None:
        raise Refusal(texts.EXTENSION_ALREADY_OPEN.format(
            ref=item_ref(assignment), agency=name, id=waiting.id,
            day=texts.day(waiting.requested_due)))
    check_not_past(request, day)
    if day <= assignment.due:
        raise Refusal(texts.DATE_NOT_LATER.format(day=texts.day(day),
                                                  due=texts.day(assignment.due),
                                                  ref=item_ref(assignment)))
    asked = followup.ask_extension(session, assignment, officer, day, reason,
                                   request.incoming.channel, request.now, request.today)
    occurrence = assignment.occurrence
    notice = texts.EXTENSION_NOTICE.format(
        id=asked.id, agency=name, ref=item_ref(assignment), title=occurrence.task.title,
        period=occurrence.label, due=due_text(assignment), day=texts.day(day), reason=reason,
        officer=officer.name)
    send_notice(request, coordinator_chats(request, assignment), notice,
                answers.extension_buttons(asked.id), assignment.id)
    return [Reply(texts.EXTENSION_SENT.format(
        id=asked.id, ref=item_ref(assignment), period=occurrence.label, agency=name,
        due=texts.day(assignment.due), day=texts.day(day),
        coordinator=coordinator_name(request, assignment)))]


def approve(request: Request, rest: str) -> list[Reply]:
    """Apply "/duyet ID [ghi chú]"."""
    id_token, note = split_first(rest)
    if not id_token.isdigit() or len(id_token) > 18:
        raise Refusal(texts.USAGE_APPROVE)
    return decide(request, int(id_token), True, note)


def refuse(request: Request, rest: str) -> list[Reply]:
    """Apply "/tuchoi ID lý do"."""
    id_token, note = split_first(rest)
    if not id_token.isdigit() or len(id_token) > 18 or not note:
        raise Refusal(texts.USAGE_REFUSE)
    return decide(request, int(id_token), False, note)


def decide(request: Request, request_id: int, approved: bool, note: str) -> list[Reply]:
    """Approve or refuse extension request `request_id` as the plan's coordinator."""
    asked, assignment = _decidable(request, request_id)
    check_note(note)
    officer = request.registered
    followup.decide(request.session, asked, assignment, approved, officer, note or None,
                    request.incoming.channel, request.now, request.today)
    occurrence = assignment.occurrence
    name = agency_name(request, assignment.agency_code)
    values = dict(id=asked.id, ref=item_ref(assignment), period=occurrence.label, agency=name,
                  day=texts.day(asked.requested_due), original=texts.day(assignment.original_due),
                  due=texts.day(assignment.due),
                  coordinator=coordinator_name(request, assignment))
    if approved:
        notice = texts.APPROVED_NOTICE.format(
            **values, note=texts.NOTE_LINE.format(note=note) if note else "")
        reply = texts.APPROVED_REPLY.format(**values)
    else:
        notice = texts.REFUSED_NOTICE.format(**values, note=note)
        reply = texts.REFUSED_REPLY.format(**values)
    requester = (request.session.get(Officer, asked.officer_id)
                 if asked.officer_id is not None else None)
    send_notice(request, officer_chats(request, requester, assignment.agency_code), notice)
    return [Reply(reply)]


def tap(request: Request, action: str, request_id: int, rest: str) -> list[Reply]:
    """Apply a tapped (or numbered) answer to an extension request; a refusal without its
    reason asks for it."""
    if action == answers.APPROVE:
        return decide(request, request_id, True, rest)
    if rest:
        return decide(request, request_id, False, rest)
    _, assignment = _decidable(request, request_id)
    inbox.set_prompt(request.session, request.incoming.channel, request.incoming.chat_id,
                     assignment.id, request.registered, request.now,
                     kind=PromptKind.REFUSE_REASON)
    return [Reply(texts.ASK_REFUSE_REASON.format(id=request_id))]


def refuse_by_prompt(request: Request, assignment: Assignment, reason: str) -> list[Reply]:
    """Apply the answer to "why is it refused?": the reason of the request's refusal."""
    asked = followup.open_request(request.session, assignment.id)
    if asked is None:
        latest = followup.latest_request(request.session, assignment.id)
        if latest is None:
            raise Refusal(texts.NO_REMINDER_TO_ANSWER)
        _decidable(request, latest.id)  # refuses: decided already
    assert asked is not None
    return decide(request, asked.id, False, reason)


def set_due(request: Request, rest: str) -> list[Reply]:
    """Apply "/doihan KEY[@PERIOD] AGENCY DD/MM/YYYY lý do" from the plan's coordinator."""
    officer = request.registered
    key_token, note, explicit = parse_report(request, rest, texts.USAGE_SET_DUE)
    key, period = parse_key(key_token)
    task = find_task(request, key)
    if (officer.role != Role.COORDINATOR.value
            or officer.agency_code != task.plan.coordinator_code):
        raise Refusal(texts.ONLY_PLAN_COORDINATOR.format(
            agency=agency_name(request, task.plan.coordinator_code), what=texts.WHAT_SET_DUE))
    date_token, reason = split_first(note)
    if not date_token or not reason:
        raise Refusal(texts.USAGE_SET_DUE)
    day = parse_day(date_token)
    check_note(reason)
    agency = acting_agency(request, officer, task, explicit, "doihan")
    assignment = pick_assignment(request, task, agency, period)
    if assignment.status == AssignmentStatus.DONE.value:
        raise Refusal(already_done(request, assignment))
    check_not_past(request, day)
    name = agency_name(request, agency)
    if day == assignment.due:
        raise Refusal(texts.DATE_SAME.format(ref=item_ref(assignment), agency=name,
                                             due=texts.day(day)))
    old = assignment.due
    superseded = followup.set_due(request.session, assignment, day, officer, reason,
                                  request.incoming.channel, request.now, request.today)
    occurrence = assignment.occurrence
    values = dict(ref=item_ref(assignment), period=occurrence.label, agency=name,
                  old=texts.day(old), day=texts.day(day),
                  coordinator=coordinator_name(request, assignment))
    send_notice(request, people.chats_of_agency(request.session, agency),
                texts.DUE_SET_NOTICE.format(**values, reason=reason))
    return [Reply(texts.DUE_SET_REPLY.format(
        **values, original=texts.day(assignment.original_due),
        superseded=texts.DUE_SET_SUPERSEDED.format(id=superseded.id) if superseded else ""))]


def _check_open(request: Request, assignment: Assignment) -> None:
    if assignment.status == AssignmentStatus.DONE.value:
        raise Refusal(already_done(request, assignment))
    if assignment.awaiting:
        raise awaiting_refusal(request, assignment)


def _decidable(request: Request, request_id: int) -> tuple[ExtensionRequest, Assignment]:
    """Return the open request and its assignment if the officer may decide it; else refuse."""
    session = request.session
    asked = followup.request_for_update(session, request_id)
    assignment = (work.assignment_for_update(session, asked.assignment_id)
                  if asked is not None else None)
    if asked is None or assignment is None:
        raise Refusal(texts.UNKNOWN_REQUEST.format(id=request_id))
    require_coordinator(request, assignment, texts.WHAT_DECIDE)
    if asked.status != ExtensionStatus.OPEN.value:
        at = asked.decided_at or asked.created_at
        raise Refusal(texts.REQUEST_DECIDED.format(
            id=asked.id, decision=texts.DECISION_NAMES.get(asked.status, asked.status),
            at=texts.moment(at.astimezone(request.tz))))
    if assignment.archived or assignment.status == AssignmentStatus.DONE.value:
        raise Refusal(texts.REQUEST_STALE.format(
            id=asked.id, ref=item_ref(assignment),
            agency=agency_name(request, assignment.agency_code),
            standing=standing_text(standing_of(assignment, request.today))))
    return asked, assignment
