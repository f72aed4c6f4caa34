"""The reminder policy: who is reminded of what on which day, and what is due at an instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Step(StrEnum):
    T30 = "T-30"
    T7 = "T-7"
    T1 = "T-1"
    DUE = "due"
    PROGRESS = "progress"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    COORDINATE = "coordinate"
    SNOOZE = "snooze"


@dataclass(frozen=True)
class Reminder:
    """One message to send. `agency` is the agency concerned (the late one for an escalation).

    `key` is unique within (task_key, period, agency) and stable across evaluations, e.g.
    "T-30", "due", "overdue@2024-07-08", "progress@2024-09-30", "snooze@2024-06-29".
    """

    task_key: str
    period: str
    agency: str
    step: Step
    key: str
    day: date
    send_at: datetime  # aware
    due: date
