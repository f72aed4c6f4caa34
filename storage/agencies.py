"""Agencies that change: names in force over periods, succession and dissolution.

An agency's names are rows of `agency_names`, each valid over days; `AgencyRow.name` and
`short_name` hold the name in force on the day the changes were last applied (what messages
show). From `AgencyRow.ceased_from` an agency no longer exists; from `successor_from` its open
work (its assignments not done) belongs to `successor_code`, or to nobody when that is empty.
Its done work and its status events keep its code, so history keeps its name.

Each takes the session first; none commits. Refusals raise AgencyError with a reason the bot
words; a refused change changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.models import (
    AgencyRow,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    OccurrenceRow,
    TaskRow,
)
from storage.models_agencies import AgencyName, NameSource

CODE_PATTERN = re.compile(r"[A-Z][A-Z0-9_]{0,31}")


class AgencyError(ValueError):
    """A change refused: `reason` (a key of texts.AGENCY_ERRORS) and what it is about."""

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


# ---- reading ----------------------------------------------------------------------------


def agency(session: Session, code: str) -> AgencyRow:
    """Return the agency `code` (any case). Raise AgencyError("unknown")."""
    row = session.get(AgencyRow, code.strip().upper())
    if row is None:
        raise AgencyError("unknown", code=code)
    return row


_PERIODS = select(AgencyName).order_by(AgencyName.agency_code, AgencyName.valid_from.is_not(None),
                                       AgencyName.valid_from, AgencyName.id)
# Built once: a command names an agency or two (see storage.work on what building costs).
_PERIODS_OF = _PERIODS.where(AgencyName.agency_code == bindparam("code"))
_AGENCY_WITH_NAMES = (select(AgencyRow, AgencyName)
                      .outerjoin(AgencyName, AgencyName.agency_code == AgencyRow.code)
                      .where(AgencyRow.code == bindparam("code"))
                      .order_by(AgencyName.valid_from.is_not(None), AgencyName.valid_from,
                                AgencyName.id))


def _periods(session: Session, code: str | None = None) -> list[AgencyName]:
    if code is None:
        return list(session.scalars(_PERIODS))
    return list(session.scalars(_PERIODS_OF, {"code": code}))


def _in_force(period: AgencyName, day: date) -> bool:
    return ((period.valid_from is None or period.valid_from <= day)
            and (period.valid_to is None or day <= period.valid_to))


def _pick(periods: list[AgencyName], day: date) -> AgencyName | None:
    """The period in force on `day`; before the first one, the first; after the last, the last."""
    if not periods:
        return None
    for period in reversed(periods):
        if _in_force(period, day):
            return period
    first = periods[0]
    return first if first.valid_from is not None and day < first.valid_from else periods[-1]


def name_on(session: Session, code: str, day: date) -> tuple[str, str] | None:
    """Return the (name, short name) of agency `code` in force on `day`, or None if unknown."""
    period = _pick(_periods(session, code), day)
    if period is not None:
        return period.name, period.short_name
    row = session.get(AgencyRow, code)
    return (row.name, row.short_name) if row is not None else None


def names_on(session: Session, day: date) -> dict[str, AgencyRow]:
    """Return every agency by code as it was on `day`: detached copies (never written back)
    carrying the name in force that day, and whether it had ceased by then."""
    by_code: dict[str, list[AgencyName]] = {}
    for period in _periods(session):
        by_code.setdefault(period.agency_code, []).append(period)
    return {row.code: _as_on(row, by_code.get(row.code, []), day)
            for row in session.scalars(select(AgencyRow))}


def agency_on(session: Session, code: str, day: date) -> AgencyRow | None:
    """Return agency `code` as it was on `day` (see `names_on`), reading that agency alone;
    None if it is unknown."""
    # The agency and its names in one query: a reply names an agency or two.
    rows = session.execute(_AGENCY_WITH_NAMES, {"code": code}).all()
    if not rows:
        return None
    return _as_on(rows[0][0], [period for _, period in rows if period is not None], day)


def _as_on(row: AgencyRow, periods: list[AgencyName], day: date) -> AgencyRow:
    picked = _pick(periods, day)
    ceased = row.ceased_from is not None and row.ceased_from <= day
    return AgencyRow(
        code=row.code, kind=row.kind,
        name=picked.name if picked else row.name,
        short_name=picked.short_name if picked else row.short_name,
        successor_code=row.successor_code if ceased else None,
        successor_from=row.successor_from if ceased else None,
        ceased_from=row.ceased_from if ceased else None)


def ceased_on(session: Session, day: date) -> frozenset[str]:
    """Return the codes of the agencies that no longer exist on `day`."""
    return frozenset(session.scalars(select(AgencyRow.code).where(
        AgencyRow.ceased_from.is_not(None), AgencyRow.ceased_from <= day)))


def successors(rows: dict[str, AgencyRow]) -> dict[str, tuple[str | None, date]]:
    """Return, for each agency that ceased or hands over, (successor or None, from)."""
    changes: dict[str, tuple[str | None, date]] = {}
    for code, row in rows.items():
        if row.successor_code is not None and row.successor_from is not None:
            changes[code] = (row.successor_code, row.successor_from)
    return changes


def holder_on(changes: dict[str, tuple[str | None, date]], code: str, day: date) -> str:
    """Return the agency that holds `code`'s open work on `day`: its successor's successor...
    in force that day (`code` itself when none is)."""
    seen = {code}
    while code in changes:
        successor, since = changes[code]
        if successor is None or since > day or successor in seen:
            break
        code = successor
        seen.add(code)
    return code


def roles_on(changes: dict[str, tuple[str | None, date]], roles: dict[str, str],
             day: date) -> dict[str, str]:
    """Return the agencies holding the parts `roles` gives (agency -> role) on `day`; one
    holding two parts leads if either part leads."""
    holders: dict[str, str] = {}
    for code, role in roles.items():
        holder = holder_on(changes, code, day)
        if role == AssignmentRole.LEAD.value or holder not in holders:
            holders[holder] = role
    return holders


def holders_on(session: Session, day: date) -> dict[str, str]:
    """Return, for every agency whose open work another holds on `day`, that holder."""
    changes = successors({row.code: row for row in session.scalars(select(AgencyRow))})
    return {code: holder for code in changes
            if (holder := holder_on(changes, code, day)) != code}


# ---- changing ---------------------------------------------------------------------------


def add_agency(session: Session, code: str, name: str, short_name: str | None, kind: str,
               source: str = NameSource.OPERATOR) -> AgencyRow:
    """Add an agency. Raise AgencyError bad_code, exists or empty_name."""
    code = code.strip().upper()
    if not CODE_PATTERN.fullmatch(code):
        raise AgencyError("bad_code", code=code)
    if session.get(AgencyRow, code) is not None:
        raise AgencyError("exists", code=code)
    name, short = _names(name, short_name)
    row = AgencyRow(code=code, name=name, short_name=short, kind=kind)
    session.add(row)
    session.flush()
    session.add(AgencyName(agency_code=code, name=name, short_name=short, source=source))
    session.flush()
    return row


def _names(name: str, short_name: str | None) -> tuple[str, str]:
    name = " ".join(name.split())
    short = " ".join((short_name or "").split()) or name
    if not name:
        raise AgencyError("empty_name")
    if len(name) > 255 or len(short) > 120:
        raise AgencyError("name_too_long")
    return name, short


def rename(session: Session, code: str, name: str, short_name: str | None, day: date,
           source: str = NameSource.OPERATOR) -> AgencyName:
    """Give agency `code` a new name from `day`; the name in force before ends the day before.

    Without `short_name` the short name in force stays. Raise AgencyError unknown, empty_name,
    rename_before (not after the latest name's start) or same_name.
    """
    row = agency(session, code)
    periods = _periods(session, row.code)
    latest = periods[-1] if periods else None
    short = short_name if short_name else (latest.short_name if latest else row.short_name)
    name, short = _names(name, short)
    if latest is not None and latest.valid_from is not None and day <= latest.valid_from:
        raise AgencyError("rename_before", code=row.code, day=latest.valid_from)
    if latest is not None and (latest.name, latest.short_name) == (name, short):
        raise AgencyError("same_name", code=row.code)
    if latest is None:
        session.add(AgencyName(agency_code=row.code, name=row.name, short_name=row.short_name,
                               valid_to=day - timedelta(days=1), source=NameSource.FILE))
    else:
        latest.valid_to = day - timedelta(days=1)
    period = AgencyName(agency_code=row.code, name=name, short_name=short, valid_from=day,
                        source=source)
    session.add(period)
    session.flush()
    return period


def succeed(session: Session, old: str, new: str, day: date) -> AgencyRow:
    """Record that `new` takes over `old` from `day` (old ceases that day, unless dissolved
    earlier: then `new` takes its work from `day`). Raise AgencyError unknown, self, cycle,
    already_succeeded, before_ceased or successor_ceased."""
    row, target = agency(session, old), agency(session, new)
    if row.code == target.code:
        raise AgencyError("self", code=row.code)
    if row.successor_code is not None:
        raise AgencyError("already_succeeded", code=row.code, successor=row.successor_code,
                          day=row.successor_from)
    if row.ceased_from is not None and day < row.ceased_from:
        raise AgencyError("before_ceased", code=row.code, day=row.ceased_from)
    if target.ceased_from is not None and target.ceased_from <= day:
        raise AgencyError("successor_ceased", code=target.code, day=target.ceased_from)
    rows = {r.code: r for r in session.scalars(select(AgencyRow))}
    code: str | None = target.code
    seen: set[str] = set()
    while code is not None and code not in seen:
        if code == row.code:
            raise AgencyError("cycle", code=row.code, successor=target.code)
        seen.add(code)
        code = rows[code].successor_code
    row.successor_code, row.successor_from = target.code, day
    if row.ceased_from is None:
        row.ceased_from = day
    row.handover_at = None  # the officers are told when the day comes
    session.flush()
    return row


def dissolve(session: Session, old: str, day: date) -> AgencyRow:
    """Record that `old` no longer exists from `day`, with no successor (its open work has
    nobody until `succeed` gives it one). Raise AgencyError unknown or already_ceased."""
    row = agency(session, old)
    if row.ceased_from is not None:
        raise AgencyError("already_ceased", code=row.code, day=row.ceased_from)
    row.ceased_from = day
    row.handover_at = None
    session.flush()
    return row


# ---- applying what is due ---------------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    """A change whose day came: `agency` ceased, its open work went to `successor` (None:
    nobody); for a dissolution, `items` are the open lead assignments left with nobody."""

    agency: AgencyRow
    successor: str | None
    since: date
    items: list[Assignment]


def refresh_names(session: Session, day: date) -> int:
    """Set each agency's current name to the one in force on `day`; return how many changed."""
    changed = 0
    for code, shown in names_on(session, day).items():
        row = session.get_one(AgencyRow, code)
        if (row.name, row.short_name) != (shown.name, shown.short_name):
            row.name, row.short_name = shown.name, shown.short_name
            changed += 1
    session.flush()
    return changed


def move_open_work(session: Session, day: date, now: datetime) -> int:
    """Give the open work (assignments not done) of every agency succeeded by `day` to the
    agency holding it that day; return how many assignments moved. Running it again moves
    nothing. Where the holder already has a part in the same occurrence, that part takes the
    lead (and the status) and the old one is archived."""
    moved = 0
    for code, holder in holders_on(session, day).items():
        for assignment in list(session.scalars(select(Assignment).where(
                Assignment.agency_code == code, Assignment.archived.is_(False),
                Assignment.status != AssignmentStatus.DONE.value).order_by(Assignment.id))):
            _hand_over(session, assignment, holder, now)
            moved += 1
    session.flush()
    return moved


def _hand_over(session: Session, assignment: Assignment, holder: str, now: datetime) -> None:
    existing = session.scalars(select(Assignment).where(
        Assignment.occurrence_id == assignment.occurrence_id,
        Assignment.agency_code == holder)).one_or_none()
    assignment.updated_at = now
    if existing is None:
        assignment.agency_code = holder
        return
    lead = AssignmentRole.LEAD.value
    if assignment.role == lead and existing.role != lead:
        existing.role = lead
        existing.status = assignment.status
        existing.snoozed_until = assignment.snoozed_until
    existing.archived = False
    existing.updated_at = now
    assignment.archived = True


def due_handovers(session: Session, day: date) -> list[Handover]:
    """Return the changes in force by `day` whose notices were not queued yet."""
    handovers: list[Handover] = []
    for row in session.scalars(select(AgencyRow).where(
            AgencyRow.ceased_from.is_not(None), AgencyRow.handover_at.is_(None))
            .order_by(AgencyRow.code)):
        since = row.successor_from if row.successor_code is not None else row.ceased_from
        if since is None or since > day:
            continue
        items: list[Assignment] = []
        if row.successor_code is None:
            items = list(session.scalars(
                select(Assignment).join(Assignment.occurrence).join(OccurrenceRow.task)
                .where(Assignment.agency_code == row.code, Assignment.archived.is_(False),
                       OccurrenceRow.archived.is_(False), TaskRow.archived.is_(False),
                       Assignment.role == AssignmentRole.LEAD.value,
                       Assignment.status != AssignmentStatus.DONE.value)
                .order_by(OccurrenceRow.due, TaskRow.id)))
        handovers.append(Handover(row, row.successor_code, since, items))
    return handovers
