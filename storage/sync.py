"""Load a plan into the database, and keep it in step with a changed plan file.

Nothing is deleted: a task, an occurrence or an agency's part that the file no longer has is
archived, so every status and event stays attached to its row. Live work is the assignments
with `archived = false`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.occurrences import occurrences
from scheduler.plan import Directory, Plan, Task
from scheduler.timeframe import PERIODIC_KINDS, Timeframe, parse_timeframe
from storage import agencies
from storage.extend import add_periods
from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    OccurrenceRow,
    PlanRow,
    TaskRow,
)
from storage.models_agencies import AgencyName, NameSource


@dataclass
class SyncReport:
    """What `sync_plan` changed, and how much live work the plan has afterwards."""

    agencies_added: int = 0
    agencies_updated: int = 0
    plan_added: bool = False
    plan_updated: bool = False
    tasks_added: int = 0
    tasks_updated: int = 0  # text, title or time frame changed, or brought back from the archive
    tasks_archived: int = 0
    occurrences_added: int = 0
    occurrences_updated: int = 0
    occurrences_archived: int = 0
    assignments_added: int = 0
    assignments_updated: int = 0
    assignments_archived: int = 0
    tasks: int = 0  # live, after the sync
    occurrences: int = 0
    assignments: int = 0

    @property
    def changed(self) -> bool:
        """Return True if the sync wrote anything."""
        return any(
            (
                self.agencies_added,
                self.agencies_updated,
                self.plan_added,
                self.plan_updated,
                self.tasks_added,
                self.tasks_updated,
                self.tasks_archived,
                self.occurrences_added,
                self.occurrences_updated,
                self.occurrences_archived,
                self.assignments_added,
                self.assignments_updated,
                self.assignments_archived,
            )
        )


def sync_plan(
    session: Session, directory: Directory, plan: Plan, until: date, now: datetime,
    *, today: date | None = None,
) -> SyncReport:
    """Bring the database in step with `directory` and `plan`, with occurrences due up to `until`.

    Texts and dates follow the file; new tasks, occurrences and assignments are added; what the
    file dropped is archived. Existing rows keep their ids and statuses. `now` stamps new and
    changed assignments. A second run with the same inputs changes nothing.

    The agencies file seeds agencies: it adds the ones the database lacks and corrects the name
    of one only while nobody renamed it in the database (storage/agencies.py). The agency the
    file names for a task is read through the successions in force on `today` (default: the
    date of `now`): a succeeded agency's open work stays with its successor, its done work
    with it.
    """
    report = SyncReport()
    day = today if today is not None else now.date()
    # Each time frame is read once, for the task's kind and for its occurrences.
    timeframes = {task.key: parse_timeframe(task.timeframe, plan.start) for task in plan.tasks}
    _sync_agencies(session, directory, report)
    _sync_plan_row(session, plan, report)
    tasks = _sync_tasks(session, plan, timeframes, report)
    live_occurrences = _sync_occurrences(session, plan, tasks, timeframes, until, report)
    agencies.move_open_work(session, day, now)
    _sync_assignments(session, directory, plan, live_occurrences, now, report, day)
    count_live(session, plan, report)
    return report


def content_hash(directory: Directory, plan: Plan) -> str:
    """Return the hash of what a sync writes from the plan and agency files."""
    digest = hashlib.sha256()
    digest.update(directory.model_dump_json().encode())
    digest.update(b"\0")
    digest.update(plan.model_dump_json().encode())
    return digest.hexdigest()


def ensure_synced(
    session: Session, directory: Directory, plan: Plan, until: date, now: datetime,
    *, today: date | None = None,
) -> SyncReport | None:
    """Sync the plan if its files changed since the last sync (`content_hash`), else only extend
    its occurrences up to `until` (the new ones alone are computed and written); return what
    changed, or None if the plan was in step already (nothing read but its row)."""
    digest = content_hash(directory, plan)
    row = session.get(PlanRow, plan.id)
    if row is None or row.content_hash != digest or row.synced_until is None:
        report = sync_plan(session, directory, plan, until, now, today=today)
        row = session.get(PlanRow, plan.id)
        assert row is not None  # sync_plan wrote it
        row.content_hash, row.synced_until = digest, until
        session.flush()
        return report
    if row.synced_until >= until:
        return None
    report = SyncReport()
    _extend(session, directory, plan, row.synced_until, until, now, report,
            today if today is not None else now.date())
    row.synced_until = until
    session.flush()
    return report


def _extend(session: Session, directory: Directory, plan: Plan, since: date, until: date,
            now: datetime, report: SyncReport, day: date) -> None:
    """Add the occurrences due after `since` up to `until`, and their assignments (to the
    agency holding the work on `day`, through the successions in force)."""
    tasks = {row.key: row for row in session.scalars(
        select(TaskRow).filter_by(plan_id=plan.id, archived=False))}
    known: dict[int, set[str]] = {}
    for task_id, period in session.execute(
            select(OccurrenceRow.task_id, OccurrenceRow.period)
            .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
            .where(TaskRow.plan_id == plan.id, OccurrenceRow.due > since)):
        known.setdefault(task_id, set()).add(period)
    changes = agencies.successors({row.code: row for row in session.scalars(select(AgencyRow))})
    for task in plan.tasks:
        task_row = tasks.get(task.key)
        timeframe = parse_timeframe(task.timeframe, plan.start)
        if task_row is None or timeframe.kind not in PERIODIC_KINDS:
            continue  # a deadline has its one occurrence already
        periods, parts = add_periods(
            session, task_row, timeframe, plan.start, since, until, known.get(task_row.id, set()),
            agencies.roles_on(changes, _roles(directory, task), day), now)
        report.occurrences_added += periods
        report.assignments_added += parts
    session.flush()


def _update(row: Any, values: dict[str, Any]) -> bool:
    """Set the attributes of `row` that differ from `values`; return True if any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _sync_agencies(session: Session, directory: Directory, report: SyncReport) -> None:
    """Add the agencies the database lacks; follow the file's name of one only while its one
    name came from a file (a rename or an `agency add` is the operator's, never overwritten)."""
    existing = {row.code: row for row in session.scalars(select(AgencyRow))}
    periods: dict[str, list[AgencyName]] = {}
    for period in session.scalars(select(AgencyName).order_by(AgencyName.id)):
        periods.setdefault(period.agency_code, []).append(period)
    for agency in directory.agencies:
        values = {"name": agency.name, "short_name": agency.short_name, "kind": agency.kind}
        names = {"name": agency.name, "short_name": agency.short_name}
        row = existing.get(agency.code)
        if row is None:
            session.add(AgencyRow(code=agency.code, **values))
            session.flush()
            session.add(AgencyName(agency_code=agency.code, source=NameSource.FILE, **names))
            report.agencies_added += 1
            continue
        own = periods.get(agency.code, [])
        if len(own) > 1 or any(period.source != NameSource.FILE for period in own):
            continue  # the operator's now: the file only seeded it
        changed = _update(row, values)
        if own:
            changed = _update(own[0], names) or changed
        else:
            session.add(AgencyName(agency_code=agency.code, source=NameSource.FILE, **names))
        if changed:
            report.agencies_updated += 1
    session.flush()


