"""The `nhacviec` command line: one sub-command per verb, each a thin call into the packages."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date

Handler = Callable[[argparse.Namespace], int]


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ (cần YYYY-MM-DD): {text}") from exc


def cmd_timeframe(args: argparse.Namespace) -> int:
    from scheduler.timeframe import parse_timeframe

    timeframe = parse_timeframe(args.text, args.plan_start)
    print(json.dumps(timeframe.to_json(), ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nhacviec", description="Nhắc việc: theo dõi kế hoạch.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("timeframe", help="phân tích thời gian thực hiện thành lịch")
    p.add_argument("text")
    p.add_argument("--plan-start", type=_iso_date, default=date(2024, 4, 1))
    p.set_defaults(handler=cmd_timeframe)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
