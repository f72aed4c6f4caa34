"""Agencies that change, as the bot applies them: the changes whose day came (work moved, names
in force, the notices queued once), the reorganisation data, and the names people read."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import texts
from plan_data.reorganisation import Change, Reorganisation
from scheduler.policy import Reminder
from storage import agencies, outbox, people
from storage.agencies import AgencyError, Handover
from storage.models import AgencyRow, Assignment, Officer, OfficerChat, OutboxKind
from storage.models_agencies import AgencyName


@dataclass(frozen=True)
class Applied:
    """What applying the changes due did: assignments moved, notices queued."""

    moved: int
    notices: int


def apply_due(session: Session, today: date, now: datetime) -> Applied:
    """Apply every change in force by `today`: open work to the successors, the names in force,
    and, once per change, the notices (the old agency's officers; for a dissolution, the
    coordinators of the plans whose open items now have nobody). Running it again does nothing.
    """
    moved = agencies.move_open_work(session, today, now)
    agencies.refresh_names(session, today)
    notices = 0
    for handover in agencies.due_handovers(session, today):
        notices += _notify(session, handover, now)
        handover.agency.handover_at = now
    session.flush()
    return Applied(moved, notices)


def _officer_chats(session: Session, code: str) -> list[OfficerChat]:
    return list(session.scalars(
        select(OfficerChat).join(Officer)
        .where(Officer.agency_code == code, Officer.active.is_(True),
               OfficerChat.reachable.is_(True))
        .order_by(OfficerChat.id)))


def _notify(session: Session, handover: Handover, now: datetime) -> int:
    old = handover.agency
    day = texts.day(handover.since)
    key = f"agency:{old.code}:{handover.since.isoformat()}:{handover.successor or '-'}"
    if handover.successor is not None:
        new = session.get_one(AgencyRow, handover.successor)
        text = texts.AGENCY_SUCCEEDED_NOTICE.format(day=day, old=old.name, new=new.name)
    else:
        text = texts.AGENCY_DISSOLVED_NOTICE.format(day=day, old=old.name)
    count = sum(outbox.enqueue(session, chat, OutboxKind.NOTICE.value, text, (), now,
                               dedupe_key=f"{key}:c{chat.id}")
                for chat in _officer_chats(session, old.code))
    if handover.successor is None and handover.items:
        by_plan: dict[str, list[Assignment]] = {}
        for item in handover.items:
            by_plan.setdefault(item.occurrence.task.plan_id, []).append(item)
        for plan_id, items in by_plan.items():
            alert = nobody_notice(old, handover.since, items)
            count += sum(outbox.enqueue(session, chat, OutboxKind.NOTICE.value, alert, (), now,
                                        dedupe_key=f"{key}:{plan_id}:c{chat.id}")
                         for chat in people.coordinator_chats(session, plan_id))
    return count


def nobody_notice(old: AgencyRow, since: date, items: list[Assignment]) -> str:
    """Return the coordinator's notice that `old` ceased with these open items left to nobody."""
    lines = [texts.AGENCY_NOBODY_NOTICE_TITLE.format(day=texts.day(since), old=old.name,
                                                     count=len(items))]
    for item in items:
        occurrence = item.occurrence
        lines.append(texts.AGENCY_NOBODY_NOTICE_LINE.format(
            ref=texts.task_ref(occurrence.task.key, occurrence.period),
            title=occurrence.task.title, period=occurrence.label, due=texts.day(occurrence.due)))
    lines.append(texts.AGENCY_NOBODY_NOTICE_HINT.format(code=old.code))
    return "\n".join(lines)


def shown_agencies(session: Session, today: date) -> dict[str, AgencyRow]:
    """Return every agency by code as people read it on `today`: the name in force, and an
    agency that ceased with nobody taking its work marked so (detached rows, never written)."""
    shown = agencies.names_on(session, today)
    for row in shown.values():
        _mark_nobody(row)
    return shown


