"""The dashboard's tables: items as plain rows (one SELECT of the columns shown, no ORM objects),
an item's timeline, and what waits for a coordinator's decision.

Functions take the session first and never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from scheduler.status import Category, Standing, standing
from storage.dashboard import ALL, Scope, joined, live
from storage.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventStatus,
    ExtensionRequest,
    ExtensionStatus,
    OccurrenceRow,
    Officer,
    PlanRow,
    ReminderRow,
    StatusEvent,
    TaskRow,
)
from storage.tally_models import TallyDirty, TallyFacts


@dataclass(frozen=True)
class ItemRow:
    """One lead assignment as a table shows it."""

    assignment_id: int
    plan_id: str
    task_key: str
    title: str
    period: str
    period_label: str
    agency_code: str
    due: date
    completed_on: date | None
    standing: Standing


# The deadline in force: an approved extension's, else the occurrence's (as /status reads it).
due_in_force = func.coalesce(Assignment.due_override, OccurrenceRow.due)
_ITEM_COLUMNS = (Assignment.id, TaskRow.plan_id, TaskRow.key, TaskRow.title, OccurrenceRow.period,
                 OccurrenceRow.label, Assignment.agency_code, due_in_force,
                 Assignment.completed_on, Assignment.status, PlanRow.track_from,
                 Assignment.reported_done_on)
_N = len(_ITEM_COLUMNS)


def _item(row: Any, today: date) -> ItemRow:
    blocked = row[9] == AssignmentStatus.BLOCKED.value
    return ItemRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                   standing(row[7], row[8], blocked, today, row[10], reported_on=row[11]))


@dataclass(frozen=True)
class OverdueFilter:
    """The overdue list's filters: due between two days, at least `min_days` late."""

    due_from: date | None = None
    due_to: date | None = None
    min_days: int = 0


def overdue_items(session: Session, today: date, scope: Scope = ALL,
                  filters: OverdueFilter | None = None,
                  limit: int | None = None, *,
                  counted: bool = True) -> tuple[int, list[ItemRow]]:
    """Return how many items are overdue under the filters (0 unless `counted`), and the most
    overdue first."""
    filters = filters or OverdueFilter()
    # Overdue: not done and due before today; `min_days` late: due at least that many days ago.
    latest_due = today - timedelta(days=max(1, filters.min_days))
    query = live(joined(*_ITEM_COLUMNS), today, scope).where(
        Assignment.completed_on.is_(None), Assignment.reported_done_on.is_(None),
        due_in_force <= latest_due,
        or_(PlanRow.track_from.is_(None), due_in_force >= PlanRow.track_from))
    if filters.due_from is not None:
        query = query.where(due_in_force >= filters.due_from)
    if filters.due_to is not None:
        query = query.where(due_in_force <= filters.due_to)
    count = (session.scalar(select(func.count()).select_from(query.subquery())) or 0
             if counted else 0)
    query = query.order_by(due_in_force, TaskRow.plan_id, TaskRow.key, Assignment.agency_code)
    if limit is not None:
        query = query.limit(limit)
    return count, [_item(row, today) for row in session.execute(query)]


def most_overdue(session: Session, today: date, scope: Scope, min_days: int,
                 limit: int) -> list[ItemRow]:
    """Return the `limit` items overdue at least `min_days` days, the most overdue first, as
    `overdue_items` orders them, without reading every assignment: the candidates come from the
    running counts' facts (an index on the deadline), then the items themselves are read."""
    noted = list(session.scalars(select(TallyDirty.assignment_id)))
    if len(noted) > 5000:  # the counts have not caught up: read the items themselves
        return overdue_items(session, today, scope, OverdueFilter(min_days=min_days), limit,
                             counted=False)[1]
    latest = today - timedelta(days=max(1, min_days))
    conditions = [TallyFacts.done_on.is_(None), TallyFacts.reported_on.is_(None),
                  TallyFacts.untracked.is_(False), TallyFacts.opened <= today,
                  TallyFacts.due <= latest,
                  *scope.conditions(TallyFacts.plan_id, TallyFacts.agency_code)]
    # A noted item may be counted with stale facts: take as many more, and every noted one.
    wanted = limit + len(noted)
    first = session.execute(select(TallyFacts.assignment_id, TallyFacts.due).where(*conditions)
                            .order_by(TallyFacts.due).limit(wanted)).all()
    ids = {aid for aid, _ in first} | set(noted)
    if len(first) == wanted:  # the items due on the last day taken tie with it: all of them
        ids |= set(session.scalars(select(TallyFacts.assignment_id).where(
            *conditions, TallyFacts.due == first[-1][1])))
    items = []
    for chunk in _chunks(sorted(ids), 500):
        # By key, the role checked here: a condition on it would make SQLite scan its index.
        query = joined(*_ITEM_COLUMNS, Assignment.role, Assignment.archived).where(
            Assignment.id.in_(chunk), OccurrenceRow.archived.is_(False),
            TaskRow.archived.is_(False), PlanRow.archived.is_(False),
            OccurrenceRow.window_start <= today)
        for row in session.execute(query):
            if row[_N] != AssignmentRole.LEAD.value or row[_N + 1]:
                continue
            item = _item(row[:_N], today)
            if (item.standing.category is Category.OVERDUE and item.due <= latest
                    and scope.plan_id in (None, item.plan_id)
                    and scope.agency_code in (None, item.agency_code)):
                items.append(item)
    items.sort(key=lambda i: (i.due, i.plan_id, i.task_key, i.agency_code))
    return items[:limit]


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start:start + size] for start in range(0, len(ids), size)]


