"""The dashboard's running counts: the categories of /status per plan and agency, on any day
of the kept weeks, read from summed steps instead of every assignment.

Each counted assignment (a live lead assignment of a live plan) contributes the steps of
`scheduler.standing_steps`, stored summed per (day, plan, agency, category) in `tally_steps`,
with the facts they were made from in `tally_facts`. Triggers note every changed assignment in
`tally_dirty`; `drain` folds those changes into the sums (one transaction, serialised: the
write lock on SQLite, a row lock on PostgreSQL). Readers add the changes not yet folded in, so
what they return never depends on a drain having run: draining only keeps reading cheap.
Functions take the session first and never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.orm import Session

from scheduler.standing_steps import (
    CATEGORIES,
    Facts,
    steps,
    stored_day,
    week_ends,
    week_monday,
)
from scheduler.status import Tally
from storage.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventStatus,
    OccurrenceRow,
    PlanRow,
    StatusEvent,
    TaskRow,
)
from storage.tally_models import TallyDirty, TallyFacts, TallyState, TallyStep, TallyTotal

CHUNK = 500  # assignment ids per IN list

Key = tuple[date, str, str, str]  # (day, plan id, agency code, category)


@dataclass(frozen=True)
class Counted:
    """One assignment as it is counted: where, and the facts of its steps."""

    assignment_id: int
    plan_id: str
    agency_code: str
    facts: Facts


@dataclass(frozen=True)
class Scope:
    """Which items a reader (a page) counts: one plan or all, one agency or all."""

    plan_id: str | None = None
    agency_code: str | None = None

    def keeps(self, plan_id: str, agency_code: str) -> bool:
        return self.plan_id in (None, plan_id) and self.agency_code in (None, agency_code)

    def conditions(self, plan_column: Any, agency_column: Any) -> list[ColumnElement[bool]]:
        """The conditions that keep a query's rows to this scope, given where it reads them."""
        kept: list[ColumnElement[bool]] = []
        if self.plan_id is not None:
            kept.append(plan_column == self.plan_id)
        if self.agency_code is not None:
            kept.append(agency_column == self.agency_code)
        return kept


ALL = Scope()


def _local(at: datetime | None, tz: tzinfo) -> date | None:
    return at.astimezone(tz).date() if at is not None else None


def _first_blockers(ids: Sequence[int] | None) -> Any:
    """When each assignment's first standing (not withdrawn) blocker was reported."""
    withdrawn = select(StatusEvent.withdraws_id).where(StatusEvent.withdraws_id.is_not(None))
    query = select(StatusEvent.assignment_id.label("aid"), func.min(StatusEvent.at).label("at"))
    if ids is not None:  # a withdrawal is a report on the same assignment
        withdrawn = withdrawn.where(StatusEvent.assignment_id.in_(ids))
        query = query.where(StatusEvent.assignment_id.in_(ids))
    query = query.where(StatusEvent.status == EventStatus.BLOCKED.value,
                        StatusEvent.id.not_in(withdrawn))
    return query.group_by(StatusEvent.assignment_id)


def _counted_query(blockers: Any = None) -> Select[Any]:
    """The assignments of live plans with what counting them needs, and their role and archived
    flag last (`_counted_rows` keeps the counted ones), with their first blocker's instant joined
    from `blockers` (a subquery of `_first_blockers`) if given, else NULL. Callers restrict it
    by key or agency: a condition on the role would make SQLite scan its (role, ...) index."""
    columns: tuple[Any, ...] = (
        Assignment.id, TaskRow.plan_id, Assignment.agency_code, OccurrenceRow.window_start,
        func.coalesce(Assignment.due_override, OccurrenceRow.due), Assignment.completed_on,
        Assignment.reported_done_on, Assignment.status, Assignment.updated_at,
        PlanRow.track_from, blockers.c.at if blockers is not None else literal(None),
        Assignment.role, Assignment.archived)
    query: Select[Any] = (
        select(*columns)
        .select_from(Assignment)
        .join(OccurrenceRow, OccurrenceRow.id == Assignment.occurrence_id)
        .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
        .join(PlanRow, PlanRow.id == TaskRow.plan_id))
    if blockers is not None:
        query = query.outerjoin(blockers, blockers.c.aid == Assignment.id)
    return query.where(OccurrenceRow.archived.is_(False), TaskRow.archived.is_(False),
                       PlanRow.archived.is_(False))


