"""Nagging that ends: a superseded period is not repeated, weekly repeats stop after the ladder's
count. Literal dates, the pure policy."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from scheduler.occurrences import Occurrence
from scheduler.plan import Ladder
from scheduler.policy import (
    PolicyState,
    Reminder,
    ScheduledOccurrence,
    Step,
    due_reminders,
    superseded_days,
    timeline,
)
from scheduler.timeframe import TimeframeKind
from scheduler.workdays import WorkingCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EIGHT = time(8, 0)
RECURRING = TimeframeKind.RECURRING
DEADLINE = TimeframeKind.DEADLINE

Q1 = Occurrence("5", "2024-Q1", "Quý 1/2024", date(2024, 1, 1), date(2024, 3, 31))
Q2 = Occurrence("5", "2024-Q2", "Quý 2/2024", date(2024, 4, 1), date(2024, 6, 30))
QUARTERS = (ScheduledOccurrence(Q1, RECURRING, ("SCT",)),
            ScheduledOccurrence(Q2, RECURRING, ("SCT",)))


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def overdue_days(reminders: list[Reminder], period: str) -> list[date]:
    return [r.day for r in reminders if r.period == period and r.step is Step.OVERDUE]


def test_it_tells_when_the_next_period_of_a_recurring_task_opens() -> None:
    assert superseded_days(QUARTERS) == {("5", "2024-Q1"): date(2024, 4, 1)}
    deadline = ScheduledOccurrence(Occurrence("1", "", "Quý 1/2024", Q1.window_start, Q1.due),
                                   DEADLINE, ("SCT",))
    assert superseded_days((deadline,)) == {}


def test_a_superseded_period_is_told_overdue_once_and_not_repeated(
        calendar: WorkingCalendar) -> None:
    found = timeline(QUARTERS, Ladder(), calendar, TZ, date(2024, 6, 30), send_at=EIGHT)
    # 31/3/2024 is a Sunday: the first overdue reminder is on Monday 1/4, the day Q2 opens;
    # no repeat on 8/4, 15/4 ...: the agency is reminded of Q2 instead.
    assert overdue_days(found, "2024-Q1") == [date(2024, 4, 1)]
    # The coordinator still hears of it.
    assert [r.day for r in found if r.period == "2024-Q1" and r.step is Step.ESCALATION] == [
        date(2024, 4, 3)]
    # Sunday 30/6: the due day moves to Friday 28/6, where T-1 collapses into it.
    assert [r.key for r in found if r.period == "2024-Q2"] == ["T-30", "T-7", "due"]


def test_the_tick_sends_nothing_more_about_a_superseded_period(
        calendar: WorkingCalendar) -> None:
    state = PolicyState(QUARTERS, Ladder(), calendar, TZ, EIGHT,
                        sent=frozenset({("5", "2024-Q1", "SCT", "overdue@2024-04-01"),
                                        ("5", "2024-Q1", "SCT", "escalation")}))
    now = datetime(2024, 4, 8, 8, 0, tzinfo=TZ)
    assert [r for r in due_reminders(state, now) if r.period == "2024-Q1"] == []


def test_weekly_overdue_repeats_stop_after_four(calendar: WorkingCalendar) -> None:
    item = (ScheduledOccurrence(Occurrence("1", "", "Quý 2 năm 2024", date(2024, 4, 1),
                                           date(2024, 6, 28)), DEADLINE, ("SCT",)),)
    found = timeline(item, Ladder(), calendar, TZ, date(2024, 12, 31), send_at=EIGHT)
    assert overdue_days(found, "") == [date(2024, 7, 1), date(2024, 7, 8), date(2024, 7, 15),
                                       date(2024, 7, 22), date(2024, 7, 29)]
    state = PolicyState(item, Ladder(), calendar, TZ, EIGHT, sent=frozenset(
        ("1", "", "SCT", f"overdue@{day.isoformat()}") for day in overdue_days(found, "")))
    assert [r for r in due_reminders(state, datetime(2024, 8, 5, 8, 0, tzinfo=TZ))
            if r.track == "ladder"] == []


def test_the_ladder_sets_how_many_times_the_overdue_reminder_repeats(
        calendar: WorkingCalendar) -> None:
    item = (ScheduledOccurrence(Occurrence("1", "", "Quý 2 năm 2024", date(2024, 4, 1),
                                           date(2024, 6, 28)), DEADLINE, ("SCT",)),)
    once = timeline(item, Ladder(overdue_repeats=0), calendar, TZ, date(2024, 12, 31),
                    send_at=EIGHT)
    assert overdue_days(once, "") == [date(2024, 7, 1)]
    twice = timeline(item, Ladder.model_validate({"overdue_repeats": 1}), calendar, TZ,
                     date(2024, 12, 31), send_at=EIGHT)
    assert overdue_days(twice, "") == [date(2024, 7, 1), date(2024, 7, 8)]
    with pytest.raises(ValidationError):
        Ladder(overdue_repeats=-1)
