"""An item's history (/lichsu) and the coordinator's reminder outside the ladder (/nhac)."""

from __future__ import annotations

from bot import answers, texts
from bot.commands.core import (
    KEY,
    Refusal,
    Reply,
    Request,
    agency_name,
    check_note,
    clip,
    find_agency,
    find_task,
    parse_key,
    parse_report,
    split_first,
)
from bot.commands.reporting import acting_agency, already_done, leads, pick_assignment
from bot.commands.workflow import (
    awaiting_refusal,
    coordinator_name,
    due_text,
    item_ref,
    require_coordinator,
    send_notice,
    who,
)
from bot.render import ref, standing_text
from scheduler.status import standing_of
from storage import evidence, followup, people, work
from storage.followup import Entry
from storage.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventStatus,
    Role,
    TaskRow,
)

# Every reply of /lichsu fits the smallest platform limit (Zalo's 2000 characters), cut
# between entries: an entry is never split across two messages.
HISTORY_PIECE = 2000


def history(request: Request, rest: str) -> list[Reply]:
    """Apply "/lichsu KEY[@PERIOD] [AGENCY]": the item's history, newest first."""
    officer = request.registered
    key_token, remainder = split_first(rest)
    if not key_token or not KEY.match(key_token):
        raise Refusal(texts.USAGE_HISTORY)
    key, period = parse_key(key_token)
    task = find_task(request, key)
    named: str | None = None
    if remainder:
        token = split_first(remainder)[0]
        named = find_agency(request, token)
        if named is None:
            raise Refusal(texts.UNKNOWN_AGENCY.format(code=clip(token)))
    codes = leads(request, task)
    names = ", ".join(codes) or texts.NONE_YET
    if officer.role == Role.FOCAL.value:
        if named not in (None, officer.agency_code):
            raise Refusal(texts.FOCAL_OWN_AGENCY.format(
                agency=agency_name(request, officer.agency_code)))
        named = officer.agency_code
    elif named is None:
        if len(codes) == 1:
            named = codes[0]
        elif officer.agency_code in codes:
            named = officer.agency_code
        else:
            raise Refusal(texts.COORDINATOR_NEEDS_AGENCY.format(
                key=task.key, leads=names, first=codes[0] if codes else "SCT",
                command="lichsu"))
    if named not in codes:
        raise Refusal(texts.NOT_LEAD.format(agency=agency_name(request, named), key=task.key,
                                            leads=names))
    assignment = _pick(request, task, named, period)
    return _render(request, assignment, followup.history(request.session, assignment.id))


def nudge(request: Request, rest: str) -> list[Reply]:
    """Apply "/nhac KEY[@PERIOD] AGENCY [lời nhắn]": remind the agency's officers now."""
    officer = request.registered
    key_token, note, explicit = parse_report(request, rest, texts.USAGE_NUDGE)
    key, period = parse_key(key_token)
    task = find_task(request, key)
    if (officer.role != Role.COORDINATOR.value
            or officer.agency_code != task.plan.coordinator_code):
        raise Refusal(texts.ONLY_PLAN_COORDINATOR.format(
            agency=agency_name(request, task.plan.coordinator_code), what=texts.WHAT_NUDGE))
    check_note(note)
    agency = acting_agency(request, officer, task, explicit, "nhac")
    assignment = pick_assignment(request, task, agency, period)
    require_coordinator(request, assignment, texts.WHAT_NUDGE)
    if assignment.status == AssignmentStatus.DONE.value:
        raise Refusal(already_done(request, assignment))
    if assignment.awaiting:
        raise awaiting_refusal(request, assignment)
    session = request.session
    chats = people.chats_of_agency(session, agency)
    name = agency_name(request, agency)
    if not chats:
        raise Refusal(texts.NUDGE_NO_CHAT.format(agency=name, code=agency))
    occurrence = assignment.occurrence
    text = texts.NUDGE_MESSAGE.format(
        ref=item_ref(assignment), title=task.title, period=occurrence.label,
        due=due_text(assignment), where=texts.where_it_stands(assignment.due, request.today),
        agency=name, note=texts.NUDGE_NOTE.format(note=note) if note else "",
        coordinator=coordinator_name(request, assignment))
    work.record_event(session, assignment, EventStatus.NUDGED, note or None, officer,
                      request.incoming.channel, request.now, request.today)
    count = send_notice(request, chats, text, answers.reminder_buttons(assignment.id),
                        assignment.id)
    return [Reply(texts.NUDGE_SENT.format(count=count, agency=name, ref=item_ref(assignment),
                                          period=occurrence.label))]


