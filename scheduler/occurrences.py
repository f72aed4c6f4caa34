"""The occurrences of a task: one for a deadline, one per rule instance for periodic tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr

from scheduler.timeframe import Timeframe, TimeframeKind, rule_period_code, rule_period_label


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


def occurrences(task_key: str, timeframe: Timeframe, plan_start: date,
                until: date) -> list[Occurrence]:
    """Return the task's occurrences, in due order.

    A deadline gives one (whatever `until`); a recurring or continuous rule one per instance
    from max(start, plan start) to `until` inclusive; after-event and unscheduled time frames
    none.
    """
    first_day = max(timeframe.start or plan_start, plan_start)
    if timeframe.kind is TimeframeKind.DEADLINE:
        if timeframe.due is None:
            return []
        return [Occurrence(task_key, "", timeframe.text, first_day, timeframe.due)]
    if timeframe.kind in (TimeframeKind.RECURRING, TimeframeKind.CONTINUOUS):
        if timeframe.rrule is None:
            return []
        if timeframe.due is None or timeframe.due > until:
            return []
        # The first due date may be the time frame's own rather than a rule instance ("Năm 2025
        # và thường xuyên"); the rule takes over after it, skipping the rest of its period.
        rule, due = timeframe.rrule, timeframe.due
        first = Occurrence(task_key, rule_period_code(rule, due), rule_period_label(rule, due),
                           first_day, due)
        rest = _rule_occurrences(task_key, rule, due + timedelta(days=1), until)
        return [first, *(o for o in rest if o.period != first.period)]
    return []


def _rule_occurrences(task_key: str, rule: str, first_day: date, until: date) -> list[Occurrence]:
    dtstart = datetime.combine(first_day, datetime.min.time())
    instances = rrulestr(rule, dtstart=dtstart).between(
        dtstart, datetime.combine(until, datetime.min.time()), inc=True
    )
    result: list[Occurrence] = []
    window_start = first_day
    for instance in instances:
        due = instance.date()
        result.append(Occurrence(task_key, rule_period_code(rule, due),
                                 rule_period_label(rule, due), window_start, due))
        window_start = due + timedelta(days=1)
    return result
