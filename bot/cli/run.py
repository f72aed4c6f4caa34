"""The sub-commands that run the bot or act on its database: run, tick, status, report, chat."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot import texts
from bot.app import (
    NO_CHANNEL,
    Clock,
    NotInitialisedError,
    Services,
    build_services,
    run_bot,
    shifted_clock,
    system_clock,
)
from bot.cli.common import NOT_INITIALISED, database_error, os_reason, shown_url
from bot.settings import Settings, SettingsError, load_settings
from bot.texts import STEP_LABELS
from plan_data.loader import PlanError
from scheduler.workdays import CalendarError


def iso_datetime(text: str) -> datetime:
    """Parse an ISO date-time; one without a zone is read in NHACVIEC_TZ later."""
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            texts.CLI_BAD_DATETIME.format(text=text)) from exc


def _services(start: datetime | None, *, read_only: bool = False,
              settings: Settings | None = None,
              agencies: Path | None = None) -> Services | None:
    """Build the services on a clock from `start` (moving in real time), or the real clock.

    Return None after saying why in one line on stderr. `read_only`: see build_services.
    `agencies` (the --agencies flag) replaces NHACVIEC_AGENCIES.
    """
    try:
        settings = settings or load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None
    if agencies is not None:
        settings = dataclasses.replace(settings, agencies_path=agencies)
    try:
        if start is not None and start.tzinfo is None:
            start = start.replace(tzinfo=settings.tz)
        clock: Clock = shifted_clock(start) if start is not None else system_clock
        return build_services(settings, clock, read_only=read_only)
    except (PlanError, CalendarError) as exc:
        print(exc, file=sys.stderr)
    except NotInitialisedError:
        print(NOT_INITIALISED, file=sys.stderr)
    except (SQLAlchemyError, ImportError) as exc:
        print(database_error(settings.db_url, exc), file=sys.stderr)
    return None


def cmd_run(args: argparse.Namespace) -> int:
    from bot.logs import configure_logging

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not settings.telegram_token and not settings.zalo_token:
        # Before the database is opened: a run that cannot start leaves no file behind.
        print(NO_CHANNEL)
        return 2
    # Before the services: the database upgrade logs too.
    configure_logging(settings.log_level, (settings.telegram_token, settings.zalo_token))
    services = _services(args.clock, settings=settings, agencies=args.agencies)
    if services is None:
        return 2
    return asyncio.run(run_bot(services))


def cmd_tick(args: argparse.Namespace) -> int:
    services = _services(args.as_of)
    if services is None:
        return 2
    # What start-up built stays out of the collector's full passes: one of them, 90 ms at 300k,
    # fell inside a write transaction of the tick and held officers' commands (README, Scale).
    gc.freeze()
    now = services.clock()
    try:
        queued = services.tick(now, forced=True) or []
    finally:
        gc.unfreeze()
    local = now.astimezone(services.settings.tz)
    print(texts.CLI_TICK_QUEUED.format(at=local, count=len(queued)))
    for item in queued:
        reminder = item.reminder
        period = f" ({reminder.label})" if reminder.label else ""
        print(texts.CLI_TICK_LINE.format(agency=reminder.agency, task=reminder.task_key,
                                         period=period, step=STEP_LABELS[reminder.step],
                                         due=texts.day(reminder.due), count=item.recipients))
    return 0


def _unknown_target(services: Services, target: str) -> str | None:
    """Return the CLI's refusal of a `status` target naming neither an agency, a stored plan
    nor a task of a stored plan."""
    from scheduler.text import fold
    from storage import people, plans

    words = target.split()
    with services.sessions() as session:
        if words and plans.find_plan(session, words[0], archived=False) is not None:
            words = words[1:]  # a plan code first narrows to that plan
        token = words[0] if words else ""
        if not token:
            return None
        keys = plans.task_keys(session)
        # The agencies file's and those added since.
        codes = set(people.agency_names(session)) | {a.code for a in services.directory.agencies}
    agencies = {fold(code) for code in codes}
    key = token.split("@", 1)[0].rsplit(":", 1)[-1]
    if fold(token) in agencies or fold(key) in {fold(k) for k in keys}:
        return None
    # The chat's own refusal sends the person to /viec, a chat command: not for the terminal.
    return texts.CLI_STATUS_UNKNOWN_TARGET.format(target=token[:40], keys=", ".join(keys))


def cmd_status(args: argparse.Namespace) -> int:
    services = _services(args.as_of, read_only=True)
    if services is None:
        return 2
    try:
        refusal = _unknown_target(services, args.target or "")
        if refusal is not None:
            print(refusal, file=sys.stderr)
            return 2
        try:
            print(services.commands.status_report(args.target or "", args.plan))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        return 0
    finally:
        services.engine.dispose()


REPORT_FORMATS = ("xlsx", "docx")


def report_path(text: str) -> Path:
    """The `--out` of `report`: an .xlsx or .docx file name."""
    path = Path(text)
    if path.suffix.lower().lstrip(".") not in REPORT_FORMATS:
        raise argparse.ArgumentTypeError(texts.CLI_NOT_XLSX.format(path=text))
    return path


def cmd_report(args: argparse.Namespace) -> int:
    from bot.reports.files import render_report
    from bot.reports.period import parse_period
    from bot.reports.xlsx import default_report_name
    from storage import plans
    from storage.report import collect_report

    out: Path | None = args.out
    suffix = out.suffix.lower().lstrip(".") if out is not None else None
    kind: str = args.format or suffix or "xlsx"
    if suffix is not None and suffix != kind:
        print(texts.CLI_REPORT_WRONG_SUFFIX.format(path=out, suffix=kind), file=sys.stderr)
        return 2
    if out is not None and not out.absolute().parent.is_dir():
        # Said before any work, and before the database is opened.
        reason = texts.CLI_NO_DIRECTORY.format(directory=out.absolute().parent)
        print(texts.CLI_CANNOT_WRITE.format(path=out, reason=reason), file=sys.stderr)
        return 1
    services = _services(args.as_of, read_only=True)
    if services is None:
        return 2
    try:
        today = services.clock().astimezone(services.settings.tz).date()
        try:
            period = parse_period(args.period or "", today) if args.period else None
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        with services.sessions() as session:
            plan_id = services.plan.id
            if args.plan is not None:
                row = plans.find_plan(session, args.plan)
                if row is None:
                    known = ", ".join(p.code for p in plans.live_plans(session))
                    print(texts.CLI_UNKNOWN_PLAN.format(plan=args.plan[:40],
                                                        plans=known or texts.NONE),
                          file=sys.stderr)
                    return 2
                plan_id = row.id
            data = collect_report(session, plan_id, today,
                                  due_from=period.start if period else None,
                                  due_to=period.end if period else None)
    finally:
        services.engine.dispose()
    path: Path = out or Path(default_report_name(data.plan_id, today, kind))
    try:
        path.write_bytes(render_report(data, kind, services.settings.tz).content)
    except OSError as exc:
        print(texts.CLI_CANNOT_WRITE.format(path=path, reason=os_reason(exc)), file=sys.stderr)
        return 1
    print(texts.CLI_REPORT_WRITTEN.format(path=path.absolute()))
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    """Exit 0 if the settings, the plan and the database are ready; else say why, exit 1."""
    services = _services(None, read_only=True)
    if services is None:
        return 1
    try:
        with services.sessions() as session:
            session.connection()  # the database answers, not only the file exists
    except SQLAlchemyError as exc:
        print(database_error(services.settings.db_url, exc), file=sys.stderr)
        return 1
    finally:
        services.engine.dispose()
    print(texts.CLI_HEALTH_OK.format(url=shown_url(services.settings.db_url),
                                     plan=services.plan.id))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.cli.agencies import ceased_refusal
    from bot.cli.chat import chat
    from storage.models import Role

    services = _services(args.clock)
    if services is None:
        return 2
    from storage.models import AgencyRow

    agency = args.agency.upper()
    today = services.clock().astimezone(services.settings.tz).date()
    with services.sessions() as session:  # the agencies file's and those added since
        row = session.get(AgencyRow, agency)
        short_name = row.short_name if row is not None else ""
        if row is not None and row.ceased_from is not None and row.ceased_from <= today:
            print(ceased_refusal(session, row), file=sys.stderr)
            return 2
    if row is None or services.directory.is_group(agency):
        print(texts.UNKNOWN_AGENCY.format(code=args.agency), file=sys.stderr)
        return 2

    async def read_line() -> str | None:
        line = await asyncio.to_thread(sys.stdin.readline)
        return line or None

    def write(text: str) -> None:
        print(text + "\n", flush=True)

    name = args.name or texts.CLI_CHAT_NAME.format(agency=short_name)
    print(texts.CLI_CHAT_INTRO.format(agency=agency, role=args.role), flush=True)
    asyncio.run(chat(services, agency, Role(args.role), name, read_line, write))
    return 0


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Register run, tick, status, report and chat on the main parser."""
    p = sub.add_parser("run", help=texts.CLI_HELP_RUN)
    p.add_argument("--clock", type=iso_datetime, metavar="ISO",
                   help=texts.CLI_HELP_CLOCK)
    p.add_argument("--agencies", type=Path,
                   help=texts.CLI_HELP_RUN_AGENCIES)
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("tick", help=texts.CLI_HELP_TICK)
    p.add_argument("--as-of", type=iso_datetime, metavar="ISO",
                   help=texts.CLI_HELP_AS_OF)
    p.set_defaults(handler=cmd_tick)

    p = sub.add_parser("status", help=texts.CLI_HELP_STATUS_VERBS)
    p.add_argument("target", nargs="?", metavar=texts.CLI_METAVAR_CODE,
                   help=texts.CLI_HELP_STATUS_TARGET)
    p.add_argument("--as-of", type=iso_datetime, metavar="ISO",
                   help=texts.CLI_HELP_AS_OF)
    p.add_argument("--plan", metavar=texts.CLI_METAVAR_PLAN, help=texts.CLI_HELP_ONE_PLAN)
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("report", help=texts.CLI_HELP_REPORT)
    p.add_argument("--as-of", type=iso_datetime, metavar="ISO",
                   help=texts.CLI_HELP_AS_OF)
    p.add_argument("--plan", metavar=texts.CLI_METAVAR_PLAN, help=texts.CLI_HELP_ONE_PLAN)
    p.add_argument("--format", choices=REPORT_FORMATS, help=texts.CLI_HELP_REPORT_FORMAT)
    p.add_argument("--period", metavar=texts.CLI_METAVAR_PERIOD,
                   help=texts.CLI_HELP_REPORT_PERIOD)
    p.add_argument("--out", type=report_path, metavar=texts.CLI_METAVAR_XLSX_FILE,
                   help=texts.CLI_HELP_REPORT_OUT)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("health", help=texts.CLI_HELP_HEALTH)
    p.set_defaults(handler=cmd_health)

    p = sub.add_parser("chat", help=texts.CLI_HELP_CHAT)
    p.add_argument("--agency", required=True, metavar=texts.CLI_METAVAR_CODE,
                   help=texts.CLI_HELP_AGENCY_CODE)
    p.add_argument("--role", choices=("focal", "coordinator", "leader"), default="focal",
                   help=texts.CLI_HELP_ROLE)
    p.add_argument("--name", metavar=texts.CLI_METAVAR_NAME, help=texts.CLI_HELP_CHAT_NAME)
    p.add_argument("--clock", type=iso_datetime, metavar="ISO",
                   help=texts.CLI_HELP_CLOCK)
    p.set_defaults(handler=cmd_chat)
