"""The stored plans as a whole: find one by id or code, archive it, set where tracking starts.

Each takes the session first; none commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Assignment, AssignmentRole, OccurrenceRow, PlanRow, TaskRow


def find_plan(session: Session, token: str, *, archived: bool = True) -> PlanRow | None:
    """Return the plan whose id or code is `token`, ignoring case; None if there is none.

    `archived=False` leaves archived plans out (what people in the chat may narrow to).
    """
    wanted = token.strip().upper()
    if not wanted:
        return None
    query = select(PlanRow).where((func.upper(PlanRow.id) == wanted) | (PlanRow.code == wanted))
    if not archived:
        query = query.where(PlanRow.archived.is_(False))
    return session.scalars(query.order_by(PlanRow.id)).first()


def live_plans(session: Session) -> list[PlanRow]:
    """Return the plans that are not archived, by code."""
    return list(session.scalars(select(PlanRow).where(PlanRow.archived.is_(False))
                                .order_by(PlanRow.code)))


def code_owner(session: Session, code: str) -> PlanRow | None:
    """Return the stored plan that holds the short code `code`, or None."""
    return session.scalars(select(PlanRow).where(PlanRow.code == code)).first()


def set_track_from(session: Session, plan: PlanRow, day: date | None) -> None:
    """Track the plan's periods due on or after `day` only (None: all of them)."""
    plan.track_from = day
    session.flush()


def archive(session: Session, plan: PlanRow) -> bool:
    """Archive the plan (no reminders, out of /status; its rows and history stay). Return
    False if it was archived already."""
    if plan.archived:
        return False
    plan.archived = True
    session.flush()
    return True


@dataclass(frozen=True)
class PlanSummary:
    """One line of `nhacviec plan list`."""

    plan: PlanRow
    tasks: int  # live tasks
    lead_items: int  # live lead assignments


def summaries(session: Session) -> list[PlanSummary]:
    """Return every stored plan, archived ones last, with its live tasks and lead items."""
    tasks = dict(session.execute(
        select(TaskRow.plan_id, func.count(TaskRow.id))
        .where(TaskRow.archived.is_(False)).group_by(TaskRow.plan_id)).all())
    items = dict(session.execute(
        select(TaskRow.plan_id, func.count(Assignment.id))
        .join(OccurrenceRow, OccurrenceRow.task_id == TaskRow.id)
        .join(Assignment, Assignment.occurrence_id == OccurrenceRow.id)
        .where(TaskRow.archived.is_(False), OccurrenceRow.archived.is_(False),
               Assignment.archived.is_(False), Assignment.role == AssignmentRole.LEAD.value)
        .group_by(TaskRow.plan_id)).all())
    rows = session.scalars(select(PlanRow).order_by(PlanRow.archived, PlanRow.code))
    return [PlanSummary(row, tasks.get(row.id, 0), items.get(row.id, 0)) for row in rows]


def plan_of_assignment(session: Session, assignment_id: int | None) -> str | None:
    """Return the id of the plan an assignment belongs to (None for none: a message about no
    plan's item, whose alerts go to every coordinator)."""
    if assignment_id is None:
        return None
    return session.scalar(
        select(TaskRow.plan_id)
        .join(OccurrenceRow, OccurrenceRow.task_id == TaskRow.id)
        .join(Assignment, Assignment.occurrence_id == OccurrenceRow.id)
        .where(Assignment.id == assignment_id))


def task_keys(session: Session, plan_id: str | None = None) -> list[str]:
    """Return the keys of the live tasks of the live plans (of plan `plan_id` if given)."""
    query = (select(TaskRow.key).join(TaskRow.plan)
             .where(TaskRow.archived.is_(False), PlanRow.archived.is_(False)))
    if plan_id is not None:
        query = query.where(TaskRow.plan_id == plan_id)
    return list(dict.fromkeys(session.scalars(query.order_by(TaskRow.plan_id, TaskRow.id))))
