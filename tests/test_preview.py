"""The plan's reminder timeline (`plan_timeline`) and `nhacviec preview`, on the bundled plan."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from plan_data.loader import load_bundled, load_directory
from scheduler.plan import Directory, Plan, Task
from scheduler.policy import Reminder, plan_timeline
from scheduler.workdays import WorkingCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
EIGHT = time(8, 0)  # the default NHACVIEC_SEND_AT
DISTRICTS = ("PHANTHIET", "LAGI", "TUYPHONG", "BACBINH", "HAMTHUANBAC", "HAMTHUANNAM",
             "TANHLINH", "DUCLINH", "HAMTAN", "PHUQUY")
SECTION_II = {str(number) for number in range(1, 10)}

Row = tuple[date, str, str, str, str]  # (day, agency, task, period, step)
DistrictRow = tuple[date, str, str, str]  # (day, task, period, step)


@pytest.fixture(scope="module")
def bundled() -> tuple[Directory, Plan]:
    return load_bundled()


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def section_ii(bundled: tuple[Directory, Plan], calendar: WorkingCalendar, start: date,
               end: date) -> list[Reminder]:
    directory, plan = bundled
    return [r for r in plan_timeline(plan, directory, calendar, TZ, end, send_at=EIGHT)
            if start <= r.day and r.task_key in SECTION_II]


def provincial_rows(reminders: list[Reminder]) -> list[Row]:
    return [(r.day, r.agency, r.task_key, r.period, r.step.value)
            for r in reminders if r.agency not in DISTRICTS]


def district_rows(reminders: list[Reminder], agency: str) -> list[DistrictRow]:
    return [(r.day, r.task_key, r.period, r.step.value) for r in reminders if r.agency == agency]


def assert_every_district_gets(reminders: list[Reminder], expected: list[DistrictRow]) -> None:
    for agency in DISTRICTS:
        assert district_rows(reminders, agency) == expected, agency


def unending(bundled: tuple[Directory, Plan]) -> tuple[Directory, Plan]:
    """Return the bundled plan with a ladder that repeats overdue reminders without end."""
    directory, plan = bundled
    ladder = plan.ladder.model_copy(update={"overdue_repeats": 1000})
    return directory, plan.model_copy(update={"ladder": ladder})


def weekly(first: date, last: date, task: str, period: str) -> list[Row]:
    """Return SCT's overdue rows every 7 days from `first` to `last` (all working days)."""
    return [(first + timedelta(days=7 * n), "SCT", task, period, "overdue")
            for n in range((last - first).days // 7 + 1)]


def d(month: int, day: int, year: int = 2024) -> date:
    return date(year, month, day)


# --- Tasks 1 to 9, June and July 2024 ------------------------------------------------------------


def test_tasks_1_to_9_in_june_and_july_2024(bundled: tuple[Directory, Plan],
                                             calendar: WorkingCalendar) -> None:
    reminders = section_ii(bundled, calendar, d(6, 1), d(7, 31))
    assert provincial_rows(reminders) == [
        # 30/6/2024 is a Sunday: T-7 (Sun 23/6) moves to Fri 21/6, with the coordinators.
        (d(6, 21), "SCT", "1", "", "T-7"),
        (d(6, 21), "STTTT", "1", "", "coordinate"),
        (d(6, 21), "SCT", "2", "2024-Q2", "T-7"),
        (d(6, 21), "STP", "2", "2024-Q2", "coordinate"),
        (d(6, 21), "SKHDT", "9", "2024-Q2", "coordinate"),
        (d(6, 21), "SGTVT", "9", "2024-Q2", "coordinate"),
        (d(6, 21), "SCT", "9", "2024-Q2", "coordinate"),
        (d(6, 21), "STP", "9", "2024-Q2", "coordinate"),
        # T-1 (Sat 29/6) and the due day (Sun 30/6) collapse into "due" on Fri 28/6; the long
        # deadlines of tasks 3, 4 (31/12/2024) and 6 (31/12/2025) get their Q2 progress check-in.
        (d(6, 28), "SCT", "1", "", "due"),
        (d(6, 28), "SCT", "2", "2024-Q2", "due"),
        (d(6, 28), "SCT", "3", "", "progress"),
        (d(6, 28), "SCT", "4", "", "progress"),
        (d(6, 28), "SCT", "6", "", "progress"),
        (d(7, 1), "SCT", "1", "", "overdue"),
        (d(7, 1), "SCT", "2", "2024-Q2", "overdue"),
        (d(7, 3), "SCT", "1", "", "escalation"),
        (d(7, 3), "SCT", "2", "2024-Q2", "escalation"),
        (d(7, 8), "SCT", "1", "", "overdue"),
        (d(7, 15), "SCT", "1", "", "overdue"),
        (d(7, 22), "SCT", "1", "", "overdue"),
        (d(7, 29), "SCT", "1", "", "overdue"),
        # The fourth weekly repeat of task 1 is its last (Ladder.overdue_repeats); 2@2024-Q2 is
        # told overdue once: Q3, open since 1/7, supersedes it for SCT (the coordinator keeps it).
    ]
    # The ten districts lead tasks 5 and 9 (quarterly check-ins); none coordinates in June-July.
    each_district: list[DistrictRow] = [
        (d(6, 21), "5", "2024-Q2", "T-7"),
        (d(6, 21), "9", "2024-Q2", "T-7"),
        (d(6, 28), "5", "2024-Q2", "due"),
        (d(6, 28), "9", "2024-Q2", "due"),
        (d(7, 1), "5", "2024-Q2", "overdue"),
        (d(7, 1), "9", "2024-Q2", "overdue"),
        (d(7, 3), "5", "2024-Q2", "escalation"),
        (d(7, 3), "9", "2024-Q2", "escalation"),
        # Q2 of tasks 5 and 9 is superseded by Q3 (open since 1/7): no weekly repeat.
    ]
    assert_every_district_gets(reminders, each_district)
    assert len(reminders) == len(provincial_rows(reminders)) + 10 * len(each_district)


# --- Tasks 1 to 9, December 2024 -----------------------------------------------------------------


def test_tasks_1_to_9_in_december_2024(bundled: tuple[Directory, Plan],
                                        calendar: WorkingCalendar) -> None:
    reminders = section_ii(bundled, calendar, d(12, 1), d(12, 31))
    # Nothing being done, no overdue repeat is left by December: task 1's four weekly repeats
    # ended in July, and the late quarters of task 2 are superseded by the open one (the
    # coordinator's escalations and /quahan keep them). Every other occurrence is
    # due Tue 31/12/2024 (T-30 on Fri 29/11, as 1/12 is a Sunday), except task 6 (31/12/2025),
    # whose Q4 progress check-in falls on 31/12/2024.
    assert provincial_rows(reminders) == [
        (d(12, 24), "SCT", "2", "2024-Q4", "T-7"),
        (d(12, 24), "STP", "2", "2024-Q4", "coordinate"),
        (d(12, 24), "SCT", "3", "", "T-7"),
        (d(12, 24), "SCT", "4", "", "T-7"),
        (d(12, 24), "STNMT", "7", "2024", "T-7"),
        (d(12, 24), "SKHDT", "8", "2024", "T-7"),
        (d(12, 24), "SCT", "8", "2024", "coordinate"),
        (d(12, 24), "SKHDT", "9", "2024-Q4", "coordinate"),
        (d(12, 24), "SGTVT", "9", "2024-Q4", "coordinate"),
        (d(12, 24), "SCT", "9", "2024-Q4", "coordinate"),
        (d(12, 24), "STP", "9", "2024-Q4", "coordinate"),
        (d(12, 30), "SCT", "2", "2024-Q4", "T-1"),
        (d(12, 30), "SCT", "3", "", "T-1"),
        (d(12, 30), "SCT", "4", "", "T-1"),
        (d(12, 30), "STNMT", "7", "2024", "T-1"),
        (d(12, 30), "SKHDT", "8", "2024", "T-1"),
        (d(12, 31), "SCT", "2", "2024-Q4", "due"),
        (d(12, 31), "SCT", "3", "", "due"),
        (d(12, 31), "SCT", "4", "", "due"),
        (d(12, 31), "SCT", "6", "", "progress"),
        (d(12, 31), "STNMT", "7", "2024", "due"),
        (d(12, 31), "SKHDT", "8", "2024", "due"),
    ]
    # Each district: the Q4 ladder of tasks 5 and 9 (their late quarters superseded), and one
    # coordination notice for each of tasks 3, 4, 7 and 8 on 24/12.
    each_district: list[DistrictRow] = [
        (d(12, 24), "3", "", "coordinate"),
        (d(12, 24), "4", "", "coordinate"),
        (d(12, 24), "5", "2024-Q4", "T-7"),
        (d(12, 24), "7", "2024", "coordinate"),
        (d(12, 24), "8", "2024", "coordinate"),
        (d(12, 24), "9", "2024-Q4", "T-7"),
        (d(12, 30), "5", "2024-Q4", "T-1"),
        (d(12, 30), "9", "2024-Q4", "T-1"),
        (d(12, 31), "5", "2024-Q4", "due"),
        (d(12, 31), "9", "2024-Q4", "due"),
    ]
    assert_every_district_gets(reminders, each_district)
    assert len(reminders) == len(provincial_rows(reminders)) + 10 * len(each_district)


def test_the_weekly_overdue_rhythm_of_task_1_runs_from_1_july_2024(
    bundled: tuple[Directory, Plan], calendar: WorkingCalendar,
) -> None:
    # With the default ladder the overdue reminder is repeated four times, then no more.
    default = [row for row in provincial_rows(section_ii(bundled, calendar, d(7, 1), d(12, 31)))
               if row[2] == "1" and row[4] == "overdue"]
    assert default == weekly(d(7, 1), d(7, 29), "1", "")
    # A ladder that never stops shows the whole weekly rhythm.
    reminders = section_ii(unending(bundled), calendar, d(7, 1), d(12, 31))
    task_1 = [row for row in provincial_rows(reminders) if row[2] == "1"]
    assert task_1[1] == (d(7, 3), "SCT", "1", "", "escalation")
    del task_1[1]
    # Every Monday from 1/7 to 30/12/2024 is a working day (2/9 is a Monday: moved to Wed 4/9).
    expected = weekly(d(7, 1), d(12, 30), "1", "")
    expected[9] = (d(9, 4), "SCT", "1", "", "overdue")
    assert task_1 == expected


# --- Tết 2025 and the 29/4/2024 swap ------------------------------------------------------------


def test_no_reminder_of_the_plan_falls_in_tet_2025(bundled: tuple[Directory, Plan],
                                                    calendar: WorkingCalendar) -> None:
    directory, plan = bundled
    tet = {date(2025, 1, day) for day in range(27, 32)} | {date(2025, 2, 1), date(2025, 2, 2)}
    assert not [r for r in plan_timeline(plan, directory, calendar, TZ, date(2025, 3, 31),
                                     send_at=EIGHT)
                if r.day in tet]


def test_overdue_steps_falling_in_tet_2025_move_to_monday_3_february(
    bundled: tuple[Directory, Plan], calendar: WorkingCalendar,
) -> None:
    # A ladder that never stops (the default stops after four repeats): the deadlines of tasks
    # 1, 3 and 4 are still reminded; the late periods of recurring tasks are superseded.
    reminders = section_ii(unending(bundled), calendar, date(2025, 1, 20), date(2025, 2, 7))
    jan = 1
    feb = 2
    assert provincial_rows(reminders) == [
        (d(jan, 20, 2025), "SCT", "1", "", "overdue"),
        (d(jan, 23, 2025), "SCT", "3", "", "overdue"),
        (d(jan, 23, 2025), "SCT", "4", "", "overdue"),
        # Mon 27/1 (the Monday rhythm) collapses with Mon 3/2; Thu 30/1 moves here.
        (d(feb, 3, 2025), "SCT", "1", "", "overdue"),
        (d(feb, 3, 2025), "SCT", "3", "", "overdue"),
        (d(feb, 3, 2025), "SCT", "4", "", "overdue"),
        (d(feb, 6, 2025), "SCT", "3", "", "overdue"),
        (d(feb, 6, 2025), "SCT", "4", "", "overdue"),
    ]
    assert [r.key for r in reminders if r.task_key == "3"] == [
        "overdue@2025-01-23", "overdue@2025-02-03", "overdue@2025-02-06"]
    # The districts lead only recurring tasks (5, 9): their 2024 quarters are superseded by
    # Q1 2025, so Tết moves nothing for them.
    each_district: list[DistrictRow] = []
    assert_every_district_gets(reminders, each_district)
    assert len(reminders) == len(provincial_rows(reminders)) + 10 * len(each_district)


def one_task_plan(timeframe: str, lead: tuple[str, ...] = ("SCT",),
                  coordinating: tuple[str, ...] = ()) -> Plan:
    task = Task(key="1", title="Thử", text="Nhiệm vụ thử", lead=lead, coordinating=coordinating,
                timeframe=timeframe)
    return Plan(id="thu", title="Kế hoạch thử", issuer="UBND tỉnh", start=date(2024, 4, 1),
                tasks=(task,))


def test_a_plan_deadline_right_after_tet_2025_is_reminded_before_it(
    calendar: WorkingCalendar,
) -> None:
    plan = one_task_plan("Chậm nhất ngày 03/02/2025", coordinating=("STP",))
    reminders = plan_timeline(plan, load_directory(), calendar, TZ, date(2025, 2, 5),
                              send_at=EIGHT)
    # T-7 (Mon 27/1) and T-1 (Sun 2/2) both move back over Tết to Fri 24/1 and collapse there.
    assert [(r.day, r.agency, r.key) for r in reminders if r.day >= date(2025, 1, 1)] == [
        (date(2025, 1, 3), "SCT", "T-30"),
        (date(2025, 1, 24), "SCT", "T-1"),
        (date(2025, 1, 24), "STP", "coordinate"),
        (date(2025, 2, 3), "SCT", "due"),
        (date(2025, 2, 4), "SCT", "overdue@2025-02-04"),
    ]


def test_a_plan_step_on_the_swapped_monday_29_april_2024_moves_to_friday_26_april(
    calendar: WorkingCalendar,
) -> None:
    plan = one_task_plan("Trước ngày 6/5/2024", lead=("LAGI",), coordinating=("SCT",))
    reminders = plan_timeline(plan, load_directory(), calendar, TZ, date(2024, 5, 10),
                              send_at=EIGHT)
    # T-7 is Mon 29/4 (off, swapped for Sat 4/5) → Fri 26/4; T-1 is Sun 5/5 → Sat 4/5, worked.
    assert [(r.day, r.agency, r.key) for r in reminders] == [
        (date(2024, 4, 26), "LAGI", "T-7"),
        (date(2024, 4, 26), "SCT", "coordinate"),
        (date(2024, 5, 4), "LAGI", "T-1"),
        (date(2024, 5, 6), "LAGI", "due"),
        (date(2024, 5, 7), "LAGI", "overdue@2024-05-07"),
        (date(2024, 5, 9), "LAGI", "escalation"),
    ]


def test_the_timeline_includes_steps_of_occurrences_due_after_until(
    bundled: tuple[Directory, Plan], calendar: WorkingCalendar,
) -> None:
    directory, plan = bundled
    reminders = plan_timeline(plan, directory, calendar, TZ, date(2025, 3, 1), send_at=EIGHT)
    # Q1 2025 (due 31/3/2025) of task 2: T-30 is Sat 1/3 → Fri 28/2.
    assert [(r.day, r.key) for r in reminders if (r.task_key, r.period) == ("2", "2025-Q1")] == [
        (date(2025, 2, 28), "T-30")
    ]
    assert max(r.day for r in reminders) <= date(2025, 3, 1)


# --- nhacviec preview ----------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["preview", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_preview_json_lists_one_object_per_reminder(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--from", "2024-06-21", "--to", "2024-07-03", "--agency",
                       "PHANTHIET", "--json")
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"date": "2024-06-21", "send_at": "2024-06-21T08:00:00+07:00",
         "agency": "PHANTHIET", "task": "5", "step": "T-7",
         "due": "2024-06-30"},
        {"date": "2024-06-21", "send_at": "2024-06-21T08:00:00+07:00",
         "agency": "PHANTHIET", "task": "9", "step": "T-7",
         "due": "2024-06-30"},
        {"date": "2024-06-28", "send_at": "2024-06-28T08:00:00+07:00",
         "agency": "PHANTHIET", "task": "5", "step": "due",
         "due": "2024-06-30"},
        {"date": "2024-06-28", "send_at": "2024-06-28T08:00:00+07:00",
         "agency": "PHANTHIET", "task": "9", "step": "due",
         "due": "2024-06-30"},
        {"date": "2024-07-01", "send_at": "2024-07-01T08:00:00+07:00",
         "agency": "PHANTHIET", "task": "5", "step": "overdue",
         "due": "2024-06-30"},
        {"date": "2024-07-01", "send_at": "2024-07-01T08:00:00+07:00",
         "agency": "PHANTHIET", "task": "9", "step": "overdue",
         "due": "2024-06-30"},
        {"date": "2024-07-03", "send_at": "2024-07-03T08:00:00+07:00",
         "agency": "PHANTHIET", "task": "5", "step": "escalation",
         "due": "2024-06-30"},
        {"date": "2024-07-03", "send_at": "2024-07-03T08:00:00+07:00",
         "agency": "PHANTHIET", "task": "9", "step": "escalation",
         "due": "2024-06-30"},
    ]


