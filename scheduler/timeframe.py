"""Turn a Vietnamese time frame ("Quý 2 năm 2024", "Hàng năm hoặc đột xuất") into a schedule."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from dateutil.rrule import rrulestr


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


# --- Canonical rules -----------------------------------------------------------------------------

YEARLY_END_RULE = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"
HALF_YEARLY_RULE = "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"
QUARTERLY_RULE = "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
MONTHLY_RULE = "FREQ=MONTHLY;BYMONTHDAY=-1"

# Longer text is prose, not a time frame; the cap also bounds the regex and recursion work.
MAX_TEXT_LENGTH = 200


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


# --- Normalisation -------------------------------------------------------------------------------

_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"} | {"(": " ", ")": " "})
_LABEL = re.compile(r"^(?:c\)\s*)?thoi gian(?: thuc hien)?\s*:\s*")


def normalise(text: str) -> str:
    """Return `text` lowercased, without diacritics, with single spaces and no trailing period."""
    # "đ" is a letter of its own, not "d" plus a mark, so NFD does not decompose it.
    folded = unicodedata.normalize("NFC", text).lower().replace("đ", "d").translate(_DASHES)
    bare = "".join(
        c for c in unicodedata.normalize("NFD", folded) if unicodedata.category(c) != "Mn"
    )
    spaced = re.sub(r"\s*/\s*", "/", " ".join(bare.split()))
    return _LABEL.sub("", spaced.strip(" .;,:"))


# --- Periods: a fragment naming a window of days -------------------------------------------------

Window = tuple[date | None, date]  # (start, end); start None for a single day named as a date
PeriodBuilder = Callable[[re.Match[str], "date | None"], Window]

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_QUARTER_NUMBER = r"(iv|i{1,3}|0?[1-4])"
_YEAR_SEP = r"(?:\s*(?:/|-|,?\s*nam\b)\s*([0-9]{4}))"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _resolve_year(
    year: str | None, plan_start: date | None, window: Callable[[int], Window]
) -> Window:
    """Return the window of `year`; with no year, the first window ending on/after plan start."""
    if year is not None:
        return window(int(year))
    if plan_start is None:
        raise ValueError("a year is required here")
    this_year = window(plan_start.year)
    return this_year if this_year[1] >= plan_start else window(plan_start.year + 1)


def _date_period(m: re.Match[str], plan_start: date | None) -> Window:
    day, month = int(m["day"]), int(m["month"])
    return _resolve_year(m["year"], plan_start, lambda y: (None, date(y, month, day)))


def _quarter(number: str) -> int:
    return _ROMAN[number] if number in _ROMAN else int(number)


def _quarter_period(m: re.Match[str], plan_start: date | None) -> Window:
    quarter = _quarter(m[1])
    return _resolve_year(
        m[2],
        plan_start,
        lambda y: (date(y, 3 * quarter - 2, 1), _month_end(y, 3 * quarter)),
    )


def _month_period(m: re.Match[str], plan_start: date | None) -> Window:
    month = int(m[1])
    return _resolve_year(m[2], plan_start, lambda y: (date(y, month, 1), _month_end(y, month)))


def _half_year_period(m: re.Match[str], plan_start: date | None) -> Window:
    first = m[1] == "dau"
    return _resolve_year(
        m[2],
        plan_start,
        lambda y: (date(y, 1, 1), date(y, 6, 30)) if first else (date(y, 7, 1), date(y, 12, 31)),
    )


def _year_period(m: re.Match[str], plan_start: date | None) -> Window:
    year = int(m[1])
    return date(year, 1, 1), date(year, 12, 31)


_PERIODS: list[tuple[re.Pattern[str], PeriodBuilder]] = [
    (
        re.compile(
            r"(?:ngay\s*)?(?P<day>[0-9]{1,2})\s*[/.-]\s*(?P<month>[0-9]{1,2})"
            r"(?:\s*[/.-]\s*(?P<year>[0-9]{4}))?"
        ),
        _date_period,
    ),
    (
        re.compile(
            r"ngay (?P<day>[0-9]{1,2}),? thang (?P<month>[0-9]{1,2})"
            r"(?:,?\s*nam (?P<year>[0-9]{4}))?"
        ),
        _date_period,
    ),
    (re.compile(rf"quy\s*{_QUARTER_NUMBER}{_YEAR_SEP}?"), _quarter_period),
    (re.compile(rf"thang\s*([0-9]{{1,2}}){_YEAR_SEP}?"), _month_period),
    (
        re.compile(r"(?:(?:0?6|sau) thang|nua) (dau|cuoi) nam(?:\s*/?\s*([0-9]{4}))?"),
        _half_year_period,
    ),
    (re.compile(r"(?:nam\s*)?([0-9]{4})"), _year_period),
]
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|\bden(?: het)?\b)\s*")


def _single_period(fragment: str, plan_start: date | None) -> Window | None:
    """Return the window of one period ("quy iii/2025"); a missing year needs `plan_start`."""
    for pattern, build in _PERIODS:
        match = pattern.fullmatch(fragment)
        if match:
            try:
                return build(match, plan_start)
            except ValueError:
                return None
    return None


def _period(fragment: str, plan_start: date) -> Window | None:
    """Return the window of one period or of a range "A - B" / "A đến B" of periods with years."""
    single = _single_period(fragment, plan_start)
    if single is not None:
        return single
    # Try every separator: dates contain dashes too ("1-7-2025 - 30-9-2025").
    for separator in _RANGE_SEPARATOR.finditer(fragment):
        first = _single_period(fragment[: separator.start()], None)
        last = _single_period(fragment[separator.end() :], None)
        if first and last:
            start = first[0] or first[1]
            if start <= last[1]:
                return start, last[1]
    return None


# --- Phrases: the whole time frame ---------------------------------------------------------------

PhraseBuilder = Callable[[re.Match[str], date], "Timeframe | None"]


def _timeframe(
    kind: TimeframeKind,
    start: date | None = None,
    due: date | None = None,
    rrule: str | None = None,
) -> Timeframe:
    # The verbatim text is filled in by parse_timeframe.
    return Timeframe(text="", kind=kind, start=start, due=due, rrule=rrule)


def _periodic(kind: TimeframeKind, rule: str, start: date | None, plan_start: date) -> Timeframe:
    first = first_instance(rule, max(start, plan_start) if start else plan_start)
    return _timeframe(kind, start, first, rule)


def _always(kind: TimeframeKind, rule: str | None = None) -> PhraseBuilder:
    """Return a builder of `kind`, due on the first instance of `rule` from plan start."""
    return lambda m, plan_start: (
        _periodic(kind, rule, None, plan_start) if rule else _timeframe(kind)
    )


def _recurring(rule: str) -> PhraseBuilder:
    return _always(TimeframeKind.RECURRING, rule)


def _ad_hoc(m: re.Match[str], plan_start: date) -> Timeframe:
    rest = m["x"]
    inner = _parse(rest, plan_start) if rest else None
    return replace(inner or _timeframe(TimeframeKind.UNSCHEDULED), ad_hoc=True)


def _following_years(m: re.Match[str], plan_start: date) -> Timeframe | None:
    """X và các năm tiếp theo: X again every year, on X's own date."""
    first = _parse(m["x"], plan_start)
    if first is None or first.due is None:
        return None
    if first.kind != TimeframeKind.DEADLINE:
        return first
    due = first.due
    is_leap_day_end = due.month == 2 and due.day == 29
    rule = yearly_rule(due.month, -1 if is_leap_day_end else due.day)
    return _periodic(TimeframeKind.RECURRING, rule, first.start or date(due.year, 1, 1), plan_start)


