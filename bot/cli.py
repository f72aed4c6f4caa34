"""The `nhacviec` command line: one sub-command per verb, each a thin call into the packages."""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from bot import texts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.settings import Settings
    from scheduler.plan import Directory, Plan
    from scheduler.policy import Reminder

Handler = Callable[[argparse.Namespace], int]


def _settings() -> Settings | None:
    """Return the settings, or None after naming the bad one on stderr."""
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None


_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def _iso_date(text: str) -> date:
    """Parse YYYY-MM-DD or dd/mm/yyyy (the way a Vietnamese document writes a date)."""
    value = text.strip()
    try:
        match = _DMY.fullmatch(value)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(texts.CLI_BAD_DATE.format(text=text)) from None


def os_reason(exc: OSError) -> str:
    """Return why a file could not be written, in Vietnamese."""
    name = errno.errorcode.get(exc.errno or 0, "")
    return texts.CLI_OS_REASONS.get(name) or texts.CLI_OS_REASON_OTHER.format(
        error=exc.strerror or exc
    )


def database_error(url: str, exc: Exception) -> str:
    """Return one Vietnamese line for a database failure: the URL (password hidden), the cause."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError, OperationalError

    from storage.db import safe_url

    shown = safe_url(url)
    if isinstance(exc, ImportError):
        return texts.CLI_DB_DRIVER_MISSING.format(name=exc.name or exc, url=shown)
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    # Driver messages run over several lines (hints, the SQL, a link): the first one says it.
    detail = (str(cause).strip().splitlines() or [type(cause).__name__])[0].strip()
    # A server that cannot be reached is an OperationalError; SQLite's are about its file.
    unreachable = isinstance(exc, OperationalError) and not isinstance(cause, sqlite3.Error)
    template = texts.CLI_DB_UNREACHABLE if unreachable else texts.CLI_DB_ERROR
    return template.format(url=shown, detail=detail)


def cmd_timeframe(args: argparse.Namespace) -> int:
    from scheduler.timeframe import parse_timeframe

    timeframe = parse_timeframe(args.text, args.plan_start)
    print(json.dumps(timeframe.to_json(), ensure_ascii=False))
    return 0


def _agencies_path(given: Path | None) -> Path | None:
    """Return the agencies file: the --agencies flag, else NHACVIEC_AGENCIES, else None."""
    if given is not None:
        return given
    from bot.settings import SettingsError, load_settings

    try:
        return load_settings().agencies_path
    except SettingsError:
        return None  # other settings do not concern a plan file; the bundled list is used


def cmd_plan_check(args: argparse.Namespace) -> int:
    from scheduler.plan import (
        PlanError,
        bundled_plan_path,
        describe_plan,
        load_directory,
        load_plan,
    )

    path = args.file if args.file is not None else bundled_plan_path()
    try:
        directory = load_directory(_agencies_path(args.agencies))
        plan = load_plan(path, directory)
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Tệp hợp lệ: {path}")
    print(describe_plan(plan, directory))
    return 0


def _plan_id(text: str) -> str:
    import re

    from scheduler.plan import PLAN_ID_PATTERN

    if re.match(PLAN_ID_PATTERN, text) is None:
        raise argparse.ArgumentTypeError(
            f"mã kế hoạch chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang: {text}"
        )
    return text


def cmd_plan_import(args: argparse.Namespace) -> int:
    from bot.plan_import import (
        DocumentError,
        agencies_path,
        import_document,
        render_review,
        review_json,
        with_proposals,
        write_import,
    )
    from scheduler.plan import PlanError, load_directory

    try:
        directory = load_directory(_agencies_path(args.agencies))
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
                f"không ghi được tệp {args.out}: thư mục không tồn tại hoặc không có quyền ghi",
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

    from scheduler.plan import PlanError, bundled_plan_path, load_directory, load_plan
    from scheduler.policy import plan_timeline
    from scheduler.workdays import CalendarError, WorkingCalendar

    settings = _settings()
    if settings is None:
        return 2
    tz = settings.tz
    start: date = args.date_from or datetime.now(tz).date()
    end: date = args.date_to or start + timedelta(days=PREVIEW_DAYS)
    if end < start:
        print(f"Ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}.",
              file=sys.stderr)
        return 2
    try:
        directory = load_directory(settings.agencies_path)
        plan = load_plan(settings.plan_path or bundled_plan_path(), directory)
        calendar = WorkingCalendar.from_overrides(settings.calendar_path)
    except (PlanError, CalendarError) as exc:
        print(exc, file=sys.stderr)
        return 1
    agencies: set[str] | None = None
    if args.agency is not None:
        code = args.agency.strip().upper()
        if not directory.knows(code):
            print(f"Không có cơ quan mã «{args.agency}». Xem plan_data/agencies.yaml.",
                  file=sys.stderr)
            return 2
        agencies = set(directory.expand([code]))
    reminders = [
        reminder
        for reminder in plan_timeline(plan, directory, calendar, tz, end,
                                      send_at=settings.send_at)
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
        print(_preview_table(reminders, plan, directory, start, end, settings.send_at))
    return 0


def _preview_table(reminders: Sequence[Reminder], plan: Plan, directory: Directory,
                   start: date, end: date, send_at: time) -> str:
    from bot.texts import STEP_LABELS

    def day(value: date) -> str:
        return value.strftime("%d/%m/%Y")

    title = f"Lịch nhắc việc từ {day(start)} đến {day(end)}"
    if not reminders:
        return f"{title}: không có lời nhắc nào."
    rows = [("Ngày", "Cơ quan", "Nhiệm vụ", "Bước", "Hạn")]
    for reminder in reminders:
        task = f"{reminder.task_key}. {plan.task(reminder.task_key).title}"
        if reminder.period:
            task += f" ({reminder.label})"
        rows.append((day(reminder.day), directory.display_name(reminder.agency), task,
                     STEP_LABELS[reminder.step], day(reminder.due)))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join([f"{title} ({len(reminders)} lời nhắc, gửi lúc {send_at:%H:%M})", "",
                      *lines])


# ---- Storage and registration: init, invite, officers, revoke ----

NOT_INITIALISED = "Cơ sở dữ liệu chưa được khởi tạo hoặc chưa cập nhật: hãy chạy `nhacviec init`."


def _officer_id(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"mã cán bộ phải là một số: {text}")
    return int(text)


def cmd_init(args: argparse.Namespace) -> int:
    from datetime import datetime, time

    from sqlalchemy.exc import SQLAlchemyError

    from bot.app import SYNC_HORIZON
    from bot.texts import describe_sync
    from scheduler.plan import PlanError, bundled_plan_path, load_directory, load_plan
    from storage.db import make_engine, make_sessionmaker, safe_url, upgrade
    from storage.sync import sync_plan

    settings = _settings()
    if settings is None:
        return 2
    now = (
        datetime.combine(args.as_of, time(), tzinfo=settings.tz)
        if args.as_of is not None
        else datetime.now(settings.tz)
    )
    until = now.date() + SYNC_HORIZON
    path = args.plan or settings.plan_path or bundled_plan_path()
    try:
        directory = load_directory(args.agencies or settings.agencies_path)
        plan = load_plan(path, directory)
    except PlanError as exc:
        print(exc, file=sys.stderr)
        return 1

    try:
        upgrade(settings.db_url)
        engine = make_engine(settings.db_url)
        try:
            with make_sessionmaker(engine)() as session, session.begin():
                report = sync_plan(session, directory, plan, until, now)
        finally:
            engine.dispose()
    except (SQLAlchemyError, ImportError) as exc:
        print(database_error(settings.db_url, exc), file=sys.stderr)
        return 1
    print(f"Cơ sở dữ liệu: {safe_url(settings.db_url)} (đã cập nhật cấu trúc mới nhất).")
    print(
        f"Kế hoạch {plan.id}: {report.tasks} nhiệm vụ, {report.occurrences} kỳ, "
        f"{report.assignments} phân công (lịch tính đến {until:%d/%m/%Y})."
    )
    print(describe_sync(report))
    if args.plan is not None and args.plan != settings.plan_path:
        # The bot re-reads its plan file at every start and tick: another file would undo this.
        print(f"Lưu ý: đặt NHACVIEC_PLAN={args.plan} để bot dùng kế hoạch này "
              "(mỗi lần chạy, bot đọc lại tệp kế hoạch trong NHACVIEC_PLAN).")
    return 0


@contextmanager
def _database() -> Iterator[tuple[Settings, Session] | None]:
    """Yield the settings and a session in a transaction on an initialised database.

    Yield None, after saying why on stderr, when the settings are bad or `init` never ran.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from storage.db import make_engine, make_sessionmaker, schema_is_current, sqlite_file_missing

    settings = _settings()
    if settings is None:
        yield None
        return
    if sqlite_file_missing(settings.db_url):  # connecting would create an empty file
        print(NOT_INITIALISED, file=sys.stderr)
        yield None
        return
    try:
        engine = make_engine(settings.db_url)
    except ImportError as exc:
        print(database_error(settings.db_url, exc), file=sys.stderr)
        yield None
        return
    try:
        try:
            current = schema_is_current(engine)
        except SQLAlchemyError as exc:  # the server is down or refuses us
            print(database_error(settings.db_url, exc), file=sys.stderr)
            yield None
            return
        if not current:
            print(NOT_INITIALISED, file=sys.stderr)
            yield None
            return
        with make_sessionmaker(engine)() as session, session.begin():
            yield settings, session
    finally:
        engine.dispose()