def test_preview_of_the_worked_example_for_the_coordinator(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--from", "2024-05-31", "--to", "2024-07-03", "--agency", "sct",
                       "--json")
    assert code == 0
    task_1 = [(o["date"], o["step"]) for o in map(json.loads, out.splitlines()) if o["task"] == "1"]
    assert task_1 == [("2024-05-31", "T-30"), ("2024-06-21", "T-7"), ("2024-06-28", "due"),
                      ("2024-07-01", "overdue"), ("2024-07-03", "escalation")]


def test_preview_for_the_district_group_covers_the_ten_districts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--from", "2024-06-21", "--to", "2024-06-21", "--agency", "HUYEN",
                       "--json")
    assert code == 0
    objects = [json.loads(line) for line in out.splitlines()]
    assert sorted({o["agency"] for o in objects}) == sorted(DISTRICTS)
    assert {(o["task"], o["step"]) for o in objects} == {("5", "T-7"), ("9", "T-7")}
    assert len(objects) == 20


def test_preview_sends_at_nhacviec_send_at_like_the_tick(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NHACVIEC_SEND_AT", "07:30")
    code, out, _ = run(capsys, "--from", "2024-06-21", "--to", "2024-06-21", "--agency", "SCT",
                       "--json")
    assert code == 0
    objects = [json.loads(line) for line in out.splitlines()]
    assert objects and {o["send_at"] for o in objects} == {"2024-06-21T07:30:00+07:00"}
    code, out, _ = run(capsys, "--from", "2024-06-21", "--to", "2024-06-21", "--agency", "SCT")
    assert out.splitlines()[0].endswith("lời nhắc, gửi lúc 07:30)")


def test_preview_prints_a_vietnamese_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--from", "2024-06-28", "--to", "2024-07-03", "--agency", "SCT")
    assert code == 0
    lines = out.splitlines()
    assert [cell.strip() for cell in lines[2].split("|")] == [
        "Ngày", "Cơ quan", "Nhiệm vụ", "Bước", "Hạn"]
    assert set(lines[3]) == {"-", "+"}
    cells = [[cell.strip() for cell in line.split("|")] for line in lines[4:]]
    assert lines[0] == (f"Lịch nhắc việc từ 28/06/2024 đến 03/07/2024 ({len(cells)} lời nhắc, "
                        "gửi lúc 08:00)")
    assert [(row[0], row[3], row[4]) for row in cells if row[2].startswith("1. ")] == [
        ("28/06/2024", "đến hạn", "30/06/2024"),
        ("01/07/2024", "quá hạn", "30/06/2024"),
        ("03/07/2024", "báo cáo cơ quan điều phối", "30/06/2024"),
    ]
    assert {row[1] for row in cells} == {"Sở Công Thương"}
    assert ("28/06/2024", "báo cáo tiến độ") in {(row[0], row[3]) for row in cells}
    assert any(row[2].endswith("(Quý 2/2024)") for row in cells)


def test_preview_says_so_when_there_is_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--from", "2024-06-22", "--to", "2024-06-23")
    assert code == 0
    assert out.strip() == "Lịch nhắc việc từ 22/06/2024 đến 23/06/2024: không có lời nhắc nào."


def test_preview_defaults_to_the_next_90_days_from_today(
    capsys: pytest.CaptureFixture[str],
) -> None:
    today = datetime.now(TZ).date()
    code, out, _ = run(capsys, "--json")
    assert code == 0
    days = [date.fromisoformat(json.loads(line)["date"]) for line in out.splitlines()]
    assert days
    assert today <= min(days)
    assert max(days) <= today + timedelta(days=90)


def test_preview_refuses_an_unknown_agency(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--agency", "XYZ")
    assert code == 2
    assert out == ""
    assert "Không có cơ quan mã «XYZ»" in err


def test_preview_refuses_an_end_before_the_start(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--from", "2024-07-01", "--to", "2024-06-30")
    assert code == 2
    assert "Ngày kết thúc 30/06/2024 trước ngày bắt đầu 01/07/2024" in err


@pytest.mark.parametrize("text", ["31/6/2024", "2024-06-31", "30.6.2024"])
def test_preview_refuses_a_malformed_date(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["preview", "--from", text])
    assert exit_info.value.code == 2
    assert "ngày không hợp lệ" in capsys.readouterr().err