def agency_items(session: Session, today: date, agency_code: str,
                 plan_id: str | None = None, limit: int | None = None) -> list[ItemRow]:
    """Return an agency's opened lead items, by plan, those not done first, the most overdue
    first (at most `limit`)."""
    query = live(joined(*_ITEM_COLUMNS), today, Scope(plan_id, agency_code))
    query = query.order_by(TaskRow.plan_id, Assignment.completed_on.is_not(None),
                           due_in_force, TaskRow.key)
    if limit is not None:
        query = query.limit(limit)
    return [_item(row, today) for row in session.execute(query)]


def item(session: Session, today: date, assignment_id: int) -> ItemRow | None:
    """Return one live lead item, or None (unknown, archived, coordinating)."""
    query = live(joined(*_ITEM_COLUMNS), date.max, ALL).where(
        Assignment.id == assignment_id)
    row = session.execute(query).first()
    return None if row is None else _item(row, today)


@dataclass(frozen=True)
class TimelineEntry:
    """A reminder sent or an event reported on an item, in time order."""

    at: datetime  # aware UTC
    kind: str  # "reminder" or an EventStatus value
    step: str | None  # a reminder's policy step
    note: str | None
    officer_name: str | None
    agency_code: str | None  # who reported
    channel: str | None
    withdrawn: bool = False


def timeline(session: Session, assignment_id: int) -> list[TimelineEntry]:
    """Return the reminders and events of an assignment, oldest first."""
    withdrawn = set(session.scalars(
        select(StatusEvent.withdraws_id).where(StatusEvent.assignment_id == assignment_id,
                                               StatusEvent.withdraws_id.is_not(None))))
    events = session.execute(
        select(StatusEvent.id, StatusEvent.at, StatusEvent.status, StatusEvent.note,
               Officer.name, StatusEvent.agency_code, StatusEvent.channel)
        .outerjoin(Officer, Officer.id == StatusEvent.officer_id)
        .where(StatusEvent.assignment_id == assignment_id))
    entries = [TimelineEntry(at, status, None, note, name, agency, channel, id_ in withdrawn)
               for id_, at, status, note, name, agency, channel in events]
    reminders = session.execute(
        select(ReminderRow.created_at, ReminderRow.step)
        .where(ReminderRow.assignment_id == assignment_id))
    entries += [TimelineEntry(at, "reminder", step, None, None, None, None)
                for at, step in reminders]
    return sorted(entries, key=lambda entry: entry.at)


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    assignment_id: int
    plan_id: str
    task_key: str
    period: str
    status: str
    note: str | None
    officer_name: str | None


