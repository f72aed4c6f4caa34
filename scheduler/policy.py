"""The reminder policy: who is reminded of what on which day, and what is due at an instant."""

from __future__ import annotations

from bisect import bisect_right
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from scheduler.occurrences import Occurrence, occurrences
from scheduler.plan import Directory, Ladder, Plan
from scheduler.timeframe import PERIODIC_KINDS, TimeframeKind, parse_timeframe
from scheduler.workdays import WorkingCalendar


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


# Ladder order: when two steps of one track land on the same day, the later one in this order
# is kept. A snooze ranks first so that a ladder step on the snooze day wins over it.
STEP_RANK: dict[Step, int] = {
    Step.SNOOZE: 0,
    Step.T30: 1,
    Step.PROGRESS: 2,
    Step.T7: 3,
    Step.T1: 4,
    Step.DUE: 5,
    Step.OVERDUE: 6,
    Step.ESCALATION: 7,
    Step.COORDINATE: 8,
}

_BEFORE_STEPS: dict[int, Step] = {30: Step.T30, 7: Step.T7, 1: Step.T1}

# Steps of one agency form independent tracks: the agency's own ladder, the escalation about it
# (delivered to the coordinator) and its coordination notice. Collapse and catch-up work per track.
_TRACK_OF: dict[Step, str] = {
    Step.ESCALATION: "escalation",
    Step.COORDINATE: "coordinate",
}


@dataclass(frozen=True)
class Reminder:
    """One message to send. `agency` is the agency concerned (the late one for an escalation).

    `key` is unique within (task_key, period, agency) and stable across evaluations, e.g.
    "T-30", "due", "overdue@2024-07-08", "progress@2024-09-30", "snooze@2024-06-29"; a dated key
    carries the reminder's own (moved) day. `label` is the occurrence's period as people read it.
    """

    task_key: str
    period: str
    agency: str
    step: Step
    key: str
    day: date
    send_at: datetime  # aware
    due: date
    label: str = ""

    @property
    def track(self) -> str:
        """Return the track the reminder belongs to: "ladder", "escalation" or "coordinate"."""
        return _TRACK_OF.get(self.step, "ladder")


def gets_progress_checkins(kind: TimeframeKind, occurrence: Occurrence, ladder: Ladder) -> bool:
    """Return True if the occurrence gets quarterly progress check-ins.

    Only deadline-kind occurrences qualify (recurring and continuous ones are periodic already),
    and only when their window is longer than `ladder.progress_window_days`.
    """
    window_days = (occurrence.due - occurrence.window_start).days
    return kind is TimeframeKind.DEADLINE and window_days > ladder.progress_window_days


def occurrence_timeline(occurrence: Occurrence, timeframe_kind: TimeframeKind,
                        lead_agencies: Iterable[str], coordinating_agencies: Iterable[str],
                        ladder: Ladder, calendar: WorkingCalendar, tz: tzinfo,
                        horizon: date, *, send_at: time, moved: bool = False,
                        superseded_on: date | None = None) -> list[Reminder]:
    """Return every reminder of one occurrence on or before `horizon`, assuming nothing is done.

    `moved`: the occurrence's due date is one an extension set, so the undated steps ("T-7",
    "due") get keys of their own ("T-7~2024-08-30"): those of the old date may have been sent.

    Each is sent at `send_at` (local time in `tz`) of its day: the daily send time the timer
    ticks at, so a reminder is never due after the tick meant to send it.
    `superseded_on` is the day the task's next period opens (recurring and continuous tasks,
    see `superseded_days`): the overdue reminder is not repeated to the agency from that day on.
    Sorted by day; within a day, by agency (leads first, in the given order) and ladder order.
    """
    leads = list(dict.fromkeys(lead_agencies))
    coordinators = [code for code in dict.fromkeys(coordinating_agencies) if code not in leads]
    ladder_days = _lead_ladder(occurrence, timeframe_kind, ladder, calendar, horizon,
                               superseded_on)
    if moved:
        suffix = f"~{occurrence.due.isoformat()}"
        ladder_days = [(step, key if "@" in key else key + suffix, day)
                       for step, key, day in ladder_days]
    coordinate_day = calendar.on_or_before(
        occurrence.due - timedelta(days=ladder.coordinate_before_days))

    result: list[Reminder] = []
    for agency in leads:
        for step, key, day in ladder_days:
            result.append(_reminder(occurrence, agency, step, key, day, send_at, tz))
    if coordinate_day <= horizon:
        for agency in coordinators:
            result.append(_reminder(occurrence, agency, Step.COORDINATE, Step.COORDINATE.value,
                                    coordinate_day, send_at, tz))
    result.sort(key=lambda reminder: reminder.day)
    return result


