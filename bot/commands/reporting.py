"""Reporting: /xong (done), /vuongmac (blocked), /tiendo (progress), snoozing, and their rules."""

from __future__ import annotations

from bot import texts
from bot.commands import evidence, workflow
from bot.commands.core import (
    Refusal,
    Reply,
    Request,
    agency_name,
    agency_short,
    check_note,
    clip,
    find_task,
    parse_ref,
    parse_report,
)
from bot.render import ref
from scheduler.status import standing_of
from scheduler.timeframe import PERIODIC_KINDS
from storage import outbox, people, work
from storage.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventStatus,
    Officer,
    OutboxKind,
    Role,
    TaskRow,
)


def done(request: Request, rest: str) -> list[Reply]:
    return report(request, EventStatus.DONE, rest, texts.USAGE_DONE)


def blocked(request: Request, rest: str) -> list[Reply]:
    return report(request, EventStatus.BLOCKED, rest, texts.USAGE_BLOCKED)


def progress(request: Request, rest: str) -> list[Reply]:
    return report(request, EventStatus.PROGRESS, rest, texts.USAGE_PROGRESS)


def report(request: Request, status: EventStatus, rest: str, usage: str) -> list[Reply]:
    """Apply "/xong KEY[@PERIOD] [AGENCY] [note]" and its kin, or refuse with `usage`."""
    officer = request.registered
    key_token, note, explicit_agency = parse_report(request, rest, usage)
    if status is not EventStatus.DONE and not note:
        raise Refusal(usage)
    plan, key, period = parse_ref(key_token)
    task = find_task(request, key, plan, naming_agency(officer, explicit_agency))
    assignment = reported_part(request, officer, task, explicit_agency, period)
    if status is EventStatus.DONE:
        return record_done(request, assignment, note)
    if status is EventStatus.BLOCKED:
        return record_blocked(request, assignment, note)
    return record_progress(request, assignment, note)


def record_done(request: Request, assignment: Assignment, note: str) -> list[Reply]:
    check_note(note)
    occurrence = assignment.occurrence
    if assignment.status == AssignmentStatus.DONE.value:
        raise Refusal(already_done(request, assignment))
    if assignment.awaiting:
        raise workflow.awaiting_refusal(request, assignment)
    check_opened(request, assignment)
    event = work.record_event(request.session, assignment, EventStatus.DONE, note or None,
                              request.officer, request.incoming.channel, request.now,
                              request.today)
    if assignment.awaiting:  # the plan wants the coordinator to confirm it
        return workflow.ask_confirmation(request, assignment, note)
    item = standing_of(assignment, request.today)
    return [Reply(_with_lines(texts.DONE_RECORDED.format(
        agency=agency_name(request, assignment.agency_code),
        key=ref(occurrence.task, occurrence.period), period=occurrence.label,
        day=texts.day(request.today), category=texts.CATEGORY_NAMES[item.category.value]),
        evidence.with_report(request, assignment, event, note)))]


def record_blocked(request: Request, assignment: Assignment, reason: str) -> list[Reply]:
    check_note(reason)
    if not reason:
        raise Refusal(texts.USAGE_BLOCKED)
    if assignment.status == AssignmentStatus.DONE.value:
        raise Refusal(already_done(request, assignment))
    if assignment.awaiting:
        raise workflow.awaiting_refusal(request, assignment)
    check_opened(request, assignment)
    session = request.session
    event = work.record_event(session, assignment, EventStatus.BLOCKED, reason,
                              request.officer, request.incoming.channel, request.now,
                              request.today)
    occurrence = assignment.occurrence
    alert = texts.blocked_alert(agency_name(request, assignment.agency_code),
                                ref(occurrence.task, occurrence.period),
                                occurrence.task.title, occurrence.label, reason,
                                request.officer.name if request.officer else "")
    for chat in people.coordinator_chats(session, occurrence.task.plan_id):
        outbox.enqueue(session, chat, OutboxKind.NOTICE.value, alert, (), request.now)
    return [Reply(_with_lines(texts.BLOCKED_RECORDED.format(
        agency=agency_name(request, assignment.agency_code),
        key=ref(occurrence.task, occurrence.period), period=occurrence.label),
        evidence.with_report(request, assignment, event, reason)))]