def history(session: Session, agency_code: str, limit: int = 200) -> list[HistoryRow]:
    """Return the latest events on an agency's assignments, newest first."""
    query = (joined(StatusEvent.at, Assignment.id, TaskRow.plan_id, TaskRow.key,
                     OccurrenceRow.period, StatusEvent.status, StatusEvent.note, Officer.name)
             .join(StatusEvent, StatusEvent.assignment_id == Assignment.id)
             .outerjoin(Officer, Officer.id == StatusEvent.officer_id)
             .where(Assignment.agency_code == agency_code)
             .order_by(StatusEvent.at.desc(), StatusEvent.id.desc()).limit(limit))
    return [HistoryRow(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class Decision:
    """Something that waits for a coordinator: `kind` says what ("blocked" here; the workflow
    adds extension requests and completions to confirm), on which item, since when, why."""

    kind: str
    item: ItemRow
    since: datetime  # aware UTC
    note: str | None
    officer_name: str | None
    request_id: int | None = None  # an extension request's number (/duyet ID)
    requested_due: date | None = None


# Each kind of pending decision: a function returning its decisions, the oldest first, at
# most `limit` of them (the integrator adds the workflow's kinds here).
DecisionSource = Callable[[Session, date, Scope, int | None], list[Decision]]


def _blockers(session: Session, today: date, scope: Scope, limit: int | None) -> list[Decision]:
    """Items blocked now, with the blocker report that stands (the latest not withdrawn)."""
    withdrawn = select(StatusEvent.withdraws_id).where(StatusEvent.withdraws_id.is_not(None))
    event = aliased(StatusEvent)
    standing_report = (
        select(func.max(event.id))
        .where(event.assignment_id == Assignment.id,
               event.status == EventStatus.BLOCKED.value, event.id.not_in(withdrawn))
        .correlate(Assignment).scalar_subquery())
    report_id = standing_report.label("report_id")
    query: Select[Any] = (
        live(joined(*_ITEM_COLUMNS, report_id), today, scope)
        .where(Assignment.completed_on.is_(None),
               Assignment.status == AssignmentStatus.BLOCKED.value)
        .order_by(report_id, Assignment.id))
    if limit is not None:
        query = query.limit(limit)
    # Blocked with no report standing (all withdrawn): nothing to decide.
    return _with_reports(session, "blocked", list(session.execute(query)), today)


def _with_reports(session: Session, kind: str, rows: list[Any], today: date) -> list[Decision]:
    """The decisions of `rows` (items with the id of their report last), each with its report's
    time, note and officer; a row whose report is gone gives none."""
    ids = [row[_N] for row in rows if row[_N] is not None]
    reports = {
        report_id: (at, note, name) for report_id, at, note, name in session.execute(
            select(StatusEvent.id, StatusEvent.at, StatusEvent.note, Officer.name)
            .outerjoin(Officer, Officer.id == StatusEvent.officer_id)
            .where(StatusEvent.id.in_(ids)))} if ids else {}
    return [Decision(kind, _item(row[:_N], today), *reports[row[_N]])
            for row in rows if row[_N] in reports]


def _extensions(session: Session, today: date, scope: Scope,
                limit: int | None) -> list[Decision]:
    """Extension requests not decided yet, with who asked, when, why and the date asked for."""
    query: Select[Any] = (
        live(joined(*_ITEM_COLUMNS, ExtensionRequest.id, ExtensionRequest.created_at,
                    ExtensionRequest.reason, ExtensionRequest.requested_due, Officer.name),
             today, scope)
        .join(ExtensionRequest, ExtensionRequest.assignment_id == Assignment.id)
        .outerjoin(Officer, Officer.id == ExtensionRequest.officer_id)
        .where(ExtensionRequest.status == ExtensionStatus.OPEN.value)
        .order_by(ExtensionRequest.created_at, ExtensionRequest.id))
    if limit is not None:
        query = query.limit(limit)
    return [Decision("extension", _item(row[:_N], today), row[_N + 1], row[_N + 2],
                     row[_N + 4], request_id=row[_N], requested_due=row[_N + 3])
            for row in session.execute(query)]


def _awaiting(session: Session, today: date, scope: Scope, limit: int | None) -> list[Decision]:
    """Completions reported on a plan that wants them confirmed, not confirmed yet."""
    report = aliased(StatusEvent)
    latest = (select(func.max(report.id))
              .where(report.assignment_id == Assignment.id,
                     report.status == EventStatus.DONE.value)
              .correlate(Assignment).scalar_subquery()).label("report_id")
    query: Select[Any] = (
        live(joined(*_ITEM_COLUMNS, latest), today, scope)
        .where(Assignment.status == AssignmentStatus.AWAITING.value)
        .order_by(latest, Assignment.id))
    if limit is not None:
        query = query.limit(limit)
    return _with_reports(session, "awaiting", list(session.execute(query)), today)


DECISION_SOURCES: list[DecisionSource] = [_blockers, _extensions, _awaiting]


def pending_decisions(session: Session, today: date, scope: Scope = ALL,
                      limit: int | None = None) -> list[Decision]:
    """Return what waits for a coordinator's decision, the oldest first (at most `limit`)."""
    found = [decision for source in DECISION_SOURCES
             for decision in source(session, today, scope, limit)]
    found.sort(key=lambda decision: decision.since)
    return found if limit is None else found[:limit]
