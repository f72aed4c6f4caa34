"""The steps of an item count it, on every day, in the categories `standing` and `tally` give
it that day; stored days folded into their weeks read the same at every day the overview reads."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import asdict
from datetime import date, timedelta

import pytest

from scheduler.standing_steps import (
    KEPT_WEEKS,
    Facts,
    floor_day,
    steps,
    stored_day,
    week_ends,
    week_monday,
)
from scheduler.status import Tally, standing, tally

START = date(2025, 1, 1)


def _random_facts(rng: random.Random) -> Facts:
    def some_day(after: date, spread: int) -> date:
        return after + timedelta(days=rng.randint(0, spread))

    opened = some_day(START, 200)
    due = some_day(opened - timedelta(days=30), 150)
    done_on = some_day(opened - timedelta(days=20), 300) if rng.random() < 0.5 else None
    reported_on = some_day(opened - timedelta(days=10), 250) if rng.random() < 0.3 else None
    if done_on is not None and reported_on is not None and reported_on > done_on:
        reported_on = done_on  # confirmed: done as of the day it was reported
    blocked_from = blocked_until = None
    if rng.random() < 0.5:
        blocked_from = some_day(opened - timedelta(days=20), 250)
        if rng.random() < 0.5:
            blocked_until = some_day(blocked_from - timedelta(days=5), 90)
    return Facts(opened, due, done_on, reported_on, rng.random() < 0.15, blocked_from,
                 blocked_until)


def _on(facts: Facts, day: date) -> Tally:
    """What /status counts on `day` for the item as it stood then."""
    if day < facts.opened:
        return Tally()
    done = facts.done_on if facts.done_on is not None and facts.done_on <= day else None
    reported = facts.reported_on if facts.reported_on is not None and \
        facts.reported_on <= day else None
    blocked = (facts.blocked_from is not None and facts.blocked_from <= day
               and (facts.blocked_until is None or day < facts.blocked_until))
    track_from = facts.due + timedelta(days=1) if facts.untracked else None
    return tally([standing(facts.due, done, blocked, day, track_from, reported_on=reported)])


def _summed(facts: Facts, day: date) -> Tally:
    values: dict[str, int] = defaultdict(int)
    for category, at, delta in steps(facts):
        if at <= day:
            values[category] += delta
    return Tally(**values)


def test_the_steps_of_an_item_give_its_category_on_every_day() -> None:
    rng = random.Random(7)
    for _ in range(400):
        facts = _random_facts(rng)
        for offset in range(-40, 560, 3):
            day = START + timedelta(days=offset)
            assert _summed(facts, day) == _on(facts, day), (asdict(facts), day)


def test_an_item_overdue_long_counts_as_long_overdue_from_the_121st_day_late() -> None:
    facts = Facts(date(2025, 1, 1), date(2025, 3, 31), None, None, False, None, None)
    assert _summed(facts, date(2025, 7, 29)).long_overdue == 0  # 120 days late
    assert _summed(facts, date(2025, 7, 30)) == Tally(overdue=1, long_overdue=1)


def test_folded_days_read_the_same_at_the_sundays_of_the_kept_weeks_and_this_week() -> None:
    rng = random.Random(3)
    today = date(2025, 11, 19)  # a Wednesday
    monday = week_monday(today)
    items = [_random_facts(rng) for _ in range(300)]
    exact: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    folded: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for facts in items:
        for category, day, delta in steps(facts):
            exact[day][category] += delta
            folded[stored_day(day, monday)][category] += delta
    reads = week_ends(today, KEPT_WEEKS) + [monday + timedelta(days=k) for k in range(7)]
    assert min(reads) >= floor_day(monday)
    for day in reads:
        def total(by_day: dict[date, dict[str, int]], until: date) -> dict[str, int]:
            sums: dict[str, int] = defaultdict(int)
            for at, values in by_day.items():
                if at <= until:
                    for category, n in values.items():
                        sums[category] += n
            return {k: v for k, v in sums.items() if v}
        assert total(folded, day) == total(exact, day), day
    assert len(folded) < len(exact) / 3


def test_the_trend_reads_the_sundays_before_this_week_then_today() -> None:
    ends = week_ends(date(2026, 12, 2), 3)
    assert ends == [date(2026, 11, 22), date(2026, 11, 29), date(2026, 12, 2)]
    with pytest.raises(ValueError):
        week_ends(date(2026, 12, 2), KEPT_WEEKS + 1)