def _then_continuous(m: re.Match[str], plan_start: date) -> Timeframe | None:
    """X và thường xuyên: quarterly check-ins from X on."""
    first = _parse(m["x"], plan_start)
    if first is None or first.kind in (TimeframeKind.AFTER_EVENT, TimeframeKind.UNSCHEDULED):
        return None
    if first.kind != TimeframeKind.DEADLINE or first.due is None:
        return _periodic(TimeframeKind.CONTINUOUS, QUARTERLY_RULE, first.start, plan_start)
    # The first due date is X's own ("Năm 2025 và thường xuyên": 31/12/2025); quarterly
    # check-ins follow it (see scheduler.occurrences). A date X passed before the plan starts
    # leaves only the check-ins.
    continuing = _periodic(TimeframeKind.CONTINUOUS, QUARTERLY_RULE, first.start, plan_start)
    if first.due < max(first.start or plan_start, plan_start):
        return continuing
    return replace(continuing, due=first.due)


def _continuous_from(m: re.Match[str], plan_start: date) -> Timeframe | None:
    window = _single_period(m["p"], plan_start)
    if window is None:
        return None
    return _periodic(TimeframeKind.CONTINUOUS, QUARTERLY_RULE, window[0] or window[1], plan_start)


def _continuous_within(m: re.Match[str], plan_start: date) -> Timeframe | None:
    window = _period(m["p"], plan_start)
    if window is None:
        return None
    return _periodic(TimeframeKind.CONTINUOUS, QUARTERLY_RULE, window[0] or window[1], plan_start)


