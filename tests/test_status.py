"""Where an item stands: the four categories of Vietnamese task tracking, plus blocked."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.status import LONG_OVERDUE_DAYS, Category, Standing, standing

DUE = date(2024, 6, 30)


@pytest.mark.parametrize(("done_on", "category", "days_late"), [
    (date(2024, 6, 10), Category.DONE_ON_TIME, 0),
    (date(2024, 6, 30), Category.DONE_ON_TIME, 0),
    (date(2024, 7, 1), Category.DONE_LATE, 1),
    (date(2024, 11, 27), Category.DONE_LATE, 150),
])
def test_a_done_item_is_on_time_or_late_by_its_completion_day(
        done_on: date, category: Category, days_late: int) -> None:
    # Whatever today is: a completion is judged on the day it happened.
    for today in (done_on, date(2025, 12, 31)):
        assert standing(DUE, done_on, False, today) == Standing(category, False, days_late)


def test_a_done_item_is_no_longer_blocked() -> None:
    assert standing(DUE, date(2024, 7, 2), True, date(2024, 7, 5)) == Standing(
        Category.DONE_LATE, False, 2)


@pytest.mark.parametrize(("today", "category", "days_late"), [
    (date(2024, 4, 1), Category.IN_PROGRESS, 0),
    (date(2024, 6, 30), Category.IN_PROGRESS, 0),
    (date(2024, 7, 1), Category.OVERDUE, 1),
    (date(2024, 7, 31), Category.OVERDUE, 31),
])
def test_an_open_item_is_in_progress_until_its_due_day_then_overdue(
        today: date, category: Category, days_late: int) -> None:
    assert standing(DUE, None, False, today) == Standing(category, False, days_late)


@pytest.mark.parametrize(("today", "category"), [
    (date(2024, 6, 20), Category.IN_PROGRESS),
    (date(2024, 7, 3), Category.OVERDUE),
])
def test_a_blocked_item_keeps_its_deadline_category(today: date, category: Category) -> None:
    result = standing(DUE, None, True, today)
    assert result.category is category
    assert result.blocked


@pytest.mark.parametrize(("today", "long_overdue"), [
    (date(2024, 10, 28), False),  # 120 days late
    (date(2024, 10, 29), True),  # 121 days late
])
def test_long_overdue_means_more_than_120_days(today: date, long_overdue: bool) -> None:
    result = standing(DUE, None, False, today)
    assert result.days_late == (today - DUE).days
    assert result.long_overdue is long_overdue
    assert standing(DUE, None, True, today).long_overdue is long_overdue


def test_done_late_is_never_long_overdue() -> None:
    result = standing(DUE, date(2025, 6, 30), False, date(2025, 7, 1))
    assert result.days_late > LONG_OVERDUE_DAYS
    assert not result.long_overdue
    assert not standing(DUE, None, False, date(2024, 6, 1)).long_overdue

