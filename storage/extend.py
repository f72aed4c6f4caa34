"""Keep the stored plans' recurring work ahead of the calendar, from the database alone.

The configured plan file is synced by `storage.sync.ensure_synced`; a plan added with
`nhacviec plan add` has no file the bot reads again, so its periodic tasks would stop having
periods once the horizon of its last `plan add`/`plan update` passed. Each task's periods come
from its stored time frame (the same reading as the sync), and each new period goes to the
agencies of the task's latest period, through the successions in force: what a sync of the
unchanged file would add. Functions take the session first and never commit.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.occurrences import occurrences
from scheduler.timeframe import PERIODIC_KINDS, Timeframe, parse_timeframe
from storage import agencies
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentStatus,
    OccurrenceRow,
    PlanRow,
    TaskRow,
)


def _latest_roles(session: Session, task_id: int) -> dict[str, str]:
    """The agencies (and their roles) of the task's latest live period."""
    latest = session.scalar(
        select(OccurrenceRow.id).where(OccurrenceRow.task_id == task_id,
                                       OccurrenceRow.archived.is_(False))
        .order_by(OccurrenceRow.due.desc(), OccurrenceRow.id.desc()).limit(1))
    if latest is None:
        return {}
    return {code: role for code, role in session.execute(
        select(Assignment.agency_code, Assignment.role)
        .where(Assignment.occurrence_id == latest, Assignment.archived.is_(False)))}


def add_periods(session: Session, task: TaskRow, timeframe: Timeframe, plan_start: date,
                since: date, until: date, known: set[str], holders: dict[str, str],
                now: datetime) -> tuple[int, int]:
    """Add the periods of `task` due after `since` up to `until` that are not `known`, each
    with the parts `holders` gives (agency -> role); return the periods and parts added."""
    periods = parts = 0
    for occurrence in occurrences(task.key, timeframe, plan_start, until):
        if occurrence.due <= since or occurrence.period in known:
            continue
        row = OccurrenceRow(task_id=task.id, period=occurrence.period, label=occurrence.label,
                            window_start=occurrence.window_start, due=occurrence.due,
                            ad_hoc=False, archived=False)
        session.add(row)
        periods += 1
        for holder, role in holders.items():
            session.add(Assignment(occurrence=row, agency_code=holder, role=role,
                                   status=AssignmentStatus.OPEN.value, updated_at=now,
                                   archived=False))
            parts += 1
    return periods, parts


def extend_plan(session: Session, plan: PlanRow, until: date, now: datetime,
                today: date) -> int:
    """Add the periods of `plan`'s periodic tasks due after its `synced_until` up to `until`,
    with their assignments; return how many periods were added."""
    since = plan.synced_until or session.scalar(
        select(func.max(OccurrenceRow.due)).join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
        .where(TaskRow.plan_id == plan.id)) or plan.start
    if since >= until:
        return 0
    changes = agencies.successors({row.code: row for row in session.scalars(select(AgencyRow))})
    added = 0
    tasks = session.scalars(select(TaskRow).where(
        TaskRow.plan_id == plan.id, TaskRow.archived.is_(False),
        TaskRow.kind.in_(sorted(PERIODIC_KINDS))).order_by(TaskRow.id))
    for task in tasks:
        roles = _latest_roles(session, task.id)
        if not roles:
            continue  # no period was ever given to anyone (an unscheduled task)
        known = set(session.scalars(select(OccurrenceRow.period).where(
            OccurrenceRow.task_id == task.id, OccurrenceRow.due > since)))
        added += add_periods(session, task, parse_timeframe(task.timeframe, plan.start),
                             plan.start, since, until, known,
                             agencies.roles_on(changes, roles, today), now)[0]
    plan.synced_until = until
    session.flush()
    return added


def extend_stored_plans(session: Session, until: date, now: datetime, today: date,
                        skip: str | None = None) -> int:
    """Extend every live plan but `skip` (the one synced from its file) up to `until`."""
    query = select(PlanRow).where(PlanRow.archived.is_(False)).order_by(PlanRow.id)
    return sum(extend_plan(session, plan, until, now, today) for plan in session.scalars(query)
               if plan.id != skip and (plan.synced_until is None or plan.synced_until < until))