def _lead_ladder(occurrence: Occurrence, kind: TimeframeKind, ladder: Ladder,
                 calendar: WorkingCalendar, horizon: date,
                 superseded_on: date | None = None) -> list[tuple[Step, str, date]]:
    """Return (step, key, day) of one lead agency's steps, collapsed per track, by day."""
    due = occurrence.due
    window_days = (due - occurrence.window_start).days
    steps: list[tuple[Step, str, date]] = []

    for days_before in ladder.before_days:
        step = _BEFORE_STEPS.get(days_before)
        if step is None:
            raise ValueError(f"unsupported reminder ladder step: {days_before} days before")
        if step is Step.T30 and window_days <= ladder.long_window_days:
            continue
        steps.append((step, step.value, calendar.on_or_before(due - timedelta(days=days_before))))

    steps.append((Step.DUE, Step.DUE.value, calendar.on_or_before(due)))

    if gets_progress_checkins(kind, occurrence, ladder):
        for quarter_end in _quarter_ends(occurrence.window_start, due):
            day = calendar.on_or_before(quarter_end)
            steps.append((Step.PROGRESS, f"progress@{day.isoformat()}", day))

    first_overdue = calendar.add_working_days(due, ladder.overdue_after_working_days)
    nominal = first_overdue
    # The first overdue reminder, then `overdue_repeats` weekly repeats, none once the next
    # period is open: nagging ends, the item stays overdue for the coordinator.
    for repeat in range(ladder.overdue_repeats + 1):
        if nominal > horizon:
            break
        day = calendar.on_or_after(nominal)
        if repeat and superseded_on is not None and day >= superseded_on:
            break
        steps.append((Step.OVERDUE, f"overdue@{day.isoformat()}", day))
        nominal += timedelta(days=ladder.overdue_repeat_days)

    escalation_day = calendar.add_working_days(due, ladder.escalate_after_working_days)
    steps.append((Step.ESCALATION, Step.ESCALATION.value, escalation_day))

    kept = _collapse(steps)
    return sorted((s for s in kept if s[2] <= horizon), key=lambda s: (s[2], STEP_RANK[s[0]]))


def _quarter_ends(window_start: date, due: date) -> list[date]:
    """Return the quarter ends strictly between `window_start` and `due`.

    The quarter holding `due` ends on or after it, so it is never among them.
    """
    result: list[date] = []
    quarter_end = _quarter_end(window_start)
    while quarter_end < due:
        if quarter_end > window_start:
            result.append(quarter_end)
        quarter_end = _quarter_end(quarter_end + timedelta(days=1))
    return result


def _quarter_end(day: date) -> date:
    last_month = (day.month - 1) // 3 * 3 + 3
    return date(day.year, last_month, monthrange(day.year, last_month)[1])


def _collapse(steps: list[tuple[Step, str, date]]) -> list[tuple[Step, str, date]]:
    """Keep, per track and day, only the latest step in ladder order."""
    kept: dict[tuple[str, date], tuple[Step, str, date]] = {}
    for step in steps:
        slot = (_TRACK_OF.get(step[0], "ladder"), step[2])
        if slot not in kept or STEP_RANK[step[0]] > STEP_RANK[kept[slot][0]]:
            kept[slot] = step
    return list(kept.values())


def _reminder(occurrence: Occurrence, agency: str, step: Step, key: str, day: date,
              send_time: time, tz: tzinfo) -> Reminder:
    return Reminder(task_key=occurrence.task_key, period=occurrence.period, agency=agency,
                    step=step, key=key, day=day,
                    send_at=datetime.combine(day, send_time, tzinfo=tz), due=occurrence.due,
                    label=occurrence.label)


@dataclass(frozen=True)
class ScheduledOccurrence:
    """An occurrence with what the policy needs: its time-frame kind and its agencies."""

    occurrence: Occurrence
    kind: TimeframeKind
    lead: tuple[str, ...]
    coordinating: tuple[str, ...] = ()
    moved: bool = False  # the due date is one an approved extension set (see occurrence_timeline)


@dataclass(frozen=True)
class PolicyState:
    """Everything `due_reminders` needs; the caller builds it from the plan and the database.

    `sent` holds (task_key, period, agency, key) of reminders already sent; `done` holds
    (task_key, period, agency) of agencies that finished that occurrence; `snoozes` maps
    (task_key, period, agency) to the day that agency asked to be reminded again.
    """

    occurrences: tuple[ScheduledOccurrence, ...]
    ladder: Ladder
    calendar: WorkingCalendar
    tz: tzinfo
    send_at: time  # the daily send time, local in `tz`
    sent: frozenset[tuple[str, str, str, str]] = frozenset()
    done: frozenset[tuple[str, str, str]] = frozenset()
    snoozes: Mapping[tuple[str, str, str], date] = field(default_factory=dict)


