"""The storage and registration verbs: init, invite, officers, revoke."""

from __future__ import annotations

import argparse
import json
import sys

from bot import texts
from bot.cli.common import database, database_error, read_settings

# ---- Storage and registration: init, invite, officers, revoke ----



def officer_id_arg(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"mã cán bộ phải là một số: {text}")
    return int(text)


def cmd_init(args: argparse.Namespace) -> int:
    from datetime import datetime, time

    from sqlalchemy.exc import SQLAlchemyError

    from bot.app import SYNC_HORIZON
    from plan_data.loader import PlanError, bundled_plan_path, load_directory, load_plan
    from storage.db import make_engine, make_sessionmaker, safe_url, upgrade
    from storage.sync import describe_sync, sync_plan

    settings = read_settings()
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
    with database() as db:
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

    with database() as db:
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

    with database() as db:
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
