from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.occurrences import Occurrence
from scheduler.plan import Ladder
from scheduler.policy import (
    PolicyState,
    Reminder,
    ScheduledOccurrence,
    Step,
    due_reminders,
    gets_progress_checkins,
    occurrence_timeline,
)
from scheduler.timeframe import TimeframeKind
from scheduler.workdays import WorkingCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = TimeframeKind.DEADLINE
CONTINUOUS = TimeframeKind.CONTINUOUS
LADDER = Ladder()
EIGHT = time(8, 0)  # the default NHACVIEC_SEND_AT
HORIZON = date(2025, 12, 31)

Row = tuple[date, str, str]


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def rows(reminders: list[Reminder]) -> list[Row]:
    return [(r.day, r.agency, r.key) for r in reminders]


def timeline(calendar: WorkingCalendar, window_start: date, due: date,
             kind: TimeframeKind = DEADLINE, lead: tuple[str, ...] = ("SCT",),
             coordinating: tuple[str, ...] = (), horizon: date = HORIZON,
             ladder: Ladder = LADDER) -> list[Row]:
    occurrence = Occurrence("X", "", "thử", window_start, due)
    return rows(occurrence_timeline(occurrence, kind, lead, coordinating, ladder, calendar, TZ,
                                    horizon, send_at=EIGHT))


def before_overdue(found: list[Row], due: date) -> list[Row]:
    return [row for row in found if row[0] <= due]


TASK_1 = Occurrence("1", "", "Quý 2 năm 2024", date(2024, 4, 1), date(2024, 6, 30))


def test_the_worked_example_of_task_1(calendar: WorkingCalendar) -> None:
    reminders = occurrence_timeline(TASK_1, DEADLINE, ["SCT"], ["STTTT"], LADDER, calendar, TZ,
                                    date(2024, 7, 20), send_at=EIGHT)
    assert [(r.day, r.agency, r.step, r.key) for r in reminders] == [
        (date(2024, 5, 31), "SCT", Step.T30, "T-30"),
        (date(2024, 6, 21), "SCT", Step.T7, "T-7"),
        (date(2024, 6, 21), "STTTT", Step.COORDINATE, "coordinate"),
        (date(2024, 6, 28), "SCT", Step.DUE, "due"),
        (date(2024, 7, 1), "SCT", Step.OVERDUE, "overdue@2024-07-01"),
        (date(2024, 7, 3), "SCT", Step.ESCALATION, "escalation"),
        (date(2024, 7, 8), "SCT", Step.OVERDUE, "overdue@2024-07-08"),
        (date(2024, 7, 15), "SCT", Step.OVERDUE, "overdue@2024-07-15"),
    ]
    assert {r.due for r in reminders} == {date(2024, 6, 30)}
    assert {(r.task_key, r.period) for r in reminders} == {("1", "")}


def test_everything_is_sent_at_eight_in_vietnam(calendar: WorkingCalendar) -> None:
    reminders = occurrence_timeline(TASK_1, DEADLINE, ["SCT"], [], LADDER, calendar, TZ,
                                    date(2024, 7, 1), send_at=EIGHT)
    assert reminders[0].send_at == datetime(2024, 5, 31, 8, 0, tzinfo=TZ)
    assert reminders[0].send_at == datetime(2024, 5, 31, 1, 0, tzinfo=UTC)
    assert all(r.send_at.utcoffset() == timedelta(hours=7) for r in reminders)


def test_the_send_time_is_the_one_given(calendar: WorkingCalendar) -> None:
    reminders = occurrence_timeline(TASK_1, DEADLINE, ["SCT"], [], LADDER, calendar, TZ,
                                    date(2024, 7, 1), send_at=time(7, 30))
    assert reminders[0].send_at == datetime(2024, 5, 31, 7, 30, tzinfo=TZ)


def test_t30_needs_a_window_longer_than_45_days(calendar: WorkingCalendar) -> None:
    due = date(2024, 7, 10)  # Wednesday
    assert before_overdue(timeline(calendar, date(2024, 5, 26), due), due) == [
        (date(2024, 7, 3), "SCT", "T-7"),
        (date(2024, 7, 9), "SCT", "T-1"),
        (date(2024, 7, 10), "SCT", "due"),
    ]
    assert before_overdue(timeline(calendar, date(2024, 5, 25), due), due) == [
        (date(2024, 6, 10), "SCT", "T-30"),
        (date(2024, 7, 3), "SCT", "T-7"),
        (date(2024, 7, 9), "SCT", "T-1"),
        (date(2024, 7, 10), "SCT", "due"),
    ]