def cmd_invite(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from storage.invites import (
        UnknownAgencyError,
        UnknownOfficerError,
        create_invite,
        create_link_invite,
        invite_link,
    )
    from storage.models import AgencyRow, Role

    now = datetime.now(UTC)
    with _database() as db:
        if db is None:
            return 2
        settings, session = db
        try:
            if args.officer is not None:
                invite = create_link_invite(session, args.officer, now)
            elif args.agency is None:
                print("Cần mã cơ quan hoặc --officer ID.", file=sys.stderr)
                return 2
            else:
                invite = create_invite(session, args.agency, Role(args.role), now)
        except UnknownOfficerError:
            print(f"Không có cán bộ đang hoạt động với ID {args.officer}.", file=sys.stderr)
            return 2
        except UnknownAgencyError:
            codes = ", ".join(session.scalars(select(AgencyRow.code).order_by(AgencyRow.code)))
            print(f"Không có cơ quan mã «{args.agency}». Các mã có: {codes}.", file=sys.stderr)
            return 2
        agency = session.get_one(AgencyRow, invite.agency_code)

    link = invite_link(invite.code, settings.telegram_username)
    expires_at = invite.expires_at.astimezone(settings.tz)
    if args.json:
        payload = {
            "code": invite.code,
            "agency": invite.agency_code,
            "role": invite.role,
            "expires_at": expires_at.isoformat(timespec="seconds"),
            "link": link,
        }
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    print(f"Mã mời cho {agency.name} ({agency.code}), vai trò {texts.ROLE_NAMES[invite.role]}:")
    print(f"  {invite.code}")
    print(f"Dùng một lần, hết hạn lúc {expires_at:%H:%M} ngày {expires_at:%d/%m/%Y}.")
    if link is not None:
        print(f"Gửi đường dẫn này cho cán bộ: {link}")
    else:
        print(f"Cán bộ mở bot và gửi: /start {invite.code}")
    return 0


def cmd_officers(args: argparse.Namespace) -> int:
    from storage.invites import list_officers

    with _database() as db:
        if db is None:
            return 2
        _, session = db
        rows = [
            (
                str(officer.id),
                officer.name,
                officer.agency.short_name,
                texts.ROLE_NAMES.get(officer.role, officer.role),
                ", ".join(f"{chat.channel} {chat.chat_id}" for chat in officer.chats) or "-",
                "có" if officer.active else "không",
                "có" if officer.reachable else "không",
            )
            for officer in list_officers(session)
        ]
    if not rows:
        print("Chưa có cán bộ nào. Tạo mã mời bằng: nhacviec invite MÃ_CƠ_QUAN")
        return 0
    header = ("ID", "Họ tên", "Cơ quan", "Vai trò", "Kênh", "Hoạt động", "Liên lạc được")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from storage.invites import UnknownOfficerError, revoke_officer
    from storage.models import Officer

    with _database() as db:
        if db is None:
            return 2
        _, session = db
        existing = session.get(Officer, args.officer_id)
        was_active = existing is not None and existing.active
        try:
            officer = revoke_officer(session, args.officer_id)
        except UnknownOfficerError:
            print(f"Không có cán bộ số {args.officer_id}.", file=sys.stderr)
            return 2
        who = (
            f"cán bộ số {officer.id}: {officer.name} ({officer.agency.short_name}, "
            f"{texts.ROLE_NAMES.get(officer.role, officer.role)})"
        )
    if was_active:
        print(f"Đã vô hiệu hóa {who}. Cán bộ này không còn nhận nhắc việc hay báo cáo được nữa.")
    else:
        print(f"{who[0].upper()}{who[1:]} đã bị vô hiệu hóa từ trước; không có gì thay đổi.")
    return 0


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
    parser = _Parser(prog="nhacviec", description="Nhắc việc: theo dõi kế hoạch.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH",
                                title="các lệnh")

    p = sub.add_parser("timeframe", help="phân tích thời gian thực hiện thành lịch")
    p.add_argument("text", metavar="THỜI_GIAN", help="thời gian thực hiện, ví dụ «Quý 2 năm 2024»")
    p.add_argument("--plan-start", type=_iso_date, default=date(2024, 4, 1), metavar="NGÀY",
                   help="ngày bắt đầu kế hoạch, YYYY-MM-DD hoặc dd/mm/yyyy (mặc định: 2024-04-01)")
    p.set_defaults(handler=cmd_timeframe)

    p = sub.add_parser("preview", help="xem trước lịch nhắc việc của kế hoạch")
    p.add_argument("--from", dest="date_from", type=_iso_date, metavar="NGÀY",
                   help="từ ngày (mặc định: hôm nay)")
    p.add_argument("--to", dest="date_to", type=_iso_date, metavar="NGÀY",
                   help=f"đến ngày (mặc định: {PREVIEW_DAYS} ngày sau ngày bắt đầu)")
    p.add_argument("--agency", metavar="MÃ",
                   help="chỉ cơ quan có mã này (ví dụ PHANTHIET; HUYEN là cả mười huyện)")
    p.add_argument("--json", action="store_true", help="mỗi dòng một đối tượng JSON")
    p.set_defaults(handler=cmd_preview)

    plan_parser = sub.add_parser("plan", help="kế hoạch dạng dữ liệu")
    plan_sub = plan_parser.add_subparsers(dest="plan_command", required=True, metavar="LỆNH",
                                          title="các lệnh")

    p = plan_sub.add_parser("check", help="kiểm tra một tệp kế hoạch và tóm tắt nội dung")
    p.add_argument("file", nargs="?", type=Path, metavar="TỆP",
                   help="tệp YAML (mặc định: kế hoạch có sẵn)")
    p.add_argument("--agencies", type=Path, metavar="TỆP",
                   help="tệp cơ quan (mặc định: agencies.yaml có sẵn)")
    p.set_defaults(handler=cmd_plan_check)

    p = plan_sub.add_parser(
        "import",
        help="đọc văn bản kế hoạch (.md, .txt, .docx, .pdf), đề xuất tệp kế hoạch và rà soát",
    )
    p.add_argument("doc", type=Path, metavar="VĂN_BẢN",
                   help="văn bản kế hoạch: Markdown, văn bản thường, .docx, .pdf có lớp chữ")
    p.add_argument("--out", type=Path, metavar="TỆP.yaml",
                   help="ghi tệp kế hoạch YAML (chỉ khi không còn thiếu sót)")
    p.add_argument("--plan-id", type=_plan_id, metavar="MÃ",
                   help="mã kế hoạch (mặc định: theo tên tệp)")
    p.add_argument(
        "--plan-start", type=_iso_date, metavar="NGÀY",
        help="ngày bắt đầu, YYYY-MM-DD hoặc dd/mm/yyyy (mặc định: ngày ban hành trong văn bản)"
    )
    p.add_argument("--agencies", type=Path, metavar="TỆP",
                   help="tệp cơ quan (mặc định: agencies.yaml có sẵn)")
    p.add_argument("--json", action="store_true", help="in bảng rà soát dạng JSON")
    p.set_defaults(handler=cmd_plan_import)

    p = sub.add_parser("init", help="tạo hoặc cập nhật cơ sở dữ liệu và nạp kế hoạch")
    p.add_argument(
        "--plan", type=Path, metavar="TỆP",
        help="tệp kế hoạch YAML (mặc định: NHACVIEC_PLAN hoặc kế hoạch có sẵn)"
    )
    p.add_argument("--agencies", type=Path, metavar="TỆP",
                   help="tệp cơ quan (mặc định: agencies.yaml có sẵn)")
    p.add_argument(
        "--as-of", type=_iso_date, metavar="NGÀY",
        help="tính lịch như thể hôm nay là ngày này (YYYY-MM-DD hoặc dd/mm/yyyy)"
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("invite", help="tạo mã mời dùng một lần cho cán bộ của một cơ quan")
    p.add_argument("agency", nargs="?", metavar="MÃ_CƠ_QUAN", help="mã cơ quan, ví dụ SCT")
    p.add_argument("--officer", type=_officer_id, metavar="ID",
                   help="thêm một kênh (Telegram hoặc Zalo) cho cán bộ đã đăng ký có ID này")
    p.add_argument(
        "--role", choices=tuple(texts.ROLE_NAMES), default="focal", help="vai trò (mặc định: focal)"
    )
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_invite)

    p = sub.add_parser("officers", help="liệt kê cán bộ đã đăng ký")
    p.set_defaults(handler=cmd_officers)

    p = sub.add_parser("revoke", help="vô hiệu hóa một cán bộ")
    p.add_argument(
        "officer_id", type=_officer_id, metavar="OFFICER_ID", help="số ID trong `nhacviec officers`"
    )
    p.set_defaults(handler=cmd_revoke)

    from bot.cli_run import add_parsers

    add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    with _vietnamese_argparse():
        parser = build_parser()
        args = parser.parse_args(argv)
    from sqlalchemy.exc import SQLAlchemyError

    handler: Handler = args.handler
    try:
        code = handler(args)
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


if __name__ == "__main__":
    sys.exit(main())
