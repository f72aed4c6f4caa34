"""The verbs over the stored plans: plan add, plan list, plan update, plan archive, plan
track-from. Several plans live in one database; each keeps its own code, coordinator, ladder,
send time and the day tracking starts."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.cli.common import database

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy.orm import Session

    from scheduler.plan import Directory, Plan
    from scheduler.policy import Reminder
    from scheduler.workdays import WorkingCalendar
    from storage.models import PlanRow
    from storage.sync import SyncReport


def _load(path: Path, agencies: Path | None) -> tuple[Directory, Plan] | None:
    """Return the agencies and the plan of `path`, or None after saying why on stderr."""
    from bot.cli.plans import _agencies_file
    from plan_data.loader import PlanError, load_directory, load_plan

    try:
        directory = load_directory(_agencies_file(agencies))
        return directory, load_plan(path, directory)
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return None


def _code_taken(session: Session, plan: Plan) -> bool:
    """Say so on stderr and return True if another stored plan holds the plan's code."""
    from storage import plans

    owner = plans.code_owner(session, plan.short_code)
    if owner is not None and owner.id != plan.id:
        print(texts.CLI_PLAN_CODE_TAKEN.format(code=plan.short_code, owner=owner.id),
              file=sys.stderr)
        return True
    return False


def _stored(session: Session, token: str, *, archived: bool = True) -> PlanRow | None:
    """Return the stored plan `token` names (id or code; `archived=False`: a live one), or
    None after saying so."""
    from storage import plans

    row = plans.find_plan(session, token, archived=archived)
    if row is None:
        known = ", ".join(f"{s.plan.code} ({s.plan.id})" for s in plans.summaries(session)
                          if archived or not s.plan.archived)
        print(texts.CLI_UNKNOWN_PLAN.format(plan=token[:40], plans=known or texts.NONE),
              file=sys.stderr)
    return row


def _sync_file(args: argparse.Namespace, *, stored: bool,
               track_from: date | None = None) -> tuple[Plan, SyncReport, date] | int:
    """Load `args.file` and sync it by the sync's own rules (texts follow the file, new tasks
    are added, tasks gone from it are archived, every status and event stays where it was);
    the database must hold the plan already (`stored`) or must not. Return the plan, what the
    sync changed and the horizon, or an exit code after saying why."""
    from bot.app import SYNC_HORIZON
    from storage import plans
    from storage.models import PlanRow
    from storage.sync import content_hash, sync_plan

    loaded = _load(args.file, args.agencies)
    if loaded is None:
        return 1
    directory, plan = loaded
    with database() as db:
        if db is None:
            return 2
        settings, session = db
        if (session.get(PlanRow, plan.id) is not None) != stored:
            refusal = texts.CLI_PLAN_NOT_STORED if stored else texts.CLI_PLAN_ALREADY_STORED
            print(refusal.format(plan=plan.id, path=args.file), file=sys.stderr)
            return 1
        if _code_taken(session, plan):
            return 1
        now = datetime.now(settings.tz)
        until = now.date() + SYNC_HORIZON
        report = sync_plan(session, directory, plan, until, now, today=now.date())
        row = session.get_one(PlanRow, plan.id)
        # The bot extends it from here on (storage.extend), its file unread.
        row.content_hash, row.synced_until = content_hash(directory, plan), until
        if track_from is not None:
            plans.set_track_from(session, session.get_one(PlanRow, plan.id), track_from)
    return plan, report, until


def cmd_plan_add(args: argparse.Namespace) -> int:
    from bot.texts import describe_sync

    synced = _sync_file(args, stored=False, track_from=args.track_from)
    if isinstance(synced, int):
        return synced
    plan, report, until = synced
    print(texts.CLI_PLAN_ADDED.format(plan=plan.id, code=plan.short_code, tasks=report.tasks,
                                      occurrences=report.occurrences,
                                      assignments=report.assignments, until=until))
    if args.track_from is not None:
        print(texts.CLI_PLAN_TRACK_FROM.format(plan=plan.id, code=plan.short_code,
                                               day=args.track_from))
    print(describe_sync(report))
    return 0


def cmd_plan_update(args: argparse.Namespace) -> int:
    from bot.texts import describe_sync

    synced = _sync_file(args, stored=True)
    if isinstance(synced, int):
        return synced
    plan, report, _ = synced
    print(texts.CLI_PLAN_UPDATED.format(plan=plan.id, code=plan.short_code, tasks=report.tasks,
                                        occurrences=report.occurrences,
                                        assignments=report.assignments))
    print(describe_sync(report))
    return 0


def cmd_plan_list(args: argparse.Namespace) -> int:
    from storage import plans

    with database() as db:
        if db is None:
            return 2
        settings, session = db
        default_at: time = settings.send_at
        rows = [
            (s.plan.code, s.plan.id, s.plan.title[:50], s.plan.coordinator_code,
             s.plan.send_at or texts.CLI_PLAN_DEFAULT_SEND_AT.format(at=default_at),
             texts.day(s.plan.track_from) if s.plan.track_from else texts.CLI_PLAN_ALL_PERIODS,
             str(s.tasks), str(s.lead_items),
             texts.CLI_PLAN_ARCHIVED_STATE if s.plan.archived else texts.CLI_PLAN_ACTIVE)
            for s in plans.summaries(session)
        ]
    if not rows:
        print(texts.CLI_NO_PLANS)
        return 0
    header = texts.CLI_PLAN_LIST_HEADER
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
              .rstrip())
    return 0