def test_overdue_starts_one_working_day_after_due_and_repeats_weekly(
    calendar: WorkingCalendar,
) -> None:
    found = timeline(calendar, date(2024, 6, 1), date(2024, 7, 10), horizon=date(2024, 7, 31))
    assert [row for row in found if row[0] > date(2024, 7, 10)] == [
        (date(2024, 7, 11), "SCT", "overdue@2024-07-11"),
        (date(2024, 7, 15), "SCT", "escalation"),
        (date(2024, 7, 18), "SCT", "overdue@2024-07-18"),
        (date(2024, 7, 25), "SCT", "overdue@2024-07-25"),
    ]


def test_the_overdue_rhythm_is_kept_from_the_first_overdue_day(
    calendar: WorkingCalendar,
) -> None:
    # Due Sat 31/8/2024: Mon 2/9 and Tue 3/9 are Quốc khánh, so overdue starts Wed 4/9 and
    # repeats on Wednesdays; escalation is the third working day, Fri 6/9.
    found = timeline(calendar, date(2024, 6, 1), date(2024, 8, 31), horizon=date(2024, 9, 20))
    assert [row for row in found if row[0] > date(2024, 8, 31)] == [
        (date(2024, 9, 4), "SCT", "overdue@2024-09-04"),
        (date(2024, 9, 6), "SCT", "escalation"),
        (date(2024, 9, 11), "SCT", "overdue@2024-09-11"),
        (date(2024, 9, 18), "SCT", "overdue@2024-09-18"),
    ]


def test_an_overdue_step_falling_in_tet_moves_to_the_next_working_day(
    calendar: WorkingCalendar,
) -> None:
    found = timeline(calendar, date(2024, 4, 1), date(2024, 12, 31), horizon=date(2025, 2, 14))
    assert [row for row in found if row[0] > date(2024, 12, 31)] == [
        (date(2025, 1, 2), "SCT", "overdue@2025-01-02"),  # 1/1 is Tết Dương lịch
        (date(2025, 1, 6), "SCT", "escalation"),
        (date(2025, 1, 9), "SCT", "overdue@2025-01-09"),
        (date(2025, 1, 16), "SCT", "overdue@2025-01-16"),
        (date(2025, 1, 23), "SCT", "overdue@2025-01-23"),
        (date(2025, 2, 3), "SCT", "overdue@2025-02-03"),  # Thu 30/1 is Tết
        # The fourth weekly repeat was the last (Ladder.overdue_repeats = 4): no 06/02, 13/02.
    ]


def test_escalation_after_tet_counts_working_days(calendar: WorkingCalendar) -> None:
    found = timeline(calendar, date(2024, 12, 1), date(2025, 1, 24), horizon=date(2025, 2, 6))
    assert [row for row in found if row[0] > date(2025, 1, 24)] == [
        (date(2025, 2, 3), "SCT", "overdue@2025-02-03"),
        (date(2025, 2, 5), "SCT", "escalation"),
    ]


def test_steps_before_tet_move_back_and_collapse_into_the_latest(
    calendar: WorkingCalendar,
) -> None:
    # Due Mon 3/2/2025: T-7 (Mon 27/1, Tết) and T-1 (Sun 2/2) both move back to Fri 24/1.
    due = date(2025, 2, 3)
    assert before_overdue(timeline(calendar, date(2024, 12, 1), due), due) == [
        (date(2025, 1, 3), "SCT", "T-30"),
        (date(2025, 1, 24), "SCT", "T-1"),
        (date(2025, 2, 3), "SCT", "due"),
    ]


def test_a_step_on_the_swapped_monday_moves_to_friday_and_the_worked_saturday_keeps_one(
    calendar: WorkingCalendar,
) -> None:
    # Due Mon 6/5/2024: T-7 is Mon 29/4 (off, swapped) → Fri 26/4; T-1 is Sun 5/5 → Sat 4/5,
    # which is worked that year.
    due = date(2024, 5, 6)
    assert before_overdue(timeline(calendar, date(2024, 4, 1), due), due) == [
        (date(2024, 4, 26), "SCT", "T-7"),
        (date(2024, 5, 4), "SCT", "T-1"),
        (date(2024, 5, 6), "SCT", "due"),
    ]


