"""Scenario: how many reminder messages each officer receives, one tick per working day.

    python bench/daily_messages.py [FROM [TO]]

loads the bundled plan into a fresh SQLite file (in a temporary directory) as `nhacviec init
--track-from FROM` does (the 2025 reorganisation in force, periods due before FROM not
tracked), registers one officer per agency in force (the Sở Công Thương one as the
coordinator, who also receives the escalations), then runs the real tick
(`bot.delivery.tick.run_tick`) at NHACVIEC_SEND_AT's default 08:00 of every working day from
FROM to TO (default 2026-12-01 to 2027-02-28), as the timer would, with nobody answering. It
prints the reminder messages in all and per agency, the escalation messages, the largest
number of reminder messages one chat received on one day (the rule: at most 1) and the
largest number of items one message listed, and exits 1 if the rule is broken.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bot import agency_changes  # noqa: E402
from bot.answers import item_of_block  # noqa: E402
from bot.commands import Commands, Incoming  # noqa: E402
from bot.delivery.tick import run_tick  # noqa: E402
from plan_data.loader import load_bundled  # noqa: E402
from plan_data.reorganisation import load_reorganisation  # noqa: E402
from scheduler.workdays import WorkingCalendar  # noqa: E402
from storage import agencies, people, plans  # noqa: E402
from storage.db import make_engine, make_sessionmaker, upgrade  # noqa: E402
from storage.invites import create_invite  # noqa: E402
from storage.models import OfficerChat, OutboxMessage, PlanRow, Role  # noqa: E402
from storage.sync import sync_plan  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SEND_AT = datetime.min.time().replace(hour=8)
FIRST = date(2026, 12, 1)
LAST = date(2027, 2, 28)


@dataclass(frozen=True)
class Measured:
    working_days: int
    reminder_messages: int
    per_agency: dict[str, int]
    escalation_messages: int
    most_per_chat_day: int  # reminder messages one chat received on one day
    most_escalations_per_chat_day: int
    most_items: int  # items one reminder message listed
    items: int  # items the reminder messages listed, in all
    seconds: float


def measure(directory_path: Path, first: date = FIRST, last: date = LAST) -> Measured:
    """Run the scenario in a database under `directory_path`; return what it measured."""
    url = f"sqlite:///{directory_path / 'nhacviec.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        return _measure(make_sessionmaker(engine), first, last)
    finally:
        engine.dispose()


def _measure(maker: sessionmaker[Session], first: date, last: date) -> Measured:
    directory, plan = load_bundled()
    calendar = WorkingCalendar.from_overrides()
    start = datetime.combine(first, SEND_AT, tzinfo=TZ) - timedelta(days=1)
    # As `init --track-from FIRST` gives it: the plan, the 2025 reorganisation in force on the
    # first day, the periods due before it not tracked.
    with maker() as session, session.begin():
        sync_plan(session, directory, plan, last + timedelta(days=400), start, today=first)
        agency_changes.apply_reorganisation(session, load_reorganisation())
        agency_changes.apply_due(session, first, start)
        sync_plan(session, directory, plan, last + timedelta(days=400), start, today=first)
        plans.set_track_from(session, session.get_one(PlanRow, plan.id), first)
        ceased = agencies.ceased_on(session, first)
        in_force = [row for code, row in people.agency_names(session).items()
                    if code not in ceased]
    commands = Commands(maker, lambda: start, calendar, TZ)
    for agency in in_force:  # one officer per agency in force
        role = Role.COORDINATOR if agency.code == plan.coordinator else Role.FOCAL
        with maker() as session, session.begin():
            code = create_invite(session, agency.code, role, start).code
        commands.handle(Incoming("console", f"{agency.code}-{role.value}", agency.short_name,
                                 f"/start {code}"))
    began = time.perf_counter()
    working_days = 0
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            working_days += 1
            now = datetime.combine(day, SEND_AT, tzinfo=TZ)
            with maker() as session, session.begin():
                agency_changes.apply_due(session, day, now)
                run_tick(session, now, calendar, TZ, SEND_AT)
        day += timedelta(days=1)
    seconds = time.perf_counter() - began
    with maker() as session:
        agency_of = {chat.chat_id: chat.officer.agency_code
                     for chat in session.scalars(select(OfficerChat))}
        messages = list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind.in_(("reminder", "escalation")))))
        reminders = [m for m in messages if m.kind == "reminder"]
        escalations = [m for m in messages if m.kind == "escalation"]
        per_day = Counter((m.chat_id, m.created_at.astimezone(TZ).date()) for m in reminders)
        per_day_escalations = Counter((m.chat_id, m.created_at.astimezone(TZ).date())
                                      for m in escalations)
        most_items = max((_items(m.text) for m in reminders), default=0)
        items = sum(_items(m.text) for m in reminders)
    return Measured(
        working_days=working_days, reminder_messages=len(reminders),
        per_agency=dict(sorted(Counter(agency_of[m.chat_id] for m in reminders).items())),
        escalation_messages=len(escalations),
        most_per_chat_day=max(per_day.values(), default=0),
        most_escalations_per_chat_day=max(per_day_escalations.values(), default=0),
        most_items=most_items, items=items, seconds=seconds)


def _items(text: str) -> int:
    """Return how many items a reminder message lists (numbered, or notices "• ")."""
    blocks = text.split("\n\n")
    listed = sum(1 for block in blocks if item_of_block(block) or block.startswith("• "))
    return listed or 1


def main(argv: list[str]) -> int:
    first = date.fromisoformat(argv[0]) if argv else FIRST
    last = date.fromisoformat(argv[1]) if len(argv) > 1 else LAST
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(Path(tmp), first, last)
    print(f"{first} to {last}: {result.working_days} working days, one tick each "
          f"({result.seconds:.1f} s)")
    print(f"reminder messages: {result.reminder_messages} in all, listing {result.items} "
          f"items; at most "
          f"{result.most_per_chat_day} per officer and day; at most {result.most_items} items "
          "in one message")
    print(f"escalation messages to the coordinator: {result.escalation_messages}; at most "
          f"{result.most_escalations_per_chat_day} per day")
    for agency, count in result.per_agency.items():
        print(f"  {agency:10} {count}")
    return 0 if result.most_per_chat_day <= 1 and result.most_escalations_per_chat_day <= 1 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
