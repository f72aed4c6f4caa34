"""The period a report covers: a reporting period of Circular 14/2024/TT-BCT, or "to date"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot import texts

# The values of `nhacviec report --period` and of /baocao's period word.
TO_DATE = "luy-ke"
CURRENT = "hien-tai"
_SPEC = re.compile(r"^(?P<year>\d{4})(?:-(?P<half>[Hh]1))?$")


@dataclass(frozen=True)
class ReportingPeriod:
    """A reporting period of Circular 14/2024/TT-BCT: the first half-year, or the whole year."""

    half_year: bool
    year: int
    start: date
    end: date

    @property
    def label(self) -> str:
        name = texts.REPORT_PERIOD_HALF_YEAR if self.half_year else texts.REPORT_PERIOD_YEAR
        return texts.REPORT_PERIOD.format(name=name, year=self.year, start=short_day(self.start),
                                          end=short_day(self.end))


def reporting_period(day: date) -> ReportingPeriod:
    """Return the period `day` falls in: 15/12 to 14/6 the half-year, 15/6 to 14/12 the year.

    Both periods start on 15/12 of the year before (Circular 14/2024/TT-BCT), so a day in the
    second half belongs to the annual period, the only one still open.
    """
    year = day.year + 1 if (day.month, day.day) >= (12, 15) else day.year
    if day <= date(year, 6, 14):
        return period_of(year, half_year=True)
    return period_of(year, half_year=False)


def period_of(year: int, *, half_year: bool) -> ReportingPeriod:
    """Return the half-year (15/12 of the year before to 14/6) or annual period of `year`."""
    start = date(year - 1, 12, 15)
    return ReportingPeriod(half_year, year, start,
                           date(year, 6, 14) if half_year else date(year, 12, 14))


def parse_period(text: str, today: date) -> ReportingPeriod | None:
    """Read a period word: `luy-ke` (None: to date), `hien-tai`, `2025-H1`, `2025`.

    Raise ValueError with the Vietnamese reason.
    """
    from scheduler.text import fold

    word = fold(text.strip()).replace(" ", "-")
    if word in (TO_DATE, "luyke"):
        return None
    if word in (CURRENT, "hientai"):
        return reporting_period(today)
    match = _SPEC.match(word)
    if match is None or not 2000 <= int(match["year"]) <= 2100:
        raise ValueError(texts.REPORT_BAD_PERIOD.format(text=text[:40]))
    return period_of(int(match["year"]), half_year=match["half"] is not None)


def scope_label(period: ReportingPeriod | None, today: date) -> str:
    """Return the header line saying what the counts cover."""
    if period is None:
        return texts.REPORT_SCOPE_TO_DATE.format(day=texts.day(today))
    return texts.REPORT_SCOPE_PERIOD.format(period=period.label)


def short_day(value: date) -> str:
    # The Circular's own way of writing the bounds: 15/12/2024 - 14/6/2025.
    return f"{value.day}/{value.month}/{value.year}"
