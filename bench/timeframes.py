"""Benchmark the time-frame reader: how long one phrase takes.

    python bench/timeframes.py                   # 10,000 generated phrases of every family
    python bench/timeframes.py --n 50000 --seed 7
    python bench/timeframes.py --corpus ../shared/corpus/timeframes/time_expressions_expected.tsv

Phrases are built from templates of the families real plans use (periods and lists, ranges,
open starts, rhythms, continuity, ad hoc, events, references, filler, long prose with agency
names), with random numbers (some impossible: "Quý 7", "31/02"), so the reader's every branch
runs. `--corpus` adds the first column of a TSV file. Prints the machine, then the total and the
per-phrase mean, median, 99th percentile and maximum (wall clock), and the slowest phrase.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduler.timeframe import parse_timeframe

ROMAN = ["I", "II", "III", "IV"]
AGENCIES = [
    "Sở Tài chính", "Sở Công Thương", "Ủy ban nhân dân tỉnh", "Bộ Khoa học và Công nghệ",
    "Sở Kế hoạch và Đầu tư", "Thủ tướng Chính phủ", "UBND các huyện, thị xã, thành phố",
]
TEMPLATES = [
    "Quý {q}/{y}",
    "Quý {qn} năm {y}",
    "Tháng {m}/{y}",
    "Hoàn thành trong tháng {m} năm {y}",
    "Trước ngày {d}/{m}/{y}",
    "trước ngày {d} tháng {m} năm {y}",
    "{d}/{m}/{y}",
    "Năm {y}",
    "Trong năm {y}-{y2}",
    "Tháng {m}, {m2}/{y}",
    "Quý {q}/{y}, Quý {q2}/{y2}",
    "Từ nay đến hết năm {y2}",
    "giai đoạn {y}-{y2} vào năm {y2}",
    "Từ ngày {d}/{m} đến ngày {d2}/{m2}",
    "từ ngày {d} đến ngày {d2} tháng {m} năm {y}",
    "Từ tháng {m}/{y} trở đi",
    "Triển khai thực hiện từ Quý {q}/{y}",
    "Từ tháng {m}/{y} đến khi hoàn thành",
    "Hằng quý",
    "hằng tháng",
    "Định kỳ 6 tháng, hằng năm",
    "6 tháng, 1 năm",
    "Trước ngày {d}/{m} hằng năm",
    "trước ngày {d} hằng tháng",
    "định kỳ hàng quý (trước ngày {d} tháng cuối quý)",
    "Từ tháng {m} đến tháng {m2} hằng năm",
    "Hằng năm từ quý {q}/{y} - {y2}",
    "Quý {q}/{y} và các năm tiếp theo",
    "Năm {y} và thường xuyên",
    "Thường xuyên, liên tục",
    "Thường xuyên trong năm {y} và các năm tiếp theo",
    "Hằng năm hoặc đột xuất",
    "khi có yêu cầu",
    "Sau khi Đề án được ban hành",
    "Trong vòng {d} ngày kể từ ngày ký",
    "Theo kế hoạch của {a}",
    "theo tiến độ của dự án",
    "Thực hiện trong Quý {q}/{y}, báo cáo về {a}",
    "định kỳ hằng năm gửi báo cáo {a} tình hình triển khai Chương trình trước ngày {d} tháng {m}",
    "Trình {a} tại Kỳ họp thứ {d} (tháng {m}/{y}); - Trình Hội đồng nhân dân tỉnh xem xét, "
    "thông qua tại kỳ họp cuối năm (cuối tháng {m2}/{y2})",
    "Quyết định số {d}/QĐ-UBND ngày {d}/{m}/{y} của {a}",
    "Định kỳ báo cáo kết quả về {a} theo quy định",
]


def phrases(n: int, seed: int) -> list[str]:
    """Return `n` phrases from the templates with random, sometimes impossible, numbers."""
    rng = random.Random(seed)
    result = []
    for _ in range(n):
        year = rng.randint(2013, 2030)
        values = {
            "q": rng.choice([*ROMAN, "7"]), "q2": rng.choice(ROMAN), "qn": rng.randint(1, 5),
            "m": rng.randint(1, 13), "m2": rng.randint(1, 12), "d": rng.randint(1, 32),
            "d2": rng.randint(1, 31), "y": year, "y2": year + rng.randint(0, 5),
            "a": rng.choice(AGENCIES),
        }
        result.append(rng.choice(TEMPLATES).format(**values))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="generated phrases (10,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="a TSV whose first column holds phrases")
    parser.add_argument("--plan-start", type=date.fromisoformat, default=date(2025, 1, 1))
    args = parser.parse_args(argv)

    texts = phrases(args.n, args.seed)
    if args.corpus:
        lines = args.corpus.read_text(encoding="utf-8").splitlines()[1:]
        texts += [line.split("\t")[0] for line in lines if line.strip()]
    for text in phrases(len(TEMPLATES) * 3, args.seed + 1):  # lazy imports (dateutil's parser)
        parse_timeframe(text, args.plan_start)

    times: list[float] = []
    cpu_start = time.process_time()
    total_start = time.perf_counter()
    for text in texts:
        start = time.perf_counter()
        parse_timeframe(text, args.plan_start)
        times.append(time.perf_counter() - start)
    total = time.perf_counter() - total_start
    cpu = time.process_time() - cpu_start

    slowest = max(range(len(texts)), key=times.__getitem__)
    cut = statistics.quantiles(times, n=100)
    print(f"machine: {platform.machine()} {platform.processor() or ''}".rstrip()
          + f", {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}")
    print(f"{len(texts)} phrases in {total:.3f} s ({cpu:.3f} s of CPU; load average "
          f"{os.getloadavg()[0]:.1f})")
    print(f"per phrase: mean {statistics.fmean(times) * 1e6:.0f} µs, "
          f"median {statistics.median(times) * 1e6:.0f} µs, p99 {cut[98] * 1e6:.0f} µs, "
          f"max {times[slowest] * 1e6:.0f} µs")
    print(f"slowest: {texts[slowest]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