def _counted_rows(session: Session, query: Select[Any], tz: tzinfo,
                  blocked_at: dict[int, datetime] | None = None) -> Iterator[Counted]:
    lead = AssignmentRole.LEAD.value
    for *row, role, archived in session.execute(query):
        if role == lead and not archived:
            if blocked_at is not None:
                row[-1] = blocked_at.get(row[0])
            yield _counted(row, tz)


_BLOCKED = AssignmentStatus.BLOCKED.value


def _counted(row: Sequence[Any], tz: tzinfo) -> Counted:
    (aid, plan_id, agency_code, opened, due, done_on, reported_on, status, updated_at,
     track_from, first_blocker_at) = tuple(row)
    blocked_from: date | None = _local(first_blocker_at, tz)
    blocked_until: date | None = None
    if status == _BLOCKED:
        blocked_from = blocked_from or _local(updated_at, tz)
    elif blocked_from is not None:
        blocked_until = _local(updated_at, tz)  # its last change ended the blocker
    facts = Facts(opened, due, done_on, reported_on,
                  track_from is not None and due < track_from, blocked_from, blocked_until)
    return Counted(aid, plan_id, agency_code, facts)


def counted_now(session: Session, ids: Sequence[int], tz: tzinfo) -> dict[int, Counted]:
    """Return how each of `ids` is to be counted now (absent: not counted)."""
    result: dict[int, Counted] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        blockers = _first_blockers(chunk).subquery()
        query = _counted_query(blockers).where(Assignment.id.in_(chunk))
        for counted in _counted_rows(session, query, tz):
            result[counted.assignment_id] = counted
    return result


def _counted_of(row: TallyFacts) -> Counted:
    return Counted(row.assignment_id, row.plan_id, row.agency_code,
                   Facts(row.opened, row.due, row.done_on, row.reported_on, row.untracked,
                         row.blocked_from, row.blocked_until))


def _stored_facts(session: Session, ids: Sequence[int]) -> dict[int, Counted]:
    result: dict[int, Counted] = {}
    for start in range(0, len(ids), CHUNK):
        for row in session.scalars(select(TallyFacts).where(
                TallyFacts.assignment_id.in_(ids[start:start + CHUNK]))):
            result[row.assignment_id] = _counted_of(row)
    return result


def _add_steps(into: dict[Key, int], counted: Counted, sign: int, monday: date | None) -> None:
    for category, day, delta in steps(counted.facts):
        key = (stored_day(day, monday) if monday else day, counted.plan_id,
               counted.agency_code, category)
        into[key] += sign * delta


def changes(session: Session, ids: Sequence[int], tz: tzinfo,
             monday: date | None) -> tuple[dict[Key, int], dict[int, Counted]]:
    """The step deltas of the assignments `ids` since they were counted, and their facts now."""
    before = _stored_facts(session, ids)
    now = counted_now(session, ids, tz)
    deltas: dict[Key, int] = defaultdict(int)
    for aid in ids:
        if before.get(aid) == now.get(aid):
            continue
        if aid in before:
            _add_steps(deltas, before[aid], -1, monday)
        if aid in now:
            _add_steps(deltas, now[aid], 1, monday)
    return {key: n for key, n in deltas.items() if n}, now


def _dirty(session: Session) -> list[tuple[int, int]]:
    return [(aid, seq) for aid, seq in session.execute(
        select(TallyDirty.assignment_id, TallyDirty.seq).order_by(TallyDirty.assignment_id))]


def pending(session: Session, tz: tzinfo) -> dict[Key, int]:
    """The step deltas (at their exact days) of the changes not yet folded into the sums."""
    ids = [aid for aid, _ in _dirty(session)]
    return changes(session, ids, tz, None)[0]


# --- reading --------------------------------------------------------------------------------


