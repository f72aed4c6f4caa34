"""The schedule a time frame describes: its kind, dates, rule, and the canonical rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from dateutil.rrule import rrulestr


class TimeframeKind(StrEnum):
    DEADLINE = "deadline"
    RECURRING = "recurring"
    CONTINUOUS = "continuous"
    AFTER_EVENT = "after_event"
    UNSCHEDULED = "unscheduled"


# The kinds whose periods follow one another (a StrEnum: a stored kind's text is in it too).
PERIODIC_KINDS = frozenset((TimeframeKind.RECURRING, TimeframeKind.CONTINUOUS))


@dataclass(frozen=True)
class Timeframe:
    """A parsed time frame.

    `start` is the window start (None when open); `due` the first due date on or after
    max(start, plan start) (None when there is none); `rrule` an RFC 5545 RRULE body without
    DTSTART (e.g. "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31") for recurring and continuous kinds.
    """

    text: str
    kind: TimeframeKind
    start: date | None
    due: date | None
    rrule: str | None
    ad_hoc: bool = False
    # What the reader could not use: the words it could not place, and for UNSCHEDULED time
    # frames a reason code (see README, "Time frames"). Not part of the schedule's identity.
    unread: tuple[str, ...] = field(default=(), compare=False)
    reason: str | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object printed by `nhacviec timeframe`.

        `unread` (the words it could not place) and `reason` (why it is UNSCHEDULED) are
        present only when there is something to say, so a clean reading keeps the old shape.
        """
        found: dict[str, Any] = {
            "text": self.text,
            "kind": self.kind.value,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "rrule": self.rrule,
            "ad_hoc": self.ad_hoc,
        }
        if self.unread:
            found["unread"] = list(self.unread)
        if self.reason:
            found["reason"] = self.reason
        return found


# --- Canonical rules -----------------------------------------------------------------------------

YEARLY_END_RULE = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"
HALF_YEARLY_RULE = "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"
QUARTERLY_RULE = "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
MONTHLY_RULE = "FREQ=MONTHLY;BYMONTHDAY=-1"

# Longer text is prose, not a time frame; the cap also bounds the work per phrase.
MAX_TEXT_LENGTH = 400


def yearly_rule(month: int, day: int) -> str:
    """Return the rule "every year on day/month"; day -1 is the month's last day."""
    date(2000, month, day if day > 0 else 1)  # a leap year: raises ValueError unless a real day
    if month == 2 and day == 29:
        # 29/2 exists one year in four; the other years the last day of February stands for it.
        return "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=28,29;BYSETPOS=-1"
    return f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}"


def monthly_rule(day: int) -> str:
    """Return the rule "every month on `day`", the month's last day when it is shorter."""
    if day <= 28:
        return f"FREQ=MONTHLY;BYMONTHDAY={day}"
    # A plain BYMONTHDAY=30 would skip February; the last of 28..day is the day or the month end.
    days = ",".join(str(d) for d in range(28, day + 1))
    return f"FREQ=MONTHLY;BYMONTHDAY={days};BYSETPOS=-1"


def first_instance(rule: str, on_or_after: date) -> date | None:
    """Return the first date of `rule` on or after `on_or_after`, or None if there is none."""
    start = datetime(on_or_after.year, on_or_after.month, on_or_after.day)
    found = rrulestr(rule, dtstart=start).after(start, inc=True)
    return found.date() if found else None


def _rule_parts(rule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rule.upper().split(";") if "=" in part)


def rule_period_code(rrule: str, due: date) -> str:
    """Return the period name of the occurrence of `rrule` due on `due` ("2024-Q3", "2024-07").

    Yearly rules with one, two or four months give "2024", "2024-H1"/"2024-H2", "2024-Q1"...;
    monthly rules "2024-07"; any other rule the due date itself ("2024-07-15").
    """
    parts = _rule_parts(rrule)
    months = parts.get("BYMONTH", "").split(",")
    if parts.get("FREQ") == "MONTHLY":
        return f"{due.year}-{due.month:02d}"
    if parts.get("FREQ") == "YEARLY":
        if len(months) == 1:
            return str(due.year)
        if len(months) == 2:
            return f"{due.year}-H{1 if due.month <= 6 else 2}"
        if len(months) == 4:
            return f"{due.year}-Q{(due.month - 1) // 3 + 1}"
    return due.isoformat()


def rule_period_label(rrule: str, due: date) -> str:
    """Return the Vietnamese period name a person reads ("Quý 3/2024", "Tháng 7/2024")."""
    code = rule_period_code(rrule, due)
    year, _, part = code.partition("-")
    if not part:
        return f"Năm {year}"
    if part == "H1":
        return f"6 tháng đầu năm {year}"
    if part == "H2":
        return f"6 tháng cuối năm {year}"
    if part.startswith("Q"):
        return f"Quý {part[1:]}/{year}"
    if len(code) == len("2024-07"):
        return f"Tháng {due.month}/{year}"
    return f"Ngày {due.day}/{due.month}/{due.year}"


