"""Benchmark: how long `nhacviec plan import` takes to read a long plan document.

    python bench/import_plan.py [LINES]

builds a Markdown plan of about LINES lines (default 600) that mixes the layouts the importer
reads (labelled tasks, agency-headed duties, prose items, a table copied one cell per line),
imports it five times and prints the best time. The target is under 2 s for 600 lines.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from plan_data.importer import extract_plan, read_markdown  # noqa: E402
from plan_data.loader import load_directory  # noqa: E402
from scheduler.plan import Directory  # noqa: E402

_AGENCIES = ("Sở Công Thương", "Sở Tài chính", "Sở Tư pháp", "Sở Y tế", "Công an tỉnh")


def _labelled(number: int) -> list[str]:
    return [
        f"{number}. Rà soát, cập nhật cơ sở dữ liệu cụm công nghiệp đợt {number}, báo cáo kết",
        "quả rà soát và đề xuất giải pháp tháo gỡ khó khăn cho doanh nghiệp.",
        "",
        f"a) Cơ quan chủ trì: {_AGENCIES[number % len(_AGENCIES)]}.",
        "",
        "b) Cơ quan phối hợp: UBND các huyện, thị xã, thành phố và các sở, ban, ngành liên quan.",
        "",
        f"c) Thời gian thực hiện: Quý {number % 4 + 1} năm 2026.",
        "",
    ]


def _duty(number: int) -> list[str]:
    return [
        f"**{number}. {_AGENCIES[number % len(_AGENCIES)]}**",
        "",
        "- Chủ trì, phối hợp với các cơ quan, đơn vị có liên quan hướng dẫn doanh nghiệp.",
        "",
        f"- Giao {_AGENCIES[(number + 1) % len(_AGENCIES)]} theo dõi, hoàn thành trước ngày"
        " 30/6/2026.",
        "",
    ]


def _table_rows(count: int) -> list[str]:
    lines = ["|", "STT", "|", "Nhiệm vụ", "|", "Đơn vị thực hiện", "|", "Đơn vị phối hợp", "|",
             "Thời gian thực hiện", "|"]
    for number in range(1, count + 1):
        lines += ["|", f"{number}", "|", f"Triển khai nhiệm vụ số {number} về thương mại",
                  "điện tử trên địa bàn tỉnh", "|", _AGENCIES[number % len(_AGENCIES)], "|",
                  "Các sở, ban, ngành", "|", "Năm 2026", "|"]
    return lines


def document_of(lines: int) -> str:
    """Return a plan document of at least `lines` lines."""
    text = [
        "ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN",
        "",
        "Bình Thuận, ngày 5 tháng 1 năm 2026",
        "",
        "KẾ HOẠCH",
        "",
        "Phát triển cụm công nghiệp năm 2026",
        "",
        "II. NỘI DUNG THỰC HIỆN",
        "",
    ]
    number = 1
    while len(text) < lines * 0.5:
        text += _labelled(number)
        number += 1
    text += ["III. TỔ CHỨC THỰC HIỆN", ""]
    duty = 1
    while len(text) < lines * 0.7:
        text += _duty(duty)
        duty += 1
    text += ["PHỤ LỤC", ""]
    rows = 1
    while len(text) + 13 * rows < lines:
        rows += 1
    text += _table_rows(rows)
    return "\n".join(text) + "\n"


def time_import(text: str, directory: Directory) -> tuple[float, int]:
    """Return the seconds one import of `text` takes (reading and extracting) and its tasks."""
    started = time.perf_counter()
    result = extract_plan(
        read_markdown(text), directory, source="bench.md", plan_id="bench", plan_start=None
    )
    return time.perf_counter() - started, len(result.tasks)


def main() -> None:
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    directory = load_directory()
    text = document_of(lines)
    best = min(time_import(text, directory)[0] for _ in range(5))
    tasks = time_import(text, directory)[1]
    print(f"{text.count(chr(10))} dòng, {tasks} nhiệm vụ: {best:.3f} s (tốt nhất trong 5 lần)")


if __name__ == "__main__":
    main()