def test_steps_on_the_same_day_collapse_into_the_latest(calendar: WorkingCalendar) -> None:
    # Due Sun 30/6/2024: T-1 (Sat 29/6) and the due day both move to Fri 28/6: "due" is kept.
    found = timeline(calendar, date(2024, 4, 1), date(2024, 6, 30))
    assert [row for row in found if row[0] == date(2024, 6, 28)] == [
        (date(2024, 6, 28), "SCT", "due")
    ]


def test_a_long_deadline_gets_a_progress_check_in_at_each_quarter_end_but_the_last(
    calendar: WorkingCalendar,
) -> None:
    due = date(2025, 12, 31)
    assert before_overdue(timeline(calendar, date(2024, 4, 1), due), due) == [
        (date(2024, 6, 28), "SCT", "progress@2024-06-28"),  # 30/6/2024 is a Sunday
        (date(2024, 9, 30), "SCT", "progress@2024-09-30"),
        (date(2024, 12, 31), "SCT", "progress@2024-12-31"),
        (date(2025, 3, 31), "SCT", "progress@2025-03-31"),
        (date(2025, 6, 30), "SCT", "progress@2025-06-30"),
        (date(2025, 9, 30), "SCT", "progress@2025-09-30"),
        (date(2025, 12, 1), "SCT", "T-30"),
        (date(2025, 12, 24), "SCT", "T-7"),
        (date(2025, 12, 30), "SCT", "T-1"),
        (date(2025, 12, 31), "SCT", "due"),
    ]


def test_the_quarter_of_the_due_date_gets_no_progress_check_in(
    calendar: WorkingCalendar,
) -> None:
    # Due 15/11/2024: 30/6 and 30/9 are inside the window; 31/12 is in the due quarter, after it.
    due = date(2024, 11, 15)
    found = before_overdue(timeline(calendar, date(2024, 4, 1), due), due)
    assert [row for row in found if row[2].startswith("progress")] == [
        (date(2024, 6, 28), "SCT", "progress@2024-06-28"),
        (date(2024, 9, 30), "SCT", "progress@2024-09-30"),
    ]


def test_a_quarter_end_on_the_window_start_is_not_inside_the_window(
    calendar: WorkingCalendar,
) -> None:
    due = date(2024, 12, 31)
    found = before_overdue(timeline(calendar, date(2024, 6, 30), due), due)
    assert [row[2] for row in found if row[2].startswith("progress")] == ["progress@2024-09-30"]


def test_a_progress_check_in_on_the_day_of_t7_collapses_into_t7(
    calendar: WorkingCalendar,
) -> None:
    due = date(2024, 10, 7)  # T-7 is Mon 30/9, a quarter end
    assert before_overdue(timeline(calendar, date(2024, 4, 1), due), due) == [
        (date(2024, 6, 28), "SCT", "progress@2024-06-28"),
        (date(2024, 9, 6), "SCT", "T-30"),
        (date(2024, 9, 30), "SCT", "T-7"),
        (date(2024, 10, 4), "SCT", "T-1"),
        (date(2024, 10, 7), "SCT", "due"),
    ]


def test_only_deadlines_longer_than_120_days_get_progress_check_ins() -> None:
    def check(kind: TimeframeKind, start: date, due: date) -> bool:
        return gets_progress_checkins(kind, Occurrence("X", "", "", start, due), LADDER)

    assert check(DEADLINE, date(2024, 4, 1), date(2024, 7, 31))  # 121 days
    assert not check(DEADLINE, date(2024, 4, 2), date(2024, 7, 31))  # 120 days
    assert not check(TimeframeKind.RECURRING, date(2024, 4, 1), date(2024, 12, 31))
    assert not check(CONTINUOUS, date(2024, 4, 1), date(2024, 12, 31))


def test_a_recurring_occurrence_gets_no_progress_check_in(calendar: WorkingCalendar) -> None:
    due = date(2024, 12, 31)
    found = timeline(calendar, date(2024, 4, 1), due, kind=TimeframeKind.RECURRING)
    assert before_overdue(found, due) == [
        (date(2024, 11, 29), "SCT", "T-30"),  # 1/12/2024 is a Sunday
        (date(2024, 12, 24), "SCT", "T-7"),
        (date(2024, 12, 30), "SCT", "T-1"),
        (date(2024, 12, 31), "SCT", "due"),
    ]


