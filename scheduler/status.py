"""The categories of Vietnamese government task tracking, computed from dates alone."""

from __future__ import annotations

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


@dataclass(frozen=True)
class Standing:
    """Where one assignment stands on `today`: its category, blocked or not, days late."""

    category: Category
    blocked: bool
    days_late: int

    @property
    def long_overdue(self) -> bool:
        return self.category is Category.OVERDUE and self.days_late > LONG_OVERDUE_DAYS


def standing(due: date, done_on: date | None, blocked: bool, today: date) -> Standing:
    """Return the category of an item due on `due`, done on `done_on` (None if not done)."""
    if done_on is not None:
        late = max(0, (done_on - due).days)
        category = Category.DONE_LATE if late else Category.DONE_ON_TIME
        return Standing(category, False, late)
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


def standing_of(item: Tracked, today: date) -> Standing:
    """Return where `item` stands on `today`."""
    return standing(item.due, item.completed_on, item.blocked, today)