def _before(m: re.Match[str], plan_start: date) -> Timeframe | None:
    """Trước X: by the date itself, or by the day before the period ("trước năm 2030")."""
    window = _period(m["p"], plan_start)
    if window is None:
        return None
    start, end = window
    return _timeframe(TimeframeKind.DEADLINE, due=end if start is None else start - timedelta(1))


def _by(m: re.Match[str], plan_start: date) -> Timeframe | None:
    window = _period(m["p"], plan_start)
    return _timeframe(TimeframeKind.DEADLINE, due=window[1]) if window else None


def _within(m: re.Match[str], plan_start: date) -> Timeframe | None:
    window = _period(m["p"], plan_start)
    return _timeframe(TimeframeKind.DEADLINE, *window) if window else None


def _monthly_on(m: re.Match[str], plan_start: date) -> Timeframe | None:
    day = int(m["day"])
    if not 1 <= day <= 31:
        return None
    return _periodic(TimeframeKind.RECURRING, monthly_rule(day), None, plan_start)


def _yearly_on(m: re.Match[str], plan_start: date) -> Timeframe:
    rule = yearly_rule(int(m["month"]), int(m["day"]))
    return _periodic(TimeframeKind.RECURRING, rule, None, plan_start)


def _yearly_on_several(m: re.Match[str], plan_start: date) -> Timeframe | None:
    """Several days a year ("20/6 và 20/12"): one rule holds them only if the day is the same."""
    pairs = re.findall(r"([0-9]{1,2})[/.-]([0-9]{1,2})", m[0])
    days = {int(day) for day, _ in pairs}
    if len(days) != 1:
        return None
    day = days.pop()
    months = sorted({int(month) for _, month in pairs})
    for month in months:
        yearly_rule(month, day)  # raises ValueError unless a real day
    rule = f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};BYMONTHDAY={day}"
    return _periodic(TimeframeKind.RECURRING, rule, None, plan_start)


def _yearly_month_end(m: re.Match[str], plan_start: date) -> Timeframe:
    return _periodic(TimeframeKind.RECURRING, yearly_rule(int(m[1]), -1), None, plan_start)


def _yearly_quarter_end(m: re.Match[str], plan_start: date) -> Timeframe:
    end = _month_end(2001, 3 * _quarter(m[1]))  # any year: quarter ends do not move
    return _periodic(TimeframeKind.RECURRING, yearly_rule(end.month, end.day), None, plan_start)


_EVERY = r"(?:dinh ky\s+)?(?:hang|moi)"
_DONE = r"(?:(?:hoan thanh|thuc hien|trien khai|to chuc thuc hien)\s+)?"
_DAY_MONTH = r"(?:ngay\s*)?(?P<day>[0-9]{1,2})\s*(?:/|-|\.|,? thang )\s*(?P<month>[0-9]{1,2})"
_AD_HOC = r"(?:dot xuat|khi co yeu cau|theo yeu cau)"
_SHORT_DATE = r"(?:ngay\s*)?[0-9]{1,2}[/.-][0-9]{1,2}"

