"""Folding the noted changes into the running counts (`storage.tally`).

A fold takes the assignments noted in `tally_dirty` a batch at a time, each batch in a
transaction of its own (the caller's): it takes the old steps of each out, by the facts stored
for it, adds its new steps, stores its new facts and forgets the note, unless the note changed
meanwhile. Readers are right between any two batches: what is stored holds the steps of the
facts stored, and what is still noted they add themselves. Functions take the session first
and never commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, tzinfo
from typing import Any

from sqlalchemy import bindparam, delete, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from scheduler.standing_steps import stored_day, week_monday
from storage.models import Assignment
from storage.tally import CHUNK, Counted, Key, changes, stored_monday
from storage.tally_models import TallyDirty, TallyFacts, TallyState, TallyStep, TallyTotal

BATCH = 500  # noted assignments a transaction folds in: the write lock held some 40 ms


def _upsert(session: Session, model: Any, keys: list[str], rows: list[dict[str, Any]]) -> None:
    """Add each row's `n` to the stored one (inserting the rows not stored yet)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement: Any = postgresql_insert(model) if dialect == "postgresql" else sqlite_insert(model)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={"n": model.n + statement.excluded.n})
    session.execute(statement, rows)


def _upsert_steps(session: Session, deltas: dict[Key, int], monday: date) -> None:
    _upsert(session, TallyStep, ["day", "plan_id", "agency_code", "category"],
            _step_rows(deltas))
    _upsert(session, TallyTotal, ["plan_id", "agency_code", "category"],
            _total_rows(deltas, date.min, monday))


def _total_rows(sums: dict[Key, int], since: date, before: date) -> list[dict[str, Any]]:
    """The sums of the steps of days in [since, before) by plan, agency and category."""
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    for (day, plan, agency, category), n in sums.items():
        if since <= day < before:
            totals[(plan, agency, category)] += n
    return [{"plan_id": plan, "agency_code": agency, "category": category, "n": n}
            for (plan, agency, category), n in totals.items() if n]


def _facts_rows(counted: Iterable[Counted]) -> list[dict[str, Any]]:
    return [{"assignment_id": c.assignment_id, "plan_id": c.plan_id,
             "agency_code": c.agency_code, "opened": c.facts.opened, "due": c.facts.due,
             "done_on": c.facts.done_on, "reported_on": c.facts.reported_on,
             "untracked": c.facts.untracked, "blocked_from": c.facts.blocked_from,
             "blocked_until": c.facts.blocked_until} for c in counted]


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    # Core's executemany: the ORM's bulk insert would run one statement a row here.
    statement = insert(model.__table__)
    for start in range(0, len(rows), 5000):
        session.connection().execute(statement, rows[start:start + 5000])


def _step_rows(sums: dict[Key, int]) -> list[dict[str, Any]]:
    return [{"day": day, "plan_id": plan, "agency_code": agency, "category": category, "n": n}
            for (day, plan, agency, category), n in sums.items() if n]


def _fold_weeks(session: Session, since: date, monday: date) -> None:
    """Store the days before `monday` at the Sunday ending their week (or the floor day), and
    add those of the weeks since `since` (the previous Monday) to the totals."""
    sums: dict[Key, int] = defaultdict(int)
    exact: dict[Key, int] = {}
    for step in session.scalars(select(TallyStep).where(TallyStep.day < monday)):
        sums[(stored_day(step.day, monday), step.plan_id, step.agency_code, step.category)] += \
            step.n
        if step.day >= since:
            exact[(step.day, step.plan_id, step.agency_code, step.category)] = step.n
    session.execute(delete(TallyStep).where(TallyStep.day < monday))
    _insert(session, TallyStep, _step_rows(sums))
    _upsert(session, TallyTotal, ["plan_id", "agency_code", "category"],
            _total_rows(exact, since, monday))


def _apply(session: Session, ids: list[int], tz: tzinfo, monday: date) -> None:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        deltas, now = changes(session, chunk, tz, monday)
        _upsert_steps(session, deltas, monday)
        session.execute(delete(TallyFacts).where(TallyFacts.assignment_id.in_(chunk)))
        _insert(session, TallyFacts, _facts_rows(now.values()))


def needs_drain(session: Session, today: date) -> bool:
    """Whether `drain` has anything to do (a cheap read, no lock)."""
    return stored_monday(session) != week_monday(today) or session.scalar(
        select(TallyDirty.assignment_id).limit(1)) is not None


def drain(session: Session, today: date, tz: tzinfo, batch: int = BATCH) -> int:
    """Fold in the changes of at most `batch` noted assignments (and, once a week, the past
    days into their weeks); return how many were folded (fewer than `batch`: none is left)."""
    state = session.scalars(
        select(TallyState).where(TallyState.id == 1).with_for_update()).first()
    if state is None:  # a schema made from the models (no migration wrote the row)
        state = TallyState(id=1, monday=None)
        session.add(state)
        session.flush()
    monday = week_monday(today)
    if state.monday is not None and state.monday < monday:
        _fold_weeks(session, state.monday, monday)
    elif state.monday is not None:
        monday = state.monday  # a clock behind the stored weeks folds nothing back
    dirty = [(aid, seq) for aid, seq in session.execute(
        select(TallyDirty.assignment_id, TallyDirty.seq)
        .order_by(TallyDirty.assignment_id).limit(batch))]
    _apply(session, [aid for aid, _ in dirty], tz, monday)
    session.execute(update(TallyState).where(TallyState.id == 1).values(monday=monday))
    # A note whose seq moved meanwhile (a write this fold may not have seen) stays noted.
    noted: Any = TallyDirty.__table__
    forget = delete(noted).where(noted.c.assignment_id == bindparam("aid"),
                                 noted.c.seq == bindparam("seq"))
    if dirty:
        session.connection().execute(forget, [{"aid": aid, "seq": seq} for aid, seq in dirty])
    return len(dirty)


def reset(session: Session) -> None:
    """Forget every count and note every assignment: the next folds count everything again."""
    for model in (TallyStep, TallyTotal, TallyFacts):
        session.execute(delete(model))
    session.execute(update(TallyState).where(TallyState.id == 1).values(monday=None))
    session.execute(delete(TallyDirty))
    session.execute(insert(TallyDirty).from_select(
        ["assignment_id", "seq"], select(Assignment.id, literal(1))))
