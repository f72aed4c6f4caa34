"""The schedule: what the stored plan rows say can be due, as the scheduler's objects.

Each takes the session first; none commits.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from scheduler.occurrences import Occurrence
from scheduler.plan import Ladder
from scheduler.policy import PolicyState, Reminder, ScheduledOccurrence
from scheduler.policy import timeline as scheduler_timeline
from scheduler.timeframe import TimeframeKind
from scheduler.timer import latest_send_instant
from scheduler.workdays import WorkingCalendar
from storage.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    OccurrenceRow,
    PlanRow,
    ReminderRow,
    TaskRow,
    Tick,
)


def plans(session: Session) -> list[PlanRow]:
    """Return every stored plan that is not archived, by id."""
    return list(session.scalars(select(PlanRow).where(PlanRow.archived.is_(False))
                                .order_by(PlanRow.id)))


def send_time(plan: PlanRow, default: time) -> time:
    """Return the plan's daily send time: its own, else `default` (NHACVIEC_SEND_AT)."""
    return time.fromisoformat(plan.send_at) if plan.send_at else default


def plan_row(session: Session, plan_id: str) -> PlanRow:
    """Return the stored plan `plan_id`; it must have been synced."""
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise LookupError(f"plan {plan_id!r} is not stored")
    return row


def policy_state(session: Session, plan: PlanRow, calendar: WorkingCalendar, tz: ZoneInfo,
                 send_at: time) -> tuple[PolicyState, dict[tuple[str, str, str], Assignment]]:
    """Return the policy state of the plan's live work, and its assignments by (task key,
    period, agency)."""
    scheduled, by_key = _live_work(session, plan, OccurrenceRow.due, OccurrenceRow.id,
                                   Assignment.id)
    # A completion awaiting confirmation is not reminded; returned, it is again.
    resting = (AssignmentStatus.DONE.value, AssignmentStatus.AWAITING.value)
    done = {key for key, assignment in by_key.items() if assignment.status in resting}
    snoozes = {key: assignment.snoozed_until for key, assignment in by_key.items()
               if assignment.snoozed_until is not None}
    sent = {
        (task_key, period, agency, key)
        for task_key, period, agency, key in session.execute(
            select(TaskRow.key, OccurrenceRow.period, Assignment.agency_code, ReminderRow.key)
            .join(Assignment, Assignment.id == ReminderRow.assignment_id)
            .join(OccurrenceRow, OccurrenceRow.id == Assignment.occurrence_id)
            .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
            .where(TaskRow.plan_id == plan.id))
    }
    state = PolicyState(scheduled, ladder(plan.ladder_json), calendar, tz, send_at,
                        frozenset(sent), frozenset(done), snoozes)
    return state, by_key


def timeline(session: Session, plan: PlanRow, calendar: WorkingCalendar, tz: ZoneInfo,
             until: date, send_at: time) -> list[Reminder]:
    """Return the reminders of the plan's live work on or before `until`, assuming nothing is
    done, by day; within a day in the order the rows were stored (a plan stored afresh, as the
    preview does: the plan file's order). The same objects the tick's policy state holds."""
    scheduled, _ = _live_work(session, plan, TaskRow.id, OccurrenceRow.id, Assignment.id)
    return scheduler_timeline(scheduled, ladder(plan.ladder_json), calendar, tz, until,
                              send_at=send_at)


def _live_work(session: Session, plan: PlanRow, *order: InstrumentedAttribute[int] |
               InstrumentedAttribute[date]
               ) -> tuple[tuple[ScheduledOccurrence, ...], dict[tuple[str, str, str], Assignment]]:
    """Return the plan's live occurrences as the scheduler's objects, in `order`, and their
    assignments by (task key, period, agency)."""
    rows = session.execute(
        select(Assignment, OccurrenceRow, TaskRow)
        .join(Assignment.occurrence).join(OccurrenceRow.task)
        .where(TaskRow.plan_id == plan.id, TaskRow.archived.is_(False),
               OccurrenceRow.archived.is_(False), Assignment.archived.is_(False),
               *_tracked(plan))
        .order_by(*order)
    ).all()
    by_key: dict[tuple[str, str, str], Assignment] = {}
    occurrence_rows: dict[int, tuple[OccurrenceRow, TaskRow]] = {}
    leads: dict[int, list[str]] = {}
    coordinating: dict[int, list[str]] = {}
    for assignment, occurrence, task in rows:
        by_key[(task.key, occurrence.period, assignment.agency_code)] = assignment
        occurrence_rows[occurrence.id] = (occurrence, task)
        target = leads if assignment.role == AssignmentRole.LEAD.value else coordinating
        target.setdefault(occurrence.id, []).append(assignment.agency_code)
    scheduled = tuple(
        ScheduledOccurrence(
            Occurrence(task.key, occurrence.period, occurrence.label, occurrence.window_start,
                       occurrence.due),
            TimeframeKind(task.kind), tuple(leads.get(occurrence_id, ())),
            tuple(coordinating.get(occurrence_id, ())))
        for occurrence_id, (occurrence, task) in occurrence_rows.items())
    return with_moved_dues(scheduled, by_key), by_key


