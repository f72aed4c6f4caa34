"""The dashboard's counts and the scope of its pages.

The counts are the running counts of `storage.tally` (the categories of /status, read from
summed steps, never by loading every assignment); the lists (`storage.dashboard_lists`) read
the live lead assignments as /status does, through `live` and `joined`. Functions take the
session first and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, tzinfo
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from scheduler.status import Tally
from storage import tally as running
from storage.models import Assignment, AssignmentRole, OccurrenceRow, PlanRow, TaskRow
from storage.tally import ALL as ALL
from storage.tally import Scope as Scope


def live(query: Select[Any], today: date, scope: Scope) -> Select[Any]:
    """Restrict `query` (over assignments joined to occurrences and tasks) as /status does."""
    return query.where(
        Assignment.role == AssignmentRole.LEAD.value,
        Assignment.archived.is_(False),
        OccurrenceRow.archived.is_(False),
        TaskRow.archived.is_(False),
        PlanRow.archived.is_(False),
        OccurrenceRow.window_start <= today,
        *scope.conditions(TaskRow.plan_id, Assignment.agency_code),
    )


def joined(*columns: Any) -> Select[Any]:
    return (select(*columns).select_from(Assignment)
            .join(OccurrenceRow, OccurrenceRow.id == Assignment.occurrence_id)
            .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
            .join(PlanRow, PlanRow.id == TaskRow.plan_id))


def add(a: Tally, b: Tally) -> Tally:
    """Return the counts of two sets of items together."""
    return Tally(*(getattr(a, f.name) + getattr(b, f.name) for f in fields(Tally)))


def tallies(session: Session, today: date, tz: tzinfo,
            scope: Scope = ALL) -> dict[tuple[str, str], Tally]:
    """Return the counts on `today` per (plan id, agency code); the pages sum what they show."""
    return running.counts(session, today, tz, scope)


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


def trend(session: Session, today: date, tz: tzinfo, weeks: int = 12,
          scope: Scope = ALL) -> list[Week]:
    """Return the categories at the end of each of the last `weeks` weeks: the Sundays ending
    the weeks before this one, then today. An item counts from the day its window opened, is
    done from its completion, overdue from the day after its deadline, blocked from its first
    standing blocker report until its status changed (today: its status, as /status reads it)."""
    return [Week(end, counted) for end, counted in
            running.trend(session, today, tz, weeks, scope)]
