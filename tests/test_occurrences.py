from __future__ import annotations

from datetime import date

from scheduler.occurrences import Occurrence, occurrences
from scheduler.timeframe import Timeframe, TimeframeKind, parse_timeframe

PLAN_START = date(2024, 4, 1)
YEARLY = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"
QUARTERLY = "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
MONTHLY_25 = "FREQ=MONTHLY;BYMONTHDAY=25"


def test_a_deadline_has_one_occurrence_whose_window_starts_at_the_plan_start() -> None:
    timeframe = Timeframe("Trong năm 2024", TimeframeKind.DEADLINE, date(2024, 1, 1),
                          date(2024, 12, 31), None)
    assert occurrences("3", timeframe, PLAN_START, date(2024, 6, 30)) == [
        Occurrence("3", "", "Trong năm 2024", date(2024, 4, 1), date(2024, 12, 31))
    ]


def test_a_deadline_starting_after_the_plan_start_keeps_its_own_start() -> None:
    timeframe = Timeframe("Quý III/2025", TimeframeKind.DEADLINE, date(2025, 7, 1),
                          date(2025, 9, 30), None)
    assert occurrences("X", timeframe, PLAN_START, date(2025, 12, 31)) == [
        Occurrence("X", "", "Quý III/2025", date(2025, 7, 1), date(2025, 9, 30))
    ]


def test_a_deadline_without_a_start_opens_at_the_plan_start() -> None:
    timeframe = Timeframe("Trước ngày 15/12/2025", TimeframeKind.DEADLINE, None,
                          date(2025, 12, 15), None)
    [occurrence] = occurrences("X", timeframe, PLAN_START, date(2024, 12, 31))
    assert occurrence.window_start == date(2024, 4, 1)
    assert occurrence.due == date(2025, 12, 15)


def test_a_yearly_rule_gives_one_occurrence_per_year_up_to_until_inclusive() -> None:
    timeframe = Timeframe("Hàng năm", TimeframeKind.RECURRING, None, date(2024, 12, 31), YEARLY)
    assert occurrences("8", timeframe, PLAN_START, date(2026, 12, 31)) == [
        Occurrence("8", "2024", "Năm 2024", date(2024, 4, 1), date(2024, 12, 31)),
        Occurrence("8", "2025", "Năm 2025", date(2025, 1, 1), date(2025, 12, 31)),
        Occurrence("8", "2026", "Năm 2026", date(2026, 1, 1), date(2026, 12, 31)),
    ]
    assert len(occurrences("8", timeframe, PLAN_START, date(2026, 12, 30))) == 2


def test_a_quarterly_rule_starts_at_the_first_quarter_end_after_the_plan_start() -> None:
    timeframe = Timeframe("Thường xuyên trong năm 2024 và các năm tiếp theo",
                          TimeframeKind.CONTINUOUS, date(2024, 1, 1), date(2024, 6, 30), QUARTERLY)
    assert occurrences("2", timeframe, PLAN_START, date(2025, 3, 31)) == [
        Occurrence("2", "2024-Q2", "Quý 2/2024", date(2024, 4, 1), date(2024, 6, 30)),
        Occurrence("2", "2024-Q3", "Quý 3/2024", date(2024, 7, 1), date(2024, 9, 30)),
        Occurrence("2", "2024-Q4", "Quý 4/2024", date(2024, 10, 1), date(2024, 12, 31)),
        Occurrence("2", "2025-Q1", "Quý 1/2025", date(2025, 1, 1), date(2025, 3, 31)),
    ]


def test_a_rule_with_a_later_start_begins_there() -> None:
    timeframe = Timeframe("Từ tháng 7/2025", TimeframeKind.CONTINUOUS, date(2025, 7, 1),
                          date(2025, 9, 30), QUARTERLY)
    assert [(o.period, o.window_start, o.due)
            for o in occurrences("X", timeframe, PLAN_START, date(2025, 12, 31))] == [
        ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("2025-Q4", date(2025, 10, 1), date(2025, 12, 31)),
    ]


def test_a_monthly_rule_windows_run_from_the_day_after_the_previous_due() -> None:
    timeframe = Timeframe("Trước ngày 25 hằng tháng", TimeframeKind.RECURRING, None,
                          date(2024, 4, 25), MONTHLY_25)
    assert [(o.period, o.label, o.window_start, o.due)
            for o in occurrences("X", timeframe, PLAN_START, date(2024, 6, 24))] == [
        ("2024-04", "Tháng 4/2024", date(2024, 4, 1), date(2024, 4, 25)),
        ("2024-05", "Tháng 5/2024", date(2024, 4, 26), date(2024, 5, 25)),
    ]


def test_until_before_the_first_instance_gives_no_occurrence() -> None:
    timeframe = Timeframe("Hàng năm", TimeframeKind.RECURRING, None, date(2024, 12, 31), YEARLY)
    assert occurrences("8", timeframe, PLAN_START, date(2024, 12, 30)) == []


def test_after_event_and_unscheduled_time_frames_have_no_occurrence() -> None:
    after = Timeframe("Sau khi Quy chế được ban hành", TimeframeKind.AFTER_EVENT, None, None, None)
    unscheduled = Timeframe("Theo kế hoạch", TimeframeKind.UNSCHEDULED, None, None, None)
    assert occurrences("X", after, PLAN_START, date(2030, 12, 31)) == []
    assert occurrences("X", unscheduled, PLAN_START, date(2030, 12, 31)) == []


def dues(text: str, until: date) -> list[tuple[str, date]]:
    timeframe = parse_timeframe(text, date(2024, 4, 1))
    return [(o.period, o.due) for o in occurrences("K", timeframe, date(2024, 4, 1), until)]


def test_a_monthly_day_past_the_28th_falls_on_the_month_end_of_shorter_months() -> None:
    assert dues("trước ngày 31 hằng tháng", date(2024, 7, 31)) == [
        ("2024-04", date(2024, 4, 30)), ("2024-05", date(2024, 5, 31)),
        ("2024-06", date(2024, 6, 30)), ("2024-07", date(2024, 7, 31))]
    february = [due for _, due in dues("trước ngày 30 hằng tháng", date(2025, 3, 31))
                if due.month in (2, 3)]
    assert february == [date(2025, 2, 28), date(2025, 3, 30)]


def test_a_yearly_29_february_falls_on_the_28th_in_common_years() -> None:
    assert dues("trước ngày 29/2 hằng năm", date(2028, 12, 31)) == [
        ("2025", date(2025, 2, 28)), ("2026", date(2026, 2, 28)),
        ("2027", date(2027, 2, 28)), ("2028", date(2028, 2, 29))]


def test_a_period_then_continuous_is_due_with_the_period_then_quarterly() -> None:
    assert dues("Năm 2025 và thường xuyên", date(2026, 6, 30)) == [
        ("2025-Q4", date(2025, 12, 31)), ("2026-Q1", date(2026, 3, 31)),
        ("2026-Q2", date(2026, 6, 30))]
    # A date inside a quarter: that quarter's check-in is the date itself, not a second one.
    assert dues("Trước ngày 15/8/2024 và thường xuyên", date(2024, 12, 31)) == [
        ("2024-Q3", date(2024, 8, 15)), ("2024-Q4", date(2024, 12, 31))]
