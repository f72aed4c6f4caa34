"""The schedule: what the stored plan rows say can be due, as the scheduler's objects.

Each takes the session first; none commits.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from scheduler.occurrences import Occurrence
from scheduler.plan import Ladder
from scheduler.policy import (
    HOLIDAY_MARGIN,
    PolicyState,
    Reminder,
    ScheduledOccurrence,
    Step,
)
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
from storage.rows import rows_changed

# A tick claimed and not completed within this long is taken to have died with its process.
TICK_LEASE = timedelta(minutes=2)


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


# A completion awaiting confirmation is not reminded, like a done one; returned, it is again.
_RESTING = (AssignmentStatus.DONE, AssignmentStatus.AWAITING)
_NOT_DONE = tuple(status.value for status in AssignmentStatus if status not in _RESTING)

# What can be due is read in chunks of this many assignment ids (SQLite's bound parameters).
_CHUNK = 500


def policy_state(session: Session, plan: PlanRow, calendar: WorkingCalendar, tz: ZoneInfo,
                 send_at: time, now: datetime | None = None
                 ) -> tuple[PolicyState, dict[tuple[str, str, str], int]]:
    """Return the policy state of the plan's live work that can be due at `now`, and the ids
    of its assignments by (task key, period, agency).

    Only the candidates are read (by index, as plain columns): agencies not done with an
    occurrence whose earliest possible step (the ladder's longest lead time, moved across a long
    holiday) is on or before `now`'s day, overdue ones included; quarterly check-ins of long
    deadlines; snoozes that have come. A coordinating agency whose notice was recorded is not
    read again. The "already sent" set holds only the candidates' reminders. `due_reminders`
    gives the same answer at `now` as over the whole plan. `now` None: the whole plan's live
    work (done agencies too).
    """
    plan_ladder = ladder(plan.ladder_json)
    if now is None:
        rows = _live_rows(session, plan, None, OccurrenceRow.due, OccurrenceRow.id,
                          Assignment.id)
    else:
        rows = _live_rows(session, plan, _can_be_due(plan_ladder, now.astimezone(tz).date()),
                          OccurrenceRow.due, OccurrenceRow.id, Assignment.id)
    scheduled = _scheduled(rows)
    if now is not None:
        scheduled += _next_periods(session, plan, rows, now.astimezone(tz).date())
    by_key = {(row.task_key, row.period, row.agency_code): row.assignment_id for row in rows}
    key_of = {row.assignment_id: (row.task_key, row.period, row.agency_code) for row in rows}
    resting = {status.value for status in _RESTING}
    done = frozenset(key_of[row.assignment_id] for row in rows if row.status in resting)
    snoozes = {key_of[row.assignment_id]: row.snoozed_until for row in rows
               if row.snoozed_until is not None}
    sent: set[tuple[str, str, str, str]] = set()
    ids = list(key_of)
    for index in range(0, len(ids), _CHUNK):
        chunk = ids[index:index + _CHUNK]
        for assignment_id, key in session.execute(
                select(ReminderRow.assignment_id, ReminderRow.key)
                .where(ReminderRow.assignment_id.in_(chunk))):
            sent.add((*key_of[assignment_id], key))
    state = PolicyState(scheduled, plan_ladder, calendar, tz, send_at, frozenset(sent), done,
                        snoozes)
    return state, by_key


def timeline(session: Session, plan: PlanRow, calendar: WorkingCalendar, tz: ZoneInfo,
             until: date, send_at: time) -> list[Reminder]:
    """Return the reminders of the plan's live work on or before `until`, assuming nothing is
    done, by day; within a day in the order the rows were stored (a plan stored afresh, as the
    preview does: the plan file's order). The same objects the tick's policy state holds."""
    rows = _live_rows(session, plan, None, TaskRow.id, OccurrenceRow.id, Assignment.id)
    return scheduler_timeline(_scheduled(rows), ladder(plan.ladder_json), calendar, tz, until,
                              send_at=send_at)


def earliest_step_bound(plan_ladder: Ladder, today: date) -> date:
    """Return the latest due date an occurrence can have and still have a step on or before
    `today` (check-ins of long deadlines aside): the ladder's longest lead time (T-30, or the
    coordination notice), plus the margin a step moved earlier across a long holiday needs."""
    lead_time = timedelta(days=max((*plan_ladder.before_days,
                                    plan_ladder.coordinate_before_days)))
    return today + lead_time + HOLIDAY_MARGIN


def _can_be_due(plan_ladder: Ladder, today: date) -> ColumnElement[bool]:
    """The condition on an assignment (with its occurrence and task) that it can be due."""
    bound = earliest_step_bound(plan_ladder, today)
    coordinate_recorded = exists().where(ReminderRow.assignment_id == Assignment.id,
                                         ReminderRow.key == Step.COORDINATE.value)
    return and_(
        # Named, not "!= done", so the index on (status, occurrence_id) leads the query.
        Assignment.status.in_(_NOT_DONE),
        or_(
            and_(OccurrenceRow.due <= bound,
                 or_(Assignment.role == AssignmentRole.LEAD.value, ~coordinate_recorded)),
            # A lead agency's open window: a long deadline's check-ins fall at quarter ends
            # inside it, before the ladder's steps (a day moved earlier across a holiday at
            # most), and an opened period of a recurring task supersedes the one before it
            # (`scheduler.policy.superseded_days` must see it).
            and_(Assignment.role == AssignmentRole.LEAD.value,
                 OccurrenceRow.window_start <= today + HOLIDAY_MARGIN),
            Assignment.snoozed_until <= today,
        ),
    )


def _next_periods(session: Session, plan: PlanRow, rows: list[Row[Any]], today: date
                  ) -> tuple[ScheduledOccurrence, ...]:
    """Return, agency-less, the opened periods of the candidates' recurring and continuous tasks
    that are not candidates themselves (all done): a period opening supersedes the one before it
    (`scheduler.policy.superseded_days`), done or not, so the policy must see it."""
    periodic: dict[str, date] = {}
    for row in rows:
        if row.kind in (TimeframeKind.RECURRING.value, TimeframeKind.CONTINUOUS.value):
            periodic[row.task_key] = min(row.window_start,
                                         periodic.get(row.task_key, row.window_start))
    if not periodic:
        return ()
    seen = {(row.task_key, row.period) for row in rows}
    found = session.execute(
        select(TaskRow.key, TaskRow.kind, OccurrenceRow.period, OccurrenceRow.label,
               OccurrenceRow.window_start, OccurrenceRow.due)
        .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
        .where(TaskRow.plan_id == plan.id, TaskRow.archived.is_(False),
               OccurrenceRow.archived.is_(False), TaskRow.key.in_(list(periodic)),
               OccurrenceRow.window_start > min(periodic.values()),
               OccurrenceRow.window_start <= today + HOLIDAY_MARGIN)).all()
    return tuple(
        ScheduledOccurrence(Occurrence(key, period, label, window_start, due),
                            TimeframeKind(kind), (), ())
        for key, kind, period, label, window_start, due in found
        if (key, period) not in seen and window_start > periodic[key])


def _live_rows(session: Session, plan: PlanRow, where: ColumnElement[bool] | None,
               *order: InstrumentedAttribute[int] | InstrumentedAttribute[date]
               ) -> list[Row[Any]]:
    """Return the plan's live assignments with their occurrence and task, as plain columns."""
    query = (
        select(Assignment.id.label("assignment_id"), Assignment.agency_code, Assignment.role,
               Assignment.status, Assignment.snoozed_until, Assignment.due_override,
               OccurrenceRow.id.label("occurrence_id"), OccurrenceRow.period,
               OccurrenceRow.label, OccurrenceRow.window_start, OccurrenceRow.due,
               TaskRow.key.label("task_key"), TaskRow.kind)
        .join(OccurrenceRow, OccurrenceRow.id == Assignment.occurrence_id)
        .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
        .where(TaskRow.plan_id == plan.id, TaskRow.archived.is_(False),
               OccurrenceRow.archived.is_(False), Assignment.archived.is_(False),
               *_tracked(plan))
        .order_by(*order)
    )
    if where is not None:
        query = query.where(where)
    return cast("list[Row[Any]]", list(session.execute(query).all()))


