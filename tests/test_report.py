"""The coordinator's Excel report: the same numbers as /status, the details and the history."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from bot.reports.xlsx import (
    DETAIL_SHEET,
    HEADER_ROW,
    HISTORY_SHEET,
    SUMMARY_SHEET,
    default_report_name,
    reporting_period,
    write_report,
)
from storage import work
from storage.models import Officer, StatusEvent
from storage.report import collect_report
from tests.world import TZ, World, local, make_world

PLAN_ID = "nd32-binh-thuan"
AS_OF = local("2025-03-01 10:00")

# What the officers said, in time order: (chat, local time, message). Notes are kept verbatim.
SAID = (
    ("sct", "2024-06-20 09:00", "/xong 1 Đã tổ chức hội nghị quán triệt Nghị định"),
    ("lagi", "2024-06-21 08:30", "/vuongmac 5 Chưa có kinh phí rà soát cụm công nghiệp"),
    ("sct", "2024-07-05 15:10", "/xong 2@2024-Q2 Đã rà soát, gửi Sở Tư pháp"),
    ("hamtan", "2024-10-15 11:20", "/vuongmac 9@2024-Q3 Nhà đầu tư hạ tầng chưa nộp hồ sơ"),
    ("tnmt", "2024-11-04 10:00", "/vuongmac 7@2024 Thiếu bản đồ địa chính"),
    ("tnmt", "2024-12-20 16:45", "/xong 7@2024 Đã cập nhật xong hồ sơ đất đai"),
    ("tnmt", "2025-02-20 09:15", "/tiendo 7 Đang tổng hợp số liệu đất đai năm 2025"),
    ("sct", "2025-02-25 14:00", "/vuongmac III.1@2025-H1 Chờ ý kiến của các huyện, thị xã"),
)


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-20 08:00"))
    w.register("sct", "SCT", name="Trần Thị Bình")
    w.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    w.register("lagi", "LAGI", name="Võ La Gi")
    w.register("tnmt", "STNMT", name="Hoàng Môi Trường")
    w.register("hamtan", "HAMTAN", name="Đặng Hàm Tân")
    for chat, when, text in SAID:
        w.clock.now = local(when)
        reply = w.say(chat, text)
        assert "Đã ghi nhận" in reply, reply
    w.clock.now = AS_OF
    return w


def write(world: World, path: Path) -> Path:
    with world.sessions() as session:
        data = collect_report(session, PLAN_ID, AS_OF.date())
    return write_report(data, path, TZ)


def table(ws: Any, header_row: int) -> list[dict[str, Any]]:
    """Return the rows under `header_row` as dicts keyed by the header, up to a blank row."""
    header: list[Any] = []
    for cell in ws[header_row]:  # up to the first blank: the chart's own table stands apart
        if cell.value is None:
            break
        header.append(cell.value)
    rows = []
    for values in ws.iter_rows(min_row=header_row + 1, max_col=len(header), values_only=True):
        if values[0] is None:
            break
        rows.append(dict(zip(header, values, strict=True)))
    return rows


def summary_numbers(ws: Any) -> dict[str, Any]:
    return {row["Chỉ tiêu"]: row["Số lượng"] for row in table(ws, HEADER_ROW)}


def agency_table(ws: Any) -> list[dict[str, Any]]:
    header_row = next(row for row in range(HEADER_ROW + 1, ws.max_row + 1)
                      if ws.cell(row, 1).value == "Cơ quan")
    return table(ws, header_row)


def status_numbers(text: str) -> dict[str, int]:
    """Parse the numbers of the /status summary."""
    def number(pattern: str) -> int:
        match = re.search(pattern, text)
        assert match is not None, (pattern, text)
        return int(match.group(1))

    blocked = re.search(r"- Vướng mắc: (\d+) \((\d+) trong hạn, (\d+) quá hạn\)", text)
    assert blocked is not None
    return {
        "Tổng số": number(r"Tổng số: (\d+)"),
        "Hoàn thành đúng hạn": number(r"- Hoàn thành đúng hạn: (\d+)"),
        "Hoàn thành quá hạn": number(r"- Hoàn thành quá hạn: (\d+)"),
        "Đang thực hiện trong hạn": number(r"- Đang thực hiện trong hạn: (\d+)"),
        "Quá hạn": number(r"- Quá hạn: (\d+)"),
        "Tỷ lệ quá hạn": number(r"tỷ lệ quá hạn (\d+)%"),
        "Vướng mắc trong hạn": int(blocked.group(2)),
        "Vướng mắc quá hạn": int(blocked.group(3)),
    }


def status_by_agency(text: str) -> dict[str, tuple[int, ...]]:
    line = re.compile(r"^- (.+): ĐH (\d+) · HTQH (\d+) · TH (\d+) · QH (\d+) · VM (\d+)$")
    found = (line.match(row) for row in text.splitlines())
    return {m.group(1): tuple(int(n) for n in m.groups()[1:]) for m in found if m}


# ---- the reporting period ------------------------------------------------------------------


@pytest.mark.parametrize(("day", "label"), [
    (date(2025, 3, 1), "Kỳ báo cáo 6 tháng đầu năm 2025 (15/12/2024 - 14/6/2025)"),
    (date(2025, 1, 1), "Kỳ báo cáo 6 tháng đầu năm 2025 (15/12/2024 - 14/6/2025)"),
    (date(2024, 12, 15), "Kỳ báo cáo 6 tháng đầu năm 2025 (15/12/2024 - 14/6/2025)"),
    (date(2025, 6, 14), "Kỳ báo cáo 6 tháng đầu năm 2025 (15/12/2024 - 14/6/2025)"),
    (date(2025, 6, 15), "Kỳ báo cáo cả năm 2025 (15/12/2024 - 14/12/2025)"),
    (date(2025, 6, 20), "Kỳ báo cáo cả năm 2025 (15/12/2024 - 14/12/2025)"),
    (date(2024, 12, 14), "Kỳ báo cáo cả năm 2024 (15/12/2023 - 14/12/2024)"),
    (date(2025, 12, 31), "Kỳ báo cáo 6 tháng đầu năm 2026 (15/12/2025 - 14/6/2026)"),
])
def test_the_reporting_period_of_circular_14_is_named_for_the_day(day: date, label: str) -> None:
    period = reporting_period(day)
    assert period.label == label
    assert period.start <= day <= period.end


def test_the_default_file_name_has_the_plan_and_the_day() -> None:
    assert default_report_name(PLAN_ID, date(2025, 3, 1)) == (
        "bao-cao-nd32-binh-thuan-01-03-2025.xlsx")


# ---- the workbook --------------------------------------------------------------------------


def test_the_workbook_has_three_sheets_headed_by_the_plan_the_day_and_what_it_counts(
        world: World, tmp_path: Path) -> None:
    workbook = load_workbook(write(world, tmp_path / "r.xlsx"))
    assert workbook.sheetnames == [SUMMARY_SHEET, DETAIL_SHEET, HISTORY_SHEET]
    for ws in workbook:
        assert "Nghị định số 32/2024/NĐ-CP" in ws["A1"].value
        assert ws["A1"].font.bold
        assert ws["A2"].value == "Tính đến ngày 01/03/2025"
        # A report to date says so: its counts cover every item opened since the plan began.
        assert ws["A3"].value == (
            "Lũy kế từ đầu kế hoạch đến ngày 01/03/2025: mọi việc đã mở, mọi hạn")
    for name in (DETAIL_SHEET, HISTORY_SHEET):
        ws = workbook[name]
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
        assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
        assert all(cell.font.bold for cell in ws[HEADER_ROW] if cell.value)


def test_the_summary_counts_are_those_of_status_for_the_same_day(
        world: World, tmp_path: Path) -> None:
    status = world.commands.status_report()
    ws = load_workbook(write(world, tmp_path / "r.xlsx"))[SUMMARY_SHEET]
    cells = summary_numbers(ws)
    expected = status_numbers(status)
    share = expected.pop("Tỷ lệ quá hạn")
    assert {name: cells[name] for name in expected} == expected
    assert round(cells["Tỷ lệ quá hạn"] * 100) == share
    # The scenario put one item in each category that needs someone to say something.
    assert cells["Hoàn thành đúng hạn"] == 2  # 1 and 7@2024
    assert cells["Hoàn thành quá hạn"] == 1  # 2@2024-Q2
    assert cells["Vướng mắc trong hạn"] == 1  # III.1 in its window
    assert cells["Vướng mắc quá hạn"] == 2  # 5@2024-Q2 of La Gi, 9@2024-Q3 of Hàm Tân


def test_items_overdue_beyond_120_days_are_those_overdue_flags(
        world: World, tmp_path: Path) -> None:
    overdue = world.say("coord", "/quahan")
    ws = load_workbook(write(world, tmp_path / "r.xlsx"))[SUMMARY_SHEET]
    # /quahan counts, per agency, its items overdue beyond 120 days.
    flagged = sum(int(count) for count in re.findall(r", (\d+) trên 120 ngày", overdue))
    assert flagged > 0
    assert summary_numbers(ws)["Quá hạn trên 120 ngày"] == flagged


def test_the_agency_table_matches_the_per_agency_lines_of_status(
        world: World, tmp_path: Path) -> None:
    expected = status_by_agency(world.commands.status_report())
    ws = load_workbook(write(world, tmp_path / "r.xlsx"))[SUMMARY_SHEET]
    rows = agency_table(ws)
    got = {row["Cơ quan"]: (row["Hoàn thành đúng hạn"], row["Hoàn thành quá hạn"],
                            row["Đang thực hiện trong hạn"], row["Quá hạn"], row["Vướng mắc"])
           for row in rows}
    assert got == expected
    assert list(got) == list(expected)
    for row in rows:
        assert row["Tổng số"] == sum(got[row["Cơ quan"]][:4])
        assert row["Tỷ lệ quá hạn"] == pytest.approx(row["Quá hạn"] / row["Tổng số"])


def test_the_summary_has_a_pie_of_the_categories_and_a_stacked_bar_per_agency(
        world: World, tmp_path: Path) -> None:
    ws = load_workbook(write(world, tmp_path / "r.xlsx"))[SUMMARY_SHEET]
    charts = ws._charts
    assert [chart.tagname for chart in charts] == ["pieChart", "barChart"]
    bars = charts[1]
    assert bars.grouping == "stacked"
    first = HEADER_ROW + 1
    assert charts[0].series[0].val.numRef.f.endswith(f"!$B${first}:$B${first + 3}")
    agencies = len(agency_table(ws))
    assert agencies > 1
    bottom = ws.max_row
    names = f"!$L${bottom - agencies + 1}:$L${bottom}"
    assert bars.series[0].cat.numRef.f.endswith(names)


def test_the_details_have_one_row_per_lead_assignment_opened_by_the_day(
        world: World, tmp_path: Path) -> None:
    ws = load_workbook(write(world, tmp_path / "r.xlsx"))[DETAIL_SHEET]
    rows = table(ws, HEADER_ROW)
    with world.sessions() as session:
        opened = work.lead_assignments(session, AS_OF.date())
    assert len(rows) == len(opened)
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:P{HEADER_ROW + len(opened)}"

    def row_of(key: str, label: str, agency: str) -> dict[str, Any]:
        (row,) = [r for r in rows
                  if (r["Mã nhiệm vụ"], r["Kỳ"], r["Cơ quan chủ trì"]) == (key, label, agency)]
        return row

    done = row_of("1", "Quý 2 năm 2024", "Sở Công Thương")
    assert done["Tình trạng"] == "Hoàn thành đúng hạn"
    assert done["Hạn"] == datetime(2024, 6, 30)
    assert ws.cell(HEADER_ROW + 1 + rows.index(done), 5).number_format == "DD/MM/YYYY"
    assert done["Ngày hoàn thành"] == datetime(2024, 6, 20)
    assert done["Ghi chú mới nhất"] == "Đã tổ chức hội nghị quán triệt Nghị định"
    assert done["Người báo cáo gần nhất"] == "Trần Thị Bình"

    late = row_of("2", "Quý 2/2024", "Sở Công Thương")
    assert (late["Tình trạng"], late["Số ngày trễ"]) == ("Hoàn thành quá hạn", 5)

    blocked = row_of("5", "Quý 2/2024", "UBND TX La Gi")
    assert blocked["Tình trạng"] == "Quá hạn"
    assert blocked["Số ngày trễ"] == (date(2025, 3, 1) - date(2024, 6, 30)).days
    assert blocked["Vướng mắc"] == "có"
    assert blocked["Lý do vướng mắc"] == "Chưa có kinh phí rà soát cụm công nghiệp"
    assert blocked["Người báo cáo gần nhất"] == "Võ La Gi"

    # Blocked, then done: no longer blocked, and the latest note is the completion's.
    unblocked = row_of("7", "Năm 2024", "Sở TN&MT")
    assert (unblocked["Tình trạng"], unblocked["Vướng mắc"]) == ("Hoàn thành đúng hạn", "không")
    assert unblocked["Lý do vướng mắc"] is None
    assert unblocked["Ghi chú mới nhất"] == "Đã cập nhật xong hồ sơ đất đai"

    running = row_of("7", "Năm 2025", "Sở TN&MT")
    assert running["Tình trạng"] == "Đang thực hiện trong hạn"
    assert running["Ghi chú mới nhất"] == "Đang tổng hợp số liệu đất đai năm 2025"
    assert running["Người báo cáo gần nhất"] == "Hoàng Môi Trường"

    silent = row_of("5", "Quý 2/2024", "UBND TP Phan Thiết")
    assert (silent["Ghi chú mới nhất"], silent["Người báo cáo gần nhất"]) == (None, None)


def test_the_history_has_one_row_per_status_event_with_notes_verbatim(
        world: World, tmp_path: Path) -> None:
    ws = load_workbook(write(world, tmp_path / "r.xlsx"))[HISTORY_SHEET]
    rows = table(ws, HEADER_ROW)
    with world.sessions() as session:
        events = session.scalars(select(StatusEvent).order_by(StatusEvent.at)).all()
        names = {o.id: o.name for o in session.scalars(select(Officer))}
    assert len(rows) == len(events) == len(SAID)
    assert [row["Ghi chú"] for row in rows] == [event.note for event in events]
    assert [row["Ghi chú"] for row in rows] == [text.split(" ", 2)[2] for _, _, text in SAID]
    assert [row["Thời gian"] for row in rows] == [
        datetime.fromisoformat(when) for _, when, _ in SAID]
    assert [row["Cán bộ báo cáo"] for row in rows] == [names[e.officer_id] for e in events
                                                       if e.officer_id]
    assert rows[1]["Trạng thái"] == "Vướng mắc" and rows[1]["Cơ quan chủ trì"] == "UBND TX La Gi"
    assert rows[0]["Trạng thái"] == "Hoàn thành" and rows[6]["Trạng thái"] == "Tiến độ"
    assert {row["Kênh"] for row in rows} == {"Dòng lệnh"}
    assert (rows[2]["Mã nhiệm vụ"], rows[2]["Kỳ"]) == ("2", "Quý 2/2024")


def test_a_note_that_looks_like_a_formula_stays_text(world: World, tmp_path: Path) -> None:
    world.say("sct", "/tiendo 4 =HYPERLINK(\"http://x\";\"bấm\")")
    ws = load_workbook(write(world, tmp_path / "r.xlsx"))[HISTORY_SHEET]
    note = table(ws, HEADER_ROW)[-1]["Ghi chú"]
    assert note == "=HYPERLINK(\"http://x\";\"bấm\")"
    assert ws.cell(ws.max_row, 9).data_type == "s"


def test_before_any_window_opens_the_report_is_empty_but_well_formed(tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2024-03-01 08:00"))
    with world.sessions() as session:
        data = collect_report(session, PLAN_ID, date(2024, 3, 1))
    workbook = load_workbook(write_report(data, tmp_path / "r.xlsx", TZ))
    assert summary_numbers(workbook[SUMMARY_SHEET])["Tổng số"] == 0
    assert table(workbook[DETAIL_SHEET], HEADER_ROW) == []
    assert workbook[SUMMARY_SHEET]["A3"].value.startswith("Lũy kế")
    assert workbook[SUMMARY_SHEET]._charts == []  # no pie of nothing


# ---- the command line ----------------------------------------------------------------------


@pytest.fixture
def cli(world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The CLI pointed at the world's database, run from an empty directory."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("NHACVIEC_DB_URL", world.url)
    for name in ("NHACVIEC_PLAN", "NHACVIEC_TZ", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return workdir


def test_cli_report_writes_the_default_file_and_prints_its_path(
        cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--as-of", "2025-03-01T10:00"]) == 0
    status = capsys.readouterr().out
    assert main(["report", "--as-of", "2025-03-01T10:00"]) == 0
    out = capsys.readouterr().out
    path = cli / "bao-cao-nd32-binh-thuan-01-03-2025.xlsx"
    assert str(path) in out
    workbook = load_workbook(path)
    assert workbook[SUMMARY_SHEET]["A2"].value == "Tính đến ngày 01/03/2025"
    cells = summary_numbers(workbook[SUMMARY_SHEET])
    expected = status_numbers(status)
    expected.pop("Tỷ lệ quá hạn")
    assert {name: cells[name] for name in expected} == expected


def test_cli_report_writes_where_out_says_and_fails_cleanly_on_a_missing_folder(
        cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = cli / "bao-cao-quy-1.xlsx"
    assert main(["report", "--as-of", "2025-06-20T08:00", "--period", "hien-tai",
                 "--out", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    assert load_workbook(target)[SUMMARY_SHEET]["A3"].value == (
        "Kỳ báo cáo cả năm 2025 (15/12/2024 - 14/12/2025): các việc có hạn trong kỳ")

    missing = cli / "khong-co" / "r.xlsx"
    assert main(["report", "--out", str(missing)]) == 1
    assert "Không ghi được tệp" in capsys.readouterr().err
    assert not missing.exists()


def test_a_snooze_is_in_the_history_but_is_not_the_latest_note(
        world: World, tmp_path: Path) -> None:
    with world.sessions() as session:
        data = collect_report(session, PLAN_ID, AS_OF.date())
    (blocked,) = [row for row in data.details
                  if (row.task_key, row.period, row.agency_code) == ("5", "2024-Q2", "LAGI")]
    assert "Sẽ nhắc lại" in world.tap("lagi", f"s:{blocked.assignment_id}")
    workbook = load_workbook(write(world, tmp_path / "r.xlsx"))
    assert table(workbook[HISTORY_SHEET], HEADER_ROW)[-1]["Trạng thái"] == "Nhắc lại sau"
    (row,) = [r for r in table(workbook[DETAIL_SHEET], HEADER_ROW)
              if (r["Mã nhiệm vụ"], r["Kỳ"], r["Cơ quan chủ trì"]) == (
                  "5", "Quý 2/2024", "UBND TX La Gi")]
    assert row["Ghi chú mới nhất"] == "Chưa có kinh phí rà soát cụm công nghiệp"
    assert row["Vướng mắc"] == "có"
