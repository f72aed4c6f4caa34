"""The agency verbs: `nhacviec agency list|add|rename|succeed|dissolve|apply-reorganisation`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.cli.common import database, iso_date

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.settings import Settings
    from storage.models import AgencyRow

Action = Callable[["Settings", "Session", datetime], list[str]]


class _Refused(Exception):
    """A refusal found inside the transaction: it is rolled back, the line goes to stderr."""


def _run(action: Action) -> int:
    """Run `action` in one transaction on the initialised database; a refusal changes nothing
    and is one line on stderr (exit 2)."""
    from plan_data.reorganisation import ReorganisationError
    from storage.agencies import AgencyError

    try:
        with database() as db:
            if db is None:
                return 2
            settings, session = db
            try:
                lines = action(settings, session, datetime.now(settings.tz))
            except AgencyError as error:
                from bot.agency_changes import agency_error

                raise _Refused(agency_error(error)) from None
            except ReorganisationError as error:
                raise _Refused(reorganisation_error(error)) from None
    except _Refused as refusal:
        print(refusal, file=sys.stderr)
        return 2
    print("\n".join(lines))
    return 0


def reorganisation_error(error: Any) -> str:
    if error.field is None:
        return texts.REORGANISATION_BAD_FILE.format(path=error.path, detail=error.detail)
    return texts.REORGANISATION_BAD_FIELD.format(path=error.path, where=error.where,
                                                 field=error.field)


def _applied(session: Session, day: date, now: datetime) -> list[str]:
    """Apply what is due today; say so, or when the change will be applied."""
    from bot.agency_changes import apply_due

    today = now.date()
    if day > today:
        return [texts.AGENCY_APPLIED_LATER.format(day=texts.day(day))]
    applied = apply_due(session, today, now)
    return [texts.AGENCY_APPLIED_NOW.format(moved=applied.moved, notices=applied.notices)]


def _status(row: AgencyRow, day: date, names: dict[str, AgencyRow]) -> str:
    def short(code: str | None) -> str:
        return names[code].short_name if code in names else str(code)

    if row.ceased_from is None:
        return texts.AGENCY_ACTIVE
    if row.successor_code is not None and row.successor_from is not None:
        template = (texts.AGENCY_SUCCEEDED if row.successor_from <= day
                    else texts.AGENCY_TO_BE_SUCCEEDED)
        return template.format(successor=short(row.successor_code),
                               day=texts.day(row.successor_from))
    template = texts.AGENCY_DISSOLVED if row.ceased_from <= day else texts.AGENCY_TO_BE_DISSOLVED
    return template.format(day=texts.day(row.ceased_from))


def cmd_agency_list(args: argparse.Namespace) -> int:
    def action(settings: Settings, session: Session, now: datetime) -> list[str]:
        from sqlalchemy import select

        from storage.agencies import names_on
        from storage.models import AgencyRow
        from storage.models_agencies import AgencyName

        day: date = args.on or now.date()
        names = names_on(session, day)
        later = {period.agency_code: period for period in session.scalars(
            select(AgencyName).where(AgencyName.valid_from > day).order_by(AgencyName.valid_from))}
        rows = [texts.AGENCY_LIST_HEADER]
        for row in session.scalars(select(AgencyRow).order_by(AgencyRow.code)):
            shown = names[row.code]
            name = shown.name
            if row.code in later:
                name += texts.AGENCY_LIST_RENAMED.format(
                    day=texts.day(later[row.code].valid_from or day), name=later[row.code].name)
            rows.append((row.code, name, shown.short_name, row.kind, _status(row, day, names)))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        table = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
                 .rstrip() for row in rows]
        return [texts.AGENCY_LIST_TITLE.format(day=texts.day(day)), *table]

    return _run(action)


def cmd_agency_add(args: argparse.Namespace) -> int:
    def action(settings: Settings, session: Session, now: datetime) -> list[str]:
        from storage.agencies import add_agency

        row = add_agency(session, args.code, args.name, args.short, args.kind)
        return [texts.AGENCY_ADDED.format(code=row.code, name=row.name, short=row.short_name)]

    return _run(action)


def cmd_agency_rename(args: argparse.Namespace) -> int:
    def action(settings: Settings, session: Session, now: datetime) -> list[str]:
        from storage.agencies import refresh_names, rename

        period = rename(session, args.code, args.name, args.short, args.date_from)
        refresh_names(session, now.date())
        return [texts.AGENCY_RENAMED.format(day=texts.day(args.date_from),
                                            code=period.agency_code, name=period.name,
                                            short=period.short_name)]

    return _run(action)


def cmd_agency_succeed(args: argparse.Namespace) -> int:
    def action(settings: Settings, session: Session, now: datetime) -> list[str]:
        from storage.agencies import agency, succeed

        row = succeed(session, args.old, args.new, args.date_from)
        new = agency(session, args.new)
        lines = [texts.AGENCY_SUCCESSION_RECORDED.format(
            day=texts.day(args.date_from), old=row.name, new=new.name)]
        return lines + _applied(session, args.date_from, now)

    return _run(action)


def cmd_agency_dissolve(args: argparse.Namespace) -> int:
    def action(settings: Settings, session: Session, now: datetime) -> list[str]:
        from storage.agencies import dissolve

        row = dissolve(session, args.old, args.date_from)
        lines = [texts.AGENCY_DISSOLUTION_RECORDED.format(day=texts.day(args.date_from),
                                                          old=row.name)]
        return lines + _applied(session, args.date_from, now)

    return _run(action)


def apply_bundled_reorganisation(session: Session, path: Path | None = None) -> str:
    """Record the reorganisation of `path` (default: the bundled one); return the summary.
    Raise ReorganisationError for a file that cannot be used."""
    from bot.agency_changes import apply_reorganisation
    from plan_data.reorganisation import bundled_reorganisation_path, load_reorganisation

    result = apply_reorganisation(session, load_reorganisation(path))
    lines = [texts.REORGANISATION_APPLIED.format(
        path=path or bundled_reorganisation_path(), applied=result.applied,
        already=result.already, skipped=len(result.skipped))]
    lines.extend(texts.REORGANISATION_SKIPPED_LINE.format(entry=entry, reason=reason)
                 for entry, reason in result.skipped)
    return "\n".join(lines)


def cmd_agency_apply(args: argparse.Namespace) -> int:
    def action(settings: Settings, session: Session, now: datetime) -> list[str]:
        from bot.agency_changes import apply_due

        summary = apply_bundled_reorganisation(session, args.file)
        applied = apply_due(session, now.date(), now)
        return [summary, texts.AGENCY_APPLIED_NOW.format(moved=applied.moved,
                                                         notices=applied.notices)]

    return _run(action)


def ceased_refusal(session: Session, row: AgencyRow) -> str:
    """Return the refusal of an invite for `row`, an agency that no longer exists."""
    from storage.models import AgencyRow as Row

    successor = session.get(Row, row.successor_code) if row.successor_code else None
    hint = (texts.CLI_INVITE_AGENCY_SUCCESSOR.format(name=successor.name, code=successor.code)
            if successor is not None else "")
    return texts.CLI_INVITE_AGENCY_CEASED.format(
        code=row.code, name=row.name, day=texts.day(row.ceased_from or date.min),
        successor=hint)


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Register `agency ...` on the main parser."""
    agency_parser = sub.add_parser("agency", help=texts.CLI_HELP_AGENCY)
    agency_sub = agency_parser.add_subparsers(dest="agency_command", required=True,
                                              metavar=texts.CLI_METAVAR_COMMAND,
                                              title=texts.CLI_COMMANDS_TITLE)

    def from_date(p: argparse.ArgumentParser) -> None:
        p.add_argument("--from", dest="date_from", type=iso_date, required=True,
                       metavar=texts.CLI_METAVAR_DATE, help=texts.CLI_HELP_AGENCY_FROM)

    p = agency_sub.add_parser("list", help=texts.CLI_HELP_AGENCY_LIST)
    p.add_argument("--on", type=iso_date, metavar=texts.CLI_METAVAR_DATE,
                   help=texts.CLI_HELP_AGENCY_ON)
    p.set_defaults(handler=cmd_agency_list)

    p = agency_sub.add_parser("add", help=texts.CLI_HELP_AGENCY_ADD)
    p.add_argument("code", metavar=texts.CLI_METAVAR_CODE, help=texts.CLI_HELP_AGENCY_CODE_NEW)
    p.add_argument("name", metavar=texts.CLI_METAVAR_NAME, help=texts.CLI_HELP_AGENCY_NAME)
    p.add_argument("--short", metavar=texts.CLI_METAVAR_NAME, help=texts.CLI_HELP_AGENCY_SHORT)
    p.add_argument("--kind", default="so", help=texts.CLI_HELP_AGENCY_KIND)
    p.set_defaults(handler=cmd_agency_add)

    p = agency_sub.add_parser("rename", help=texts.CLI_HELP_AGENCY_RENAME)
    p.add_argument("code", metavar=texts.CLI_METAVAR_CODE, help=texts.CLI_HELP_AGENCY_CODE)
    p.add_argument("name", metavar=texts.CLI_METAVAR_NEW_NAME, help=texts.CLI_HELP_AGENCY_NAME)
    p.add_argument("--short", metavar=texts.CLI_METAVAR_NAME, help=texts.CLI_HELP_AGENCY_SHORT)
    from_date(p)
    p.set_defaults(handler=cmd_agency_rename)

    p = agency_sub.add_parser("succeed", help=texts.CLI_HELP_AGENCY_SUCCEED)
    p.add_argument("old", metavar=texts.CLI_METAVAR_OLD, help=texts.CLI_HELP_AGENCY_OLD)
    p.add_argument("new", metavar=texts.CLI_METAVAR_NEW, help=texts.CLI_HELP_AGENCY_NEW)
    from_date(p)
    p.set_defaults(handler=cmd_agency_succeed)

    p = agency_sub.add_parser("dissolve", help=texts.CLI_HELP_AGENCY_DISSOLVE)
    p.add_argument("old", metavar=texts.CLI_METAVAR_OLD, help=texts.CLI_HELP_AGENCY_OLD)
    from_date(p)
    p.set_defaults(handler=cmd_agency_dissolve)

    p = agency_sub.add_parser("apply-reorganisation", help=texts.CLI_HELP_AGENCY_APPLY)
    p.add_argument("file", nargs="?", type=Path, metavar=texts.CLI_METAVAR_FILE,
                   help=texts.CLI_HELP_REORGANISATION_FILE)
    p.set_defaults(handler=cmd_agency_apply)
