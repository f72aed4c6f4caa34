"""The sub-commands that run the bot or act on its database: run, tick, status, report, chat."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
from datetime import datetime
from pathlib import Path

from bot import texts
from bot.app import Clock, Services, build_services, run_bot, shifted_clock, system_clock
from bot.settings import SettingsError, load_settings
from scheduler.plan import PlanError
from scheduler.policy import STEP_LABELS
from scheduler.workdays import CalendarError


def iso_datetime(text: str) -> datetime:
    """Parse an ISO date-time; one without a zone is read in NHACVIEC_TZ later."""
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"thời điểm không hợp lệ (cần dạng 2024-06-20T08:00): {text}") from exc


def _services(start: datetime | None, agencies: Path | None = None) -> Services | None:
    """Build the services on a clock from `start` (moving in real time), or the real clock.

    `agencies` (the --agencies flag) replaces NHACVIEC_AGENCIES.
    """
    try:
        settings = load_settings()
        if agencies is not None:
            settings = dataclasses.replace(settings, agencies_path=agencies)
        if start is not None and start.tzinfo is None:
            start = start.replace(tzinfo=settings.tz)
        clock: Clock = shifted_clock(start) if start is not None else system_clock
        return build_services(settings, clock)
    except (SettingsError, PlanError, CalendarError) as exc:
        print(exc, file=sys.stderr)
        return None


def cmd_run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    services = _services(args.clock, args.agencies)
    if services is None:
        return 2
    return asyncio.run(run_bot(services))


def cmd_tick(args: argparse.Namespace) -> int:
    services = _services(args.as_of)
    if services is None:
        return 2
    now = services.clock()
    queued = services.tick(now, forced=True) or []
    local = now.astimezone(services.settings.tz)
    print(f"Lượt nhắc lúc {local:%H:%M %d/%m/%Y}: {len(queued)} lời nhắc được xếp hàng gửi.")
    for item in queued:
        reminder = item.reminder
        period = f" ({reminder.label})" if reminder.label else ""
        print(f"- {reminder.agency}: nhiệm vụ {reminder.task_key}{period}, "
              f"{STEP_LABELS[reminder.step]}, hạn {texts.day(reminder.due)}, "
              f"{item.recipients} người nhận")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    services = _services(args.as_of)
    if services is None:
        return 2
    try:
        print(services.commands.status_report(args.target or ""))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from bot.report import default_report_name, write_report
    from storage.report import collect_report

    services = _services(args.as_of)
    if services is None:
        return 2
    today = services.clock().astimezone(services.settings.tz).date()
    with services.sessions() as session:
        data = collect_report(session, services.plan.id, today)
    path: Path = args.out or Path(default_report_name(data.plan_id, today))
    try:
        write_report(data, path, services.settings.tz)
    except OSError as exc:
        print(f"Không ghi được tệp {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Đã ghi báo cáo: {path.absolute()}")
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.channels.console import chat
    from storage.models import Role

    services = _services(args.clock)
    if services is None:
        return 2
    agency = args.agency.upper()
    if not services.directory.knows(agency) or services.directory.is_group(agency):
        print(texts.UNKNOWN_AGENCY.format(code=args.agency), file=sys.stderr)
        return 2

    async def read_line() -> str | None:
        line = await asyncio.to_thread(sys.stdin.readline)
        return line or None

    def write(text: str) -> None:
        print(text + "\n", flush=True)

    name = args.name or f"Cán bộ {services.directory.agency(agency).short_name}"
    print(f"Nhắc việc — phiên dùng thử trên dòng lệnh ({agency}, {args.role}). "
          "Gõ /help để xem lệnh, /thoat để thoát.\n", flush=True)
    asyncio.run(chat(services, agency, Role(args.role), name, read_line, write))
    return 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register run, tick, status, report and chat on the main parser."""
    p = sub.add_parser("run", help="chạy bot (Telegram, Zalo), bộ hẹn giờ và bộ gửi tin")
    p.add_argument("--clock", type=iso_datetime, metavar="ISO",
                   help="bắt đầu đồng hồ tại thời điểm này rồi chạy theo thời gian thực")
    p.add_argument("--agencies", type=Path,
                   help="tệp cơ quan (mặc định: NHACVIEC_AGENCIES hoặc agencies.yaml có sẵn)")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("tick", help="chạy một lượt nhắc việc ngay và in những gì được xếp hàng")
    p.add_argument("--as-of", type=iso_datetime, metavar="ISO",
                   help="tính như thể bây giờ là thời điểm này")
    p.set_defaults(handler=cmd_tick)

    p = sub.add_parser("status", help="tình hình thực hiện (như lệnh /status của điều phối)")
    p.add_argument("target", nargs="?", help="mã cơ quan hoặc mã nhiệm vụ")
    p.add_argument("--as-of", type=iso_datetime, metavar="ISO",
                   help="tính như thể bây giờ là thời điểm này")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("report", help="báo cáo tình hình thực hiện ra tệp Excel (.xlsx)")
    p.add_argument("--as-of", type=iso_datetime, metavar="ISO",
                   help="tính như thể bây giờ là thời điểm này")
    p.add_argument("--out", type=Path, metavar="FILE.xlsx",
                   help="tệp kết quả (mặc định: bao-cao-<kế hoạch>-<dd-mm-yyyy>.xlsx)")
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser("chat", help="dùng thử bot trên dòng lệnh như một cán bộ")
    p.add_argument("--agency", required=True, metavar="MÃ", help="mã cơ quan, ví dụ SCT")
    p.add_argument("--role", choices=("focal", "coordinator", "leader"), default="focal")
    p.add_argument("--name", help="tên hiển thị")
    p.add_argument("--clock", type=iso_datetime, metavar="ISO",
                   help="bắt đầu đồng hồ tại thời điểm này rồi chạy theo thời gian thực")
    p.set_defaults(handler=cmd_chat)
