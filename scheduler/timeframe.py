"""Turn a Vietnamese time frame ("Quý 2 năm 2024", "Hàng năm hoặc đột xuất") into a schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class TimeframeKind(StrEnum):
    DEADLINE = "deadline"
    RECURRING = "recurring"
    CONTINUOUS = "continuous"
    AFTER_EVENT = "after_event"
    UNSCHEDULED = "unscheduled"


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

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object printed by `nhacviec timeframe`."""
        return {
            "text": self.text,
            "kind": self.kind.value,
            "start": self.start.isoformat() if self.start else None,
            "due": self.due.isoformat() if self.due else None,
            "rrule": self.rrule,
            "ad_hoc": self.ad_hoc,
        }


def parse_timeframe(text: str, plan_start: date) -> Timeframe:
    """Return the schedule `text` describes. Unreadable text is UNSCHEDULED, never an error."""
    raise NotImplementedError
