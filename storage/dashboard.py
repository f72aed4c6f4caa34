"""The dashboard's counts, read by aggregated SQL (GROUP BY), never by loading ORM objects.

The categories are those of `scheduler.status.standing` (and of /status) computed in SQL: the
same live lead assignments whose window has opened by `today`, done when `completed_on` is set,
overdue when not done and due before today, blocked when not done and `status` is blocked,
long overdue beyond LONG_OVERDUE_DAYS. Functions take the session first and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from scheduler.status import LONG_OVERDUE_DAYS, Tally
from storage.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventStatus,
    OccurrenceRow,
    StatusEvent,
    TaskRow,
    UTCDateTime,
)


@dataclass(frozen=True)
class Scope:
    """Which items a page counts: one plan or all, one agency or all."""

    plan_id: str | None = None
    agency_code: str | None = None


ALL = Scope()


def live(query: Select[Any], today: date, scope: Scope) -> Select[Any]:
    """Restrict `query` (over assignments joined to occurrences and tasks) as /status does."""
    query = query.where(
        Assignment.role == AssignmentRole.LEAD.value,
        Assignment.archived.is_(False),
        OccurrenceRow.archived.is_(False),
        TaskRow.archived.is_(False),
        OccurrenceRow.window_start <= today,
    )
    if scope.plan_id is not None:
        query = query.where(TaskRow.plan_id == scope.plan_id)
    if scope.agency_code is not None:
        query = query.where(Assignment.agency_code == scope.agency_code)
    return query


def joined(*columns: Any) -> Select[Any]:
    return (select(*columns).select_from(Assignment)
            .join(OccurrenceRow, OccurrenceRow.id == Assignment.occurrence_id)
            .join(TaskRow, TaskRow.id == OccurrenceRow.task_id))


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _tally_columns(today: date) -> list[ColumnElement[int]]:
    done = Assignment.completed_on.is_not(None)
    open_ = Assignment.completed_on.is_(None)
    late = OccurrenceRow.due < today
    blocked = and_(open_, Assignment.status == AssignmentStatus.BLOCKED.value)
    return [
        _count(and_(done, Assignment.completed_on <= OccurrenceRow.due)),
        _count(and_(done, Assignment.completed_on > OccurrenceRow.due)),
        _count(and_(open_, OccurrenceRow.due >= today)),
        _count(and_(open_, late)),
        _count(and_(blocked, OccurrenceRow.due >= today)),
        _count(and_(blocked, late)),
        _count(and_(open_, OccurrenceRow.due < today - timedelta(days=LONG_OVERDUE_DAYS))),
    ]


def _tally(values: Sequence[Any]) -> Tally:
    return Tally(*(int(v or 0) for v in values))


def add(a: Tally, b: Tally) -> Tally:
    """Return the counts of two sets of items together."""
    return Tally(a.done_on_time + b.done_on_time, a.done_late + b.done_late,
                 a.in_progress + b.in_progress, a.overdue + b.overdue,
                 a.blocked_in_time + b.blocked_in_time, a.blocked_overdue + b.blocked_overdue,
                 a.long_overdue + b.long_overdue)


def tallies(session: Session, today: date, scope: Scope = ALL) -> dict[tuple[str, str], Tally]:
    """Return the counts per (plan id, agency code): one scan, the pages sum what they show."""
    query = live(joined(TaskRow.plan_id, Assignment.agency_code, *_tally_columns(today)),
                  today, scope).group_by(TaskRow.plan_id, Assignment.agency_code)
    return {(row[0], row[1]): _tally(row[2:]) for row in session.execute(query)}


def total(counts: dict[tuple[str, str], Tally], plan_id: str | None = None) -> Tally:
    """Return the sum of `counts` (of one plan if given)."""
    result = Tally()
    for (plan, _), tally in counts.items():
        if plan_id is None or plan == plan_id:
            result = add(result, tally)
    return result


def by_agency(counts: dict[tuple[str, str], Tally]) -> dict[str, Tally]:
    """Return the counts per agency over the plans of `counts`."""
    result: dict[str, Tally] = {}
    for (_, agency), tally in counts.items():
        result[agency] = add(result.get(agency, Tally()), tally)
    return result


@dataclass(frozen=True)
class Week:
    """The categories as they stood at the end of the day `end`."""

    end: date
    tally: Tally


def _bucket(column: Any, bounds: Sequence[Any]) -> ColumnElement[int]:
    """Return the index of the first bound `column` is at or before (len(bounds) if none)."""
    return case(*((column <= bound, index) for index, bound in enumerate(bounds)),
                else_=len(bounds))


def trend(session: Session, today: date, tz: tzinfo, weeks: int = 12,
          scope: Scope = ALL) -> list[Week]:
    """Return the categories at the end of each of the last `weeks` weeks (the last is today).

    An item counts from the week its window opened; it is done from the week it was completed,
    overdue from the week after its due date, blocked from its first standing blocker report
    (the last week reads the current status, as /status does). One scan, grouped by weeks.
    """
    ends = [today - timedelta(days=7 * (weeks - 1 - k)) for k in range(weeks)]
    dated = [
        _bucket(OccurrenceRow.window_start, ends),
        _bucket(OccurrenceRow.due, [end - timedelta(days=1) for end in ends]),
        case((Assignment.completed_on.is_(None), weeks),
             else_=_bucket(Assignment.completed_on, ends)),
    ]
    keys = [*dated, case((Assignment.completed_on > OccurrenceRow.due, 1), else_=0),
            case((Assignment.status == AssignmentStatus.BLOCKED.value, 1), else_=0)]
    groups = list(session.execute(
        live(joined(*keys, func.count()), today, scope).group_by(*keys)))
    # Blockers of the past weeks, read from the reports (few rows): when each item's first
    # standing blocker was reported.
    withdrawn = select(StatusEvent.withdraws_id).where(StatusEvent.withdraws_id.is_not(None))
    first_blocked = (
        select(StatusEvent.assignment_id.label("aid"), func.min(StatusEvent.at).label("at"))
        .where(StatusEvent.status == EventStatus.BLOCKED.value, StatusEvent.id.not_in(withdrawn))
        .group_by(StatusEvent.assignment_id).subquery())
    nights = [literal(datetime.combine(end + timedelta(days=1), time(), tz), UTCDateTime)
              for end in ends]
    blocked_at = case(*((first_blocked.c.at < night, k) for k, night in enumerate(nights)),
                      else_=weeks)
    blocked_keys = [*dated, blocked_at]
    blocked_groups = list(session.execute(
        live(joined(*blocked_keys, func.count())
             .join(first_blocked, first_blocked.c.aid == Assignment.id), today, scope)
        .group_by(*blocked_keys)))
    result = []
    for k, end in enumerate(ends):
        counts = [0] * 7
        last = k == weeks - 1
        for opened, overdue_from, done_from, done_late, blocked_now, n in groups:
            if opened > k:
                continue
            if done_from <= k:
                counts[1 if done_late else 0] += n
                continue
            late = overdue_from <= k
            counts[3 if late else 2] += n
            if last and blocked_now:  # today: the current status, as /status reads it
                counts[5 if late else 4] += n
        if not last:
            for opened, overdue_from, done_from, blocked_from, n in blocked_groups:
                if opened <= k and done_from > k and blocked_from <= k:
                    counts[5 if overdue_from <= k else 4] += n
        result.append(Week(end, Tally(*counts)))
    return result
