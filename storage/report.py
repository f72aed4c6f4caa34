"""The rows of the coordinator's upward report: one query, plain data, no formatting.

The categories are those of /status for the same day: the same lead assignments
(`work.lead_assignments`) and the same `standing_of`, restricted to one plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from scheduler.status import Standing, Tally, chase_order, standing_of, tally
from storage import evidence, followup, people, work
from storage.agencies import names_on as agencies_on
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentStatus,
    EventStatus,
    ExtensionStatus,
    OccurrenceRow,
    Officer,
    PlanRow,
    StatusEvent,
    TaskRow,
)

# A snooze note is written by the bot ("nhắc lại ngày ..."), not by the person: it is neither
# the latest note nor a report of where the work stands. A withdrawn report (/huy) and its
# withdrawal stay in the history, but no longer say where the work stands.
# The follow-up workflow's events (extensions, confirmations, /nhac) are the history's too, not
# reports of where the work stands.
_REPORTS = frozenset(status.value for status in (EventStatus.DONE, EventStatus.BLOCKED,
                                                 EventStatus.PROGRESS, EventStatus.REOPENED))


@dataclass(frozen=True)
class DueChange:
    """A change of an assignment's due date that took effect: an approved extension request
    (`request_id`) or one the coordinator set directly (`request_id` None)."""

    previous: date
    new: date
    request_id: int | None


@dataclass(frozen=True)
class DetailRow:
    """One lead assignment whose window has opened, and where it stands."""

    assignment_id: int
    task_key: str
    period: str
    period_label: str
    title: str
    agency_code: str
    agency_short: str
    due: date
    standing: Standing
    completed_on: date | None
    blocked_reason: str | None  # the latest, while the item is blocked
    latest_note: str | None
    last_reporter: str | None
    # The evidence of its reports standing (withdrawn ones left out), oldest first.
    evidence: tuple[EvidenceRef, ...] = ()
    blocked_by: str | None = None  # who reported the blocker in force, and when
    blocked_at: datetime | None = None  # aware, UTC
    original_due: date | None = None  # the plan's own, when an extension moved `due`
    due_changes: tuple[DueChange, ...] = ()
    awaiting_since: date | None = None  # reported done that day, not confirmed yet
    confirmed: bool = False  # a completion the coordinator confirmed


@dataclass(frozen=True)
class EvidenceRef:
    """One file, photo or link kept with a report, as a report lists it."""

    id: int
    kind: str  # "document" | "photo" | "link"
    file_name: str | None
    link: str | None


@dataclass(frozen=True)
class AgencyTally:
    agency_code: str
    agency_short: str
    tally: Tally


@dataclass(frozen=True)
class EventRow:
    """One status event, with the names in force (the agency rows keep their old names)."""

    at: datetime  # aware, UTC
    task_key: str
    period: str
    period_label: str
    agency_short: str  # the assignment's agency
    reporter_agency_short: str
    officer_name: str | None  # None: recorded by the system
    channel: str
    status: str  # EventStatus
    note: str | None
    withdrawn: bool = False  # this report was withdrawn later (/huy)
    withdraws: str | None = None  # a withdrawal: the status of the report it withdraws


@dataclass(frozen=True)
class ReportData:
    """The report on `today`. With `due_from`/`due_to`, only the items due in that period (and
    their history); without, every item opened by `today` ("to date")."""

    plan_id: str
    plan_title: str
    today: date
    summary: Tally
    by_agency: list[AgencyTally]
    details: list[DetailRow]
    events: list[EventRow]
    issuer: str = ""
    coordinator: str = ""  # the coordinating agency's full name
    due_from: date | None = None
    due_to: date | None = None


def collect_report(session: Session, plan_id: str, today: date, *,
                   due_from: date | None = None, due_to: date | None = None) -> ReportData:
    """Return the report of plan `plan_id` on `today`. Raise LookupError if there is no plan.

    `due_from`/`due_to` (inclusive) keep the items due in a reporting period, and their events.
    """
    plan = session.get(PlanRow, plan_id)
    if plan is None:
        raise LookupError(plan_id)
    agencies = people.agency_names(session)

    def short(code: str) -> str:
        return agencies[code].short_name if code in agencies else code

    events = _events(session, plan_id)
    officers = {o.id: o.name for o in session.scalars(select(Officer))}
    statuses = {event.id: event.status for event, _ in events}
    withdrawn = {event.withdraws_id for event, _ in events if event.withdraws_id is not None}
    reports_by_assignment: dict[int, list[StatusEvent]] = {}
    for event, _ in events:
        if event.status in _REPORTS and event.id not in withdrawn:
            reports_by_assignment.setdefault(event.assignment_id, []).append(event)

    kept = evidence.evidence_for_events(
        session, [e.id for reports in reports_by_assignment.values() for e in reports])
    details: list[DetailRow] = []
    items = work.lead_assignments(session, today, plan_id=plan_id)
    changes = followup.changes_of(session, [a.id for a in items])
    confirmed = {event.assignment_id for event, _ in events
                 if event.status == EventStatus.CONFIRMED.value}
    for assignment in items:
        occurrence = assignment.occurrence
        if not _in_period(occurrence.due, due_from, due_to):
            continue
        task = occurrence.task
        item = standing_of(assignment, today)
        reports = reports_by_assignment.get(assignment.id, [])
        blocked = [e for e in reports if e.status == EventStatus.BLOCKED.value]
        noted = [e for e in reports if e.note]
        last = reports[-1] if reports else None
        blocker = blocked[-1] if item.blocked and blocked else None
        details.append(DetailRow(
            assignment_id=assignment.id,
            task_key=task.key,
            period=occurrence.period,
            period_label=occurrence.label,
            title=task.title,
            agency_code=assignment.agency_code,
            agency_short=short(assignment.agency_code),
            due=assignment.due,
            standing=item,
            completed_on=assignment.completed_on,
            blocked_reason=blocker.note if blocker else None,
            latest_note=noted[-1].note if noted else None,
            last_reporter=(officers.get(last.officer_id) if last and last.officer_id else None),
            evidence=tuple(EvidenceRef(row.id, row.kind, row.file_name, row.link)
                           for report in reports for row in kept.get(report.id, [])),
            blocked_by=(officers.get(blocker.officer_id) if blocker and blocker.officer_id
                        else None),
            blocked_at=_aware(blocker.at) if blocker else None,
            original_due=(assignment.original_due if assignment.due != assignment.original_due
                          else None),
            due_changes=tuple(
                DueChange(change.previous_due, change.requested_due,
                          change.id if change.status == ExtensionStatus.APPROVED.value else None)
                for change in changes.get(assignment.id, [])),
            awaiting_since=assignment.reported_done_on if assignment.awaiting else None,
            confirmed=(assignment.id in confirmed
                       and assignment.status == AssignmentStatus.DONE.value),
        ))

    by_code: dict[str, list[Standing]] = {}
    for row in details:
        by_code.setdefault(row.agency_code, []).append(row.standing)
    by_agency = [AgencyTally(code, short(code), tally(items)) for code, items in by_code.items()]
    by_agency.sort(key=lambda row: chase_order(row.tally))

    names_by_day: dict[date, dict[str, AgencyRow]] = {}

    def short_then(code: str, day: date) -> str:
        """The short name in force on `day` (history shows the name of its time)."""
        if day not in names_by_day:
            names_by_day[day] = agencies_on(session, day)
        names = names_by_day[day]
        return names[code].short_name if code in names else code

    scoped = due_from is not None or due_to is not None
    in_scope = {row.assignment_id for row in details}
    event_rows = [
        _event_row(event, assignment, short_then, officers, event.id in withdrawn,
                   statuses.get(event.withdraws_id) if event.withdraws_id is not None else None)
        for event, assignment in events if not scoped or assignment.id in in_scope]
    coordinator = agencies.get(plan.coordinator_code)
    return ReportData(plan.id, plan.title, today, tally(row.standing for row in details),
                      by_agency, details, event_rows, issuer=plan.issuer,
                      coordinator=coordinator.name if coordinator else plan.coordinator_code,
                      due_from=due_from, due_to=due_to)


def _in_period(due: date, due_from: date | None, due_to: date | None) -> bool:
    return (due_from is None or due >= due_from) and (due_to is None or due <= due_to)


def _aware(at: datetime) -> datetime:
    # SQLite hands back naive datetimes; the database keeps UTC.
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _events(session: Session, plan_id: str) -> list[tuple[StatusEvent, Assignment]]:
    """Return every status event of the plan's assignments, archived or not, oldest first."""
    rows = session.execute(
        select(StatusEvent, Assignment)
        .join(Assignment, Assignment.id == StatusEvent.assignment_id)
        .join(Assignment.occurrence)
        .join(OccurrenceRow.task)
        .options(contains_eager(Assignment.occurrence).contains_eager(OccurrenceRow.task))
        .where(TaskRow.plan_id == plan_id)
        .order_by(StatusEvent.at, StatusEvent.id)
    )
    return [(event, assignment) for event, assignment in rows]


def _event_row(event: StatusEvent, assignment: Assignment, short: Callable[[str, date], str],
               officers: dict[int, str], withdrawn: bool, withdraws: str | None) -> EventRow:
    occurrence = assignment.occurrence
    return EventRow(
        at=event.at,
        task_key=occurrence.task.key,
        period=occurrence.period,
        period_label=occurrence.label,
        agency_short=short(assignment.agency_code, event.at.date()),
        reporter_agency_short=short(event.agency_code, event.at.date()),
        officer_name=officers.get(event.officer_id) if event.officer_id else None,
        channel=event.channel,
        status=event.status,
        note=event.note,
        withdrawn=withdrawn,
        withdraws=withdraws,
    )
