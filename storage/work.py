"""Tasks, assignments and the status events reported on them. Each takes the session first;
none commits."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, Update, bindparam, func, insert, select, update
from sqlalchemy.orm import (
    QueryableAttribute,
    Session,
    contains_eager,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventStatus,
    OccurrenceRow,
    Officer,
    PlanRow,
    StatusEvent,
    TaskRow,
)


def tasks_by_key(session: Session, key: str, plan_id: str | None = None,
                 agency_code: str | None = None) -> list[TaskRow]:
    """Return the live tasks of live plans whose key is `key`, ignoring case (one per plan),
    of plan `plan_id` if given, and that agency `agency_code` has a live part in if given."""
    shape = (plan_id is not None, agency_code is not None)
    query = _TASKS_BY_KEY.get(shape)
    if query is None:
        query = (select(TaskRow).join(TaskRow.plan)
                 .where(func.upper(TaskRow.key) == bindparam("key"), TaskRow.archived.is_(False),
                        PlanRow.archived.is_(False)))
        if plan_id is not None:
            query = query.where(TaskRow.plan_id == bindparam("plan_id"))
        if agency_code is not None:
            parts = (select(OccurrenceRow.task_id)
                     .join(Assignment, Assignment.occurrence_id == OccurrenceRow.id)
                     .where(Assignment.agency_code == bindparam("agency_code"),
                            Assignment.archived.is_(False), OccurrenceRow.archived.is_(False)))
            query = query.where(TaskRow.id.in_(parts))
        query = _TASKS_BY_KEY[shape] = query.order_by(TaskRow.plan_id)
    return list(session.scalars(query, {"key": key.upper(), "plan_id": plan_id,
                                        "agency_code": agency_code}))


# The statements a command runs, built once per shape (their filters' values are parameters):
# building and keying a statement again on each call cost more than running its query (about
# 85 of 140 µs for one row, measured on the 300k benchmark database).
_TASKS_BY_KEY: dict[tuple[bool, bool], Select[TaskRow]] = {}
_PARTS_OF_TASK: dict[tuple[bool, ...], Select[Assignment]] = {}
_AGENCIES_OF_TASK: dict[str, Select[str]] = {}


def _live(query: Select[Any]) -> Select[Any]:
    # The work of an archived plan is history: in no list, no count and no reminder.
    return (
        query
        .join(Assignment.occurrence)
        .join(OccurrenceRow.task)
        .join(TaskRow.plan)
        .where(
            Assignment.archived.is_(False),
            OccurrenceRow.archived.is_(False),
            TaskRow.archived.is_(False),
            PlanRow.archived.is_(False),
        )
    )


def _live_assignments() -> Select[Assignment]:
    query: Select[Assignment] = _live(select(Assignment))
    # The plan is joined anyway: loaded with the rows, it costs no query of its own later
    # (whether a completion waits for confirmation, the plan's coordinator).
    return query.options(
        contains_eager(Assignment.occurrence).contains_eager(OccurrenceRow.task)
        .contains_eager(TaskRow.plan))


def assignment_for_update(session: Session, assignment_id: int) -> Assignment | None:
    """Return the assignment, locked until the transaction ends (two reports cannot interleave)."""
    return session.get(Assignment, assignment_id, with_for_update=True, populate_existing=True)


def assignments_of_task(
    session: Session,
    task_id: int,
    agency_code: str | None = None,
    role: AssignmentRole | None = None,
    *,
    for_update: bool = False,
    period: str | None = None,
    not_done: bool = False,
) -> list[Assignment]:
    """Return the live assignments of a task, by due date, optionally of one agency or role,
    of one period (its name in ASCII, any case), or only those not done.

    `for_update` locks them until the transaction ends, and reads their current state.
    """
    shape = (for_update, agency_code is not None, role is not None, period is not None,
             not_done)
    query = _PARTS_OF_TASK.get(shape)
    if query is None:
        query = _live_assignments().where(TaskRow.id == bindparam("task_id"))
        if for_update:
            query = (query.with_for_update(of=Assignment)
                     .execution_options(populate_existing=True))
        if agency_code is not None:
            query = query.where(_not_for_an_index(Assignment.agency_code)
                                == bindparam("agency_code"))
        if role is not None:
            query = query.where(_not_for_an_index(Assignment.role) == bindparam("role"))
        if period is not None:
            # SQL's upper() folds ASCII letters only: periods are ASCII ("2024-Q1").
            query = query.where(func.upper(OccurrenceRow.period) == bindparam("period"))
        if not_done:
            query = query.where(Assignment.status != AssignmentStatus.DONE.value)
        query = _PARTS_OF_TASK[shape] = query.order_by(OccurrenceRow.due, Assignment.id)
    return list(session.scalars(query, {
        "task_id": task_id, "agency_code": agency_code,
        "role": None if role is None else role.value,
        "period": None if period is None else period.upper()}))


def agencies_of_task(session: Session, task_id: int, role: AssignmentRole) -> list[str]:
    """Return the codes of the agencies with a live part of `role` in the task, once each, in
    the order `assignments_of_task` lists their parts (codes only: no rows are loaded)."""
    query = _AGENCIES_OF_TASK.get(role.value)
    if query is None:
        query = _AGENCIES_OF_TASK[role.value] = (
            _live(select(Assignment.agency_code))
            .where(TaskRow.id == bindparam("task_id"),
                   _not_for_an_index(Assignment.role) == role.value)
            .order_by(OccurrenceRow.due, Assignment.id))
    return list(dict.fromkeys(session.scalars(query, {"task_id": task_id})))


def _not_for_an_index(column: QueryableAttribute[str]) -> ColumnElement[str]:
    """Return `column || ''`: the same value, which no index serves.

    A task's parts are found through its occurrences (an index on the task, then one on the
    occurrence): a handful of rows. Without statistics SQLite preferred an index on the role
    or the agency, read some 150,000 (every lead part) or 1,600 rows at 300k and took 10-15 ms
    instead of 0.3; PostgreSQL, which has statistics, plans the same either way.
    """
    return column.concat("")


def lead_assignments(
    session: Session, today: date, agency_code: str | None = None, task_id: int | None = None,
    *, plan_id: str | None = None,
) -> list[Assignment]:
    """Return the live lead assignments whose window has opened by `today` (of one plan if
    `plan_id` is given)."""
    query = _live_assignments().where(
        Assignment.role == AssignmentRole.LEAD.value, OccurrenceRow.window_start <= today
    )
    if plan_id is not None:
        query = query.where(TaskRow.plan_id == plan_id)
    if agency_code is not None:
        query = query.where(Assignment.agency_code == agency_code)
    if task_id is not None:
        query = query.where(TaskRow.id == task_id)
    return list(
        session.scalars(query.order_by(OccurrenceRow.due, TaskRow.id, Assignment.agency_code))
    )


def open_items(session: Session, agency_code: str, today: date, *,
               plan_id: str | None = None) -> list[Assignment]:
    """Return the agency's lead work not yet done: every opened window, plus the next one due
    (of one plan if `plan_id` is given)."""
    query = (
        _live_assignments()
        .where(
            Assignment.agency_code == agency_code,
            Assignment.role == AssignmentRole.LEAD.value,
            Assignment.status != AssignmentStatus.DONE.value,
        )
        .order_by(OccurrenceRow.due, TaskRow.id)
    )
    if plan_id is not None:
        query = query.where(TaskRow.plan_id == plan_id)
    items: list[Assignment] = []
    upcoming: set[int] = set()
    for assignment in session.scalars(query):
        task_id = assignment.occurrence.task_id
        if assignment.occurrence.window_start <= today:
            items.append(assignment)
        elif task_id not in upcoming and not any(a.occurrence.task_id == task_id for a in items):
            items.append(assignment)
            upcoming.add(task_id)
    return items




def record_event(
    session: Session,
    assignment: Assignment,
    status: EventStatus,
    note: str | None,
    officer: Officer | None,
    channel: str,
    now: datetime,
    today: date,
) -> StatusEvent:
    """Append a status event and move the assignment's current status accordingly."""
    values: dict[str, Any] = {
        "assignment_id": assignment.id,
        "officer_id": officer.id if officer else None,
        "agency_code": officer.agency_code if officer else assignment.agency_code,
        "channel": channel,
        "status": status.value,
        "note": note,
        "at": now,
    }
    changes: dict[str, Any] = {"updated_at": now}
    if status is EventStatus.DONE and needs_confirmation(assignment):
        # The plan wants the coordinator to confirm: done as of today once confirmed.
        changes.update(status=AssignmentStatus.AWAITING.value, reported_done_on=today,
                       snoozed_until=None)
    elif status is EventStatus.DONE:
        changes.update(status=AssignmentStatus.DONE.value, completed_on=today,
                       snoozed_until=None)
    elif status is EventStatus.BLOCKED:
        changes.update(status=AssignmentStatus.BLOCKED.value)
    # Written on the connection, and the objects told what the database now holds: the unit
    # of work would spend more deciding what to flush than the two statements take (a report
    # is the command officers send most).
    connection = session.connection()
    key = connection.execute(_ADD_EVENT, values).inserted_primary_key
    assert key is not None  # one row inserted
    shape = tuple(changes)
    move = _MOVES.get(shape)
    if move is None:
        move = _MOVES[shape] = update(Assignment).where(
            Assignment.id == bindparam("assignment_id")).values(
                {name: bindparam(name) for name in shape})
    connection.execute(move, {"assignment_id": assignment.id, **changes})
    for name, value in changes.items():
        set_committed_value(assignment, name, value)
    event = StatusEvent(id=key[0], withdraws_id=None, **values)
    make_transient_to_detached(event)
    session.add(event)
    return event


