"""Benchmark: how long the dashboard's overview takes at 300,000 assignments.

    python bench/dashboard.py [--assignments 300000] [--runs 40] [--db FILE] [--keep]

bulk-generates a SQLite file (agencies, plans, tasks, occurrences, lead assignments, blocker
and completion events, one coordinator), then requests the overview (all plans, then one plan)
through the real ASGI app signed in as the coordinator, and prints the p50/p95/max of each
page (the first request, cold, is reported apart). Target: the overview under 200 ms p95.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from storage.db import make_engine, upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    AgencyRow,
    Assignment,
    OccurrenceRow,
    Officer,
    PlanRow,
    StatusEvent,
    TaskRow,
)

TODAY = date(2026, 6, 15)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCIES = 60
PLANS = 5
PER_OCCURRENCE = 10  # lead agencies of each occurrence
OCCURRENCES_PER_TASK = 12


def generate(url: str, assignments: int, seed: int = 1) -> None:
    """Fill the (new) database at `url` with about `assignments` lead assignments."""
    rng = random.Random(seed)
    upgrade(url)
    engine = make_engine(url)
    now = datetime(2026, 6, 15, 1, tzinfo=UTC)
    occurrences = max(1, assignments // PER_OCCURRENCE)
    tasks = max(1, occurrences // OCCURRENCES_PER_TASK)
    codes = [f"A{n:02d}" for n in range(AGENCIES)]
    with engine.begin() as connection:
        connection.execute(insert(AgencyRow), [
            {"code": code, "name": f"Agency {code}", "short_name": code, "kind": "so"}
            for code in codes])
        connection.execute(insert(PlanRow), [
            {"id": f"plan{p}", "code": f"KH{p}", "title": f"Plan {p}", "issuer": "UBND",
             "start": date(2024, 1, 1),
             "coordinator_code": codes[0], "ladder_json": "{}"} for p in range(PLANS)])
        connection.execute(insert(Officer), [{"id": 1, "name": "Coordinator",
                                              "agency_code": codes[0], "role": "coordinator",
                                              "active": True, "created_at": now}])
        connection.execute(insert(TaskRow), [
            {"id": t + 1, "plan_id": f"plan{t % PLANS}", "key": str(t // PLANS + 1),
             "title": f"Task {t}", "text": "", "timeframe": "", "kind": "recurring",
             "archived": False} for t in range(tasks)])
        rows = []
        for o in range(occurrences):
            task = o % tasks
            due = date(2024, 3, 31) + timedelta(days=(o * 7919) % 1000)
            rows.append({"id": o + 1, "task_id": task + 1, "period": f"p{o // tasks}",
                         "label": f"Period {o // tasks}", "window_start": due - timedelta(90),
                         "due": due, "ad_hoc": False, "archived": False})
        connection.execute(insert(OccurrenceRow), rows)
        dues = {row["id"]: row["due"] for row in rows}
        batch: list[dict[str, object]] = []
        events: list[dict[str, object]] = []
        for n in range(assignments):
            occurrence = n // PER_OCCURRENCE + 1
            if occurrence > occurrences:
                occurrence = rng.randint(1, occurrences)
            due = dues[occurrence]
            roll = rng.random()
            completed = None
            status = "open"
            if (due < TODAY and roll < 0.6) or roll < 0.2:
                completed = min(TODAY, due + timedelta(days=rng.randint(-30, 20)))
                status = "done"
            elif roll < 0.68:
                status = "blocked"
            batch.append({"id": n + 1, "occurrence_id": occurrence,
                          "agency_code": codes[(occurrence * 7 + n) % AGENCIES], "role": "lead",
                          "status": status, "completed_on": completed, "updated_at": now,
                          "archived": False})
            if status != "open":
                events.append({"assignment_id": n + 1, "officer_id": 1,
                               "agency_code": codes[0], "channel": "console", "status": status,
                               "note": "bench", "at": now - timedelta(days=rng.randint(0, 400))})
            if len(batch) >= 20000:
                connection.execute(insert(Assignment), batch)
                batch = []
        if batch:
            connection.execute(insert(Assignment), batch)
        for start in range(0, len(events), 20000):
            connection.execute(insert(StatusEvent), events[start:start + 20000])
    engine.dispose()


def _client(url: str) -> tuple[Any, Any]:
    """The real dashboard app on `url`, and a client signed in as the coordinator (officer 1)."""
    import warnings

    from bot.commands import Commands
    from bot.dashboard import Dashboard
    from bot.web import WebApp
    from scheduler.workdays import WorkingCalendar
    from storage import web_auth
    from storage.db import make_sessionmaker

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    now = datetime.combine(TODAY, datetime.min.time(), TZ) + timedelta(hours=9)

    def clock() -> datetime:
        return now

    commands = Commands(sessions, clock, WorkingCalendar.from_overrides(), TZ)
    dashboard = Dashboard(engine, sessions, clock, TZ, commands, None)
    client = TestClient(WebApp(dashboard.routes()).asgi, follow_redirects=False)
    with sessions() as session, session.begin():
        token = web_auth.create_link(session, 1, now)
    assert client.post(f"/vao/{token}").status_code == 303
    return client, engine


_touched = iter(range(1, 10**9, 7919))


def _touch(engine: Any) -> None:
    """A commit elsewhere (what a chat report does): one item reported done, or reopened."""
    from sqlalchemy import text

    with engine.begin() as connection:
        connection.execute(text(
            "UPDATE assignments SET completed_on = CASE WHEN completed_on IS NULL "
            "THEN '2026-06-15' ELSE NULL END, status = CASE WHEN completed_on IS NULL "
            "THEN 'done' ELSE 'open' END WHERE id = :id"), {"id": next(_touched) % 300_000 + 1})


def _measure(client: Any, engine: Any, path: str, runs: int, cold: bool) -> list[float]:
    times = []
    for _ in range(runs):
        if cold:
            _touch(engine)
        start = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, answer.text[:200]
    return times


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"{name:<44} n={len(times):>3}  p50 {statistics.median(ordered):7.1f} ms  "
            f"p95 {p95:7.1f} ms  max {ordered[-1]:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--db", type=Path, help="SQLite file (kept; generated if missing)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nhacviec-bench-"))
    path = args.db or folder / "dashboard.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        start = time.perf_counter()
        generate(url, args.assignments)
        print(f"generated {args.assignments:,} assignments in {time.perf_counter() - start:.1f} s"
              f" ({path})")
    client, engine = _client(url)
    start = time.perf_counter()
    assert client.get("/").status_code == 200
    print(f"first look (every assignment counted into the running counts): "
          f"{time.perf_counter() - start:.1f} s")
    for name, page in (("overview, all plans", "/"), ("overview, one plan", "/?kh=plan0")):
        print(_line(f"{name}: after a change (no cache)",
                    _measure(client, engine, page, args.runs, cold=True)))
        print(_line(f"{name}: unchanged data (cached)",
                    _measure(client, engine, page, args.runs, cold=False)))
    for name, page in (("overdue list (500 rows shown)", "/qua-han"),
                       ("agency page", "/co-quan/A07"), ("pending decisions", "/cho-xu-ly")):
        print(_line(name, _measure(client, engine, page, max(5, args.runs // 4), cold=True)))
    if args.db is None:
        engine.dispose()
        path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
