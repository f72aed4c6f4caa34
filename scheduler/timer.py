"""When a tick is due: the daily send time on working days. The timer itself only wakes us."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.workdays import WorkingCalendar

# A process down for longer than this catches up from the last send instant in this window.
_LOOKBACK_DAYS = 31


def latest_send_instant(now: datetime, send_at: time, calendar: WorkingCalendar,
                        tz: ZoneInfo) -> datetime | None:
    """Return the latest working-day `send_at` in `tz` at or before `now`, or None if none."""
    local = now.astimezone(tz)
    day = local.date()
    for _ in range(_LOOKBACK_DAYS):
        instant = datetime.combine(day, send_at, tzinfo=tz)
        if instant <= local and calendar.is_working_day(day):
            return instant
        day -= timedelta(days=1)
    return None