def record_progress(request: Request, assignment: Assignment, note: str) -> list[Reply]:
    check_note(note)
    if assignment.status == AssignmentStatus.DONE.value:
        raise Refusal(already_done(request, assignment))
    check_opened(request, assignment)
    event = work.record_event(request.session, assignment, EventStatus.PROGRESS, note,
                              request.officer, request.incoming.channel, request.now,
                              request.today)
    occurrence = assignment.occurrence
    return [Reply(_with_lines(texts.PROGRESS_RECORDED.format(
        key=ref(occurrence.task, occurrence.period), period=occurrence.label,
        agency=agency_name(request, assignment.agency_code)),
        evidence.with_report(request, assignment, event, note)))]


def _with_lines(text: str, lines: list[str]) -> str:
    return "\n".join([text, *lines])


def snooze(request: Request, assignment: Assignment) -> list[Reply]:
    if request.officer is None:
        raise Refusal(texts.NEED_INVITE)
    check_opened(request, assignment)
    until = request.calendar.add_working_days(request.today, 1)
    work.snooze(request.session, assignment, until, request.officer,
                request.incoming.channel, request.now, texts.snooze_note(until))
    occurrence = assignment.occurrence
    return [Reply(texts.SNOOZED.format(key=ref(occurrence.task, occurrence.period),
                                       day=texts.day(until)))]


def check_opened(request: Request, assignment: Assignment) -> None:
    """Refuse a report on a period of a recurring task whose window has not opened yet."""
    occurrence = assignment.occurrence
    task = occurrence.task
    if task.kind not in PERIODIC_KINDS or occurrence.window_start <= request.today:
        return
    siblings = work.assignments_of_task(request.session, task.id, assignment.agency_code,
                                           AssignmentRole.LEAD)
    opened = [a for a in siblings if a.occurrence.window_start <= request.today]
    open_refs = [ref(task, a.occurrence.period) for a in opened
                 if a.status != AssignmentStatus.DONE.value]
    if open_refs:
        open_text = texts.OPEN_PERIODS.format(refs=", ".join(open_refs))
    else:
        open_text = texts.NO_PERIOD_OPEN.format(
            key=task.key, agency=agency_name(request, assignment.agency_code))
        done = [a for a in opened if a.completed_on is not None]
        if done:
            open_text += " " + texts.LATEST_PERIOD_DONE.format(
                ref=ref(task, done[-1].occurrence.period),
                day=texts.day(done[-1].completed_on or request.today))
    raise Refusal(texts.PERIOD_NOT_OPENED.format(
        ref=ref(task, occurrence.period), period=occurrence.label,
        start=texts.day(occurrence.window_start), open=open_text))


def naming_agency(officer: Officer, explicit: str | None) -> str | None:
    """Return the agency whose plans decide what a bare task key names: a focal officer's own,
    the one a coordinator named; None (every plan) for a coordinator who named none."""
    if officer.role == Role.COORDINATOR.value:
        return explicit
    return officer.agency_code


def leads(request: Request, task: TaskRow) -> list[str]:
    """Return the codes of the task's lead agencies, in order, once each."""
    return work.agencies_of_task(request.session, task.id, AssignmentRole.LEAD)


def acting_agency(request: Request, officer: Officer, task: TaskRow, explicit: str | None,
                  command: str = "xong") -> str:
    """Return the agency whose status the officer changes, or refuse."""
    codes = leads(request, task)

    def lead_names() -> str:  # only a refusal names them
        return ", ".join(agency_short(request, code) for code in codes) or texts.NONE_YET

    if officer.role == Role.COORDINATOR.value:
        if explicit is not None:
            if explicit not in codes:
                raise Refusal(texts.NOT_LEAD.format(
                    agency=agency_name(request, explicit), key=task.key, leads=lead_names()))
            return explicit
        if officer.agency_code in codes:
            return officer.agency_code
        if len(codes) == 1:
            return codes[0]
        raise Refusal(texts.COORDINATOR_NEEDS_AGENCY.format(
            key=task.key, leads=lead_names(), first=codes[0] if codes else "SCT",
            command=command))
    if officer.agency_code not in codes:
        raise Refusal(texts.NOT_LEAD.format(agency=agency_name(request, officer.agency_code),
                                            key=task.key, leads=lead_names()))
    return officer.agency_code