def _sums(session: Session, until: date, where: Scope,
          by: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    columns: tuple[Any, ...] = (*by, func.sum(TallyStep.n))
    query: Select[Any] = select(*columns).where(
        TallyStep.day <= until, *where.conditions(TallyStep.plan_id, TallyStep.agency_code))
    for row in session.execute(query.group_by(*by)):
        yield tuple(row)


def stored_monday(session: Session) -> date | None:
    """The Monday of the week the stored days are folded for (None: nothing folded yet)."""
    return session.scalar(select(TallyState.monday).where(TallyState.id == 1))


def _readable(monday: date | None, today: date) -> bool:
    """Whether the stored days can be read at `today` (they are folded for a week not after)."""
    return monday is None or monday <= week_monday(today)


def _from_facts(session: Session, where: Scope) -> dict[Key, int]:
    """Every step at its exact day, from the stored facts (for a day before the stored weeks)."""
    sums: dict[Key, int] = defaultdict(int)
    query = select(TallyFacts).where(*where.conditions(TallyFacts.plan_id,
                                                       TallyFacts.agency_code))
    for row in session.scalars(query):
        _add_steps(sums, _counted_of(row), 1, None)
    return sums


def _not_stored(session: Session, tz: tzinfo, where: Scope, readable: bool) -> dict[Key, int]:
    """The steps a reader adds to the stored sums: the changes not folded in yet, and every
    step at its exact day if the stored days cannot be read at the reader's day."""
    extra = pending(session, tz)
    if readable:
        return extra
    steps_now = _from_facts(session, where)
    for key, n in extra.items():
        steps_now[key] = steps_now.get(key, 0) + n
    return steps_now


def _tally(values: dict[str, int]) -> Tally:
    return Tally(**{category: values.get(category, 0) for category in CATEGORIES})


def counts(session: Session, today: date, tz: tzinfo,
           where: Scope = ALL) -> dict[tuple[str, str], Tally]:
    """Return the counts on `today` per (plan id, agency code), as /status counts them."""
    values: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    monday = stored_monday(session)
    readable = _readable(monday, today)
    if readable:
        total_columns: tuple[Any, ...] = (TallyTotal.plan_id, TallyTotal.agency_code,
                                          TallyTotal.category, TallyTotal.n)
        step_columns: tuple[Any, ...] = (TallyStep.plan_id, TallyStep.agency_code,
                                         TallyStep.category, func.sum(TallyStep.n))
        totals: Select[Any] = select(*total_columns).where(
            *where.conditions(TallyTotal.plan_id, TallyTotal.agency_code))
        since: Select[Any] = select(*step_columns).where(
            TallyStep.day >= (monday or date.min), TallyStep.day <= today,
            *where.conditions(TallyStep.plan_id, TallyStep.agency_code))
        since = since.group_by(TallyStep.plan_id, TallyStep.agency_code, TallyStep.category)
        for query in (totals, since):
            for plan, agency, category, n in (tuple(row) for row in session.execute(query)):
                values[(plan, agency)][category] += int(n)
    for (day, plan, agency, category), n in _not_stored(session, tz, where, readable).items():
        if day <= today and where.keeps(plan, agency):
            values[(plan, agency)][category] += n
    return {pair: _tally(by) for pair, by in values.items() if any(by.values())}


def trend(session: Session, today: date, tz: tzinfo, weeks: int,
          where: Scope = ALL) -> list[tuple[date, Tally]]:
    """Return the counts at the end of each of the last `weeks` weeks (Sundays; the last:
    `today`, this week so far)."""
    ends = week_ends(today, weeks)
    by_day: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    readable = _readable(stored_monday(session), today)
    if readable:
        for day, category, n in _sums(session, today, where,
                                      (TallyStep.day, TallyStep.category)):
            by_day[day][category] += int(n)
    for (day, plan, agency, category), n in _not_stored(session, tz, where, readable).items():
        if day <= today and where.keeps(plan, agency):
            by_day[day][category] += n
    result = []
    for end in ends:
        totals: dict[str, int] = defaultdict(int)
        for day, values in by_day.items():
            if day <= end:
                for category, n in values.items():
                    totals[category] += n
        result.append((end, _tally(totals)))
    return result


def consistent(session: Session, tz: tzinfo) -> bool:
    """Whether every assignment not noted as changed is stored with the facts it gives now
    (false only if something wrote around the triggers)."""
    noted = {aid for aid, _ in _dirty(session)}
    blocked_at = {aid: at for aid, at in session.execute(_first_blockers(None))}
    now = {c.assignment_id: c for c in _counted_rows(session, _counted_query(), tz, blocked_at)}
    stored_ids = list(session.scalars(select(TallyFacts.assignment_id)))
    stored = _stored_facts(session, stored_ids)
    monday = stored_monday(session)
    before: dict[tuple[str, str, str], int] = defaultdict(int)
    for step in session.scalars(select(TallyStep).where(TallyStep.day < (monday or date.min))):
        before[(step.plan_id, step.agency_code, step.category)] += step.n
    totals = {(t.plan_id, t.agency_code, t.category): t.n
              for t in session.scalars(select(TallyTotal))}
    return ({k: n for k, n in before.items() if n} == {k: n for k, n in totals.items() if n}
            and all(now.get(aid) == stored.get(aid) for aid in set(now) | set(stored)
                    if aid not in noted))
