"""Synthetic plans, agencies and databases for the scale benchmark (`bench/scale.py`).

A database of SIZE assignments (3k, 30k, 300k) holds one plan started 2016-01-01 and ticked at
TICK (Monday 22/06/2026 08:00):

- bulk: monthly tasks ("Hằng tháng"), one lead and one coordinating agency each, from 2016 to
  the horizon (`nhacviec init`, 400 days ahead). Everything due up to the reminder window
  (TICK + 61 days) is done, with its reminders recorded; later periods are open;
- the due set: 50 deadlines due on TICK, two lead agencies each (the ten D agencies). The tick
  of Friday 19/06/2026 08:00 (a real `nhacviec tick`) sent their "T-1" step, and its send instant
  is recorded as served; what is due at TICK is then each part's "due" step: exactly 100
  reminders, in one day's message per D officer (10 messages), whatever the size;
- the /done set: 200 yearly tasks, 20 per D agency: the officers of the D agencies
  report them done during the benchmark (their 2026 period is open, due after the window).

Each D agency has one focal officer on Telegram (chat ids 7001..7010). The database is made by
`nhacviec init` itself (plan and agency files written beside it); the state above is then set
with SQL and the storage's own functions. Files land in bench/.data/ (ignored by git) and are
reused while the generator's VERSION is unchanged.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text

# 2: the Friday before TICK was really ticked and its instant recorded by the storage itself
# (version 1 wrote the instant in a form the claim did not match, so `run` caught Friday up,
# and TICK found each officer's day's message queued already). 3: the schema with the
# dashboard's running counts (migration 0012), its triggers noting every row written. 4: 200
# yearly tasks for /done (20 per D agency), so that its p95 is not the third-slowest of 50.
VERSION = "4"
DATA = Path(__file__).resolve().parent / ".data"
TICK = "2026-06-22T08:00"
TICK_DAY = date(2026, 6, 22)
FRIDAY = "2026-06-19T08:00"  # the send instant before TICK (a working day)
PLAN_START = date(2016, 1, 1)
SIZES = (3_000, 30_000, 300_000)
D_AGENCIES = [f"D{number:02d}" for number in range(1, 11)]
DUE_TASKS = 50
DONE_TASKS = 200
BULK_AGENCIES = 200
# Months from 2016-01 to the horizon (TICK + 400 days): one occurrence each, two assignments.
MONTHS = (2027 - 2016) * 12 + 7
WINDOW_BOUND = TICK_DAY + timedelta(days=61)


@dataclass(frozen=True)
class Dataset:
    size: int
    folder: Path

    @property
    def db(self) -> Path:
        return self.folder / "nhacviec.db"

    @property
    def plan(self) -> Path:
        return self.folder / "plan.yaml"

    @property
    def agencies(self) -> Path:
        return self.folder / "agencies.yaml"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment a `nhacviec` process on this dataset runs with."""
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("NHACVIEC_", "TELEGRAM_", "ZALO_"))}
        env.update(NHACVIEC_DB_URL=f"sqlite:///{self.db}", NHACVIEC_PLAN=str(self.plan),
                   NHACVIEC_AGENCIES=str(self.agencies),
                   NHACVIEC_JOURNAL=str(self.folder / "journal.jsonl"), **extra)
        return env


def bulk_tasks(size: int) -> int:
    """Return how many monthly tasks make about `size` assignments with the fixed sets."""
    fixed = DUE_TASKS * 2 + DONE_TASKS * (2027 - 2016 + 1)
    return max(1, round((size - fixed) / (MONTHS * 2)))


def write_files(dataset: Dataset) -> None:
    agencies = [{"code": "UBND", "name": "Ủy ban nhân dân tỉnh", "short_name": "UBND tỉnh",
                 "kind": "ubnd_tinh"}]
    agencies += [{"code": code, "name": f"Sở số {code[1:]}", "short_name": f"Sở {code[1:]}",
                  "kind": "so"} for code in D_AGENCIES]
    agencies += [{"code": f"B{number:03d}", "name": f"Cơ quan số {number}",
                  "short_name": f"Cơ quan {number}", "kind": "so"}
                 for number in range(1, BULK_AGENCIES + 1)]
    tasks = []
    for number in range(bulk_tasks(dataset.size)):
        tasks.append({"key": f"B{number + 1}", "title": f"Báo cáo định kỳ số {number + 1}",
                      "text": f"Báo cáo tình hình thực hiện nội dung số {number + 1} hằng tháng.",
                      "lead": [f"B{number % BULK_AGENCIES + 1:03d}"],
                      "coordinating": [f"B{(number + 7) % BULK_AGENCIES + 1:03d}"],
                      "timeframe": "Hằng tháng"})
    for number in range(DUE_TASKS):
        first = D_AGENCIES[number % 10]
        second = D_AGENCIES[(number % 10 + 1 + number // 10) % 10]  # never the first
        tasks.append({"key": f"H{number + 1}", "title": f"Nhiệm vụ đến hạn số {number + 1}",
                      "text": f"Hoàn thành nhiệm vụ số {number + 1}.",
                      "lead": [first, second],
                      "timeframe": "Trước ngày 22/06/2026"})
    for number in range(DONE_TASKS):
        tasks.append({"key": f"X{number + 1}", "title": f"Báo cáo năm số {number + 1}",
                      "text": f"Báo cáo năm về nội dung số {number + 1}.",
                      "lead": [D_AGENCIES[number % 10]], "timeframe": "Hằng năm"})
    plan = {"id": "scale", "title": "Kế hoạch tổng hợp để đo hiệu năng", "issuer": "UBND tỉnh",
            "start": PLAN_START.isoformat(), "coordinator": "UBND", "tasks": tasks}
    dataset.folder.mkdir(parents=True, exist_ok=True)
    dataset.agencies.write_text(yaml.safe_dump({"agencies": agencies}, allow_unicode=True),
                                encoding="utf-8")
    dataset.plan.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False),
                            encoding="utf-8")


