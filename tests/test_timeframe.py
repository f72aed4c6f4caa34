"""Vietnamese time frames: the plan's seven phrases, every family of real-plan forms, robustness."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from dateutil.rrule import rrulestr

from bot.cli import main
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