def test_each_lead_agency_gets_the_whole_ladder_and_coordinators_one_notice(
    calendar: WorkingCalendar,
) -> None:
    due = date(2024, 9, 30)
    found = timeline(calendar, date(2024, 7, 1), due, kind=CONTINUOUS, lead=("LAGI", "PHUQUY"),
                     coordinating=("STP", "LAGI", "SCT"), horizon=due)
    assert found == [
        (date(2024, 8, 30), "LAGI", "T-30"),  # 31/8 is a Saturday
        (date(2024, 8, 30), "PHUQUY", "T-30"),
        (date(2024, 9, 23), "LAGI", "T-7"),
        (date(2024, 9, 23), "PHUQUY", "T-7"),
        (date(2024, 9, 23), "STP", "coordinate"),
        (date(2024, 9, 23), "SCT", "coordinate"),
        (date(2024, 9, 27), "LAGI", "T-1"),  # 29/9 is a Sunday
        (date(2024, 9, 27), "PHUQUY", "T-1"),
        (date(2024, 9, 30), "LAGI", "due"),
        (date(2024, 9, 30), "PHUQUY", "due"),
    ]


def test_the_horizon_cuts_the_timeline(calendar: WorkingCalendar) -> None:
    found = timeline(calendar, date(2024, 4, 1), date(2024, 6, 30), coordinating=("STTTT",),
                     horizon=date(2024, 6, 20))
    assert found == [(date(2024, 5, 31), "SCT", "T-30")]


def test_an_unsupported_ladder_step_is_refused(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="14 days before"):
        timeline(calendar, date(2024, 4, 1), date(2024, 6, 30),
                 ladder=Ladder(before_days=(14, 1)))


def test_a_ladder_without_t30_and_a_slower_overdue_rhythm(calendar: WorkingCalendar) -> None:
    found = timeline(calendar, date(2024, 4, 1), date(2024, 7, 10), horizon=date(2024, 8, 1),
                     ladder=Ladder(before_days=(7,), overdue_repeat_days=14))
    assert found == [
        (date(2024, 7, 3), "SCT", "T-7"),
        (date(2024, 7, 10), "SCT", "due"),
        (date(2024, 7, 11), "SCT", "overdue@2024-07-11"),
        (date(2024, 7, 15), "SCT", "escalation"),
        (date(2024, 7, 25), "SCT", "overdue@2024-07-25"),
    ]


# --- Catch-up ------------------------------------------------------------------------------------


def state(calendar: WorkingCalendar, *, sent: set[tuple[str, str, str, str]] | None = None,
          done: set[tuple[str, str, str]] | None = None,
          snoozes: dict[tuple[str, str, str], date] | None = None) -> PolicyState:
    return PolicyState(
        occurrences=(ScheduledOccurrence(TASK_1, DEADLINE, ("SCT",), ("STTTT",)),),
        ladder=LADDER,
        calendar=calendar,
        tz=TZ,
        send_at=EIGHT,
        sent=frozenset(sent or ()),
        done=frozenset(done or ()),
        snoozes=snoozes or {},
    )


