"""Combining the parts of a time frame into one schedule."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta

from scheduler.timeframe.model import (
    QUARTERLY_RULE,
    Timeframe,
    TimeframeKind,
    first_instance,
    monthly_rule,
    yearly_rule,
)
from scheduler.timeframe.words import (
    _GRAINS,
    _RULES,
    Item,
    _Atom,
    _month_end,
    _Unreadable,
    _When,
)

# --- Combining the parts into one schedule -------------------------------------------------------


def _group(items: list[Item]) -> tuple[list[_When], dict[str, list[int]]]:
    """Return the periods (single or ranges, with their modifiers) and where each marker is.

    Periods joined only by links (",", "và", "-", "đến", modifiers) form one group: a period
    without a year takes the year of the next one of its group ("tháng 11, 12/2013").
    """
    whens: list[_When] = []
    markers: dict[str, list[int]] = {}
    group, mod, connect = 0, "", False
    last: _When | None = None
    for kind, value, pos in items:
        if kind == "atom":
            if connect and last is not None and last.last is None and last.group == group:
                last.last = value
            else:
                last = _When(value, pos, group, mod or ("by" if connect else ""))
                whens.append(last)
            mod, connect = "", False
        elif kind == "mod":
            # "chậm nhất từ ngày X": at the latest X, not from X on
            if value != "in" and not (mod in ("before", "by") and value == "from"):
                mod = value
        elif kind == "conn":
            connect = True
        elif kind == "sep":
            mod, connect = "", False
        elif kind == "open":
            if last is not None:
                last.open = True
        elif kind in ("filler", "word"):
            group, connect = group + 1, False
        elif kind == "hard":
            group, mod, connect, last = group + 1, "", False, None
        else:
            if kind == "until" and last is not None and last.mod == "from" and last.last is None:
                last.open = True  # "từ tháng 10/2025 đến khi ...": an open start
            markers.setdefault(kind, []).append(pos)
            group, mod, connect = group + 1, "", False
    _backfill(whens)
    return whens, markers


def _backfill(whens: list[_When]) -> None:
    """Give a period without a year (a day without a month) those of the next one of its group."""
    year: int | None = None
    month: int | None = None
    group = -1
    for when in reversed(whens):
        if when.group != group:
            group, year, month = when.group, None, None
        for atom in (when.last, when.first):
            if atom is None or atom.grain == "now":
                continue
            if atom.year is None and year is not None and atom.grain != "qday":
                atom.year, atom.inherited = year, True
            if atom.grain == "day" and atom.number is None and month is not None:
                atom.number = month
            if atom.year is not None:
                year = atom.year
            if atom.grain == "day" and atom.number is not None:
                month = atom.number


def _yearless(when: _When) -> bool:
    return all(a.year is None and a.grain != "now" for a in (when.first, when.last) if a)


def _window(atom: _Atom, year: int, plan_start: date) -> tuple[date | None, date]:
    """Return the window of `atom` in `year`; raises ValueError for a day no calendar has."""
    n = atom.number or 1
    if atom.grain == "now":
        return plan_start, plan_start
    if atom.grain == "day":
        if atom.number is None or atom.day is None:
            raise _Unreadable("incomplete")
        return None, date(year, atom.number, atom.day)
    if atom.grain == "month":
        return date(year, n, 1), _month_end(year, n)
    if atom.grain == "quarter":
        return date(year, 3 * n - 2, 1), _month_end(year, 3 * n)
    if atom.grain == "half":
        return date(year, 6 * n - 5, 1), _month_end(year, 6 * n)
    if atom.grain == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if atom.grain == "school":
        return date(year, 9, 1), date(year + 1, 5, 31)
    raise _Unreadable("incomplete")  # a day of every quarter needs a rhythm


def _atom_window(atom: _Atom, plan_start: date) -> tuple[date | None, date]:
    """Return the window of `atom`; without a year, the first one ending on/after plan start."""
    if atom.year is not None:
        return _window(atom, atom.year, plan_start)
    this_year = _window(atom, plan_start.year, plan_start)
    if this_year[1] >= plan_start:
        atom.year = plan_start.year
        return this_year
    atom.year = plan_start.year + 1
    return _window(atom, plan_start.year + 1, plan_start)


def _resolve(when: _When, plan_start: date) -> None:
    """Fill `when.start`/`when.end` from its atoms and modifier."""
    first = when.first
    if when.last is None:
        start, end = _atom_window(first, plan_start)
    else:
        end = _atom_window(when.last, plan_start)[1]
        if first.year is None and first.grain != "now":
            first.year, first.inherited = when.last.year, True
        start, first_end = _atom_window(first, plan_start)
        if (start or first_end) > end and first.inherited and first.year is not None:
            first.year -= 1  # "từ tháng 11 đến tháng 2/2026": November 2025
            start, first_end = _window(first, first.year, plan_start)
        start = start or first_end
        if start > end:
            raise _Unreadable("range_reversed")
    if when.mod == "after":
        start = end = end + timedelta(days=1)
        when.mod = "from"
    elif when.mod == "before" and when.last is None:
        start, end = None, (end if start is None else start - timedelta(days=1))
    elif when.mod == "by":
        start = None
    elif when.mod == "from" and start is None:
        start = end  # "từ ngày 15/10/2013": that day on
    elif when.mod == "early" and start is not None:
        # "đầu năm": the first quarter; "đầu quý": its first month; "đầu tháng": ten days
        if first.grain in ("year", "half"):
            end = _month_end(start.year, start.month + 2)
        elif first.grain == "quarter":
            end = _month_end(start.year, start.month)
        elif first.grain == "month":
            end = start + timedelta(days=9)
    elif when.mod == "middle" and start is not None:
        # "giữa năm": by 30/6; "giữa quý": its second month; "giữa tháng": the 15th
        if first.grain == "year":
            end = date(start.year, 6, 30)
        elif first.grain == "quarter":
            end = _month_end(start.year, start.month + 1)
        elif first.grain == "month":
            end = start + timedelta(days=14)
    when.start, when.end = start, end


def _unscheduled(reason: str, ad_hoc: bool = False) -> Timeframe:
    return Timeframe("", TimeframeKind.UNSCHEDULED, None, None, None, ad_hoc, reason=reason)


def _without_dates(markers: dict[str, list[int]]) -> Timeframe:
    """Return the reading of a text that names no period and no rhythm."""
    if "adhoc" in markers:
        return _unscheduled("ad_hoc", ad_hoc=True)
    if "event" in markers or "until" in markers:
        return Timeframe("", TimeframeKind.AFTER_EVENT, None, None, None)
    for marker, reason in (
        ("ref", "reference"), ("done", "done"), ("dinhky", "no_rhythm"), ("duration", "relative"),
    ):
        if marker in markers:
            return _unscheduled(reason)
    return _unscheduled("no_time")


def _combine(items: list[Item], plan_start: date) -> Timeframe:
    """Combine the parts into one schedule.

    - No period and no rhythm: ad hoc, after an event, or unscheduled with the reason.
    - Periods only: a deadline at the latest end of a list or range (or at the end of a last
      period inside it: "Năm 2024 (trước ngày 30/11/2024)"), from the first period's start; a
      start with no end ("từ X", "từ X trở đi", "từ X đến khi ...") is continuous from X.
    - A rhythm ("hằng quý"), continuity ("thường xuyên") or "các năm tiếp theo": periodic, on the
      finest rhythm named. Periods without a year fix the day of the rule ("trước ngày 15/12
      hằng năm"); a dated period named before the rhythm is its first due date ("Năm 2025 và
      thường xuyên"); one named after it, or a range, is its window ("hằng năm từ quý IV/2026 -
      2029").
    """
    reasons = [value for kind, value, _ in items if kind == "invalid"]
    if reasons:
        raise _Unreadable(reasons[0])
    whens, markers = _group(items)
    ad_hoc = "adhoc" in markers
    rhythms = [value for kind, value, _ in items if kind == "rhythm"]
    periodic = bool(rhythms) or "cont" in markers or "follow" in markers
    if "dinhky" in markers and any(_yearless(w) for w in whens):
        periodic, rhythms = True, rhythms or ["year"]  # "định kỳ trước ngày 15/12"
    if any(w.first.grain == "qday" for w in whens):
        periodic, rhythms = True, rhythms or ["quarter"]  # "ngày 20 tháng cuối quý"
    if not whens and not periodic:
        return _without_dates(markers)
    if periodic:
        found = _periodic(whens, markers, rhythms, plan_start)
    else:
        found = _dated(whens, plan_start)
    return replace(found, ad_hoc=ad_hoc)


def _dated(whens: list[_When], plan_start: date) -> Timeframe:
    for when in whens:
        _resolve(when, plan_start)
    last = whens[-1]
    if last.open or (last.mod == "from" and last.last is None):
        start = whens[0].start or whens[0].end
        assert start is not None
        due = first_instance(QUARTERLY_RULE, max(start, plan_start))
        return Timeframe("", TimeframeKind.CONTINUOUS, start, due, QUARTERLY_RULE)
    latest = max(whens, key=lambda w: w.end or date.min)
    due = latest.end
    # "Năm 2024 (trước ngày 30/11/2024)": a last period inside an earlier one narrows it
    if last.end is not None and latest.start is not None and latest.start <= last.end:
        due = last.end
    assert due is not None
    start = whens[0].start
    if start is not None and start > due:  # a list in reverse order: no window start
        start = None
    return Timeframe("", TimeframeKind.DEADLINE, start, due, None)


def _periodic(
    whens: list[_When], markers: dict[str, list[int]], rhythms: list[str], plan_start: date
) -> Timeframe:
    continuous = "cont" in markers
    grains = rhythms + (["quarter"] if continuous else [])
    grain = min(grains, key=_GRAINS.index) if grains else "year"
    kind = TimeframeKind.CONTINUOUS if continuous else TimeframeKind.RECURRING
    marker_at = min(
        (pos for name in ("rhythm", "cont", "follow", "dinhky") for pos in markers.get(name, [])),
        default=0,
    )
    anchors = [w for w in whens if _yearless(w)]
    dated = [w for w in whens if not _yearless(w)]
    for when in dated:
        _resolve(when, plan_start)
    firsts = [
        w for w in dated if w.pos < marker_at and w.last is None and w.mod != "from" and not w.open
    ]
    windows = [w for w in dated if w not in firsts]
    rule = _anchored_rule(grain, anchors) if anchors else None
    start: date | None = None
    until: date | None = None
    own_due: date | None = None
    if firsts:
        first = firsts[0]
        start, own_due = first.start, first.end
        if rule is None and not continuous:
            rule = _rule_from(grain, first)
    if windows:
        if start is None:
            start = min(w.start or w.end for w in windows if w.end is not None)
        open_ended = "follow" in markers or any(
            w.open or (w.mod == "from" and w.last is None) for w in windows
        )
        if not open_ended:
            until = max(w.end for w in windows if w.end is not None)
    rule = rule or _RULES[grain]
    if until is not None:
        rule += f";UNTIL={until.year:04d}{until.month:02d}{until.day:02d}"
    first_day = max(start or plan_start, plan_start)
    if own_due is not None and own_due >= first_day:
        due: date | None = own_due
    else:
        due = first_instance(rule, first_day)
    return Timeframe("", kind, start, due, rule)


def _point(when: _When) -> tuple[int | None, int]:
    """Return the (month, day) a period without a year stands for in a yearly rule; day -1 is
    the month's last day, month None a day of every month."""
    atom = when.last or when.first
    before = when.mod == "before" and when.last is None
    if atom.grain == "day":
        if atom.day is None:
            raise _Unreadable("incomplete")
        return atom.number, atom.day
    if atom.grain == "month":
        n = atom.number or 1
        return ((n - 2) % 12 + 1, -1) if before else (n, -1)
    if atom.grain in ("quarter", "half", "year"):
        start, end = _window(atom, 2001, date(2001, 1, 1))  # any year: these ends do not move
        if before and start is not None:
            end = start - timedelta(days=1)
        return end.month, end.day
    raise _Unreadable("incomplete")


def _is_month_end(month: int | None, day: int) -> bool:
    return day == -1 or (month is not None and day == calendar.monthrange(2001, month)[1])


def _anchored_rule(grain: str, anchors: list[_When]) -> str | None:
    """Return the rule of `grain` on the days the yearless periods name, None for the default."""
    quarter_days = [w.first for w in anchors if w.first.grain == "qday"]
    if quarter_days:
        atom = quarter_days[0]
        day = atom.day if atom.day is not None and atom.day <= 28 else -1
        months = ",".join(str(m) for m in range(atom.number or 3, 13, 3))
        return f"FREQ=YEARLY;BYMONTH={months};BYMONTHDAY={day}"
    points = [_point(w) for w in anchors]
    if grain == "month":
        month_days = {day for _, day in points}
        if len(month_days) == 1 and -1 not in month_days:
            return monthly_rule(month_days.pop())
        return None
    if grain == "year":
        if any(month is None for month, _ in points):
            raise _Unreadable("incomplete")
        days = {day for _, day in points}
        if len(days) != 1 and all(_is_month_end(m, d) for m, d in points):
            days = {-1}  # "quý II và quý IV hằng năm": 30/6 and 31/12
        if len(days) != 1:
            raise _Unreadable("days_differ")
        day = days.pop()
        in_months = sorted({month for month, _ in points if month is not None})
        if len(in_months) == 1:
            return yearly_rule(in_months[0], day)
        for month in in_months:
            yearly_rule(month, day)  # raises ValueError unless a real day
        return f"FREQ=YEARLY;BYMONTH={','.join(map(str, in_months))};BYMONTHDAY={day}"
    if grain in ("quarter", "half") and points and all(m is not None for m, _ in points):
        # "trước ngày 20/6 và trước ngày 20/12 (báo cáo 6 tháng)": the 20th of June and December
        days = {day for _, day in points}
        if len(days) != 1:
            return None
        day = days.pop()
        step = 3 if grain == "quarter" else 6
        spread = sorted(
            {m for month, _ in points if month for m in range((month - 1) % step + 1, 13, step)}
        )
        by_day = day if day <= 28 else -1
        return f"FREQ=YEARLY;BYMONTH={','.join(map(str, spread))};BYMONTHDAY={by_day}"
    return None


def _rule_from(grain: str, first: _When) -> str | None:
    """Return the rule that repeats a dated first period ("Quý III/2025 và các năm tiếp theo")."""
    end = first.end
    assert end is not None
    if grain == "year":
        month_end = first.first.grain == "month" or (end.month == 2 and end.day == 29)
        return yearly_rule(end.month, -1 if month_end else end.day)
    if grain == "month" and first.first.grain == "day":
        return monthly_rule(end.day)
    return None


