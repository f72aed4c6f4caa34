"""When a tick is due: the daily send time on Vietnamese working days, caught up only once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.timer import latest_send_instant
from scheduler.workdays import WorkingCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EIGHT = time(8, 0)


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def at(text: str) -> datetime:
    """Return an aware instant from "2024-06-21 08:00" in Vietnam's time zone."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize(("now", "expected"), [
    # A working Friday, after, exactly at and just before the send time.
    ("2024-06-21 09:30", "2024-06-21 08:00"),
    ("2024-06-21 08:00", "2024-06-21 08:00"),
    ("2024-06-21 07:59:59", "2024-06-20 08:00"),
    ("2024-06-21 00:00", "2024-06-20 08:00"),
    # A weekend and the Monday morning after it fall back to Friday.
    ("2024-06-22 10:00", "2024-06-21 08:00"),
    ("2024-06-23 23:59", "2024-06-21 08:00"),
    ("2024-06-24 07:00", "2024-06-21 08:00"),
    ("2024-06-24 08:00", "2024-06-24 08:00"),
    # Tết 2025: Saturday 25/1 to Sunday 2/2 are all off.
    ("2025-01-29 09:00", "2025-01-24 08:00"),
    ("2025-02-02 12:00", "2025-01-24 08:00"),
    ("2025-02-03 07:59", "2025-01-24 08:00"),
    ("2025-02-03 08:00", "2025-02-03 08:00"),
    # 2024: Saturday 4/5 was worked in exchange for Monday 29/4; 30/4 and 1/5 are holidays.
    ("2024-04-29 09:00", "2024-04-26 08:00"),
    ("2024-05-01 09:00", "2024-04-26 08:00"),
    ("2024-05-04 08:30", "2024-05-04 08:00"),
    ("2024-05-05 09:00", "2024-05-04 08:00"),
])
def test_it_returns_the_latest_working_day_send_time(calendar: WorkingCalendar, now: str,
                                                     expected: str) -> None:
    assert latest_send_instant(at(now), EIGHT, calendar, TZ) == at(expected)


def test_a_utc_now_is_read_in_vietnam_time(calendar: WorkingCalendar) -> None:
    # 01:00 UTC is 08:00 in Hà Nội; 00:59 UTC is still before the send time there.
    assert latest_send_instant(datetime(2024, 6, 21, 1, 0, tzinfo=UTC), EIGHT, calendar,
                               TZ) == datetime(2024, 6, 21, 1, 0, tzinfo=UTC)
    assert latest_send_instant(datetime(2024, 6, 21, 0, 59, tzinfo=UTC), EIGHT, calendar,
                               TZ) == at("2024-06-20 08:00")
    # 23:30 UTC on Thursday is 06:30 on Friday in Vietnam, when Thursday's tick is the latest.
    assert latest_send_instant(datetime(2024, 6, 20, 23, 30, tzinfo=UTC), EIGHT, calendar,
                               TZ) == at("2024-06-20 08:00")


@pytest.mark.parametrize("day", [date(2024, 1, 15), date(2024, 3, 31), date(2024, 7, 15),
                                 date(2024, 10, 28), date(2025, 3, 31)])
def test_the_send_instant_is_always_utc_plus_seven(calendar: WorkingCalendar, day: date) -> None:
    # Vietnam has no daylight saving time: the dates around Europe's and America's changes
    # give the same offset as any other.
    now = datetime.combine(day, time(12, 0), tzinfo=TZ)
    instant = latest_send_instant(now, EIGHT, calendar, TZ)
    assert instant is not None
    assert instant.utcoffset() == timedelta(hours=7)
    assert instant.astimezone(UTC).time() == time(1, 0)


def test_another_send_time_is_honoured(calendar: WorkingCalendar) -> None:
    assert latest_send_instant(at("2024-06-21 13:29"), time(13, 30), calendar,
                               TZ) == at("2024-06-20 13:30")
    assert latest_send_instant(at("2024-06-21 13:30"), time(13, 30), calendar,
                               TZ) == at("2024-06-21 13:30")


def test_it_returns_none_when_no_working_day_is_in_sight() -> None:
    closed = WorkingCalendar(extra_days_off={date(2024, 6, 1) + timedelta(days=n)
                                             for n in range(60)})
    assert latest_send_instant(at("2024-07-20 09:00"), EIGHT, closed, TZ) is None