def sync_agencies(session: Session, directory: Directory) -> SyncReport:
    """Seed and correct the agencies of `directory` alone (what `sync_plan` does first)."""
    report = SyncReport()
    _sync_agencies(session, directory, report)
    return report


def _sync_plan_row(session: Session, plan: Plan, report: SyncReport) -> None:
    values = {
        "title": plan.title,
        "issuer": plan.issuer,
        "start": plan.start,
        "coordinator_code": plan.coordinator,
        "ladder_json": plan.ladder.model_dump_json(),
        "code": plan.short_code,
        "send_at": plan.send_at.strftime("%H:%M") if plan.send_at is not None else None,
        "confirm_done": plan.confirm_done,
    }
    row = session.get(PlanRow, plan.id)
    if row is None:
        session.add(PlanRow(id=plan.id, **values))
        report.plan_added = True
    elif _update(row, values):
        report.plan_updated = True
    session.flush()


def _sync_tasks(session: Session, plan: Plan, timeframes: dict[str, Timeframe],
                report: SyncReport) -> dict[str, TaskRow]:
    """Upsert the plan's tasks and archive the ones gone from it; return every row by key."""
    rows = {row.key: row for row in session.scalars(select(TaskRow).filter_by(plan_id=plan.id))}
    for task in plan.tasks:
        values = {
            "title": task.title,
            "text": task.text,
            "coordinating_text": task.coordinating_text,
            "timeframe": task.timeframe,
            "kind": timeframes[task.key].kind.value,
            "archived": False,
        }
        row = rows.get(task.key)
        if row is None:
            rows[task.key] = TaskRow(plan_id=plan.id, key=task.key, **values)
            session.add(rows[task.key])
            report.tasks_added += 1
        elif _update(row, values):
            report.tasks_updated += 1
    keys_in_file = {task.key for task in plan.tasks}
    for key, row in rows.items():
        if key not in keys_in_file and _update(row, {"archived": True}):
            report.tasks_archived += 1
    session.flush()
    return rows