_ADD_EVENT = insert(StatusEvent)
_MOVES: dict[tuple[str, ...], Update] = {}  # by the columns a report changes


def snooze(
    session: Session,
    assignment: Assignment,
    until: date,
    officer: Officer,
    channel: str,
    now: datetime,
    note: str,
) -> None:
    """Record a snooze until `until`, with `note`, and hold the reminders until then."""
    record_event(
        session,
        assignment,
        EventStatus.SNOOZE,
        note,
        officer,
        channel,
        now,
        until,
    )
    assignment.snoozed_until = until


# What a person reports about where the work stands; a withdrawal (/huy) takes one back.
REPORTS = (EventStatus.DONE, EventStatus.BLOCKED, EventStatus.PROGRESS)


def latest_report(session: Session, assignment_ids: Collection[int]) -> StatusEvent | None:
    """Return the latest report on any of the assignments that was not withdrawn, or None."""
    if not assignment_ids:
        return None
    withdrawn = select(StatusEvent.withdraws_id).where(StatusEvent.withdraws_id.is_not(None))
    return session.scalars(
        select(StatusEvent)
        .where(StatusEvent.assignment_id.in_(list(assignment_ids)),
               StatusEvent.status.in_([status.value for status in REPORTS]),
               StatusEvent.id.not_in(withdrawn))
        .order_by(StatusEvent.id.desc())
        .limit(1)
    ).first()


