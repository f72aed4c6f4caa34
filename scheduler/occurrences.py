"""The occurrences of a task: one for a deadline, one per rule instance for periodic tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Occurrence:
    """One due date of one task.

    `period` names it inside the task: "" for a one-off deadline, "2024" for a yearly rule,
    "2024-Q3" quarterly, "2024-H1" half-yearly, "2024-07" monthly, "DX1"... for ad-hoc ones.
    `label` is the Vietnamese period a person reads ("Quý 3/2024", "Năm 2024", the time-frame text).
    """

    task_key: str
    period: str
    label: str
    window_start: date
    due: date