def at(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def keys(reminders: list[Reminder]) -> list[tuple[str, str]]:
    return [(r.agency, r.key) for r in reminders]


def test_nothing_is_due_before_the_first_step(calendar: WorkingCalendar) -> None:
    assert due_reminders(state(calendar), at(2024, 5, 31, 7, 59)) == []


def test_a_step_is_due_from_its_send_time(calendar: WorkingCalendar) -> None:
    [reminder] = due_reminders(state(calendar), at(2024, 5, 31))
    assert reminder == Reminder("1", "", "SCT", Step.T30, "T-30", date(2024, 5, 31),
                                at(2024, 5, 31), date(2024, 6, 30), "Quý 2 năm 2024")


def test_now_may_be_given_in_utc(calendar: WorkingCalendar) -> None:
    utc = UTC
    assert due_reminders(state(calendar), datetime(2024, 5, 31, 0, 59, tzinfo=utc)) == []
    assert keys(due_reminders(state(calendar), datetime(2024, 5, 31, 1, 0, tzinfo=utc))) == [
        ("SCT", "T-30")
    ]


def test_the_lead_and_the_coordinator_are_reminded_on_the_t7_day(
    calendar: WorkingCalendar,
) -> None:
    sent = {("1", "", "SCT", "T-30")}
    assert keys(due_reminders(state(calendar, sent=sent), at(2024, 6, 21, 9))) == [
        ("SCT", "T-7"),
        ("STTTT", "coordinate"),
    ]


def test_only_the_latest_due_step_is_sent_and_earlier_ones_are_superseded(
    calendar: WorkingCalendar,
) -> None:
    # Nothing was sent (the bot was down since May): T-30 and T-7 are not sent late.
    assert keys(due_reminders(state(calendar), at(2024, 6, 28, 10))) == [
        ("STTTT", "coordinate"),
        ("SCT", "due"),
    ]


def test_an_already_sent_latest_step_means_nothing_to_send(calendar: WorkingCalendar) -> None:
    sent = {("1", "", "SCT", "due"), ("1", "", "STTTT", "coordinate")}
    assert due_reminders(state(calendar, sent=sent), at(2024, 6, 30, 20)) == []
    # T-30 and T-7 were never sent, and still are not.
    assert due_reminders(state(calendar, sent=sent), at(2024, 7, 1, 7, 59)) == []


def test_the_overdue_notice_and_the_escalation_are_separate_tracks(
    calendar: WorkingCalendar,
) -> None:
    sent = {("1", "", "SCT", "due"), ("1", "", "STTTT", "coordinate")}
    assert keys(due_reminders(state(calendar, sent=sent), at(2024, 7, 3))) == [
        ("SCT", "overdue@2024-07-01"),
        ("SCT", "escalation"),
    ]
    sent |= {("1", "", "SCT", "overdue@2024-07-01")}
    assert keys(due_reminders(state(calendar, sent=sent), at(2024, 7, 3))) == [
        ("SCT", "escalation")
    ]
    sent |= {("1", "", "SCT", "escalation")}
    assert due_reminders(state(calendar, sent=sent), at(2024, 7, 5)) == []
    assert keys(due_reminders(state(calendar, sent=sent), at(2024, 7, 8))) == [
        ("SCT", "overdue@2024-07-08")
    ]


def test_a_done_agency_gets_nothing_more_not_even_an_escalation(
    calendar: WorkingCalendar,
) -> None:
    done = {("1", "", "SCT")}
    assert keys(due_reminders(state(calendar, done=done), at(2024, 7, 10))) == [
        ("STTTT", "coordinate")
    ]
    done |= {("1", "", "STTTT")}
    assert due_reminders(state(calendar, done=done), at(2024, 7, 10)) == []


def test_a_snooze_is_a_step_of_its_own_day(calendar: WorkingCalendar) -> None:
    sent = {("1", "", "SCT", "T-7"), ("1", "", "STTTT", "coordinate")}
    snoozes = {("1", "", "SCT"): date(2024, 6, 25)}
    assert due_reminders(state(calendar, sent=sent, snoozes=snoozes), at(2024, 6, 24)) == []
    [reminder] = due_reminders(state(calendar, sent=sent, snoozes=snoozes), at(2024, 6, 25))
    assert (reminder.step, reminder.key, reminder.send_at) == (
        Step.SNOOZE, "snooze@2024-06-25", at(2024, 6, 25))
    assert reminder.due == date(2024, 6, 30)
    sent |= {("1", "", "SCT", "snooze@2024-06-25")}
    assert due_reminders(state(calendar, sent=sent, snoozes=snoozes), at(2024, 6, 27)) == []
    assert keys(due_reminders(state(calendar, sent=sent, snoozes=snoozes), at(2024, 6, 28))) == [
        ("SCT", "due")
    ]


def test_a_ladder_step_on_the_snooze_day_wins_over_the_snooze(
    calendar: WorkingCalendar,
) -> None:
    sent = {("1", "", "SCT", "T-30"), ("1", "", "STTTT", "coordinate")}
    snoozes = {("1", "", "SCT"): date(2024, 6, 21)}
    assert keys(due_reminders(state(calendar, sent=sent, snoozes=snoozes), at(2024, 6, 21))) == [
        ("SCT", "T-7")
    ]
