"""Vietnamese working days: Monday to Friday, minus public holidays, plus swapped Saturdays."""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays
import yaml

from scheduler.yamlfile import BoundedLoader, describe_yaml_error

OVERRIDES_PATH = Path(__file__).resolve().parent.parent / "plan_data" / "calendar_overrides.yaml"

OVERRIDE_REASON = "Điều chỉnh lịch làm việc"
WEEKEND_NAMES = {5: "Thứ Bảy", 6: "Chủ nhật"}

# No real stretch of days off is anywhere near this long; hitting it means a broken override file.
_MAX_SEARCH_DAYS = 366


class CalendarError(ValueError):
    """The overrides file is invalid; the message names the file and the entry."""


class _TextDatesLoader(BoundedLoader):
    """A safe loader that keeps dates as text, so that a bad one is reported with its entry."""


def _date_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


# PyYAML would otherwise build the date itself and fail on 2026-02-30 without saying where.
_TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def _with_reasons(days: Mapping[date, str] | Set[date]) -> dict[date, str]:
    if isinstance(days, Mapping):
        return dict(days)
    return dict.fromkeys(days, OVERRIDE_REASON)


class WorkingCalendar:
    """Working days from the `holidays` package (VN), adjusted by an operator's overrides.

    `extra_days_off` and `extra_working_days` are sets of dates or mappings date -> reason.
    """

    def __init__(self, extra_days_off: Mapping[date, str] | Set[date] = frozenset(),
                 extra_working_days: Mapping[date, str] | Set[date] = frozenset()) -> None:
        self.extra_days_off = _with_reasons(extra_days_off)
        self.extra_working_days = _with_reasons(extra_working_days)
        both = sorted(set(self.extra_days_off) & set(self.extra_working_days))
        if both:
            raise CalendarError(
                f"ngày vừa là ngày nghỉ vừa là ngày làm việc: {both[0].isoformat()}")
        # One holidays object per calendar; it loads each year the first time a date needs it.
        self._holidays = holidays.country_holidays("VN", language="vi")

    @classmethod
    def from_overrides(cls, path: Path | None = None) -> WorkingCalendar:
        """Load `plan_data/calendar_overrides.yaml` (or `path`). Raise CalendarError if invalid."""
        path = path or OVERRIDES_PATH
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDatesLoader)
        except OSError as exc:
            raise CalendarError(f"{path}: không đọc được tệp ({exc.strerror})") from exc
        except UnicodeDecodeError:
            raise CalendarError(f"{path}: tệp không phải văn bản UTF-8") from None
        except yaml.YAMLError as exc:
            raise CalendarError(f"{path}: {describe_yaml_error(exc)}") from None
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise CalendarError(f"{path}: cần các khóa days_off và working_days")
        unknown = sorted(set(data) - {"days_off", "working_days"})
        if unknown:
            raise CalendarError(f"{path}: khóa không hợp lệ: {', '.join(map(str, unknown))}")
        days_off = _read_entries(path, "days_off", data.get("days_off"))
        working_days = _read_entries(path, "working_days", data.get("working_days"))
        try:
            return cls(days_off, working_days)
        except CalendarError as exc:
            raise CalendarError(f"{path}: {exc}") from exc

    def is_working_day(self, day: date) -> bool:
        """Return True if public servants work on `day`."""
        if day in self.extra_days_off:
            return False
        if day in self.extra_working_days:
            return True
        # The package knows the Government's swaps: a worked Saturday is a working day there.
        return bool(self._holidays.is_working_day(day))

    def day_off_reason(self, day: date) -> str | None:
        """Return why `day` is not a working day (holiday name, override, weekend), else None."""
        if self.is_working_day(day):
            return None
        if day in self.extra_days_off:
            return self.extra_days_off[day]
        name = self._holidays.get(day)
        if name:
            return str(name)
        return WEEKEND_NAMES.get(day.weekday(), OVERRIDE_REASON)

    def on_or_before(self, day: date) -> date:
        """Return `day` if it is a working day, else the previous working day."""
        return self._walk(day, -1)

    def on_or_after(self, day: date) -> date:
        """Return `day` if it is a working day, else the next working day."""
        return self._walk(day, 1)

    def add_working_days(self, day: date, count: int) -> date:
        """Return the `count`-th working day after `day` (count >= 1)."""
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        for _ in range(count):
            day = self._walk(day + timedelta(days=1), 1)
        return day

    def _walk(self, day: date, step: int) -> date:
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += timedelta(days=step)
        raise CalendarError(f"không có ngày làm việc nào trong {_MAX_SEARCH_DAYS} ngày từ {day}")


def _read_entries(path: Path, section: str, entries: Any) -> dict[date, str]:
    """Return the dated entries of one section; raise CalendarError naming the bad entry."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        raise CalendarError(f"{path}: {section} phải là một danh sách")
    result: dict[date, str] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: {section} mục {number}"
        if not isinstance(entry, dict) or set(entry) - {"date", "reason"}:
            raise CalendarError(
                f"{where}: cần dạng {{date: YYYY-MM-DD, reason: ...}}, có {entry!r}")
        day = _parse_day(entry.get("date"))
        if day is None:
            raise CalendarError(
                f"{where}: ngày không hợp lệ (cần YYYY-MM-DD): {entry.get('date')!r}")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise CalendarError(f"{where}: thiếu lý do (reason) cho ngày {day.isoformat()}")
        if day in result:
            raise CalendarError(f"{where}: ngày {day.isoformat()} bị lặp")
        result[day] = reason.strip()
    return result


def _parse_day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
