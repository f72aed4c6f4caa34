"""The `nhacviec` command line: one sub-command per verb, each a thin call into the packages."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from bot import texts
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
    parser = _Parser(prog="nhacviec", description="Nhắc việc: theo dõi kế hoạch.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH",
                                title="các lệnh")

    p = sub.add_parser("timeframe", help="phân tích thời gian thực hiện thành lịch")
    p.add_argument("text", metavar="THỜI_GIAN", help="thời gian thực hiện, ví dụ «Quý 2 năm 2024»")
    p.add_argument("--plan-start", type=iso_date, default=date(2024, 4, 1), metavar="NGÀY",
                   help="ngày bắt đầu kế hoạch, YYYY-MM-DD hoặc dd/mm/yyyy (mặc định: 2024-04-01)")
    p.set_defaults(handler=cmd_timeframe)

    p = sub.add_parser("preview", help="xem trước lịch nhắc việc của kế hoạch")
    p.add_argument("--from", dest="date_from", type=iso_date, metavar="NGÀY",
                   help="từ ngày (mặc định: hôm nay)")
    p.add_argument("--to", dest="date_to", type=iso_date, metavar="NGÀY",
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
    p.add_argument("--plan-id", type=plan_id_arg, metavar="MÃ",
                   help="mã kế hoạch (mặc định: theo tên tệp)")
    p.add_argument(
        "--plan-start", type=iso_date, metavar="NGÀY",
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
        "--as-of", type=iso_date, metavar="NGÀY",
        help="tính lịch như thể hôm nay là ngày này (YYYY-MM-DD hoặc dd/mm/yyyy)"
    )
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("invite", help="tạo mã mời dùng một lần cho cán bộ của một cơ quan")
    p.add_argument("agency", nargs="?", metavar="MÃ_CƠ_QUAN", help="mã cơ quan, ví dụ SCT")
    p.add_argument("--officer", type=officer_id_arg, metavar="ID",
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
        "officer_id", type=officer_id_arg, metavar="OFFICER_ID",
        help="số ID trong `nhacviec officers`",
    )
    p.set_defaults(handler=cmd_revoke)

    from bot.cli.run import add_parsers

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