def withdraw_report(
    session: Session,
    assignment: Assignment,
    report: StatusEvent,
    note: str | None,
    officer: Officer,
    channel: str,
    now: datetime,
    tz: tzinfo,
) -> StatusEvent:
    """Append the withdrawal of `report` and put the assignment in the state the reports left
    standing give it (the report itself is kept). `tz` gives the day of a completion."""
    withdrawal = StatusEvent(
        assignment_id=assignment.id, officer_id=officer.id, agency_code=officer.agency_code,
        channel=channel, status=EventStatus.WITHDRAWN.value, note=note, at=now,
        withdraws_id=report.id)
    session.add(withdrawal)
    session.flush()
    events = list(session.scalars(
        select(StatusEvent).where(StatusEvent.assignment_id == assignment.id)
        .order_by(StatusEvent.id)))
    withdrawn = {e.withdraws_id for e in events if e.withdraws_id is not None}
    status, completed_on, reported_on = AssignmentStatus.OPEN, None, None
    confirm = needs_confirmation(assignment)
    for event in events:
        if event.id in withdrawn:
            continue
        if event.status == EventStatus.DONE.value and confirm:
            status, reported_on = AssignmentStatus.AWAITING, event.at.astimezone(tz).date()
        elif event.status == EventStatus.DONE.value:
            status, completed_on = AssignmentStatus.DONE, event.at.astimezone(tz).date()
        elif event.status == EventStatus.CONFIRMED.value and status is AssignmentStatus.AWAITING:
            status, completed_on, reported_on = AssignmentStatus.DONE, reported_on, None
        elif event.status == EventStatus.RETURNED.value and status is AssignmentStatus.AWAITING:
            status, reported_on = AssignmentStatus.OPEN, None
        elif event.status == EventStatus.BLOCKED.value:
            status = AssignmentStatus.BLOCKED
        elif event.status == EventStatus.REOPENED.value:
            status, completed_on = AssignmentStatus.OPEN, None
    assignment.status = status.value
    assignment.completed_on = completed_on
    assignment.reported_done_on = reported_on
    assignment.updated_at = now
    session.flush()
    return withdrawal


def needs_confirmation(assignment: Assignment) -> bool:
    """Return True if a completion of `assignment` waits for the coordinator's confirmation."""
    return assignment.occurrence.task.plan.confirm_done


def last_event(session: Session, assignment_id: int, status: EventStatus) -> StatusEvent | None:
    return session.scalars(
        select(StatusEvent)
        .where(StatusEvent.assignment_id == assignment_id, StatusEvent.status == status.value)
        .order_by(StatusEvent.id.desc())
        .limit(1)
    ).first()
