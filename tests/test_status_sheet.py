"""`nhacviec status export/import`: the open items to a sheet, the filled-in sheet back as status
events by the coordinator; every row is checked first, and one bad row changes nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from bot.reports.status_sheet import HEADER_ROW
from storage import work
from storage.models import Assignment, AssignmentStatus, Officer, StatusEvent
from tests.world import World, local, make_world

AS_OF = "2024-07-10T09:00"
PLAN = "nd32-binh-thuan"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    w = make_world(tmp_path, local("2024-06-20 08:00"))
    w.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    w.register("lagi", "LAGI", name="Võ La Gi")
    w.clock.now = local("2024-06-21 08:30")
    assert "Đã ghi nhận" in w.say("lagi", "/vuongmac 5 Chưa có kinh phí")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_DB_URL", w.url)
    for name in ("NHACVIEC_PLAN", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return w


def export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "tinh-trang.xlsx"
    assert main(["status", "export", str(path), "--plan", PLAN, "--as-of", AS_OF]) == 0
    assert str(path) in capsys.readouterr().out
    return path


def rows_of(path: Path) -> dict[tuple[str, str, str], int]:
    """Map (key, period, agency) to the row number in the exported sheet."""
    ws = load_workbook(path)["Tình trạng"]
    found = {}
    for number in range(HEADER_ROW + 1, ws.max_row + 1):
        key, period, agency = (ws.cell(number, c).value for c in (2, 3, 4))
        found[(key, period or "", agency)] = number
    return found


def fill(path: Path, cells: dict[int, tuple[Any, Any, Any]]) -> None:
    """Write status, date and note into rows of the sheet, as the coordinator does."""
    workbook = load_workbook(path)
    ws = workbook["Tình trạng"]
    for row, values in cells.items():
        for column, value in zip((6, 7, 8), values, strict=True):
            ws.cell(row, column, value)
    workbook.save(path)


def snapshot(world: World) -> tuple[object, ...]:
    with world.sessions() as session:
        events = session.execute(select(StatusEvent.id, StatusEvent.status)).all()
        states = session.execute(select(Assignment.id, Assignment.status,
                                        Assignment.completed_on)).all()
    return tuple(map(tuple, events)), tuple(map(tuple, states))


def test_the_export_lists_every_open_item_with_a_status_list_in_the_cell(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path, capsys)
    ws = load_workbook(path)["Tình trạng"]
    header = [ws.cell(HEADER_ROW, c).value for c in range(1, 9)]
    assert header == ["Kế hoạch", "Mã nhiệm vụ", "Kỳ", "Cơ quan chủ trì", "Hạn", "Tình trạng",
                      "Ngày", "Ghi chú"]
    with world.sessions() as session:
        open_ = [a for a in work.lead_assignments(session, local(AS_OF).date())
                 if a.status != AssignmentStatus.DONE.value]
    rows = rows_of(path)
    assert len(rows) == len(open_) > 20
    blocked = rows[("5", "2024-Q2", "LAGI")]
    assert ws.cell(blocked, 6).value is None  # to fill in: a change
    assert ws.cell(blocked, 12).value == "Vướng mắc"  # where it stands today
    assert ws.cell(blocked, 5).value == datetime(2024, 6, 30)
    (validation,) = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert validation.formula1 == '"Hoàn thành,Vướng mắc,Tiến độ"'
    assert str(validation.sqref) == f"F{HEADER_ROW + 1}:F{HEADER_ROW + len(rows)}"


def test_an_edited_sheet_comes_back_as_events_by_the_coordinator_statuses_folded(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path, capsys)
    rows = rows_of(path)
    fill(path, {
        rows[("1", "", "SCT")]: ("Hoàn thành", "15/06/2024", "Đã tổ chức hội nghị"),
        rows[("2", "2024-Q2", "SCT")]: ("hoan thanh", datetime(2024, 7, 5), None),
        rows[("5", "2024-Q2", "TUYPHONG")]: ("VUONG MAC", None, "Chờ quy hoạch"),
        rows[("9", "2024-Q2", "PHANTHIET")]: ("Tiến độ", None, "Đang lập hồ sơ"),
    })
    assert main(["status", "import", str(path), "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert "Đã áp dụng 4 cập nhật" in out
    assert "ghi nhận bởi Lê Điều Phối" in out
    with world.sessions() as session:
        coordinator = session.scalars(select(Officer).where(Officer.role == "coordinator")).one()
        events = session.scalars(select(StatusEvent).where(
            StatusEvent.officer_id == coordinator.id).order_by(StatusEvent.id)).all()
        assert [(e.status, e.note, e.channel) for e in events] == [
            ("done", "Đã tổ chức hội nghị", "console"), ("done", None, "console"),
            ("blocked", "Chờ quy hoạch", "console"), ("progress", "Đang lập hồ sơ", "console")]
        assert {e.at for e in events} == {local(AS_OF)}
        done = session.get(Assignment, events[0].assignment_id)
        assert done is not None and done.completed_on == datetime(2024, 6, 15).date()
    # The items done are no longer in a new export.
    again = rows_of(export(tmp_path, capsys))
    assert ("1", "", "SCT") not in again and ("5", "2024-Q2", "TUYPHONG") in again


def test_one_bad_row_changes_nothing_and_every_bad_row_is_named(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path, capsys)
    rows = rows_of(path)
    good, bad_status, no_note, future = (rows[("1", "", "SCT")],
                                         rows[("2", "2024-Q2", "SCT")],
                                         rows[("5", "2024-Q2", "TUYPHONG")],
                                         rows[("9", "2024-Q2", "PHANTHIET")])
    fill(path, {good: ("Hoàn thành", None, None), bad_status: ("Xong rồi", None, None),
                no_note: ("Vướng mắc", None, None), future: ("Hoàn thành", "20/07/2024", None)})
    before = snapshot(world)
    assert main(["status", "import", str(path), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"Dòng {bad_status}: tình trạng \"Xong rồi\" không hợp lệ (Hoàn thành, Vướng mắc hoặc "
        "Tiến độ)",
        f"Dòng {no_note}: Vướng mắc cần ghi chú (lý do, nội dung)",
        f"Dòng {future}: ngày 20/07/2024 ở sau ngày nhập 10/07/2024",
        "Không áp dụng gì: bảng tính có 3 dòng lỗi.",
    ]
    assert snapshot(world) == before


def test_an_unknown_item_or_a_row_given_twice_is_refused_with_its_row(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path, capsys)
    rows = rows_of(path)
    workbook = load_workbook(path)
    ws = workbook["Tình trạng"]
    first = rows[("1", "", "SCT")]
    ws.cell(first, 6, "Hoàn thành")
    copy = ws.max_row + 1
    for column in range(1, 9):
        ws.cell(copy, column, ws.cell(first, column).value)
    ws.cell(copy + 1, 1, PLAN)
    for column, value in ((2, "42"), (4, "SCT"), (6, "Hoàn thành")):
        ws.cell(copy + 1, column, value)
    workbook.save(path)
    before = snapshot(world)
    assert main(["status", "import", str(path), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert f"Dòng {copy}: việc 1@ của SCT đã có ở dòng {first}" in err
    assert f"Dòng {copy + 1}: không có việc {PLAN}:42@ của SCT đang mở" in err
    assert snapshot(world) == before


def test_a_dry_run_says_what_it_would_apply_and_changes_nothing(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = export(tmp_path, capsys)
    fill(path, {rows_of(path)[("1", "", "SCT")]: ("Hoàn thành", None, "Xong")})
    before = snapshot(world)
    assert main(["status", "import", str(path), "--dry-run", "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert f"{PLAN}:1 SCT: Hoàn thành (ngày 10/07/2024), ghi nhận bởi Lê Điều Phối" in out
    assert "1 cập nhật hợp lệ" in out and "Chưa ghi gì (--dry-run)" in out
    assert snapshot(world) == before


def test_a_file_that_is_not_the_sheet_is_refused_in_one_line(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "khac.xlsx"
    other.write_bytes(b"not a workbook")
    assert main(["status", "import", str(other)]) == 1
    assert capsys.readouterr().err.startswith(f"Không đọc được bảng tính \"{other}\"")
    assert main(["status", "export", str(tmp_path / "x.csv")]) == 2
    assert "phải có đuôi .xlsx" in capsys.readouterr().err
