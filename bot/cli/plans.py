"""The plan verbs: timeframe, plan check, plan import, preview."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING

from bot import texts
from bot.cli.common import read_settings

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from scheduler.plan import Directory, Plan
    from scheduler.policy import Reminder
    from scheduler.workdays import WorkingCalendar


def cmd_timeframe(args: argparse.Namespace) -> int:
    from scheduler.timeframe import parse_timeframe

    timeframe = parse_timeframe(args.text, args.plan_start)
    print(json.dumps(timeframe.to_json(), ensure_ascii=False))
    return 0


def _agencies_file(given: Path | None) -> Path | None:
    """Return the agencies file: the --agencies flag, else NHACVIEC_AGENCIES, else None."""
    if given is not None:
        return given
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings().agencies_path
    except SettingsError:
        return None  # other settings do not concern a plan file; the bundled list is used


def cmd_plan_check(args: argparse.Namespace) -> int:
    from plan_data.loader import PlanError, bundled_plan_path, load_directory, load_plan
    from scheduler.plan import describe_plan

    path = args.file if args.file is not None else bundled_plan_path()
    try:
        directory = load_directory(_agencies_file(args.agencies))
        plan = load_plan(path, directory)
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(texts.CLI_PLAN_VALID.format(path=path))
    print(describe_plan(plan, directory))
    return 0


def plan_id_arg(text: str) -> str:
    import re

    from scheduler.plan import PLAN_ID_PATTERN

    if re.match(PLAN_ID_PATTERN, text) is None:
        raise argparse.ArgumentTypeError(
            texts.CLI_BAD_PLAN_ID.format(text=text)
        )
    return text


def cmd_plan_import(args: argparse.Namespace) -> int:
    from plan_data.importer import (
        DocumentError,
        agencies_path,
        import_document,
        render_review,
        review_json,
        with_proposals,
        write_import,
    )
    from plan_data.loader import PlanError, load_directory

    try:
        directory = load_directory(_agencies_file(args.agencies))
        result = import_document(
            args.doc, directory, plan_id=args.plan_id, plan_start=args.plan_start
        )
    except (DocumentError, PlanError) as exc:
        print(exc, file=sys.stderr)
        return 1
    written: Path | None = None
    if args.out is not None and result.ok:
        try:
            write_import(result, args.out, directory)
        except PlanError as exc:
            print(exc, file=sys.stderr)
            return 1
        except OSError:
            print(
                texts.CLI_CANNOT_WRITE_PLAN.format(path=args.out),
                file=sys.stderr,
            )
            return 1
        written = args.out
    if args.json:
        print(json.dumps(review_json(result, written), ensure_ascii=False, indent=2))
    else:
        print(render_review(result, with_proposals(result, directory), written))
        if written is not None and result.proposed:
            print(texts.IMPORT_AGENCIES_WRITTEN.format(
                agencies=agencies_path(written), plan=written))
    return 0 if result.ok else 1


PREVIEW_DAYS = 90


def cmd_preview(args: argparse.Namespace) -> int:
    from datetime import datetime, timedelta

    from plan_data.loader import PlanError, bundled_plan_path, load_directory, load_plan
    from plan_data.reorganisation import load_reorganisation
    from scheduler.workdays import CalendarError, WorkingCalendar

    settings = read_settings()
    if settings is None:
        return 2
    tz = settings.tz
    start: date = args.date_from or datetime.now(tz).date()
    end: date = args.date_to or start + timedelta(days=PREVIEW_DAYS)
    if end < start:
        print(texts.CLI_END_BEFORE_START.format(end=end, start=start),
              file=sys.stderr)
        return 2
    try:
        directory = load_directory(settings.agencies_path)
        plan = (load_plan(settings.plan_path or bundled_plan_path(), directory)
                if args.plan is None else None)
        calendar = WorkingCalendar.from_overrides(settings.calendar_path)
    except (PlanError, CalendarError) as exc:
        print(exc, file=sys.stderr)
        return 1
    agencies: set[str] | None = None
    if args.agency is not None:
        code = args.agency.strip().upper()
        added = ({agency.code for agency in load_reorganisation().agencies}
                 if settings.agencies_path is None else set())
        if code in added:
            agencies = {code}
        elif not directory.knows(code):
            print(texts.CLI_NO_AGENCY_SEE_FILE.format(code=args.agency),
                  file=sys.stderr)
            return 2
        else:
            agencies = set(directory.expand([code]))
    if plan is not None:
        timeline = _stored_timeline(plan, directory, calendar, tz, end, settings.send_at,
                                    _tracked_from(settings.db_url, plan.id), start=start,
                                    bundled_agencies=settings.agencies_path is None)
        titles = {task.key: task.title for task in plan.tasks}
        send_at = plan.send_at or settings.send_at
    else:
        from bot.cli.plan_store import stored_plan_timeline

        found = stored_plan_timeline(args.plan, calendar, tz, end, settings.send_at)
        if found is None:
            return 2
        timeline, titles, send_at = found
    reminders = [
        reminder for reminder in timeline
        if start <= reminder.day and (agencies is None or reminder.agency in agencies)
    ]
    if args.json:
        for reminder in reminders:
            print(json.dumps({"date": reminder.day.isoformat(),
                              "send_at": reminder.send_at.isoformat(),
                              "agency": reminder.agency,
                              "task": reminder.task_key, "step": reminder.step.value,
                              "due": reminder.due.isoformat()}, ensure_ascii=False))
    else:
        print(_preview_table(reminders, titles, directory, start, end, send_at,
                             {agency.code: agency.short_name
                              for agency in load_reorganisation().agencies}))
    return 0


def _tracked_from(db_url: str, plan_id: str) -> date | None:
    """Return the first tracked day the configured database holds for the plan, if it holds
    one; the database is only read (a missing or older one: None)."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import make_engine, schema_is_current, sqlite_file_missing
    from storage.models import PlanRow

    if sqlite_file_missing(db_url):
        return None
    try:
        engine = make_engine(db_url)
    except ImportError:
        return None
    try:
        if not schema_is_current(engine):
            return None
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            row = session.get(PlanRow, plan_id)
            return row.track_from if row is not None else None
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def _stored_timeline(plan: Plan, directory: Directory, calendar: WorkingCalendar,
                     tz: ZoneInfo, until: date, send_at: time,
                     track_from: date | None = None, *, start: date,
                     bundled_agencies: bool) -> list[Reminder]:
    """Return the plan's reminders up to `until` the way the tick reads them: the plan synced
    into a throwaway in-memory database (no file, the configured one untouched), then read
    back through `storage.schedule`, tracked from `track_from` (the stored plan's setting).
    Nothing is done there, so nothing else is left out."""
    from datetime import datetime

    from bot.agency_changes import apply_reorganisation, reminders_in_force
    from plan_data.reorganisation import load_reorganisation
    from scheduler.policy import timeline_horizon
    from storage import schedule
    from storage.db import make_sessionmaker, memory_engine
    from storage.sync import sync_plan

    engine = memory_engine()
    horizon, now = timeline_horizon(plan.ladder, until), datetime.now(tz)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            sync_plan(session, directory, plan, horizon, now, today=start)
            if bundled_agencies:
                # The agencies as `init` gives them: the 2025 reorganisation, work moved as on
                # the first day shown; later days' reminders follow the changes of their day.
                apply_reorganisation(session, load_reorganisation())
                sync_plan(session, directory, plan, horizon, now, today=start)
            row = schedule.plan_row(session, plan.id)
            row.track_from = track_from
            return reminders_in_force(
                session, schedule.timeline(session, row, calendar, tz, until,
                                           schedule.send_time(row, send_at)))
    finally:
        engine.dispose()


def _preview_table(reminders: Sequence[Reminder], titles: dict[str, str],
                   directory: Directory, start: date, end: date, send_at: time,
                   added: dict[str, str]) -> str:
    from bot.texts import STEP_LABELS

    def day(value: date) -> str:
        return value.strftime("%d/%m/%Y")

    title = texts.PREVIEW_TITLE.format(start=day(start), end=day(end))
    if not reminders:
        return texts.PREVIEW_EMPTY.format(title=title)
    rows = [texts.PREVIEW_HEADER]
    for reminder in reminders:
        task = f"{reminder.task_key}. {titles[reminder.task_key]}"
        if reminder.period:
            task += f" ({reminder.label})"
        agency = (directory.display_name(reminder.agency) if directory.knows(reminder.agency)
                  else added.get(reminder.agency, reminder.agency))
        rows.append((day(reminder.day), agency, task,
                     STEP_LABELS[reminder.step], day(reminder.due)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    heading = texts.PREVIEW_HEADING.format(title=title, count=len(reminders), at=send_at)
    return "\n".join([heading, "", *lines])