def _sync_occurrences(
    session: Session, plan: Plan, tasks: dict[str, TaskRow], timeframes: dict[str, Timeframe],
    until: date, report: SyncReport
) -> list[tuple[Task, OccurrenceRow]]:
    """Upsert the occurrences the calendar gives up to `until`; return the live ones, with their
    task. One it no longer gives, due by `until`, is archived; ad-hoc ones are kept."""
    task_ids = [row.id for row in tasks.values()]
    by_task: dict[int, dict[str, OccurrenceRow]] = {task_id: {} for task_id in task_ids}
    for row in session.scalars(select(OccurrenceRow).where(OccurrenceRow.task_id.in_(task_ids))):
        by_task[row.task_id][row.period] = row

    live: list[tuple[Task, OccurrenceRow]] = []
    file_tasks = {task.key: task for task in plan.tasks}
    for key, task_row in tasks.items():
        existing = by_task[task_row.id]
        task = file_tasks.get(key)
        if task is None:
            for row in existing.values():
                if _update(row, {"archived": True}):
                    report.occurrences_archived += 1
            continue

        produced = occurrences(task.key, timeframes[key], plan.start, until)
        for occurrence in produced:
            values = {
                "label": occurrence.label,
                "window_start": occurrence.window_start,
                "due": occurrence.due,
                "archived": False,
            }
            found = existing.get(occurrence.period)
            if found is None:
                existing[occurrence.period] = OccurrenceRow(
                    task_id=task_row.id, period=occurrence.period, ad_hoc=False, **values
                )
                session.add(existing[occurrence.period])
                report.occurrences_added += 1
            elif _update(found, values):
                report.occurrences_updated += 1

        produced_periods = {occurrence.period for occurrence in produced}
        for period, row in existing.items():
            # Beyond `until` the calendar was not asked, so absence there proves nothing.
            kept = period in produced_periods or row.ad_hoc or row.due > until
            if not kept and _update(row, {"archived": True}):
                report.occurrences_archived += 1
            if not row.archived:
                live.append((task, row))
    session.flush()
    return live


def _sync_assignments(
    session: Session,
    directory: Directory,
    plan: Plan,
    live: list[tuple[Task, OccurrenceRow]],
    now: datetime,
    report: SyncReport,
    day: date,
) -> None:
    """Give every live occurrence one assignment per lead and coordinating agency of its task;
    archive the assignments of agencies the task no longer names, and of archived occurrences.

    An agency succeeded by `day` is replaced by the one holding its work that day, except on an
    occurrence it had done (that stays its own: history)."""
    rows: dict[tuple[int, str], Assignment] = {
        (row.occurrence_id, row.agency_code): row
        for row in session.scalars(
            select(Assignment)
            .join(OccurrenceRow, Assignment.occurrence_id == OccurrenceRow.id)
            .join(TaskRow, OccurrenceRow.task_id == TaskRow.id)
            .where(TaskRow.plan_id == plan.id)
        )
    }
    changes = agencies.successors({row.code: row for row in session.scalars(select(AgencyRow))})
    expected: dict[tuple[int, str], str] = {}
    for task, occurrence in live:
        for code, role in _roles(directory, task).items():
            holder = agencies.holder_on(changes, code, day)
            own = rows.get((occurrence.id, code))
            if holder != code and own is not None and own.status == AssignmentStatus.DONE.value:
                holder = code
            key = (occurrence.id, holder)
            if role == AssignmentRole.LEAD.value or key not in expected:
                expected[key] = role

    for key, role in expected.items():
        row = rows.get(key)
        if row is None:
            occurrence_id, agency_code = key
            session.add(
                Assignment(
                    occurrence_id=occurrence_id,
                    agency_code=agency_code,
                    role=role,
                    status=AssignmentStatus.OPEN.value,
                    updated_at=now,
                    archived=False,
                )
            )
            report.assignments_added += 1
        elif _update(row, {"role": role, "archived": False}):
            row.updated_at = now
            report.assignments_updated += 1
    for key, row in rows.items():
        if key not in expected and _update(row, {"archived": True}):
            row.updated_at = now
            report.assignments_archived += 1
    session.flush()


def _roles(directory: Directory, task: Task) -> dict[str, str]:
    """Return each agency's role in `task`, groups expanded; an agency that leads only leads."""
    roles = {code: AssignmentRole.LEAD.value for code in directory.expand(task.lead)}
    for code in directory.expand(task.coordinating):
        roles.setdefault(code, AssignmentRole.COORDINATING.value)
    return roles


def count_live(session: Session, plan: Plan, report: SyncReport) -> None:
    """Set the live tasks, occurrences and assignments of the plan in `report`."""
    live_tasks = select(TaskRow.id).where(TaskRow.plan_id == plan.id, TaskRow.archived.is_(False))
    live_occurrences = select(OccurrenceRow.id).where(
        OccurrenceRow.task_id.in_(live_tasks), OccurrenceRow.archived.is_(False)
    )
    live_assignments = select(Assignment.id).where(
        Assignment.occurrence_id.in_(live_occurrences), Assignment.archived.is_(False)
    )
    report.tasks = session.scalar(select(func.count()).select_from(live_tasks.subquery())) or 0
    report.occurrences = (
        session.scalar(select(func.count()).select_from(live_occurrences.subquery())) or 0
    )
    report.assignments = (
        session.scalar(select(func.count()).select_from(live_assignments.subquery())) or 0
    )