def _scheduled(rows: list[Row[Any]]) -> tuple[ScheduledOccurrence, ...]:
    """Return the occurrences of `rows` as the scheduler's objects, in the rows' order, each
    with its lead and coordinating agencies in the rows' order."""
    occurrence_rows: dict[int, Row[Any]] = {}
    leads: dict[int, list[str]] = {}
    coordinating: dict[int, list[str]] = {}
    for row in rows:
        occurrence_rows.setdefault(row.occurrence_id, row)
        target = leads if row.role == AssignmentRole.LEAD.value else coordinating
        target.setdefault(row.occurrence_id, []).append(row.agency_code)
    scheduled = tuple(
        ScheduledOccurrence(
            Occurrence(row.task_key, row.period, row.label, row.window_start, row.due),
            TimeframeKind(row.kind), tuple(leads.get(occurrence_id, ())),
            tuple(coordinating.get(occurrence_id, ())))
        for occurrence_id, row in occurrence_rows.items())
    moved_dues = {(row.task_key, row.period, row.agency_code): row.due_override
                  for row in rows if row.due_override is not None}
    return with_moved_dues(scheduled, moved_dues)


def with_moved_dues(scheduled: tuple[ScheduledOccurrence, ...],
                    moved_dues: dict[tuple[str, str, str], date]
                    ) -> tuple[ScheduledOccurrence, ...]:
    """Return `scheduled` where each lead agency whose due date an extension moved has an
    occurrence of its own, due on the new date (its ladder is computed from it, not from the
    occurrence's date); the other agencies keep theirs."""
    if not moved_dues:
        return scheduled
    result: list[ScheduledOccurrence] = []
    for item in scheduled:
        occurrence = item.occurrence
        moved = [(agency, moved_dues[(occurrence.task_key, occurrence.period, agency)])
                 for agency in item.lead
                 if (occurrence.task_key, occurrence.period, agency) in moved_dues]
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
                 tz: ZoneInfo, lease: timedelta = TICK_LEASE) -> datetime | None:
    """Return the send instant a tick at `now` should serve, or None if one already served it
    or is serving it.

    Only the latest instant counts: a bot down for days serves one tick when it is back. A tick
    claimed but not completed whose claim is older than `lease` (its process died) is pending.
    """
    instant = latest_send_instant(now, send_at, calendar, tz)
    if instant is None:
        return None
    # Served is asked of this very instant, not of the latest one recorded, so a clock set
    # back for a demo (--clock) still ticks.
    served = session.execute(select(Tick.started_at, Tick.completed_at)
                             .where(Tick.due_at == instant)).first()
    if served is None:
        return instant
    if served.completed_at is None and served.started_at <= now - lease:
        return instant
    return None


