"""The `nhacviec` command line: one sub-command per verb, each a thin call into the packages."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from bot import texts
from bot.cli import status_sheet
from bot.cli.common import Handler, database_error, iso_date
from bot.cli.people import cmd_init, cmd_invite, cmd_officers, cmd_revoke, officer_id_arg
from bot.cli.plans import (
    PREVIEW_DAYS,
    cmd_plan_check,
    cmd_plan_import,
    cmd_preview,
    cmd_timeframe,
    plan_id_arg,
)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that says a usage error in one Vietnamese line, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, texts.CLI_USAGE_ERROR.format(prog=self.prog, message=message) + "\n")


def _translate(message: str) -> str:
    return texts.ARGPARSE_MESSAGES.get(message, message)


def _ntranslate(singular: str, plural: str, count: int) -> str:
    return _translate(singular if count == 1 else plural)


@contextmanager
def _vietnamese_argparse() -> Iterator[None]:
    """Make argparse speak Vietnamese (usage, help, errors) inside the block.

    argparse looks each of its messages up through gettext at the moment it uses it; this
    gives it the Vietnamese ones, and puts gettext back afterwards.
    """
    module: dict[str, Any] = vars(argparse)
    saved = module["_"], module["ngettext"]
    module["_"], module["ngettext"] = _translate, _ntranslate
    try:
        yield
    finally:
        module["_"], module["ngettext"] = saved


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nhacviec", description=texts.CLI_DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, metavar=texts.CLI_METAVAR_COMMAND,
                                title=texts.CLI_COMMANDS_TITLE)

    p = sub.add_parser("timeframe", help=texts.CLI_HELP_TIMEFRAME)
    p.add_argument("text", metavar=texts.CLI_METAVAR_TIMEFRAME, help=texts.CLI_HELP_TIMEFRAME_TEXT)
    p.add_argument("--plan-start", type=iso_date, default=date(2024, 4, 1),
                   metavar=texts.CLI_METAVAR_DATE,
                   help=texts.CLI_HELP_PLAN_START)
    p.set_defaults(handler=cmd_timeframe)

    p = sub.add_parser("preview", help=texts.CLI_HELP_PREVIEW)
    p.add_argument("--from", dest="date_from", type=iso_date, metavar=texts.CLI_METAVAR_DATE,
                   help=texts.CLI_HELP_FROM)
    p.add_argument("--to", dest="date_to", type=iso_date, metavar=texts.CLI_METAVAR_DATE,
                   help=texts.CLI_HELP_TO.format(days=PREVIEW_DAYS))
    p.add_argument("--agency", metavar=texts.CLI_METAVAR_CODE,
                   help=texts.CLI_HELP_PREVIEW_AGENCY)
    p.add_argument("--json", action="store_true", help=texts.CLI_HELP_JSON_LINES)
    p.add_argument("--plan", metavar=texts.CLI_METAVAR_PLAN, help=texts.CLI_HELP_PREVIEW_PLAN)
    p.set_defaults(handler=cmd_preview)

    plan_parser = sub.add_parser("plan", help=texts.CLI_HELP_PLAN)
    plan_sub = plan_parser.add_subparsers(dest="plan_command", required=True,
                                          metavar=texts.CLI_METAVAR_COMMAND,
                                          title=texts.CLI_COMMANDS_TITLE)

    p = plan_sub.add_parser("check", help=texts.CLI_HELP_PLAN_CHECK)
    p.add_argument("file", nargs="?", type=Path, metavar=texts.CLI_METAVAR_FILE,
                   help=texts.CLI_HELP_PLAN_FILE)
    p.add_argument("--agencies", type=Path, metavar=texts.CLI_METAVAR_FILE,
                   help=texts.CLI_HELP_AGENCIES_FILE)
    p.set_defaults(handler=cmd_plan_check)

    p = plan_sub.add_parser(
        "import",
        help=texts.CLI_HELP_PLAN_IMPORT,
    )
    p.add_argument("doc", type=Path, metavar=texts.CLI_METAVAR_DOCUMENT,
                   help=texts.CLI_HELP_IMPORT_DOC)
    p.add_argument("--out", type=Path, metavar=texts.CLI_METAVAR_YAML_FILE,
                   help=texts.CLI_HELP_IMPORT_OUT)
    p.add_argument("--plan-id", type=plan_id_arg, metavar=texts.CLI_METAVAR_CODE,
                   help=texts.CLI_HELP_IMPORT_PLAN_ID)
    p.add_argument(
        "--plan-start", type=iso_date, metavar=texts.CLI_METAVAR_DATE,
        help=texts.CLI_HELP_IMPORT_PLAN_START
    )
    p.add_argument("--agencies", type=Path, metavar=texts.CLI_METAVAR_FILE,
                   help=texts.CLI_HELP_AGENCIES_FILE)
    p.add_argument("--json", action="store_true", help=texts.CLI_HELP_IMPORT_JSON)
    p.set_defaults(handler=cmd_plan_import)

    from bot.cli.plan_store import add_plan_parsers

    add_plan_parsers(plan_sub)

    p = sub.add_parser("init", help=texts.CLI_HELP_INIT)
    p.add_argument(
        "--plan", type=Path, metavar=texts.CLI_METAVAR_FILE,
        help=texts.CLI_HELP_INIT_PLAN
    )
    p.add_argument("--agencies", type=Path, metavar=texts.CLI_METAVAR_FILE,
                   help=texts.CLI_HELP_AGENCIES_FILE)
    p.add_argument(
        "--as-of", type=iso_date, metavar=texts.CLI_METAVAR_DATE,
        help=texts.CLI_HELP_INIT_AS_OF
    )
    p.add_argument("--track-from", type=iso_date, metavar=texts.CLI_METAVAR_DATE,
                   help=texts.CLI_HELP_TRACK_FROM)
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("invite", help=texts.CLI_HELP_INVITE)
    p.add_argument("agency", nargs="?", metavar=texts.CLI_METAVAR_AGENCY,
                   help=texts.CLI_HELP_AGENCY_CODE)
    p.add_argument("--officer", type=officer_id_arg, metavar="ID",
                   help=texts.CLI_HELP_INVITE_OFFICER)
    p.add_argument(
        "--role", choices=tuple(texts.ROLE_NAMES), default="focal", help=texts.CLI_HELP_ROLE
    )
    p.add_argument("--json", action="store_true", help=texts.CLI_HELP_INVITE_JSON)
    p.set_defaults(handler=cmd_invite)

    p = sub.add_parser("officers", help=texts.CLI_HELP_OFFICERS)
    p.set_defaults(handler=cmd_officers)

    p = sub.add_parser("revoke", help=texts.CLI_HELP_REVOKE)
    p.add_argument(
        "officer_id", type=officer_id_arg, metavar="OFFICER_ID",
        help=texts.CLI_HELP_REVOKE_ID,
    )
    p.set_defaults(handler=cmd_revoke)

    from bot.cli.agencies import add_parsers as add_agency_parsers
    from bot.cli.run import add_parsers
    from bot.cli.web import add_parsers as add_web_parsers

    add_parsers(sub)
    add_agency_parsers(sub)
    add_web_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["status"] and arguments[1:2] and arguments[1] in status_sheet.VERBS:
        # `status export|import FILE`: verbs of their own under `status [TARGET]`.
        with _vietnamese_argparse():
            return _guarded(lambda: status_sheet.run(arguments[1:], _Parser))
    with _vietnamese_argparse():
        parser = build_parser()
        args = parser.parse_args(arguments)
    handler: Handler = args.handler
    return _guarded(lambda: handler(args))


def _guarded(call: Callable[[], int]) -> int:
    """Run a verb; a closed pipe or a database that fails midway is one line on stderr."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        code = call()
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's final flush
    except BrokenPipeError:
        _silence_stdout()
        print(texts.CLI_BROKEN_PIPE, file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        # The database failed in the middle of a verb (it went away, the disk is full...).
        from bot.settings import db_url_from_env

        print(database_error(db_url_from_env(), exc), file=sys.stderr)
        return 1
    return code


def _silence_stdout() -> None:
    # Python's documented recipe: point stdout at devnull, so that the interpreter's last
    # flush at exit does not fail on the closed pipe a second time.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is no file (a test's capture): nothing to flush
        pass