def _pick(request: Request, task: TaskRow, agency: str, period: str | None) -> Assignment:
    """Return the agency's assignment of `period`, else its one open period, else the latest
    opened one."""
    if period is not None:
        return pick_assignment(request, task, agency, period)
    assignments = work.assignments_of_task(request.session, task.id, agency,
                                           AssignmentRole.LEAD)
    started = [a for a in assignments if a.occurrence.window_start <= request.today]
    open_ = [a for a in started if a.status != AssignmentStatus.DONE.value]
    if len(open_) > 1:
        refs = [ref(task, a.occurrence.period) for a in open_]
        raise Refusal(texts.HISTORY_WHICH_PERIOD.format(key=task.key, refs=", ".join(refs),
                                                        example=refs[0]))
    if open_:
        return open_[0]
    if started:
        return started[-1]
    if assignments:
        return assignments[0]
    raise Refusal(texts.NO_OPEN_OCCURRENCE.format(key=task.key,
                                                  agency=agency_name(request, agency)))


def _render(request: Request, assignment: Assignment, entries: list[Entry]) -> list[Reply]:
    occurrence = assignment.occurrence
    name = agency_name(request, assignment.agency_code)
    original = (texts.HISTORY_ORIGINAL.format(day=texts.day(assignment.original_due))
                if assignment.due != assignment.original_due else "")
    current = texts.HISTORY_TITLE.format(
        ref=item_ref(assignment), period=occurrence.label, agency=name,
        due=texts.day(assignment.due), original=original,
        standing=standing_text(standing_of(assignment, request.today)))
    if not entries:
        return [Reply(f"{current}\n{texts.HISTORY_EMPTY}")]
    statuses = {entry.event.id: entry.event.status for entry in entries}
    kept = evidence.evidence_for_events(request.session, list(statuses))
    pieces: list[str] = []
    for entry in entries:
        line = _entry(request, entry, statuses)
        # The files, photos and links kept with the report, each with the number /tailieu takes.
        line += "".join(texts.HISTORY_EVIDENCE.format(
            id=row.id, what=texts.evidence_what(row.kind, row.file_name, row.link, row.size))
            for row in kept.get(entry.event.id, []))
        if len(current) + 1 + len(line) > HISTORY_PIECE:
            pieces.append(current)
            current = texts.HISTORY_CONTINUED.format(ref=item_ref(assignment), agency=name,
                                                     part=len(pieces) + 1)
        current = f"{current}\n{line}"
    pieces.append(current)
    return [Reply(piece) for piece in pieces]


def _entry(request: Request, entry: Entry, statuses: dict[int, str]) -> str:
    event = entry.event
    what = texts.HISTORY_WHAT.get(event.status, event.status)
    change = entry.change
    if change is not None:
        what = what.format(id=change.id, old=texts.day(change.previous_due),
                           day=texts.day(change.requested_due))
    if event.withdraws_id is not None:
        withdrawn = statuses.get(event.withdraws_id)
        if withdrawn is not None:
            what += f" «{texts.REPORT_NAMES.get(withdrawn, withdrawn)}»"
    if entry.withdrawn:
        what += texts.HISTORY_WITHDRAWN
    if event.note:
        what += texts.HISTORY_NOTE.format(note=event.note)
    return texts.HISTORY_ENTRY.format(
        at=texts.moment(event.at.astimezone(request.tz)), who=who(request, entry.officer),
        channel=texts.channel_label(event.channel), what=what)