def pending_ticks(session: Session, now: datetime, default_send_at: time,
                  calendar: WorkingCalendar, tz: ZoneInfo, lease: timedelta = TICK_LEASE
                  ) -> list[tuple[datetime, list[PlanRow]]]:
    """Return each send instant a tick at `now` should serve, with the plans whose send time it
    is, earliest first; an instant already served is left out (see `pending_tick`).

    Plans sharing a send time share its instant: one tick row per (instant), so a second
    process or a restart serves it once."""
    by_time: dict[time, list[PlanRow]] = {}
    for plan in plans(session):
        by_time.setdefault(send_time(plan, default_send_at), []).append(plan)
    due: list[tuple[datetime, list[PlanRow]]] = []
    for send_at, served_plans in by_time.items():
        instant = pending_tick(session, now, send_at, calendar, tz, lease)
        if instant is not None:
            due.append((instant, served_plans))
    return sorted(due, key=lambda item: item[0])


def claim_tick(session: Session, instant: datetime, now: datetime,
               lease: timedelta = TICK_LEASE) -> bool:
    """Record that a tick serves `instant`. False: another process did or is doing it.

    Committed before the tick writes its batches, so two processes cannot both serve one
    instant; a claim left incomplete for longer than `lease` (a crash) is taken over. The
    reminders' own unique keys make a tick taken over queue only what the first one did not.
    """
    try:
        with session.begin_nested():
            session.add(Tick(due_at=instant, started_at=now, completed_at=None))
    except IntegrityError:
        return rows_changed(session, update(Tick)
                            .where(Tick.due_at == instant, Tick.completed_at.is_(None),
                                   Tick.started_at <= now - lease)
                            .values(started_at=now)) == 1
    return True


def renew_tick(session: Session, instant: datetime, now: datetime) -> None:
    """Keep the claim of the tick serving `instant` (each batch it writes renews it)."""
    session.execute(update(Tick).where(Tick.due_at == instant, Tick.completed_at.is_(None))
                    .values(started_at=now))


def complete_tick(session: Session, instant: datetime, now: datetime) -> None:
    """Record that the tick serving `instant` queued everything it had to."""
    session.execute(update(Tick).where(Tick.due_at == instant).values(completed_at=now))
