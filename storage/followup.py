"""The follow-up workflow: extension requests and due dates, confirmed or returned completions,
and an item's history. Each takes the session first; none commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import work
from storage.models import (
    Assignment,
    AssignmentStatus,
    EventStatus,
    ExtensionRequest,
    ExtensionStatus,
    Officer,
    StatusEvent,
)


def open_request(session: Session, assignment_id: int) -> ExtensionRequest | None:
    """Return the assignment's extension request still waiting for a decision, or None."""
    return session.scalars(
        select(ExtensionRequest)
        .where(ExtensionRequest.assignment_id == assignment_id,
               ExtensionRequest.status == ExtensionStatus.OPEN.value)
        .order_by(ExtensionRequest.id.desc()).limit(1)
    ).first()


def latest_request(session: Session, assignment_id: int) -> ExtensionRequest | None:
    """Return the assignment's latest extension request, whatever its status, or None."""
    return session.scalars(
        select(ExtensionRequest).where(ExtensionRequest.assignment_id == assignment_id)
        .order_by(ExtensionRequest.id.desc()).limit(1)
    ).first()


def request_for_update(session: Session, request_id: int) -> ExtensionRequest | None:
    """Return the extension request `request_id`, locked until the transaction ends."""
    return session.get(ExtensionRequest, request_id, with_for_update=True,
                       populate_existing=True)


def ask_extension(session: Session, assignment: Assignment, officer: Officer, due: date,
                  reason: str, channel: str, now: datetime, today: date) -> ExtensionRequest:
    """Record an extension request to `due`, and its event in the item's history."""
    event = work.record_event(session, assignment, EventStatus.EXTENSION_ASKED, reason, officer,
                              channel, now, today)
    request = ExtensionRequest(
        assignment_id=assignment.id, officer_id=officer.id, previous_due=assignment.due,
        requested_due=due, reason=reason, status=ExtensionStatus.OPEN.value, created_at=now,
        event_id=event.id)
    session.add(request)
    session.flush()
    return request


def decide(session: Session, request: ExtensionRequest, assignment: Assignment, approve: bool,
           officer: Officer, note: str | None, channel: str, now: datetime,
           today: date) -> None:
    """Approve (the assignment's due date becomes the one asked) or refuse the request."""
    status = EventStatus.EXTENSION_APPROVED if approve else EventStatus.EXTENSION_REFUSED
    event = work.record_event(session, assignment, status, note, officer, channel, now, today)
    request.status = (ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED).value
    request.decided_by = officer.id
    request.decided_at = now
    request.decision_note = note
    request.decision_event_id = event.id
    if approve:
        assignment.due_override = request.requested_due
    session.flush()


def set_due(session: Session, assignment: Assignment, due: date, officer: Officer, reason: str,
            channel: str, now: datetime, today: date) -> ExtensionRequest | None:
    """Set the assignment's due date to `due` directly (the coordinator's /doihan), recorded as
    a decided change. Return the request still open that this supersedes, if any."""
    superseded = open_request(session, assignment.id)
    event = work.record_event(session, assignment, EventStatus.DUE_CHANGED, reason, officer,
                              channel, now, today)
    if superseded is not None:
        superseded.status = ExtensionStatus.SUPERSEDED.value
        superseded.decided_by = officer.id
        superseded.decided_at = now
        superseded.decision_event_id = event.id
    session.add(ExtensionRequest(
        assignment_id=assignment.id, officer_id=officer.id, previous_due=assignment.due,
        requested_due=due, reason=reason, status=ExtensionStatus.DIRECT.value, created_at=now,
        event_id=event.id, decided_by=officer.id, decided_at=now, decision_event_id=event.id))
    assignment.due_override = due if due != assignment.original_due else None
    session.flush()
    return superseded


def confirm(session: Session, assignment: Assignment, officer: Officer, channel: str,
            now: datetime, today: date) -> None:
    """Confirm the completion awaiting confirmation: done as of the day it was reported."""
    work.record_event(session, assignment, EventStatus.CONFIRMED, None, officer, channel, now,
                      today)
    assignment.status = AssignmentStatus.DONE.value
    assignment.completed_on = assignment.reported_done_on or today
    assignment.reported_done_on = None
    session.flush()


def return_done(session: Session, assignment: Assignment, officer: Officer, reason: str,
                channel: str, now: datetime, today: date) -> None:
    """Return the completion awaiting confirmation: the item is in progress again."""
    work.record_event(session, assignment, EventStatus.RETURNED, reason, officer, channel, now,
                      today)
    assignment.status = AssignmentStatus.OPEN.value
    assignment.reported_done_on = None
    session.flush()


def pending_reporter(session: Session, assignment: Assignment) -> Officer | None:
    """Return the officer whose completion report awaits confirmation, if known."""
    report = work.last_event(session, assignment.id, EventStatus.DONE)
    if report is None or report.officer_id is None:
        return None
    return session.get(Officer, report.officer_id)


@dataclass(frozen=True)
class Entry:
    """One entry of an item's history: the event, who recorded it, the due-date change."""

    event: StatusEvent
    officer: Officer | None
    change: ExtensionRequest | None  # the request an extension event asks or decides
    withdrawn: bool  # the report was withdrawn later (/huy)


def history(session: Session, assignment_id: int) -> list[Entry]:
    """Return every event of the assignment, newest first."""
    events = list(session.scalars(
        select(StatusEvent).where(StatusEvent.assignment_id == assignment_id)
        .order_by(StatusEvent.at.desc(), StatusEvent.id.desc())))
    changes: dict[int, ExtensionRequest] = {}
    for change in session.scalars(select(ExtensionRequest)
                                  .where(ExtensionRequest.assignment_id == assignment_id)):
        for event_id in (change.event_id, change.decision_event_id):
            if event_id is not None:
                changes.setdefault(event_id, change)
    ids = {event.officer_id for event in events if event.officer_id is not None}
    officers = ({o.id: o for o in session.scalars(select(Officer).where(Officer.id.in_(ids)))}
                if ids else {})
    withdrawn = {event.withdraws_id for event in events if event.withdraws_id is not None}
    return [Entry(event, officers.get(event.officer_id) if event.officer_id else None,
                  changes.get(event.id), event.id in withdrawn) for event in events]


def changes_of(session: Session, assignment_ids: list[int]) -> dict[int, list[ExtensionRequest]]:
    """Return the due-date changes that took effect (approved or set), per assignment, oldest
    first."""
    if not assignment_ids:
        return {}
    result: dict[int, list[ExtensionRequest]] = {}
    for change in session.scalars(
            select(ExtensionRequest)
            .where(ExtensionRequest.assignment_id.in_(assignment_ids),
                   ExtensionRequest.status.in_((ExtensionStatus.APPROVED.value,
                                                ExtensionStatus.DIRECT.value)))
            .order_by(ExtensionRequest.id)):
        result.setdefault(change.assignment_id, []).append(change)
    return result