def shown_agency(session: Session, code: str, today: date) -> AgencyRow | None:
    """Return agency `code` as `shown_agencies` shows it, reading that agency alone."""
    row = agencies.agency_on(session, code, today)
    if row is not None:
        _mark_nobody(row)
    return row


def _mark_nobody(row: AgencyRow) -> None:
    if row.ceased_from is not None and row.successor_code is None:
        row.short_name = texts.AGENCY_NOBODY.format(short=row.short_name)


# ---- the reorganisation data ------------------------------------------------------------


@dataclass
class ReorganisationResult:
    applied: int = 0
    already: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, reason)


def describe_change(change: Change) -> str:
    return texts.REORGANISATION_ENTRY[change.action].format(
        code=change.code, successor=change.successor, day=texts.day(change.day))


def agency_error(error: AgencyError) -> str:
    """Return the one Vietnamese line of a refused change."""
    details = {key: texts.day(value) if isinstance(value, date) else value
               for key, value in error.details.items()}
    return texts.AGENCY_ERRORS[error.reason].format(**details)


def apply_reorganisation(session: Session, data: Reorganisation) -> ReorganisationResult:
    """Record the agencies and the changes of `data`; an entry already in the database counts
    as already there, one about an agency the database lacks or that contradicts what the
    operator recorded is skipped with its reason. Applying it twice changes nothing."""
    result = ReorganisationResult()
    for new in data.agencies:
        if session.get(AgencyRow, new.code) is not None:
            result.already += 1
            continue
        agencies.add_agency(session, new.code, new.name, new.short_name, new.kind)
        result.applied += 1
    for change in data.changes:
        entry = describe_change(change)
        codes = [change.code] + ([change.successor] if change.successor else [])
        missing = [code for code in codes if session.get(AgencyRow, code) is None]
        if missing:
            result.skipped.append(
                (entry, texts.REORGANISATION_UNKNOWN_AGENCY.format(code=missing[0])))
            continue
        if _already(session, change):
            result.already += 1
            continue
        try:
            with session.begin_nested():
                _record(session, change)
        except AgencyError as error:
            result.skipped.append((entry, agency_error(error)))
            continue
        result.applied += 1
    return result


def _already(session: Session, change: Change) -> bool:
    row = session.get_one(AgencyRow, change.code)
    if change.action == "succeed":
        return (row.successor_code, row.successor_from) == (change.successor, change.day)
    if change.action == "dissolve":
        return row.ceased_from == change.day and row.successor_code is None
    return session.scalar(select(AgencyName.id).where(
        AgencyName.agency_code == change.code, AgencyName.valid_from == change.day,
        AgencyName.name == change.name)) is not None


def _record(session: Session, change: Change) -> None:
    if change.action == "succeed":
        assert change.successor is not None
        agencies.succeed(session, change.code, change.successor, change.day)
    elif change.action == "dissolve":
        agencies.dissolve(session, change.code, change.day)
    else:
        assert change.name is not None
        agencies.rename(session, change.code, change.name, change.short_name, change.day)


def reminders_in_force(session: Session, reminders: list[Reminder]) -> list[Reminder]:
    """Return `reminders` as they would go out on their days: a reminder to an agency succeeded
    by then goes to the agency holding its work that day, one to an agency that no longer exists
    (with nobody taking its work) is left out. What the preview shows of days to come."""
    rows = {row.code: row for row in session.scalars(select(AgencyRow))}
    changes = agencies.successors(rows)
    shown: list[Reminder] = []
    seen: set[tuple[object, ...]] = set()
    for reminder in reminders:
        holder = agencies.holder_on(changes, reminder.agency, reminder.day)
        ceased = rows[holder].ceased_from if holder in rows else None
        if ceased is not None and ceased <= reminder.day:
            continue
        if holder != reminder.agency:
            reminder = dataclasses.replace(reminder, agency=holder)
        key = (reminder.day, reminder.task_key, reminder.period, reminder.agency, reminder.key)
        if key not in seen:
            seen.add(key)
            shown.append(reminder)
    return shown
