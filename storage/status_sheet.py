"""The rows of `nhacviec status export/import`: every open lead item, and applying updates.

An update is applied as a status event by a coordinator of the plan, recorded as any other
(who, when, the channel), so the history shows who set where things stood at the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import people, work
from storage.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventStatus,
    OccurrenceRow,
    Officer,
    PlanRow,
    Role,
    TaskRow,
)


@dataclass(frozen=True)
class OpenRow:
    """One lead assignment not done whose window has opened."""

    assignment_id: int
    plan_id: str
    task_key: str
    title: str
    period: str
    period_label: str
    agency_code: str
    agency_name: str
    due: date
    status: str  # AssignmentStatus


@dataclass(frozen=True)
class Update:
    """What one row of the sheet asks: `status` on the assignment, done on `day`."""

    assignment_id: int
    plan_id: str
    status: EventStatus
    day: date
    note: str | None
    ref: str = ""  # how the row named the item: PLAN:KEY@PERIOD AGENCY


def open_rows(session: Session, today: date, plan_id: str | None = None) -> list[OpenRow]:
    """Return every open lead item whose window opened by `today`, by plan, due date, task."""
    names = people.agency_names(session)
    rows = [
        OpenRow(a.id, a.occurrence.task.plan_id, a.occurrence.task.key, a.occurrence.task.title,
                a.occurrence.period, a.occurrence.label, a.agency_code,
                names[a.agency_code].name if a.agency_code in names else a.agency_code,
                a.occurrence.due, a.status)
        for a in work.lead_assignments(session, today, plan_id=plan_id)
        if a.status != AssignmentStatus.DONE.value]
    rows.sort(key=lambda row: (row.plan_id, row.due))
    return rows


def plan_ids(session: Session) -> list[str]:
    return list(session.scalars(select(PlanRow.id).order_by(PlanRow.id)))


def find_item(session: Session, plan_id: str, key: str, period: str,
              agency_code: str) -> Assignment | None:
    """Return the live lead assignment named by a row (done or not), or None."""
    return session.scalars(
        select(Assignment).join(Assignment.occurrence).join(OccurrenceRow.task)
        .where(TaskRow.plan_id == plan_id, TaskRow.key == key, OccurrenceRow.period == period,
               Assignment.agency_code == agency_code,
               Assignment.role == AssignmentRole.LEAD.value,
               Assignment.archived.is_(False), OccurrenceRow.archived.is_(False),
               TaskRow.archived.is_(False))).first()


def plan_coordinator(session: Session, plan_id: str) -> tuple[str, Officer | None]:
    """Return the plan's coordinating agency and its first active coordinator, if any."""
    plan = session.get(PlanRow, plan_id)
    if plan is None:
        raise LookupError(plan_id)
    officer = session.scalars(
        select(Officer).where(Officer.agency_code == plan.coordinator_code,
                              Officer.role == Role.COORDINATOR.value,
                              Officer.active.is_(True))
        .order_by(Officer.id)).first()
    return plan.coordinator_code, officer


def apply_updates(session: Session, updates: list[Update], officers: dict[str, Officer],
                  channel: str, now: datetime) -> int:
    """Record each update as a status event by the coordinator of its plan; return the count."""
    for update in updates:
        assignment = work.assignment_for_update(session, update.assignment_id)
        if assignment is None:
            raise LookupError(update.assignment_id)
        work.record_event(session, assignment, update.status, update.note,
                          officers[update.plan_id], channel, now, update.day)
    return len(updates)
