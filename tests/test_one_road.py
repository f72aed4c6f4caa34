"""One road for the tick and the preview: what real ticks queue is what `nhacviec preview` shows.

Both read the plan's rows through `storage.schedule`; this checks they cannot drift apart.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import Services
from bot.cli import main
from bot.settings import Settings
from plan_data.loader import load_bundled
from scheduler.policy import Reminder, Step, plan_timeline
from scheduler.workdays import WorkingCalendar
from tests.world import TZ, local, make_world

FIRST = date(2024, 4, 1)  # the bundled plan's start: no reminder can be due before it
LAST = date(2024, 7, 31)


def as_preview_line(reminder: Reminder) -> dict[str, Any]:
    return {"date": reminder.day.isoformat(), "send_at": reminder.send_at.isoformat(),
            "agency": reminder.agency, "task": reminder.task_key, "step": reminder.step.value,
            "due": reminder.due.isoformat()}


def test_the_reminders_real_ticks_queue_are_the_lines_of_the_preview(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory, plan = load_bundled()
    assert plan.start == FIRST
    world = make_world(tmp_path, local(f"{FIRST.isoformat()} 07:00"))
    for agency in directory.agencies:  # a focal officer in every agency, nobody reporting
        world.register(f"focal-{agency.code}", agency.code)
    world.register("coordinator", plan.coordinator, "coordinator")  # escalations go there
    services = Services(Settings(db_url=world.url), world.sessions.kw["bind"], world.sessions,
                        world.clock, world.calendar, directory, plan, world.commands)

    queued: list[Reminder] = []
    day = FIRST
    while day <= LAST:  # every day at the send time, as the timer would; days off serve nothing
        world.clock.now = local(f"{day.isoformat()} 08:00")
        result = services.tick(world.clock.now)
        queued.extend(item.reminder for item in result or ())
        day += timedelta(days=1)

    code = main(["preview", "--from", FIRST.isoformat(), "--to", LAST.isoformat(), "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    preview = [json.loads(line) for line in out.splitlines()]
    # Every step but a snooze (nobody asks for one) is among them.
    assert {line["step"] for line in preview} == {step.value for step in Step} - {"snooze"}
    assert all(item.day == item.send_at.date() for item in queued)  # each sent on its own day
    key = json.dumps
    assert Counter(key(as_preview_line(r), sort_keys=True) for r in queued) == Counter(
        key(line, sort_keys=True) for line in preview)
    assert len(queued) == len(preview)


def test_the_preview_shows_the_plan_timeline_line_for_line_in_its_order(
        capsys: pytest.CaptureFixture[str]) -> None:
    # The rows read back give the very timeline the scheduler gives from the plan file, which
    # tests/test_preview.py pins down, in the same order.
    directory, plan = load_bundled()
    # Across Tết 2025, and before the first change of the 2025 reorganisation (1/3/2025), from
    # which the preview follows the agencies in force (tests/test_agencies.py).
    last = date(2025, 2, 28)
    expected = [as_preview_line(r)
                for r in plan_timeline(plan, directory, WorkingCalendar(), TZ, last,
                                       send_at=time(8, 0))]
    code = main(["preview", "--from", FIRST.isoformat(), "--to", last.isoformat(), "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == expected
    # Over 1000 lines before overdue repeats ended (a superseded period, four repeats at most).
    assert len(expected) > 500