def reported_part(request: Request, officer: Officer, task: TaskRow, explicit: str | None,
                  period: str | None) -> Assignment:
    """Return the part of `task` the officer reports on, or refuse."""
    if officer.role == Role.COORDINATOR.value:
        agency = acting_agency(request, officer, task, explicit)
        return pick_assignment(request, task, agency, period)
    # A focal officer reports for their own agency, and its parts show that it leads the task:
    # the task's leads are read only to refuse (a query less on every report).
    try:
        return pick_assignment(request, task, officer.agency_code, period)
    except Refusal:
        acting_agency(request, officer, task, explicit)  # "not a lead", if it is not
        raise


def check_may_report(request: Request, officer: Officer, assignment: Assignment) -> None:
    """Refuse an officer who may not report on `assignment` (not its lead agency)."""
    if assignment.role != AssignmentRole.LEAD.value or (
            officer.role != Role.COORDINATOR.value
            and officer.agency_code != assignment.agency_code):
        task = assignment.occurrence.task
        names = ", ".join(agency_short(request, c) for c in leads(request, task))
        raise Refusal(texts.NOT_LEAD.format(
            agency=agency_name(request, officer.agency_code), key=task.key, leads=names))


def typed_command(request: Request) -> str:
    """The command the person typed (as typed, for an example to copy), else /xong."""
    words = request.incoming.text.split()
    if request.incoming.is_button or not words or not words[0].startswith("/"):
        return "/xong"
    return words[0].split("@")[0]


def pick_assignment(request: Request, task: TaskRow, agency: str,
                    period: str | None) -> Assignment:
    """Return the agency's assignment of `period`, or its current open one.

    Only the parts the answer needs are read (and locked): the period's, or those not done;
    all of them only when these are not enough (a refusal listing the periods, all done).
    """
    def parts(period: str | None = None, not_done: bool = False) -> list[Assignment]:
        return work.assignments_of_task(request.session, task.id, agency, AssignmentRole.LEAD,
                                        for_update=True, period=period, not_done=not_done)

    if period is not None:
        # The database folds the case of ASCII letters only: a period is ASCII ("2024-Q1").
        named = parts(period=period) if period.isascii() else []
        assignments = named or parts()
        for assignment in assignments:
            if assignment.occurrence.period.upper() == period.upper():
                return assignment
        periods = ", ".join(a.occurrence.period for a in assignments
                            if a.occurrence.window_start <= request.today) or texts.NONE
        raise Refusal(texts.UNKNOWN_PERIOD.format(key=task.key, period=clip(period),
                                                  periods=periods))
    today = request.today
    not_done = parts(not_done=True)
    started = [a for a in not_done if a.occurrence.window_start <= today]
    if len(started) > 1:
        # A late period and the running one are both open: guessing could close the wrong
        # one, so the person names it (buttons and numbered replies name it already).
        refs = [ref(task, a.occurrence.period) for a in started]
        raise Refusal(texts.WHICH_PERIOD.format(key=task.key, refs=", ".join(refs),
                                                example=f"{typed_command(request)} {refs[0]}"))
    if started:
        return started[0]
    if not_done:
        return not_done[0]
    assignments = parts()
    if assignments:
        done = [a for a in assignments if a.occurrence.window_start <= request.today]
        return (done or assignments)[-1]
    raise Refusal(texts.NO_OPEN_OCCURRENCE.format(key=task.key,
                                                  agency=agency_name(request, agency)))


def already_done(request: Request, assignment: Assignment) -> str:
    occurrence = assignment.occurrence
    done_on = assignment.completed_on or request.today
    return texts.ALREADY_DONE.format(key=ref(occurrence.task, occurrence.period),
                                     period=occurrence.label,
                                     agency=agency_name(request, assignment.agency_code),
                                     day=texts.day(done_on))
