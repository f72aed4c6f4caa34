"""Vietnamese working days: Monday to Friday, minus public holidays, plus swapped Saturdays."""

from __future__ import annotations

from datetime import date
from pathlib import Path


class WorkingCalendar:
    """Working days from the `holidays` package (VN), adjusted by an operator's overrides."""

    def __init__(self, extra_days_off: frozenset[date] = frozenset(),
                 extra_working_days: frozenset[date] = frozenset()) -> None:
        raise NotImplementedError

    @classmethod
    def from_overrides(cls, path: Path | None = None) -> WorkingCalendar:
        """Load `plan_data/calendar_overrides.yaml` (or `path`)."""
        raise NotImplementedError

    def is_working_day(self, day: date) -> bool:
        raise NotImplementedError

    def on_or_before(self, day: date) -> date:
        """Return `day` if it is a working day, else the previous working day."""
        raise NotImplementedError

    def on_or_after(self, day: date) -> date:
        raise NotImplementedError

    def add_working_days(self, day: date, count: int) -> date:
        """Return the `count`-th working day after `day` (count >= 1)."""
        raise NotImplementedError