def with_moved_dues(scheduled: tuple[ScheduledOccurrence, ...],
                    by_key: dict[tuple[str, str, str], Assignment]
                    ) -> tuple[ScheduledOccurrence, ...]:
    """Return `scheduled` where each lead agency whose due date an extension moved has an
    occurrence of its own, due on the new date (its ladder is computed from it, not from the
    occurrence's date); the other agencies keep theirs."""
    result: list[ScheduledOccurrence] = []
    for item in scheduled:
        occurrence = item.occurrence
        moved: list[tuple[str, date]] = []
        for agency in item.lead:
            assignment = by_key.get((occurrence.task_key, occurrence.period, agency))
            if assignment is not None and assignment.due_override is not None:
                moved.append((agency, assignment.due_override))
        if not moved:
            result.append(item)
            continue
        codes = {agency for agency, _ in moved}
        result.append(dataclasses.replace(
            item, lead=tuple(agency for agency in item.lead if agency not in codes)))
        result.extend(
            ScheduledOccurrence(dataclasses.replace(occurrence, due=due), item.kind, (agency,),
                                moved=True)
            for agency, due in moved)
    return tuple(result)


def _tracked(plan: PlanRow) -> tuple[ColumnElement[bool], ...]:
    """Return the filter of the periods the plan tracks: none due before its `track_from`
    (a plan taken up mid-way) gets a reminder."""
    if plan.track_from is None:
        return ()
    return (OccurrenceRow.due >= plan.track_from,)


def ladder(ladder_json: str) -> Ladder:
    """Return the stored ladder; a send time stored by an older version is not the ladder's."""
    stored = json.loads(ladder_json)
    stored.pop("send_at", None)
    return Ladder.model_validate(stored)


def pending_tick(session: Session, now: datetime, send_at: time, calendar: WorkingCalendar,
                 tz: ZoneInfo) -> datetime | None:
    """Return the send instant a tick at `now` should serve, or None if one already served it.

    Only the latest instant counts: a bot down for days serves one tick when it is back.
    """
    instant = latest_send_instant(now, send_at, calendar, tz)
    if instant is None:
        return None
    # Served is asked of this very instant, not of the latest one recorded, so a clock set
    # back for a demo (--clock) still ticks.
    served = session.scalar(select(Tick.id).where(Tick.due_at == instant))
    return None if served is not None else instant


def pending_ticks(session: Session, now: datetime, default_send_at: time,
                  calendar: WorkingCalendar, tz: ZoneInfo) -> list[tuple[datetime, list[PlanRow]]]:
    """Return each send instant a tick at `now` should serve, with the plans whose send time it
    is, earliest first; an instant already served is left out (see `pending_tick`).

    Plans sharing a send time share its instant: one tick row per (instant), so a second
    process or a restart serves it once."""
    by_time: dict[time, list[PlanRow]] = {}
    for plan in plans(session):
        by_time.setdefault(send_time(plan, default_send_at), []).append(plan)
    due: list[tuple[datetime, list[PlanRow]]] = []
    for send_at, served_plans in by_time.items():
        instant = pending_tick(session, now, send_at, calendar, tz)
        if instant is not None:
            due.append((instant, served_plans))
    return sorted(due, key=lambda item: item[0])


def claim_tick(session: Session, instant: datetime, now: datetime) -> bool:
    """Record that a tick serves `instant`. False: another process already did.

    Written in the caller's transaction with what the tick queues, so two processes cannot both
    serve one instant, and a bot that was down serves only the latest instant when it is back.
    """
    try:
        with session.begin_nested():
            session.add(Tick(due_at=instant, started_at=now, completed_at=now))
    except IntegrityError:
        return False
    return True