def due_reminders(state: PolicyState, now: datetime) -> list[Reminder]:
    """Return what to send at `now`: per occurrence, agency and track, the latest step due.

    A step is due when its send_at <= now. Earlier unsent steps are superseded, never sent late;
    if the latest due step was already sent, or the agency is done, nothing is sent for it.
    """
    horizon = now.astimezone(state.tz).date()
    latest: dict[tuple[str, str, str, str], Reminder] = {}
    superseded = superseded_days(state.occurrences)
    for scheduled in state.occurrences:
        occurrence = scheduled.occurrence
        candidates = occurrence_timeline(
            occurrence, scheduled.kind, scheduled.lead, scheduled.coordinating, state.ladder,
            state.calendar, state.tz, horizon, send_at=state.send_at, moved=scheduled.moved,
            superseded_on=superseded.get((occurrence.task_key, occurrence.period)))
        for agency in dict.fromkeys((*scheduled.lead, *scheduled.coordinating)):
            snooze_day = state.snoozes.get((occurrence.task_key, occurrence.period, agency))
            if snooze_day is not None:
                candidates.append(_reminder(occurrence, agency, Step.SNOOZE,
                                            f"snooze@{snooze_day.isoformat()}", snooze_day,
                                            state.send_at, state.tz))
        for reminder in candidates:
            if reminder.send_at > now:
                continue
            if (reminder.task_key, reminder.period, reminder.agency) in state.done:
                continue
            track = (reminder.task_key, reminder.period, reminder.agency, reminder.track)
            current = latest.get(track)
            if current is None or _order(reminder) > _order(current):
                latest[track] = reminder
    due = [reminder for reminder in latest.values()
           if (reminder.task_key, reminder.period, reminder.agency, reminder.key) not in state.sent]
    return sorted(due, key=lambda reminder: reminder.send_at)


def _order(reminder: Reminder) -> tuple[datetime, int]:
    return reminder.send_at, STEP_RANK[reminder.step]


def superseded_days(scheduled: Iterable[ScheduledOccurrence]) -> dict[tuple[str, str], date]:
    """Return, per (task key, period) of a recurring or continuous task, the day its next
    period opens (the window start of the task's next occurrence among `scheduled`).

    From that day the agency is reminded of the new period, not of the one it supersedes.
    """
    by_task: dict[str, list[Occurrence]] = {}
    for item in scheduled:
        if item.kind in PERIODIC_KINDS:
            by_task.setdefault(item.occurrence.task_key, []).append(item.occurrence)
    result: dict[tuple[str, str], date] = {}
    for periods in by_task.values():
        opens = sorted({o.window_start for o in periods})
        for occurrence in periods:
            index = bisect_right(opens, occurrence.window_start)
            if index < len(opens):
                result[(occurrence.task_key, occurrence.period)] = opens[index]
    return result


def schedule_plan(plan: Plan, directory: Directory, until: date) -> list[ScheduledOccurrence]:
    """Return every occurrence of the plan due on or before `until` (deadlines always)."""
    result: list[ScheduledOccurrence] = []
    for task in plan.tasks:
        timeframe = parse_timeframe(task.timeframe, plan.start)
        lead = directory.expand(task.lead)
        coordinating = directory.expand(task.coordinating)
        for occurrence in occurrences(task.key, timeframe, plan.start, until):
            result.append(ScheduledOccurrence(occurrence, timeframe.kind, lead, coordinating))
    return result


# How far past `until` an occurrence can be due and still have a step on or before `until`:
# the longest lead time plus a margin for steps moved earlier across a long holiday (Tết).
HOLIDAY_MARGIN = timedelta(days=31)
# The next period of a yearly task must be known too: opening, it supersedes the one before
# (`superseded_days`). The tick syncs as far (bot.app.SYNC_HORIZON).
_NEXT_PERIOD_MARGIN = timedelta(days=400)


def timeline_horizon(ladder: Ladder, until: date) -> date:
    """Return how far occurrences are needed for every step on or before `until`."""
    lead_time = timedelta(days=max((*ladder.before_days, ladder.coordinate_before_days)))
    return until + max(lead_time + HOLIDAY_MARGIN, _NEXT_PERIOD_MARGIN)


def timeline(scheduled: Iterable[ScheduledOccurrence], ladder: Ladder,
             calendar: WorkingCalendar, tz: tzinfo, until: date, *,
             send_at: time) -> list[Reminder]:
    """Return the reminders of `scheduled` on or before `until`, assuming nothing is done, by
    day (within a day, in the order of `scheduled`)."""
    items = list(scheduled)
    superseded = superseded_days(items)
    result: list[Reminder] = []
    for item in items:
        result.extend(occurrence_timeline(
            item.occurrence, item.kind, item.lead, item.coordinating, ladder, calendar, tz,
            until, send_at=send_at, moved=item.moved,
            superseded_on=superseded.get((item.occurrence.task_key, item.occurrence.period))))
    result.sort(key=lambda reminder: reminder.day)
    return result


def plan_timeline(plan: Plan, directory: Directory, calendar: WorkingCalendar, tz: tzinfo,
                  until: date, *, send_at: time) -> list[Reminder]:
    """Return the plan's reminders on or before `until`, assuming nothing is done, by day.

    `send_at` is the daily send time, the same the tick uses (NHACVIEC_SEND_AT).
    """
    scheduled = schedule_plan(plan, directory, timeline_horizon(plan.ladder, until))
    return timeline(scheduled, plan.ladder, calendar, tz, until, send_at=send_at)
