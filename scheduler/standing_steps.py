"""Where one item stands on every day at once, as steps: the running counts of the dashboard.

`scheduler.status.standing` says where an item stands on one day. An item's dates (its window
opens, its deadline passes, it is reported, done, blocked) change its category only on those
days, so its count in each category is a step function of the day: +1 from the day it enters,
-1 from the day it leaves. Summing the steps of every item up to a day gives that day's counts;
a change to an item takes its old steps away and adds its new ones. Stored days before the
current week can be folded into the Sunday ending their week (and the oldest into one floor
day) without changing any count read at a Sunday of the kept weeks or at a day of this week:
what the overview reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from scheduler.status import LONG_OVERDUE_DAYS

# Tally's field names: the categories a step counts in.
DONE_ON_TIME = "done_on_time"
DONE_LATE = "done_late"
IN_PROGRESS = "in_progress"
OVERDUE = "overdue"
BLOCKED_IN_TIME = "blocked_in_time"
BLOCKED_OVERDUE = "blocked_overdue"
LONG_OVERDUE = "long_overdue"
NOT_TRACKED = "not_tracked"
AWAITING = "awaiting"
CATEGORIES = (DONE_ON_TIME, DONE_LATE, IN_PROGRESS, OVERDUE, BLOCKED_IN_TIME, BLOCKED_OVERDUE,
              LONG_OVERDUE, NOT_TRACKED, AWAITING)

KEPT_WEEKS = 26  # weeks of history kept at a week's resolution; older days share one floor day


@dataclass(frozen=True)
class Facts:
    """What decides an item's category on any day (an assignment's dates, local days)."""

    opened: date  # its window's first day: counted from then on
    due: date  # the deadline in force (an approved extension included)
    done_on: date | None
    reported_on: date | None  # reported done, not yet confirmed (None once confirmed)
    untracked: bool  # due before its plan's tracking began
    blocked_from: date | None  # its first standing blocker report
    blocked_until: date | None  # the day it stopped being blocked (None: still blocked)


def _interval(category: str, start: date, end: date | None) -> Iterator[tuple[str, date, int]]:
    if end is None or end > start:
        yield category, start, 1
        if end is not None:
            yield category, end, -1


def _earliest(*days: date | None) -> date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


def steps(facts: Facts) -> Iterator[tuple[str, date, int]]:
    """Yield (category, day, +1/-1): the item counts in a category from each +1 day on until
    the next -1 day, exactly as `standing` (and `tally`) count it on that day."""
    opened, due = facts.opened, facts.due
    if facts.done_on is not None:
        done = DONE_LATE if facts.done_on > due else DONE_ON_TIME
        yield from _interval(done, max(opened, facts.done_on), None)
    if facts.reported_on is not None:
        yield from _interval(AWAITING, max(opened, facts.reported_on), facts.done_on)
    open_until = _earliest(facts.done_on, facts.reported_on)
    if facts.untracked:
        yield from _interval(NOT_TRACKED, opened, open_until)
        return
    late_from = max(opened, due + timedelta(days=1))
    yield from _interval(IN_PROGRESS, opened, _earliest(open_until, late_from))
    yield from _interval(OVERDUE, late_from, open_until)
    yield from _interval(LONG_OVERDUE, max(opened, due + timedelta(days=LONG_OVERDUE_DAYS + 1)),
                         open_until)
    if facts.blocked_from is None:
        return
    blocked_from = max(opened, facts.blocked_from)
    blocked_until = _earliest(open_until, facts.blocked_until)
    yield from _interval(BLOCKED_IN_TIME, blocked_from, _earliest(blocked_until, late_from))
    yield from _interval(BLOCKED_OVERDUE, max(blocked_from, late_from), blocked_until)


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def floor_day(monday: date) -> date:
    """The one day every step before the kept weeks is stored at (a Sunday)."""
    return monday - timedelta(days=1 + 7 * KEPT_WEEKS)


def stored_day(day: date, monday: date) -> date:
    """The day a step of `day` is stored at while `monday` begins the current week: itself in
    this week or later, else the Sunday ending its week, or the floor day before the kept weeks."""
    if day >= monday:
        return day
    sunday = day + timedelta(days=6 - day.weekday())
    return max(sunday, floor_day(monday))


def week_ends(today: date, weeks: int) -> list[date]:
    """The days the trend reads: the Sundays ending the `weeks - 1` weeks before this one, then
    `today` (this week so far)."""
    if not 1 <= weeks <= KEPT_WEEKS:
        raise ValueError(f"weeks must be 1..{KEPT_WEEKS}: {weeks}")
    last_sunday = week_monday(today) - timedelta(days=1)
    return [last_sunday - timedelta(days=7 * k) for k in range(weeks - 2, -1, -1)] + [today]