def init(dataset: Dataset) -> float:
    """Run `nhacviec init` on the dataset; return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bot.cli", "init", "--as-of", TICK_DAY.isoformat()],
                   env=dataset.env(), check=True, capture_output=True)
    return time.perf_counter() - started


def set_state(dataset: Dataset) -> None:
    """Done up to the reminder window (reminders recorded), the officers."""
    engine = create_engine(f"sqlite:///{dataset.db}")
    now = datetime(2026, 6, 19, 1, 0)  # UTC, naive as the schema stores it on SQLite
    with engine.begin() as connection:
        connection.execute(text(
            "UPDATE assignments SET status = 'done', completed_on = occurrences.due "
            "FROM occurrences WHERE occurrences.id = assignments.occurrence_id "
            "AND occurrences.due <= :bound AND occurrences.task_id IN "
            "(SELECT id FROM tasks WHERE key LIKE 'B%')"), {"bound": WINDOW_BOUND})
        connection.execute(text(
            "UPDATE assignments SET status = 'done', completed_on = occurrences.due "
            "FROM occurrences WHERE occurrences.id = assignments.occurrence_id "
            "AND occurrences.due < :today AND occurrences.task_id IN "
            "(SELECT id FROM tasks WHERE key LIKE 'X%')"), {"today": TICK_DAY})
        # What earlier ticks sent: the due day of every done lead part (its latest step).
        connection.execute(text(
            "INSERT INTO reminders (assignment_id, step, key, day, created_at) "
            "SELECT assignments.id, 'due', 'due', occurrences.due, :now FROM assignments "
            "JOIN occurrences ON occurrences.id = assignments.occurrence_id "
            "WHERE assignments.status = 'done' AND assignments.role = 'lead'"), {"now": now})
        connection.execute(text(
            "INSERT INTO reminders (assignment_id, step, key, day, created_at) "
            "SELECT assignments.id, 'coordinate', 'coordinate', occurrences.due, :now "
            "FROM assignments JOIN occurrences ON occurrences.id = assignments.occurrence_id "
            "WHERE assignments.status = 'done' AND assignments.role = 'coordinating'"),
            {"now": now})
        for number, code in enumerate(D_AGENCIES):
            officer = connection.execute(text(
                "INSERT INTO officers (name, agency_code, role, active, created_at) "
                "VALUES (:name, :code, 'focal', 1, :now) RETURNING id"),
                {"name": f"Cán bộ {code}", "code": code, "now": now}).scalar_one()
            connection.execute(text(
                "INSERT INTO officer_chats (officer_id, channel, chat_id, reachable) "
                "VALUES (:officer, 'telegram', :chat, 1)"),
                {"officer": officer, "chat": str(7001 + number)})
    engine.dispose()


def tick_friday(dataset: Dataset) -> int:
    """Run the real tick of Friday 19/06 08:00 (the due set's "T-1"), mark what it queued as
    delivered and its send instant as served, as the timer of a running bot would have; return
    how many reminders it queued."""
    from zoneinfo import ZoneInfo

    from storage.db import make_engine, make_sessionmaker
    from storage.models import OutboxMessage, OutboxStatus
    from storage.schedule import claim_tick, complete_tick

    out = subprocess.run([sys.executable, "-m", "bot.cli", "tick", "--as-of", FRIDAY],
                         env=dataset.env(), check=True, capture_output=True, text=True).stdout
    instant = datetime.fromisoformat(FRIDAY).replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    engine = make_engine(f"sqlite:///{dataset.db}")
    with make_sessionmaker(engine)() as session, session.begin():
        session.query(OutboxMessage).filter(
            OutboxMessage.status == OutboxStatus.QUEUED.value).update(
            {"status": OutboxStatus.SENT.value, "sent_at": instant})
        if not claim_tick(session, instant, instant):
            raise RuntimeError("the Friday instant was served already")
        complete_tick(session, instant, instant)
    engine.dispose()
    engine = create_engine(f"sqlite:///{dataset.db}")  # no BEGIN of ours: VACUUM takes none
    with engine.connect() as connection:
        connection.exec_driver_sql("VACUUM")
    engine.dispose()
    return int(out.split(": ", 1)[1].split()[0])


def dataset(size: int, *, fresh: bool = False) -> tuple[Dataset, float | None]:
    """Return the dataset of `size`, made if missing (with the first init's time)."""
    data = Dataset(size, DATA / f"v{VERSION}-{size}")
    if data.db.exists() and not fresh:
        return data, None
    if data.db.exists():
        data.db.unlink()
    write_files(data)
    first_init = init(data)
    set_state(data)
    friday = tick_friday(data)
    if friday != DUE_TASKS * 2:
        raise RuntimeError(f"the Friday tick queued {friday} reminders, not {DUE_TASKS * 2}")
    return data, first_init


def count(data: Dataset) -> int:
    engine = create_engine(f"sqlite:///{data.db}")
    with engine.connect() as connection:
        total = connection.execute(text("SELECT count(*) FROM assignments")).scalar_one()
    engine.dispose()
    return int(total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--fresh", action="store_true", help="make the databases again")
    args = parser.parse_args()
    for size in args.sizes:
        started = datetime.now(UTC)
        data, first = dataset(size, fresh=args.fresh)
        took = (datetime.now(UTC) - started).total_seconds()
        print(f"{size}: {count(data)} assignments in {data.db} "
              f"(first init {first:.1f} s, made in {took:.1f} s)" if first is not None
              else f"{size}: {count(data)} assignments in {data.db} (kept)")


if __name__ == "__main__":
    main()
