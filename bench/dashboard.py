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
            {"id": f"plan{p}", "title": f"Plan {p}", "issuer": "UBND", "start": date(2024, 1, 1),
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
            if due < TODAY and roll < 0.6 or roll < 0.2:
                completed = due + timedelta(days=rng.randint(-30, 20))
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
