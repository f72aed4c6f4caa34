"""The tick reads only what can be due, and that is exactly what the whole plan makes due.

A history is played on the bundled plan: on sampled days, the candidates' policy state and the
whole plan's must give the same reminders; then some of those are recorded as sent, some
agencies finish, some ask to be reminded later, and the days move on.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from scheduler.plan import Ladder
from scheduler.policy import due_reminders
from storage import schedule
from storage.models import Assignment, AssignmentStatus, PlanRow, ReminderRow
from tests.world import TZ, World, local, make_world

SEND_AT = time(8, 0)


def reminders_both_ways(world: World, now: datetime) -> tuple[list[object], list[object], int]:
    """Return what is due at `now` from the candidates and from the whole plan, and how many
    occurrences with an agency the candidates' state holds (the agency-less ones are opened
    periods that supersede a candidate, read only for their dates)."""
    with world.sessions() as session:
        plan = schedule.plans(session)[0]
        candidates, _ = schedule.policy_state(session, plan, world.calendar, TZ, SEND_AT, now)
        whole, _ = schedule.policy_state(session, plan, world.calendar, TZ, SEND_AT)
        return (list(due_reminders(candidates, now)), list(due_reminders(whole, now)),
                sum(1 for item in candidates.occurrences if item.lead or item.coordinating))


def set_ladder(world: World, ladder: Ladder) -> None:
    with world.sessions() as session, session.begin():
        session.execute(update(PlanRow).values(ladder_json=ladder.model_dump_json()))


def play(world: World, rng: random.Random, days: list[date]) -> int:
    """Play the history on `days`; return how many reminders were due over it."""
    seen = 0
    for day in days:
        now = local(f"{day.isoformat()} {rng.choice(('07:59', '08:00', '15:30'))}")
        from_candidates, from_whole, _ = reminders_both_ways(world, now)
        assert from_candidates == from_whole, day
        seen += len(from_whole)
        with world.sessions() as session, session.begin():
            plan = schedule.plans(session)[0]
            _, ids = schedule.policy_state(session, plan, world.calendar, TZ, SEND_AT)
            for reminder in from_whole:
                if rng.random() < 0.7:  # the others had nobody to go to: not recorded
                    session.add(ReminderRow(
                        assignment_id=ids[(reminder.task_key, reminder.period, reminder.agency)],
                        step=reminder.step.value, key=reminder.key, day=reminder.day,
                        created_at=now))
            live = list(ids.values())
            for assignment_id in rng.sample(live, k=min(len(live), rng.randint(0, 12))):
                choice = rng.random()
                values: dict[str, object]
                if choice < 0.5:
                    values = {"status": AssignmentStatus.DONE.value, "completed_on": day}
                elif choice < 0.6:
                    values = {"status": AssignmentStatus.OPEN.value}  # reopened
                elif choice < 0.8:
                    values = {"snoozed_until": day + timedelta(days=rng.randint(-3, 20))}
                else:
                    values = {"status": AssignmentStatus.BLOCKED.value}
                session.execute(update(Assignment).where(Assignment.id == assignment_id)
                                .values(**values))
    return seen


LADDERS = {
    "default": Ladder(),
    "odd": Ladder(before_days=(7, 1), long_window_days=10, overdue_repeat_days=3,
                  escalate_after_working_days=5, progress_window_days=60,
                  coordinate_before_days=40),
}


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("ladder", sorted(LADDERS))
def test_the_candidates_give_exactly_what_the_whole_plan_makes_due(
        tmp_path: Path, seed: int, ladder: str) -> None:
    world = make_world(tmp_path, local("2024-04-01 07:00"))
    set_ladder(world, LADDERS[ladder])
    rng = random.Random(seed)
    start = date(2024, 4, 1)
    days = sorted({start + timedelta(days=rng.randint(0, 900)) for _ in range(70)})
    assert play(world, rng, days) > 100  # the history made plenty due


def test_work_done_or_far_ahead_is_not_read(tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2024-04-01 07:00"))
    now = local("2025-06-20 08:00")
    with world.sessions() as session, session.begin():
        session.execute(update(Assignment).values(status=AssignmentStatus.DONE.value))
        total = session.scalar(select(func.count()).select_from(Assignment)) or 0
    from_candidates, from_whole, read = reminders_both_ways(world, now)
    assert from_candidates == from_whole == []
    assert read == 0 and total > 300
    # One period reopened: that one alone is read, and its steps come back.
    with world.sessions() as session, session.begin():
        plan = schedule.plans(session)[0]
        _, ids = schedule.policy_state(session, plan, world.calendar, TZ, SEND_AT)
        late = next(key for key in ids if key[1] == "2025-Q1")
        session.execute(update(Assignment).where(Assignment.id == ids[late])
                        .values(status=AssignmentStatus.OPEN.value))
    from_candidates, from_whole, read = reminders_both_ways(world, now)
    assert from_candidates == from_whole != []
    assert read == 1
