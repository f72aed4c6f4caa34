from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scheduler.workdays import OVERRIDES_PATH, CalendarError, WorkingCalendar


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def test_it_counts_monday_to_friday_as_working_days(calendar: WorkingCalendar) -> None:
    assert calendar.is_working_day(date(2024, 6, 24))  # Monday
    assert calendar.is_working_day(date(2024, 6, 28))  # Friday


def test_it_counts_an_ordinary_weekend_as_days_off(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(date(2024, 6, 29))
    assert not calendar.is_working_day(date(2024, 6, 30))
    assert calendar.day_off_reason(date(2024, 6, 29)) == "Thứ Bảy"
    assert calendar.day_off_reason(date(2024, 6, 30)) == "Chủ nhật"
    assert calendar.day_off_reason(date(2024, 6, 28)) is None


def test_it_names_public_holidays_in_vietnamese(calendar: WorkingCalendar) -> None:
    assert calendar.day_off_reason(date(2024, 1, 1)) == "Tết Dương lịch"
    assert calendar.day_off_reason(date(2024, 4, 18)) == "Ngày Giỗ Tổ Hùng Vương"
    assert calendar.day_off_reason(date(2024, 4, 30)) == "Ngày Chiến thắng"
    assert calendar.day_off_reason(date(2024, 5, 1)) == "Ngày Quốc tế Lao động"
    assert calendar.day_off_reason(date(2024, 9, 2)) == "Quốc khánh"
    assert calendar.day_off_reason(date(2024, 9, 3)) == "Quốc khánh"


def test_tet_2025_is_off_from_monday_27_to_friday_31_january(calendar: WorkingCalendar) -> None:
    assert calendar.is_working_day(date(2025, 1, 24))
    for day in range(27, 32):
        assert not calendar.is_working_day(date(2025, 1, day)), day
    assert calendar.day_off_reason(date(2025, 1, 29)) == "Tết Nguyên Đán"
    assert calendar.is_working_day(date(2025, 2, 3))


def test_monday_29_april_2024_is_off_and_saturday_4_may_is_worked(
    calendar: WorkingCalendar,
) -> None:
    assert not calendar.is_working_day(date(2024, 4, 29))
    assert calendar.day_off_reason(date(2024, 4, 29)) == "Ngày nghỉ (thay cho ngày 04/05/2024)"
    assert calendar.is_working_day(date(2024, 5, 4))
    assert not calendar.is_working_day(date(2024, 5, 5))


def test_it_moves_a_day_off_to_the_previous_or_next_working_day(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.on_or_before(date(2024, 6, 30)) == date(2024, 6, 28)
    assert calendar.on_or_after(date(2024, 6, 30)) == date(2024, 7, 1)
    assert calendar.on_or_before(date(2024, 4, 30)) == date(2024, 4, 26)
    assert calendar.on_or_after(date(2024, 4, 27)) == date(2024, 5, 2)
    assert calendar.on_or_before(date(2025, 1, 31)) == date(2025, 1, 24)
    assert calendar.on_or_after(date(2025, 1, 27)) == date(2025, 2, 3)
    assert calendar.on_or_before(date(2024, 6, 27)) == date(2024, 6, 27)


def test_it_adds_working_days_over_weekends_and_holidays(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_days(date(2024, 6, 30), 1) == date(2024, 7, 1)
    assert calendar.add_working_days(date(2024, 6, 30), 3) == date(2024, 7, 3)
    assert calendar.add_working_days(date(2024, 6, 28), 1) == date(2024, 7, 1)
    # Fri 26/4/2024 + 3: skips 27-28 (weekend), 29 (swap), 30/4 and 1/5; then Thu 2, Fri 3, Sat 4.
    assert calendar.add_working_days(date(2024, 4, 26), 3) == date(2024, 5, 4)
    assert calendar.add_working_days(date(2025, 1, 24), 1) == date(2025, 2, 3)
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2024, 6, 28), 0)


def test_it_loads_holiday_years_lazily_on_one_cached_object(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(date(2030, 1, 1))
    assert not calendar.is_working_day(date(2019, 1, 1))
    assert calendar.is_working_day(date(2030, 1, 2))


def test_operator_days_off_and_working_days_override_the_package() -> None:
    calendar = WorkingCalendar(
        extra_days_off={date(2024, 6, 28): "Nghỉ theo quyết định của tỉnh"},
        extra_working_days=frozenset({date(2024, 9, 3), date(2024, 6, 29)}),
    )
    assert not calendar.is_working_day(date(2024, 6, 28))
    assert calendar.day_off_reason(date(2024, 6, 28)) == "Nghỉ theo quyết định của tỉnh"
    assert calendar.is_working_day(date(2024, 9, 3))
    assert calendar.is_working_day(date(2024, 6, 29))
    assert calendar.on_or_before(date(2024, 6, 30)) == date(2024, 6, 29)


def test_a_day_cannot_be_both_off_and_worked() -> None:
    with pytest.raises(CalendarError, match="2024-06-28"):
        WorkingCalendar(frozenset({date(2024, 6, 28)}), frozenset({date(2024, 6, 28)}))


def test_the_bundled_overrides_file_loads_and_changes_nothing() -> None:
    assert OVERRIDES_PATH.name == "calendar_overrides.yaml"
    calendar = WorkingCalendar.from_overrides()
    assert calendar.extra_days_off == {}
    assert calendar.extra_working_days == {}


def test_an_overrides_file_adds_and_removes_days_off(tmp_path: Path) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text(
        "days_off:\n"
        "  - {date: 2026-05-04, reason: Nghỉ bù cho thứ Bảy 09/5/2026}\n"
        "working_days:\n"
        "  - date: '2026-05-09'\n"
        "    reason: Làm bù cho thứ Hai 04/5/2026\n",
        encoding="utf-8",
    )
    plain = WorkingCalendar()
    assert plain.is_working_day(date(2026, 5, 4)) and not plain.is_working_day(date(2026, 5, 9))
    calendar = WorkingCalendar.from_overrides(path)
    assert not calendar.is_working_day(date(2026, 5, 4))
    assert calendar.day_off_reason(date(2026, 5, 4)) == "Nghỉ bù cho thứ Bảy 09/5/2026"
    assert calendar.is_working_day(date(2026, 5, 9))
    # Friday 1/5 and Thursday 30/4 are public holidays: the step goes back to Wednesday 29/4.
    assert calendar.on_or_before(date(2026, 5, 4)) == date(2026, 4, 29)


def test_an_empty_overrides_file_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert WorkingCalendar.from_overrides(path).extra_days_off == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("days_off:\n  - {date: 2026-02-30, reason: x}\n", r"days_off mục 1: ngày không hợp lệ"),
        ("days_off:\n  - {date: '30/4/2026', reason: x}\n", r"days_off mục 1: ngày không hợp lệ"),
        (
            "working_days:\n  - {date: 2026-05-09, reason: a}\n  - {date: tomorrow, reason: b}\n",
            r"working_days mục 2: ngày không hợp lệ.*tomorrow",
        ),
        ("days_off:\n  - {date: 2026-04-27}\n", r"days_off mục 1: thiếu lý do"),
        ("days_off:\n  - 2026-04-27\n", r"days_off mục 1: cần dạng"),
        ("days_off: 2026-04-27\n", r"days_off phải là một danh sách"),
        ("holidays: []\n", r"khóa không hợp lệ: holidays"),
        (
            "days_off:\n  - {date: 2026-04-27, reason: a}\n"
            "working_days:\n  - {date: 2026-04-27, reason: b}\n",
            r"vừa là ngày nghỉ vừa là ngày làm việc: 2026-04-27",
        ),
        ("days_off: [\n", r"lỗi YAML"),
    ],
)
def test_a_bad_overrides_file_names_the_file_and_the_entry(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CalendarError, match=message) as error:
        WorkingCalendar.from_overrides(path)
    assert str(error.value).startswith(str(path))


def test_a_missing_overrides_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match="không đọc được tệp"):
        WorkingCalendar.from_overrides(tmp_path / "missing.yaml")
