"""The categories of Vietnamese government task tracking, computed from dates alone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

# Provinces single out items overdue for more than this many days (DOMAIN.md).
LONG_OVERDUE_DAYS = 120


class Category(StrEnum):
    DONE_ON_TIME = "hoan_thanh_dung_han"
    DONE_LATE = "hoan_thanh_qua_han"
    IN_PROGRESS = "dang_thuc_hien_trong_han"
    OVERDUE = "qua_han"
    # Due before the plan's tracking began (a plan taken up mid-way): neither overdue nor in
    # progress, and no reminders.
    NOT_TRACKED = "khong_theo_doi"
    AWAITING = "cho_xac_nhan"  # reported done, the coordinator has not confirmed it yet


@dataclass(frozen=True)
class Standing:
    """Where one assignment stands on `today`: its category, blocked or not, days late."""

    category: Category
    blocked: bool
    days_late: int

    @property
    def long_overdue(self) -> bool:
        return self.category is Category.OVERDUE and self.days_late > LONG_OVERDUE_DAYS


def standing(due: date, done_on: date | None, blocked: bool, today: date,
             track_from: date | None = None, *, reported_on: date | None = None) -> Standing:
    """Return the category of an item due on `due`, done on `done_on` (None if not done).

    An item not done and due before `track_from` is not tracked: it is neither late nor open.
    `reported_on`: the day a completion still awaiting confirmation was reported (its days late
    are counted to that day).
    """
    if reported_on is not None and done_on is None:
        return Standing(Category.AWAITING, False, max(0, (reported_on - due).days))
    if done_on is not None:
        late = max(0, (done_on - due).days)
        category = Category.DONE_LATE if late else Category.DONE_ON_TIME
        return Standing(category, False, late)
    if track_from is not None and due < track_from:
        return Standing(Category.NOT_TRACKED, blocked, 0)
    late = max(0, (today - due).days)
    category = Category.OVERDUE if late else Category.IN_PROGRESS
    return Standing(category, blocked, late)


class Tracked(Protocol):
    """Anything with a due date, a completion date and a blocked flag (an assignment)."""

    @property
    def due(self) -> date: ...

    @property
    def completed_on(self) -> date | None: ...

    @property
    def blocked(self) -> bool: ...

    @property
    def track_from(self) -> date | None: ...


def standing_of(item: Tracked, today: date) -> Standing:
    """Return where `item` stands on `today` (an item with a `reported_done_on` day and no
    completion awaits confirmation)."""
    reported_on: date | None = getattr(item, "reported_done_on", None)
    return standing(item.due, item.completed_on, item.blocked, today, item.track_from,
                    reported_on=reported_on)


@dataclass(frozen=True)
class Tally:
    """Counts of the status categories over some assignments."""

    done_on_time: int = 0
    done_late: int = 0
    in_progress: int = 0
    overdue: int = 0
    blocked_in_time: int = 0
    blocked_overdue: int = 0
    long_overdue: int = 0
    not_tracked: int = 0  # apart: in no other count, the total and the overdue share included
    awaiting: int = 0  # reported done, waiting for the coordinator's confirmation

    @property
    def total(self) -> int:
        return (self.done_on_time + self.done_late + self.in_progress + self.overdue
                + self.awaiting)

    @property
    def blocked(self) -> int:
        return self.blocked_in_time + self.blocked_overdue

    @property
    def overdue_share(self) -> float:
        """Return the overdue items as a fraction of all items (0 when there are none)."""
        return self.overdue / self.total if self.total else 0.0


def tally(standings: Iterable[Standing]) -> Tally:
    """Return the counts of the categories of `standings`."""
    counts = dict.fromkeys(Category, 0)
    blocked_in_time = blocked_overdue = long_overdue = 0
    for item in standings:
        counts[item.category] += 1
        if item.category is Category.NOT_TRACKED:
            continue
        if item.blocked and item.category is Category.OVERDUE:
            blocked_overdue += 1
        elif item.blocked:
            blocked_in_time += 1
        long_overdue += item.long_overdue
    return Tally(counts[Category.DONE_ON_TIME], counts[Category.DONE_LATE],
                 counts[Category.IN_PROGRESS], counts[Category.OVERDUE], blocked_in_time,
                 blocked_overdue, long_overdue, counts[Category.NOT_TRACKED],
                 counts[Category.AWAITING])


def chase_order(counts: Tally) -> tuple[int, int]:
    """Sort key of agencies as a coordinator chases them: the most overdue first, then the most
    blocked (/status, the digest and the upward report share it)."""
    return (-counts.overdue, -counts.blocked)
