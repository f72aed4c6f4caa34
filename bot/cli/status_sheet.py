"""`nhacviec status export FILE.xlsx [--plan P]` and `nhacviec status import FILE.xlsx
[--dry-run]`: where things stand, recorded from a spreadsheet (starting mid-plan).

Every row is checked before anything is written: one bad row and nothing changes, each bad row
named with its number and the reason.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot import texts
from bot.cli.common import database, os_reason

VERBS = ("export", "import")


def build_parser(verb: str, parser_class: type[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """The parser of `nhacviec status export` or `nhacviec status import`."""
    from bot.cli.run import iso_datetime

    export = verb == "export"
    parser = parser_class(prog=f"nhacviec status {verb}",
                          description=texts.CLI_HELP_STATUS_EXPORT if export
                          else texts.CLI_HELP_STATUS_IMPORT)
    parser.add_argument("file", type=Path, metavar=texts.CLI_METAVAR_XLSX_FILE.split("|")[0],
                        help=texts.CLI_HELP_STATUS_FILE)
    if export:
        parser.add_argument("--plan", metavar=texts.CLI_METAVAR_CODE,
                            help=texts.CLI_HELP_STATUS_PLAN)
    else:
        parser.add_argument("--dry-run", action="store_true", help=texts.CLI_HELP_DRY_RUN)
    parser.add_argument("--as-of", type=iso_datetime, metavar="ISO",
                        help=texts.CLI_HELP_STATUS_AS_OF)
    return parser


def run(argv: Sequence[str], parser_class: type[argparse.ArgumentParser]) -> int:
    """Parse `status export|import ...` (argv after "status") and run it."""
    args = build_parser(argv[0], parser_class).parse_args(list(argv[1:]))
    return export(args) if argv[0] == "export" else import_(args)


def _now(args: argparse.Namespace, tz: object) -> datetime:
    at: datetime | None = args.as_of
    if at is None:
        return datetime.now(UTC)
    return at if at.tzinfo is not None else at.replace(tzinfo=tz)  # type: ignore[arg-type]


def export(args: argparse.Namespace) -> int:
    from bot.reports.status_sheet import write_sheet
    from storage.status_sheet import open_rows, plan_ids

    path: Path = args.file
    if path.suffix.lower() != ".xlsx":
        print(texts.CLI_NOT_XLSX.format(path=path), file=sys.stderr)
        return 2
    with database() as opened:
        if opened is None:
            return 2
        settings, session = opened
        today = _now(args, settings.tz).astimezone(settings.tz).date()
        known = plan_ids(session)
        if args.plan is not None and args.plan not in known:
            print(texts.CLI_STATUS_NO_PLAN.format(plan=args.plan), file=sys.stderr)
            return 2
        rows = open_rows(session, today, args.plan)
    try:
        write_sheet(rows, path, today, args.plan or ", ".join(known))
    except OSError as exc:
        print(texts.CLI_CANNOT_WRITE.format(path=path, reason=os_reason(exc)), file=sys.stderr)
        return 1
    print(texts.CLI_STATUS_EXPORTED.format(count=len(rows), path=path.absolute()))
    return 0


def import_(args: argparse.Namespace) -> int:
    from bot.reports.status_sheet import RowError, check_rows, read_sheet
    from storage.models import Officer
    from storage.status_sheet import apply_updates, plan_coordinator, plan_ids

    path: Path = args.file
    try:
        rows = read_sheet(path)
    except (OSError, ValueError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        print(texts.CLI_STATUS_UNREADABLE.format(path=path, reason=reason), file=sys.stderr)
        return 1
    with database() as opened:
        if opened is None:
            return 2
        settings, session = opened
        now = _now(args, settings.tz)
        today = now.astimezone(settings.tz).date()
        checked = check_rows(session, rows, today, set(plan_ids(session)))
        errors = list(checked.errors)
        officers: dict[str, Officer] = {}
        for plan in sorted({update.plan_id for update in checked.updates}):
            agency, officer = plan_coordinator(session, plan)
            if officer is None:
                first = next(number for number, update in zip(checked.rows, checked.updates,
                                                              strict=True)
                             if update.plan_id == plan)
                errors.append(RowError(first, texts.CLI_STATUS_NO_COORDINATOR.format(
                    agency=agency, code=agency)))
            else:
                officers[plan] = officer
        if errors:
            for error in sorted(errors, key=lambda e: e.row):
                print(error, file=sys.stderr)
            print(texts.CLI_STATUS_REFUSED.format(count=len(errors)), file=sys.stderr)
            return 1  # nothing was written: checking only reads
        for number, update in zip(checked.rows, checked.updates, strict=True):
            print(texts.CLI_STATUS_ROW.format(
                row=number, item=update.ref, status=texts.SHEET_STATUSES[update.status.value],
                day=texts.day(update.day), who=officers[update.plan_id].name))
        if args.dry_run:
            print(texts.CLI_STATUS_DRY_RUN.format(path=path, count=len(checked.updates),
                                                  skipped=checked.skipped))
            return 0
        apply_updates(session, checked.updates, officers, "console", now)
    print(texts.CLI_STATUS_IMPORTED.format(count=len(checked.updates), path=path,
                                           skipped=checked.skipped))
    return 0