# Tried in order against the normalised text; the first builder returning a Timeframe wins.
_PHRASES: list[tuple[str, PhraseBuilder]] = [
    (
        r"theo (?:ke hoach|lo trinh|tien do|chi dao|quy dinh)\b.*",
        _always(TimeframeKind.UNSCHEDULED),
    ),
    (r".*\bsau khi\b.*", _always(TimeframeKind.AFTER_EVENT)),
    (r"nhan (?:cac )?(?:dot|dip)\b.*", _always(TimeframeKind.AFTER_EVENT)),
    (rf"(?P<x>.+?)(?:,\s*|\s+)(?:(?:hoac|va)\s+)?{_AD_HOC}\b.*", _ad_hoc),
    (rf"{_AD_HOC}(?:,?\s*(?:hoac|va)\s+(?P<x>.+))?", _ad_hoc),
    (
        r"(?P<x>.+?),?\s*(?:va\s+)?(?:cac|nhung) nam (?:tiep theo|ke tiep|sau do|sau)",
        _following_years,
    ),
    (r"(?P<x>.+?),?\s*(?:va|sau do)\s+(?:duy tri\s+)?thuong xuyen", _then_continuous),
    (r"thuong xuyen", _always(TimeframeKind.CONTINUOUS, QUARTERLY_RULE)),
    (r"thuong xuyen,?\s*(?:trong|tu|ke tu|bat dau tu)?\s*(?P<p>.+)", _continuous_within),
    (rf"{_EVERY} nam|dinh ky nam", _recurring(YEARLY_END_RULE)),
    (rf"{_EVERY} quy|dinh ky quy|theo quy", _recurring(QUARTERLY_RULE)),
    (rf"{_EVERY} thang|dinh ky thang", _recurring(MONTHLY_RULE)),
    (
        rf"(?:dinh ky\s+)?(?:(?:hang|moi) )?0?6 thang(?:\s*(?:mot|1) lan)?"
        rf"(?:,? (?:va )?{_EVERY} nam)?",
        _recurring(HALF_YEARLY_RULE),
    ),
    (rf"(?:truoc|cham nhat|vao)?\s*ngay (?P<day>[0-9]{{1,2}}) {_EVERY} thang", _monthly_on),
    (rf"thang ([0-9]{{1,2}}) {_EVERY} nam", _yearly_month_end),
    (rf"(?:truoc|cham nhat|vao)?\s*{_DAY_MONTH} {_EVERY} nam", _yearly_on),
    (rf"{_EVERY} nam,?\s*(?:truoc|cham nhat|vao)\s*{_DAY_MONTH}", _yearly_on),
    (
        rf"(?:truoc|cham nhat|vao)?\s*{_SHORT_DATE}(?:\s*(?:,|va)\s*{_SHORT_DATE})+ {_EVERY} nam",
        _yearly_on_several,
    ),
    (rf"quy\s*{_QUARTER_NUMBER} {_EVERY} nam", _yearly_quarter_end),
    (
        r"(?:(?:trien khai|thuc hien|trien khai thuc hien|ap dung)\s+)?(?:(?:ke|bat dau)\s+)?tu\s+"
        r"(?P<p>.+)",
        _continuous_from,
    ),
    (rf"{_DONE}truoc\s+(?P<p>.+)", _before),
    (
        rf"{_DONE}(?:cham nhat|muon nhat|han chot|thoi han|den het|den|cuoi)(?: la)?:?\s+(?P<p>.+)",
        _by,
    ),
    (rf"{_DONE}(?:(?:trong|vao|tu|giai doan|trong giai doan)\s+)?(?P<p>.+)", _within),
]
_COMPILED_PHRASES = [(re.compile(pattern), build) for pattern, build in _PHRASES]


def _parse(normalised: str, plan_start: date) -> Timeframe | None:
    for pattern, build in _COMPILED_PHRASES:
        match = pattern.fullmatch(normalised)
        if match is None:
            continue
        try:
            found = build(match, plan_start)
        except (ValueError, OverflowError):  # numbers that name no real day, or past year 9999
            found = None
        if found is not None:
            return found
    return None


def parse_timeframe(text: str, plan_start: date) -> Timeframe:
    """Return the schedule `text` describes. Unreadable text is UNSCHEDULED, never an error."""
    verbatim = text if isinstance(text, str) else ""
    normalised = normalise(verbatim)
    parsed = _parse(normalised, plan_start) if len(normalised) <= MAX_TEXT_LENGTH else None
    return replace(parsed or _timeframe(TimeframeKind.UNSCHEDULED), text=verbatim)