def cmd_plan_archive(args: argparse.Namespace) -> int:
    from storage import plans

    with database() as db:
        if db is None:
            return 2
        _, session = db
        row = _stored(session, args.plan)
        if row is None:
            return 2
        archived = plans.archive(session, row)
        plan_id, code = row.id, row.code
    template = texts.CLI_PLAN_ARCHIVED if archived else texts.CLI_PLAN_ALREADY_ARCHIVED
    print(template.format(plan=plan_id, code=code))
    return 0


def cmd_plan_track_from(args: argparse.Namespace) -> int:
    from storage import plans

    day: date | None = args.day
    with database() as db:
        if db is None:
            return 2
        _, session = db
        row = _stored(session, args.plan)
        if row is None:
            return 2
        plans.set_track_from(session, row, day)
        plan_id, code = row.id, row.code
    if day is None:
        print(texts.CLI_PLAN_TRACK_ALL.format(plan=plan_id, code=code))
    else:
        print(texts.CLI_PLAN_TRACK_FROM.format(plan=plan_id, code=code, day=day))
    return 0


def _day_or_all(text: str) -> date | None:
    """A day, or "-" for none (every period tracked again)."""
    from bot.cli.common import iso_date

    return None if text.strip() == "-" else iso_date(text)


def add_plan_parsers(plan_sub: argparse._SubParsersAction[Any]) -> None:
    """Register add, list, update, archive and track-from under `nhacviec plan`."""
    from bot.cli.common import iso_date

    p = plan_sub.add_parser("add", help=texts.CLI_HELP_PLAN_ADD)
    p.add_argument("file", type=Path, metavar=texts.CLI_METAVAR_FILE,
                   help=texts.CLI_HELP_PLAN_ADD_FILE)
    p.add_argument("--agencies", type=Path, metavar=texts.CLI_METAVAR_FILE,
                   help=texts.CLI_HELP_AGENCIES_FILE)
    p.add_argument("--track-from", type=iso_date, metavar=texts.CLI_METAVAR_DATE,
                   help=texts.CLI_HELP_TRACK_FROM)
    p.set_defaults(handler=cmd_plan_add)

    p = plan_sub.add_parser("list", help=texts.CLI_HELP_PLAN_LIST)
    p.set_defaults(handler=cmd_plan_list)

    p = plan_sub.add_parser("update", help=texts.CLI_HELP_PLAN_UPDATE)
    p.add_argument("file", type=Path, metavar=texts.CLI_METAVAR_FILE,
                   help=texts.CLI_HELP_PLAN_ADD_FILE)
    p.add_argument("--agencies", type=Path, metavar=texts.CLI_METAVAR_FILE,
                   help=texts.CLI_HELP_AGENCIES_FILE)
    p.set_defaults(handler=cmd_plan_update)

    p = plan_sub.add_parser("archive", help=texts.CLI_HELP_PLAN_ARCHIVE)
    p.add_argument("plan", metavar=texts.CLI_METAVAR_PLAN, help=texts.CLI_HELP_PLAN_ID_OR_CODE)
    p.set_defaults(handler=cmd_plan_archive)

    p = plan_sub.add_parser("track-from", help=texts.CLI_HELP_PLAN_TRACK)
    p.add_argument("plan", metavar=texts.CLI_METAVAR_PLAN, help=texts.CLI_HELP_PLAN_ID_OR_CODE)
    p.add_argument("day", type=_day_or_all, metavar=texts.CLI_METAVAR_DATE,
                   help=texts.CLI_HELP_TRACK_FROM_DAY)
    p.set_defaults(handler=cmd_plan_track_from)


def stored_plan_timeline(token: str, calendar: WorkingCalendar, tz: ZoneInfo, until: date,
                         default_send_at: time
                         ) -> tuple[list[Reminder], dict[str, str], time] | None:
    """Return the timeline of the stored plan `token` names, read from the configured database
    by the tick's road (its send time, only the periods it tracks), its task titles and its
    send time; None after saying why on stderr."""
    from sqlalchemy import select

    from bot.agency_changes import reminders_in_force
    from storage import schedule
    from storage.models import TaskRow

    with database() as db:
        if db is None:
            return None
        _, session = db
        row = _stored(session, token, archived=False)  # an archived plan sends nothing
        if row is None:
            return None
        send_at = schedule.send_time(row, default_send_at)
        # As they would go out: to the agency holding the work that day, none to one gone.
        reminders = reminders_in_force(
            session, schedule.timeline(session, row, calendar, tz, until, send_at))
        titles = dict(session.execute(select(TaskRow.key, TaskRow.title)
                                      .where(TaskRow.plan_id == row.id)).all())
        return reminders, titles, send_at
