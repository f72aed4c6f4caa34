"""Vietnamese time frames: the plan's seven phrases, every family of real-plan forms, robustness."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from scheduler.occurrences import occurrences
from scheduler.timeframe import (
    Timeframe,
    TimeframeKind,
    normalise,
    parse_timeframe,
    rule_period_code,
    rule_period_label,
)

PLAN_START = date(2024, 4, 1)
YEARLY_END = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"
QUARTERLY = "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
HALF_YEARLY = "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1"
MONTHLY = "FREQ=MONTHLY;BYMONTHDAY=-1"

DEADLINE = TimeframeKind.DEADLINE
RECURRING = TimeframeKind.RECURRING
CONTINUOUS = TimeframeKind.CONTINUOUS

Expected = tuple[TimeframeKind, date | None, date | None, str | None]


def schedule(text: str, plan_start: date = PLAN_START) -> Expected:
    parsed = parse_timeframe(text, plan_start)
    return parsed.kind, parsed.start, parsed.due, parsed.rrule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quý 2 năm 2024", (DEADLINE, date(2024, 4, 1), date(2024, 6, 30), None)),
        ("Trong năm 2024", (DEADLINE, date(2024, 1, 1), date(2024, 12, 31), None)),
        ("Trong năm 2024-2025", (DEADLINE, date(2024, 1, 1), date(2025, 12, 31), None)),
        ("Hàng năm", (RECURRING, None, date(2024, 12, 31), YEARLY_END)),
        ("Hàng năm hoặc đột xuất", (RECURRING, None, date(2024, 12, 31), YEARLY_END)),
        ("Thường xuyên", (CONTINUOUS, None, date(2024, 6, 30), QUARTERLY)),
        (
            "Thường xuyên trong năm 2024 và các năm tiếp theo",
            (CONTINUOUS, date(2024, 1, 1), date(2024, 6, 30), QUARTERLY),
        ),
    ],
)
def test_the_plans_seven_phrases_parse_as_specified(text: str, expected: Expected) -> None:
    assert schedule(text) == expected


def test_only_the_plans_ad_hoc_phrase_allows_unscheduled_occurrences() -> None:
    assert parse_timeframe("Hàng năm hoặc đột xuất", PLAN_START).ad_hoc
    assert not parse_timeframe("Hàng năm", PLAN_START).ad_hoc
    assert not parse_timeframe("Thường xuyên", PLAN_START).ad_hoc


@pytest.mark.parametrize(
    "text",
    [
        "Quý III/2025",
        "Quý III năm 2025",
        "Quý 3/2025",
        "quý 3 năm 2025",
        "Quy III nam 2025",
        "QUÝ III / 2025.",
        "Quý  III\n năm  2025",
        "Trong quý III/2025",
        "Hoàn thành trong Quý 3 năm 2025",
        "Thời gian thực hiện: Quý III/2025.",
    ],
)
def test_a_quarter_is_due_on_its_last_day(text: str) -> None:
    assert schedule(text) == (DEADLINE, date(2025, 7, 1), date(2025, 9, 30), None)


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Quý I/2025", date(2025, 1, 1), date(2025, 3, 31)),
        ("Quy II nam 2025", date(2025, 4, 1), date(2025, 6, 30)),
        ("quý iv năm 2025", date(2025, 10, 1), date(2025, 12, 31)),
        ("Quý 04/2026", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_each_roman_and_arabic_quarter_maps_to_its_months(
    text: str, start: date, due: date
) -> None:
    assert schedule(text) == (DEADLINE, start, due, None)


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Tháng 9/2025", date(2025, 9, 1), date(2025, 9, 30)),
        ("tháng 10 năm 2025", date(2025, 10, 1), date(2025, 10, 31)),
        ("Thang 02/2028", date(2028, 2, 1), date(2028, 2, 29)),
        ("THÁNG 12 / 2025.", date(2025, 12, 1), date(2025, 12, 31)),
        ("Trong tháng 6 năm 2025", date(2025, 6, 1), date(2025, 6, 30)),
    ],
)
def test_a_month_is_due_on_its_last_day(text: str, start: date, due: date) -> None:
    assert schedule(text) == (DEADLINE, start, due, None)


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Năm 2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("Hoàn thành trong năm 2025.", date(2025, 1, 1), date(2025, 12, 31)),
        ("Hoan thanh trong nam 2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("trong  năm\n2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("Giai đoạn 2025 - 2027", date(2025, 1, 1), date(2027, 12, 31)),
        ("Giai đoạn 2025–2027", date(2025, 1, 1), date(2027, 12, 31)),
        ("giai doan 2025-2027", date(2025, 1, 1), date(2027, 12, 31)),
        ("Năm 2025 - năm 2026", date(2025, 1, 1), date(2026, 12, 31)),
        ("Từ năm 2025 đến năm 2027", date(2025, 1, 1), date(2027, 12, 31)),
    ],
)
def test_a_year_or_a_range_of_years_is_due_on_the_last_31_december(
    text: str, start: date, due: date
) -> None:
    assert schedule(text) == (DEADLINE, start, due, None)


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("6 tháng đầu năm 2025", date(2025, 1, 1), date(2025, 6, 30)),
        ("06 tháng đầu năm 2025", date(2025, 1, 1), date(2025, 6, 30)),
        ("6 thang dau nam 2025", date(2025, 1, 1), date(2025, 6, 30)),
        ("Sáu tháng cuối năm 2025.", date(2025, 7, 1), date(2025, 12, 31)),
        ("6 tháng cuối năm", date(2024, 7, 1), date(2024, 12, 31)),
    ],
)
def test_a_half_year_is_due_on_30_june_or_31_december(text: str, start: date, due: date) -> None:
    assert schedule(text) == (DEADLINE, start, due, None)


def test_a_half_year_without_a_year_is_the_first_one_ending_after_the_plan_start() -> None:
    later_plan = date(2024, 9, 1)
    assert schedule("6 tháng đầu năm", later_plan) == (
        DEADLINE,
        date(2025, 1, 1),
        date(2025, 6, 30),
        None,
    )


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Quý III/2025 - Quý I/2026", date(2025, 7, 1), date(2026, 3, 31)),
        ("Quy III/2025 - Quy I/2026", date(2025, 7, 1), date(2026, 3, 31)),
        ("quý 3 năm 2025 – quý 1 năm 2026.", date(2025, 7, 1), date(2026, 3, 31)),
        ("Từ Quý III/2025 đến Quý I/2026", date(2025, 7, 1), date(2026, 3, 31)),
        ("Tháng 7/2025 - tháng 2/2026", date(2025, 7, 1), date(2026, 2, 28)),
        ("Từ ngày 1/7/2025 đến ngày 30/9/2025", date(2025, 7, 1), date(2025, 9, 30)),
    ],
)
def test_a_range_runs_from_its_first_period_to_the_end_of_its_last(
    text: str, start: date, due: date
) -> None:
    assert schedule(text) == (DEADLINE, start, due, None)


def test_a_range_that_ends_before_it_starts_is_not_read() -> None:
    assert schedule("Quý I/2026 - Quý III/2025")[0] == TimeframeKind.UNSCHEDULED


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Trước ngày 15/12/2025", date(2025, 12, 15)),
        ("trước ngày 15-12-2025.", date(2025, 12, 15)),
        ("Truoc ngay 15/12/2025", date(2025, 12, 15)),
        ("trước ngày 5 tháng 9 năm 2025", date(2025, 9, 5)),
        ("Trước ngày 05 tháng 09 năm 2025", date(2025, 9, 5)),
        ("Chậm nhất ngày 30/9/2025", date(2025, 9, 30)),
        ("Chậm nhất là ngày 30/09/2025.", date(2025, 9, 30)),
        ("Hoàn thành trước ngày 31/3/2026", date(2026, 3, 31)),
        ("Ngày 30/6/2025", date(2025, 6, 30)),
    ],
)
def test_an_explicit_date_is_the_deadline_with_no_window_start(text: str, due: date) -> None:
    assert schedule(text) == (DEADLINE, None, due, None)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Trước năm 2030", date(2029, 12, 31)),
        ("truoc nam 2030.", date(2029, 12, 31)),
        ("Trước Quý III/2025", date(2025, 6, 30)),
        ("Trước tháng 7 năm 2025", date(2025, 6, 30)),
    ],
)
def test_before_a_period_means_by_the_day_before_it_starts(text: str, due: date) -> None:
    assert schedule(text) == (DEADLINE, None, due, None)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Chậm nhất quý III/2025", date(2025, 9, 30)),
        ("Cuối năm 2025", date(2025, 12, 31)),
        ("Đến hết năm 2025", date(2025, 12, 31)),
    ],
)
def test_at_the_latest_a_period_means_by_its_last_day(text: str, due: date) -> None:
    assert schedule(text) == (DEADLINE, None, due, None)


def test_a_deadline_before_the_plan_start_keeps_its_own_due_date() -> None:
    assert schedule("Quý 1 năm 2024") == (DEADLINE, date(2024, 1, 1), date(2024, 3, 31), None)


@pytest.mark.parametrize(
    ("text", "rule", "due"),
    [
        ("Hằng năm", YEARLY_END, date(2024, 12, 31)),
        ("hang nam.", YEARLY_END, date(2024, 12, 31)),
        ("Định kỳ hằng năm", YEARLY_END, date(2024, 12, 31)),
        ("Hằng quý", QUARTERLY, date(2024, 6, 30)),
        ("Hàng quý.", QUARTERLY, date(2024, 6, 30)),
        ("Định kỳ hằng quý", QUARTERLY, date(2024, 6, 30)),
        ("Hằng tháng", MONTHLY, date(2024, 4, 30)),
        ("HANG THANG", MONTHLY, date(2024, 4, 30)),
        ("trước ngày 25 hằng tháng", "FREQ=MONTHLY;BYMONTHDAY=25", date(2024, 4, 25)),
        ("Trước ngày 05 hàng tháng.", "FREQ=MONTHLY;BYMONTHDAY=5", date(2024, 4, 5)),
        ("Định kỳ 6 tháng", HALF_YEARLY, date(2024, 6, 30)),
        ("Định kỳ 06 tháng, hằng năm", HALF_YEARLY, date(2024, 6, 30)),
        ("dinh ky 6 thang", HALF_YEARLY, date(2024, 6, 30)),
        ("Tháng 11 hằng năm", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=-1", date(2024, 11, 30)),
        ("tháng 11 hàng năm.", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=-1", date(2024, 11, 30)),
        ("trước ngày 10/12 hằng năm", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=10", date(2024, 12, 10)),
        (
            "Trước ngày 10 tháng 12 hàng năm",
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=10",
            date(2024, 12, 10),
        ),
        ("Hằng năm (trước ngày 15/12)", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15", date(2024, 12, 15)),
        ("Quý IV hằng năm", YEARLY_END, date(2024, 12, 31)),
    ],
)
def test_a_periodic_form_recurs_on_its_rule_from_the_plan_start(
    text: str, rule: str, due: date
) -> None:
    assert schedule(text) == (RECURRING, None, due, rule)


@pytest.mark.parametrize(
    "text", ["Trước ngày 20/6 và 20/12 hằng năm", "truoc ngay 20/6, ngay 20/12 hang nam."]
)
def test_the_same_day_of_several_months_recurs_on_one_rule(text: str) -> None:
    parsed = parse_timeframe(text, date(2024, 6, 21))
    assert (parsed.kind, parsed.due, parsed.rrule) == (
        RECURRING,
        date(2024, 12, 20),
        "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=20",
    )


def test_different_days_of_several_months_are_not_read() -> None:
    assert schedule("Trước ngày 20/6 và 31/12 hằng năm")[0] == TimeframeKind.UNSCHEDULED


def test_a_periodic_due_date_is_the_first_instance_on_or_after_the_plan_start() -> None:
    assert schedule("Hằng quý", date(2024, 6, 30))[2] == date(2024, 6, 30)
    assert schedule("Hằng quý", date(2024, 7, 1))[2] == date(2024, 9, 30)
    assert schedule("trước ngày 10/12 hằng năm", date(2024, 12, 11))[2] == date(2025, 12, 10)


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Từ tháng 7/2025", date(2025, 7, 1), date(2025, 9, 30)),
        ("từ tháng 7 năm 2025.", date(2025, 7, 1), date(2025, 9, 30)),
        ("Triển khai từ năm 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("Trien khai tu nam 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("Kể từ Quý III/2025", date(2025, 7, 1), date(2025, 9, 30)),
        ("Từ ngày 15/8/2025", date(2025, 8, 15), date(2025, 9, 30)),
        ("Từ năm 2023", date(2023, 1, 1), date(2024, 6, 30)),
    ],
)
def test_an_open_start_is_continuous_from_then(text: str, start: date, due: date) -> None:
    assert schedule(text) == (CONTINUOUS, start, due, QUARTERLY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Năm 2025 và các năm tiếp theo",
            (RECURRING, date(2025, 1, 1), date(2025, 12, 31), YEARLY_END),
        ),
        (
            "Trong năm 2024 và các năm tiếp theo.",
            (RECURRING, date(2024, 1, 1), date(2024, 12, 31), YEARLY_END),
        ),
        (
            "nam 2025 va cac nam tiep theo",
            (RECURRING, date(2025, 1, 1), date(2025, 12, 31), YEARLY_END),
        ),
        (
            "Quý III/2025 và các năm tiếp theo",
            (RECURRING, date(2025, 7, 1), date(2025, 9, 30), "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=30"),
        ),
        (
            "Tháng 11 hằng năm và các năm tiếp theo",
            (RECURRING, None, date(2024, 11, 30), "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=-1"),
        ),
        (
            "Thường xuyên trong năm 2025 và các năm tiếp theo",
            (CONTINUOUS, date(2025, 1, 1), date(2025, 3, 31), QUARTERLY),
        ),
    ],
)
def test_following_years_repeat_yearly_from_the_first_period(text: str, expected: Expected) -> None:
    assert schedule(text) == expected


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Quý 3/2024 và thường xuyên", date(2024, 7, 1), date(2024, 9, 30)),
        ("Quy III/2024 va thuong xuyen", date(2024, 7, 1), date(2024, 9, 30)),
        # The first due date comes from X (issue 2 §3); quarterly check-ins follow it.
        ("Năm 2025 và thường xuyên.", date(2025, 1, 1), date(2025, 12, 31)),
        # X ended before the plan started: only the check-ins are left.
        ("Quý 1 năm 2024 và thường xuyên", date(2024, 1, 1), date(2024, 6, 30)),
        ("Trước ngày 15/8/2024 và thường xuyên", None, date(2024, 8, 15)),
    ],
)
def test_a_period_then_continuous_checks_in_quarterly_from_that_period(
    text: str, start: date | None, due: date
) -> None:
    assert schedule(text) == (CONTINUOUS, start, due, QUARTERLY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hằng quý hoặc đột xuất", (RECURRING, None, date(2024, 6, 30), QUARTERLY)),
        ("Hang nam, dot xuat", (RECURRING, None, date(2024, 12, 31), YEARLY_END)),
        (
            "Quý 3/2025 và đột xuất khi có yêu cầu",
            (DEADLINE, date(2025, 7, 1), date(2025, 9, 30), None),
        ),
        ("Hằng năm hoặc khi có yêu cầu", (RECURRING, None, date(2024, 12, 31), YEARLY_END)),
        ("Đột xuất", (TimeframeKind.UNSCHEDULED, None, None, None)),
        ("Đột xuất hoặc hằng quý", (RECURRING, None, date(2024, 6, 30), QUARTERLY)),
    ],
)
def test_dot_xuat_keeps_the_schedule_and_allows_ad_hoc_occurrences(
    text: str, expected: Expected
) -> None:
    assert schedule(text) == expected
    assert parse_timeframe(text, PLAN_START).ad_hoc


@pytest.mark.parametrize(
    "text",
    [
        "Sau khi Quyết định được ban hành",
        "Sau khi Phương án phát triển cụm công nghiệp được ban hành.",
        "sau khi quy hoach duoc ban hanh",
        "Trong vòng 30 ngày sau khi Kế hoạch được phê duyệt",
        "nhân các đợt sơ kết, tổng kết Nghị định số 32/2024/NĐ-CP và Kế hoạch này",
        "Nhân dịp tổng kết năm",
    ],
)
def test_after_an_event_has_no_date(text: str) -> None:
    assert schedule(text) == (TimeframeKind.AFTER_EVENT, None, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "Theo kế hoạch",
        "Theo kế hoạch của UBND tỉnh.",
        "Theo lộ trình của Bộ Công Thương",
        "Theo tiến độ thực hiện dự án",
        "theo tien do",
    ],
)
def test_following_someone_elses_schedule_is_unscheduled(text: str) -> None:
    assert schedule(text) == (TimeframeKind.UNSCHEDULED, None, None, None)


ODD_TEXTS = [
    "",
    " ",
    ".",
    "\n\t",
    "None",
    "null",
    "N/A",
    "-",
    "asdf qwerty",
    "Quý 5/2025",
    "Quý 0 năm 2025",
    "Tháng 13/2025",
    "Tháng 0/2025",
    "Ngày 31/2/2025",
    "Trước ngày 32/1/2025",
    "trước ngày 0 hằng tháng",
    "trước ngày 40 hằng tháng",
    "trước ngày 30/2 hằng năm",
    "trước ngày 30/2 và 30/12 hằng năm",
    "Tháng 13 hằng năm",
    "Năm 0000",
    "Trước năm 0001",
    "Quý 4/9999 và các năm tiếp theo",
    "Từ năm 9999",
    "và các năm tiếp theo",
    "và thường xuyên",
    "hoặc đột xuất",
    "Thường xuyên hằng năm",
    "Từ",
    "Trước",
    "Giai đoạn",
    "Quý/",
    "2024-",
    "-2024",
    "////",
    "((()))",
    "Quý III/2025 - ",
    "đ" * 5000,
    "Quý 2 năm 2024 " * 1000,
    "và các năm tiếp theo " * 2000,
    "sau khi " * 5000,
    "2024-" * 3000,
    "\x00\x01\x7f",
    "\ud800",
    "🙂 Quý 2 năm 2024 🙂",
    "Ｑuý ２ năm ２０２４",
    "Quý ٢ năm ٢٠٢٤",
]


@pytest.mark.parametrize("plan_start", [PLAN_START, date(1, 1, 1), date(9999, 12, 31)])
def test_it_never_raises_and_keeps_the_text(plan_start: date) -> None:
    for text in ODD_TEXTS:
        parsed = parse_timeframe(text, plan_start)
        assert parsed.text == text
        json.dumps(parsed.to_json())


def test_text_it_cannot_read_is_unscheduled_with_the_text_kept() -> None:
    for text in ["asdf qwerty", "Quý 5/2025", "Tháng 13/2025", "Ngày 31/2/2025", ""]:
        assert parse_timeframe(text, PLAN_START) == Timeframe(
            text, TimeframeKind.UNSCHEDULED, None, None, None
        )


def test_very_long_text_is_unscheduled() -> None:
    text = "Quý 2 năm 2024 " * 1000
    assert parse_timeframe(text, PLAN_START).kind == TimeframeKind.UNSCHEDULED


def test_a_value_that_is_not_text_is_unscheduled() -> None:
    parsed = parse_timeframe(None, PLAN_START)  # type: ignore[arg-type]
    assert parsed.kind == TimeframeKind.UNSCHEDULED


def test_the_output_text_is_the_input_verbatim() -> None:
    text = "  Quý II\nnăm 2024. "
    parsed = parse_timeframe(text, PLAN_START)
    assert parsed.text == text
    assert parsed.due == date(2024, 6, 30)


@pytest.mark.parametrize(
    "text",
    [
        "Hằng năm",
        "Thường xuyên",
        "Hằng tháng",
        "trước ngày 25 hằng tháng",
        "Định kỳ 6 tháng",
        "Tháng 11 hằng năm",
        "trước ngày 10/12 hằng năm",
        "Từ tháng 7/2025",
        "Quý III/2025 và các năm tiếp theo",
        "Thường xuyên trong năm 2024 và các năm tiếp theo",
    ],
)
def test_every_rule_is_parsed_by_dateutil_and_its_first_instance_is_the_due_date(
    text: str,
) -> None:
    parsed = parse_timeframe(text, PLAN_START)
    assert parsed.rrule is not None
    first_day = max(parsed.start or PLAN_START, PLAN_START)
    dtstart = datetime(first_day.year, first_day.month, first_day.day)
    first = rrulestr(parsed.rrule, dtstart=dtstart).after(dtstart, inc=True)
    assert first is not None
    assert first.date() == parsed.due


def test_normalise_folds_case_diacritics_d_spaces_and_the_trailing_period() -> None:
    assert normalise("  ĐỊNH KỲ  Hằng\nQuý. ") == "dinh ky hang quy"
    assert normalise("Quý III / 2025.") == "quy iii/2025"


@pytest.mark.parametrize(
    ("rule", "due", "code", "label"),
    [
        (YEARLY_END, date(2024, 12, 31), "2024", "Năm 2024"),
        ("FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=-1", date(2025, 11, 30), "2025", "Năm 2025"),
        (HALF_YEARLY, date(2024, 6, 30), "2024-H1", "6 tháng đầu năm 2024"),
        (HALF_YEARLY, date(2024, 12, 31), "2024-H2", "6 tháng cuối năm 2024"),
        (
            "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=20",
            date(2025, 6, 20),
            "2025-H1",
            "6 tháng đầu năm 2025",
        ),
        (QUARTERLY, date(2024, 9, 30), "2024-Q3", "Quý 3/2024"),
        (QUARTERLY, date(2025, 3, 31), "2025-Q1", "Quý 1/2025"),
        (MONTHLY, date(2024, 7, 31), "2024-07", "Tháng 7/2024"),
        ("FREQ=MONTHLY;BYMONTHDAY=25", date(2024, 12, 25), "2024-12", "Tháng 12/2024"),
        ("FREQ=WEEKLY;BYDAY=MO", date(2024, 7, 15), "2024-07-15", "Ngày 15/7/2024"),
    ],
)
def test_a_rule_names_the_period_of_each_occurrence(
    rule: str, due: date, code: str, label: str
) -> None:
    assert rule_period_code(rule, due) == code
    assert rule_period_label(rule, due) == label


def test_the_timeframe_command_prints_the_parsed_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["timeframe", "Thường xuyên", "--plan-start", "2024-07-15"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "text": "Thường xuyên",
        "kind": "continuous",
        "start": None,
        "due": "2024-09-30",
        "rrule": QUARTERLY,
        "ad_hoc": False,
    }


# --- The reader: parts found in the text and combined by rules ----------------------------------
# Phrases of each family written for these tests (none is a corpus string), read from a plan
# starting 1/10/2013 unless said otherwise.

START_2013 = date(2013, 10, 1)
AFTER_EVENT = TimeframeKind.AFTER_EVENT
UNSCHEDULED = TimeframeKind.UNSCHEDULED


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Tháng 11, 12/2013", date(2013, 11, 1), date(2013, 12, 31)),
        ("Tháng 11 và tháng 12 năm 2013", date(2013, 11, 1), date(2013, 12, 31)),
        ("Quý IV/2013, Quý I/2014", date(2013, 10, 1), date(2014, 3, 31)),
        ("Quý I, II năm 2014", date(2014, 1, 1), date(2014, 6, 30)),
        ("Năm 2014, 2015", date(2014, 1, 1), date(2015, 12, 31)),
        ("hoàn thành trong tháng 12/2013, triển khai trong quý I/2014", date(2013, 12, 1),
         date(2014, 3, 31)),
        ("Quý 2 năm 2014 và Quý 2 năm 2015", date(2014, 4, 1), date(2015, 6, 30)),
    ],
)
def test_a_list_of_periods_is_due_at_the_end_of_its_last_from_its_first(
    text: str, start: date, due: date
) -> None:
    assert schedule(text, START_2013) == (DEADLINE, start, due, None)


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Từ nay đến hết năm 2025", START_2013, date(2025, 12, 31)),
        ("từ nay đến ngày 20/12/2013", START_2013, date(2013, 12, 20)),
        ("giai đoạn 2016-2020 vào năm 2020", date(2016, 1, 1), date(2020, 12, 31)),
        ("Từ tháng 11 đến tháng 2/2014", date(2013, 11, 1), date(2014, 2, 28)),
        ("từ ngày 5 đến ngày 20 tháng 3 năm 2014", date(2014, 3, 5), date(2014, 3, 20)),
        ("Từ ngày 01/11 đến ngày 30/11", date(2013, 11, 1), date(2013, 11, 30)),
        ("Năm học 2013-2014", date(2013, 9, 1), date(2014, 5, 31)),
        ("Bắt đầu từ ngày 15/10/2013; kết thúc trước ngày 15/01/2014", date(2013, 10, 15),
         date(2014, 1, 15)),
        ("Quý III - IV/2014", date(2014, 7, 1), date(2014, 12, 31)),
        ("Tháng 10 - 12/2014", date(2014, 10, 1), date(2014, 12, 31)),
        ("Giai đoạn 2014 - 2015, định hướng đến năm 2020", date(2014, 1, 1), date(2015, 12, 31)),
        ("Năm 2014 (hoàn thành trước 30/11/2014)", date(2014, 1, 1), date(2014, 11, 30)),
        ("Quý II/2014, Quý IV/2013", date(2014, 4, 1), date(2014, 6, 30)),
    ],
)
def test_a_range_is_due_at_its_end_and_a_year_it_omits_is_the_next_periods(
    text: str, start: date, due: date
) -> None:
    assert schedule(text, START_2013) == (DEADLINE, start, due, None)


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Từ tháng 11/2013 trở đi", date(2013, 11, 1), date(2013, 12, 31)),
        ("Kể từ ngày 01/01/2014 trở về sau", date(2014, 1, 1), date(2014, 3, 31)),
        ("Từ Quý I/2014 đến khi hoàn thành dự án", date(2014, 1, 1), date(2014, 3, 31)),
        ("Triển khai thực hiện từ Quý I/2014", date(2014, 1, 1), date(2014, 3, 31)),
        ("Thường xuyên từ năm 2014", date(2014, 1, 1), date(2014, 3, 31)),
        ("Từ tháng 12/2013, thường xuyên", date(2013, 12, 1), date(2013, 12, 31)),
        ("sau năm 2014", date(2015, 1, 1), date(2015, 3, 31)),
    ],
)
def test_a_start_without_an_end_is_continuous_from_that_start(
    text: str, start: date, due: date
) -> None:
    assert schedule(text, START_2013) == (CONTINUOUS, start, due, QUARTERLY)


@pytest.mark.parametrize(
    ("text", "rule", "due"),
    [
        ("hằng quý", QUARTERLY, date(2013, 12, 31)),
        ("6 tháng, 1 năm", HALF_YEARLY, date(2013, 12, 31)),
        ("định kỳ 6 tháng", HALF_YEARLY, date(2013, 12, 31)),
        ("06 tháng/lần", HALF_YEARLY, date(2013, 12, 31)),
        ("Mỗi năm 02 lần", HALF_YEARLY, date(2013, 12, 31)),
        ("4 lần/năm", QUARTERLY, date(2013, 12, 31)),
        ("12 tháng một lần", YEARLY_END, date(2013, 12, 31)),
        ("Báo cáo tháng, quý, năm", MONTHLY, date(2013, 10, 31)),
        ("báo cáo quý và năm", QUARTERLY, date(2013, 12, 31)),
        ("Hằng tuần", "FREQ=WEEKLY;BYDAY=FR", date(2013, 10, 4)),
        ("Theo tháng", MONTHLY, date(2013, 10, 31)),
        ("Trước ngày 15 hằng tháng", "FREQ=MONTHLY;BYMONTHDAY=15", date(2013, 10, 15)),
        (
            "hàng quý, trước ngày 15 tháng cuối quý",
            "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=15",
            date(2013, 12, 15),
        ),
        (
            "Chậm nhất ngày 10 của tháng đầu quý sau",
            "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=10",
            date(2013, 10, 10),
        ),
        ("Quý II và Quý IV hằng năm", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1", date(2013, 12, 31)),
        ("Tháng 6, 12 hằng năm", "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=-1", date(2013, 12, 31)),
        ("Hằng năm, trong tháng 11", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=-1", date(2013, 11, 30)),
        ("Từ tháng 4 - tháng 9 hằng năm", "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=-1", date(2014, 9, 30)),
        (
            "định kỳ hằng năm gửi Sở Tài chính trước ngày 20 tháng 10",
            "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=20",
            date(2013, 10, 20),
        ),
        ("Định kỳ trước ngày 05/12", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=5", date(2013, 12, 5)),
        (
            "Trước ngày 20/6 (báo cáo 6 tháng) và trước ngày 20/12 (báo cáo năm) hằng năm",
            "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=20",
            date(2013, 12, 20),
        ),
        ("Sơ kết 6 tháng, tổng kết năm", HALF_YEARLY, date(2013, 12, 31)),
    ],
)
def test_a_rhythm_recurs_on_the_days_its_yearless_periods_name(
    text: str, rule: str, due: date
) -> None:
    assert schedule(text, START_2013) == (RECURRING, None, due, rule)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Quý IV/2013 và hằng năm",
            (RECURRING, date(2013, 10, 1), date(2013, 12, 31), YEARLY_END),
        ),
        (
            "Năm 2014 và những năm tiếp theo",
            (RECURRING, date(2014, 1, 1), date(2014, 12, 31), YEARLY_END),
        ),
        (
            "Trước ngày 10/11/2013 và hằng tháng",
            (RECURRING, None, date(2013, 11, 10), "FREQ=MONTHLY;BYMONTHDAY=10"),
        ),
        (
            "Năm 2014 và duy trì thường xuyên",
            (CONTINUOUS, date(2014, 1, 1), date(2014, 12, 31), QUARTERLY),
        ),
        (
            "Hằng quý trong năm 2014",
            (RECURRING, date(2014, 1, 1), date(2014, 3, 31), QUARTERLY + ";UNTIL=20141231"),
        ),
        (
            "Hằng tháng, từ tháng 5/2014 đến tháng 12/2015",
            (RECURRING, date(2014, 5, 1), date(2014, 5, 31), MONTHLY + ";UNTIL=20151231"),
        ),
        (
            "Hằng năm từ năm 2014 - 2016",
            (RECURRING, date(2014, 1, 1), date(2014, 12, 31), YEARLY_END + ";UNTIL=20161231"),
        ),
    ],
)
def test_a_dated_period_before_a_rhythm_is_its_first_due_and_one_after_it_its_window(
    text: str, expected: Expected
) -> None:
    assert schedule(text, START_2013) == expected


def test_a_rhythm_inside_a_window_stops_at_the_windows_end() -> None:
    timeframe = parse_timeframe("Hằng quý trong năm 2014", START_2013)
    dues = [o.due for o in occurrences("X", timeframe, START_2013, date(2016, 12, 31))]
    assert dues == [date(2014, 3, 31), date(2014, 6, 30), date(2014, 9, 30), date(2014, 12, 31)]


@pytest.mark.parametrize(
    "text",
    ["thường xuyên, liên tục", "Liên tục", "Hằng ngày", "Thường xuyên, hằng năm"],
)
def test_continuity_checks_in_quarterly(text: str) -> None:
    assert schedule(text, START_2013) == (CONTINUOUS, None, date(2013, 12, 31), QUARTERLY)


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("Trong năm 2014 hoặc đột xuất", DEADLINE, date(2014, 12, 31)),
        ("Hằng quý và khi có yêu cầu", RECURRING, date(2013, 12, 31)),
        ("khi được yêu cầu", UNSCHEDULED, None),
        ("Theo yêu cầu của Ủy ban nhân dân tỉnh", UNSCHEDULED, None),
    ],
)
def test_ad_hoc_words_keep_the_schedule_they_come_with(
    text: str, kind: TimeframeKind, due: date | None
) -> None:
    parsed = parse_timeframe(text, START_2013)
    assert (parsed.kind, parsed.due, parsed.ad_hoc) == (kind, due, True)
    assert parsed.reason == (None if due else "ad_hoc")


@pytest.mark.parametrize(
    "text",
    [
        "Sau khi Đề án được ban hành",
        "Ngay sau khi có quyết định phê duyệt",
        "Trong vòng 15 ngày kể từ ngày ký",
        "Đến khi có chỉ đạo mới",
        "Trước Tết Nguyên đán",
        "tại Kỳ họp thứ 10 Hội đồng nhân dân tỉnh",
        "khi có hướng dẫn của Bộ Tài chính",
        "sau khi Nghị định số 15/2013/NĐ-CP có hiệu lực",
        "trước khi kết thúc Đề án",
    ],
)
def test_an_event_without_a_date_is_after_the_event(text: str) -> None:
    assert schedule(text, START_2013) == (AFTER_EVENT, None, None, None)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Quý I/2014 (sau khi Đề án được phê duyệt)", date(2014, 3, 31)),
        ("trong năm 2014 và khi tổng kết Đề án", date(2014, 12, 31)),
        ("Trình Hội đồng nhân dân tỉnh tại kỳ họp cuối năm (tháng 12/2013)", date(2013, 12, 31)),
        ("Từ ngày ký đến hết năm 2014", date(2014, 12, 31)),
        ("sau khi Đề án được ban hành, chậm nhất ngày 30/6/2014", date(2014, 6, 30)),
        ("Theo kế hoạch, trước ngày 30/6/2014", date(2014, 6, 30)),
    ],
)
def test_a_date_beside_an_event_is_the_deadline(text: str, due: date) -> None:
    assert schedule(text, START_2013)[::2] == (DEADLINE, due)


@pytest.mark.parametrize(
    "text",
    [
        "theo tiến độ của dự án",
        "Theo Kế hoạch số 45/KH-UBND ngày 15/3/2013 của Ủy ban nhân dân tỉnh",
        "Thực hiện theo hướng dẫn của Bộ Nội vụ",
        "định kỳ báo cáo về Sở Tài chính theo quy định",
    ],
)
def test_a_schedule_set_elsewhere_is_unscheduled_as_a_reference(text: str) -> None:
    parsed = parse_timeframe(text, START_2013)
    assert (parsed.kind, parsed.due, parsed.reason) == (UNSCHEDULED, None, "reference")


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        ("Thực hiện trong Quý IV/2013, báo cáo về Sở Tài chính", date(2013, 10, 1),
         date(2013, 12, 31)),
        ("Hoàn thành trước ngày 31/12/2013, báo cáo kết quả về Sở Kế hoạch và Đầu tư", None,
         date(2013, 12, 31)),
        ("Triển khai, hoàn thành trong tháng 11/2013", date(2013, 11, 1), date(2013, 11, 30)),
        ("c) Thời gian hoàn thành: Quý IV/2013", date(2013, 10, 1), date(2013, 12, 31)),
    ],
)
def test_filler_is_skipped_and_leaves_nothing_unread(
    text: str, start: date | None, due: date
) -> None:
    parsed = parse_timeframe(text, START_2013)
    assert (parsed.kind, parsed.start, parsed.due, parsed.unread) == (DEADLINE, start, due, ())


@pytest.mark.parametrize(
    ("text", "plan_start", "start", "due"),
    [
        ("trước ngày 31 tháng 3 năm kế hoạch", date(2014, 1, 1), None, date(2014, 3, 31)),
        ("trong năm sau", START_2013, date(2014, 1, 1), date(2014, 12, 31)),
        ("Quý I năm sau", START_2013, date(2014, 1, 1), date(2014, 3, 31)),
        ("Trong quý này", date(2013, 11, 15), date(2013, 10, 1), date(2013, 12, 31)),
        ("quý tới", date(2013, 11, 15), date(2014, 1, 1), date(2014, 3, 31)),
        ("trong tháng tới", date(2013, 12, 15), date(2014, 1, 1), date(2014, 1, 31)),
        ("Đầu năm 2014", START_2013, date(2014, 1, 1), date(2014, 3, 31)),
        ("Cuối quý IV/2013", START_2013, None, date(2013, 12, 31)),
        ("Quý IV", START_2013, date(2013, 10, 1), date(2013, 12, 31)),
        ("Năm nay", START_2013, date(2013, 1, 1), date(2013, 12, 31)),
        ("Giữa năm 2014", START_2013, date(2014, 1, 1), date(2014, 6, 30)),
        ("Hoàn thành trước khi kết thúc năm 2014", START_2013, None, date(2014, 12, 31)),
        ("2014-03-15", START_2013, None, date(2014, 3, 15)),
        ("T12/2013", START_2013, date(2013, 12, 1), date(2013, 12, 31)),
        ("Q2/2014", START_2013, date(2014, 4, 1), date(2014, 6, 30)),
    ],
)
def test_periods_named_relative_to_the_plan_start_or_in_short_forms(
    text: str, plan_start: date, start: date | None, due: date
) -> None:
    assert schedule(text, plan_start) == (DEADLINE, start, due, None)


def test_a_date_in_the_year_before_each_plan_year_recurs_yearly() -> None:
    assert schedule("trước ngày 31 tháng 10 của năm trước năm kế hoạch", START_2013) == (
        RECURRING,
        None,
        date(2013, 10, 31),
        "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=31",
    )


def test_a_documents_number_and_date_are_not_a_time_frame() -> None:
    parsed = parse_timeframe("Quyết định số 1234/QĐ-UBND ngày 15/3/2013", START_2013)
    assert (parsed.kind, parsed.reason) == (UNSCHEDULED, "no_time")


# --- What it did not understand --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Quý 7 năm 2024", "invalid_period"),
        ("Quý V/2024", "invalid_period"),
        ("Tháng 13/2024", "invalid_period"),
        ("13/2024", "invalid_period"),
        ("31/02/2024", "invalid_date"),
        ("ngày 31 tháng 4 năm 2024", "invalid_date"),
        ("Trước ngày 29/2/2023", "invalid_date"),
        ("Trước ngày 30/2 hằng năm", "invalid_date"),
        ("ngày 0 hằng tháng", "invalid_date"),
        ("Từ năm 2024 đến năm 2023", "range_reversed"),
        ("Trước ngày 20/6 và 31/12 hằng năm", "days_differ"),
        ("Quý 7 năm 2024 hoặc Quý 2 năm 2024", "invalid_period"),
    ],
)
def test_an_impossible_date_or_period_is_unscheduled_with_the_reason(
    text: str, reason: str
) -> None:
    parsed = parse_timeframe(text, PLAN_START)
    assert (parsed.kind, parsed.due, parsed.rrule, parsed.reason) == (
        UNSCHEDULED, None, None, reason
    )


def test_a_leap_day_that_exists_is_read() -> None:
    assert schedule("Trước ngày 29/2/2024")[::2] == (DEADLINE, date(2024, 2, 29))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("  ;; ", "empty"),
        ("Quý 2 năm 2024 " * 100, "too_long"),
        ("Theo kế hoạch", "reference"),
        ("Đã hoàn thành", "done"),
        ("Định kỳ báo cáo kết quả về Sở Tài chính", "no_rhythm"),
        ("30 ngày làm việc", "relative"),
        ("Đột xuất", "ad_hoc"),
        ("asdf qwerty", "no_time"),
        ("ngày 25", "incomplete"),
    ],
)
def test_every_unscheduled_reading_says_why(text: str, reason: str) -> None:
    parsed = parse_timeframe(text, PLAN_START)
    assert (parsed.kind, parsed.reason) == (UNSCHEDULED, reason)


@pytest.mark.parametrize(
    ("text", "unread"),
    [
        ("asdf qwerty", ("asdf", "qwerty")),
        ("Quý 4 năm 2024 tại hội trường", ("hội", "trường")),
        ("Năm 2025, trừ Lễ hội", ("trừ", "Lễ", "hội")),
        ("Quý III/2025", ()),
    ],
)
def test_the_words_it_could_not_place_are_listed_verbatim(
    text: str, unread: tuple[str, ...]
) -> None:
    assert parse_timeframe(text, PLAN_START).unread == unread


def test_the_command_adds_the_unread_words_and_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["timeframe", "Quý 7 năm 2024 cho đủ", "--plan-start", "2024-04-01"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "text": "Quý 7 năm 2024 cho đủ",
        "kind": "unscheduled",
        "start": None,
        "due": None,
        "rrule": None,
        "ad_hoc": False,
        "unread": ["đủ"],
        "reason": "invalid_period",
    }


# --- Never raises: properties over generated text --------------------------------------------

# The reader's own words, mixed at random, reach every branch the corpus reaches and many it
# does not; numbers cover impossible days, months, quarters and years.
VOCABULARY = [
    "quý", "Quý", "tháng", "năm", "ngày", "hằng", "hàng", "mỗi", "từng", "định kỳ", "thường xuyên",
    "liên tục", "từ", "kể từ", "từ nay", "đến", "đến hết", "tới", "trước", "chậm nhất", "cuối",
    "đầu", "sau", "sau khi", "khi", "đến khi", "đột xuất", "khi có yêu cầu", "theo", "kế hoạch",
    "năm kế hoạch", "các năm tiếp theo", "trở đi", "và", "hoặc", ",", ";", "-", "/", ".", "(",
    ")", ":", "I", "II", "III", "IV", "V", "6 tháng", "lần", "một lần", "báo cáo", "về",
    "Sở Tài chính", "nay", "học", "số", "QĐ-UBND", "nhân dịp", "Kỳ họp", "trong", "vào",
    "giai đoạn", "Đã hoàn thành", "tuần", "Tết", "tháng cuối quý", "thời gian thực hiện:",
]
WORDS = st.one_of(
    st.sampled_from(VOCABULARY), st.integers(0, 10000).map(str), st.text(max_size=4)
)
PHRASES = st.lists(WORDS, max_size=25).map(" ".join)
GLUED = st.lists(WORDS, max_size=25).map("".join)
PLAN_STARTS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


def check_reading(text: str, plan_start: date) -> None:
    parsed = parse_timeframe(text, plan_start)
    assert parsed.text == text
    json.dumps(parsed.to_json())
    assert all(word in text for word in parsed.unread)
    if parsed.kind is DEADLINE:
        assert parsed.due is not None and parsed.rrule is None
        assert parsed.start is None or parsed.start <= parsed.due
    elif parsed.kind in (RECURRING, CONTINUOUS):
        assert parsed.rrule is not None
        first_day = max(parsed.start or plan_start, plan_start)
        rrulestr(parsed.rrule, dtstart=datetime(first_day.year, first_day.month, first_day.day))
        assert parsed.due is None or parsed.due >= first_day
    else:
        assert (parsed.due, parsed.rrule) == (None, None)
    if parsed.kind is UNSCHEDULED:
        assert parsed.reason is not None


@settings(max_examples=500, deadline=None)
@given(PHRASES, PLAN_STARTS)
def test_any_mix_of_its_own_words_gives_a_consistent_reading(text: str, plan_start: date) -> None:
    check_reading(text, plan_start)


@settings(max_examples=200, deadline=None)
@given(GLUED, PLAN_STARTS)
def test_its_words_glued_together_give_a_consistent_reading(text: str, plan_start: date) -> None:
    check_reading(text, plan_start)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500), PLAN_STARTS)
def test_any_text_gives_a_consistent_reading(text: str, plan_start: date) -> None:
    check_reading(text, plan_start)
