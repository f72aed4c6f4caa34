"""`nhacviec plan add|list|update|archive|track-from`, `init --track-from` and `--plan` on
status, report and preview, run in-process on a real SQLite file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.cli import main
from bot.commands import Commands, Incoming
from scheduler.workdays import WorkingCalendar
from storage.db import make_engine, make_sessionmaker
from storage.invites import create_invite
from storage.models import Assignment, PlanRow, Role, StatusEvent
from tests.test_plans import B_TITLE, write_plan_b
from tests.world import TZ, Clock, local


@pytest.fixture
def cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty working directory, no setting but the database."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "ZALO_", "NHACVIEC_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NHACVIEC_DB_URL", f"sqlite:///{tmp_path / 'nhacviec.db'}")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exit_info:
        code = exit_info.code if isinstance(exit_info.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def commands(cwd: Path, now: str) -> Commands:
    sessions = make_sessionmaker(make_engine(f"sqlite:///{cwd / 'nhacviec.db'}"))
    return Commands(sessions, Clock(local(now)), WorkingCalendar.from_overrides(), TZ)


def say(layer: Commands, chat_id: str, text: str) -> str:
    return "\n".join(r.text for r in layer.handle(Incoming("console", chat_id, "Cán bộ", text)))


def register(layer: Commands, chat_id: str, agency: str, role: Role = Role.FOCAL) -> None:
    with layer.sessions() as session, session.begin():
        code = create_invite(session, agency, role, layer.clock()).code
    say(layer, chat_id, f"/start {code}")


def test_plan_add_stores_a_second_plan_and_refuses_one_already_stored(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init")[0] == 0
    path = write_plan_b(cwd)
    code, out, err = run(capsys, "plan", "add", str(path), "--track-from", "01/02/2025")
    assert code == 0, err
    assert "Đã thêm kế hoạch xd-ha-tang (mã XD)" in out and "01/02/2025" in out
    code, _, err = run(capsys, "plan", "add", str(path))
    assert code == 1
    assert f"`nhacviec plan update {path}`" in one_line(err)
    code, out, _ = run(capsys, "plan", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["Mã", "Id"]
    assert any(line.startswith("ND32 ") and "nd32-binh-thuan" in line for line in lines)
    xd = next(line for line in lines if line.startswith("XD "))
    assert "SGTVT" in xd and "01/02/2025" in xd and "đang theo dõi" in xd


def test_plan_add_refuses_a_code_another_plan_holds(cwd: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init")[0] == 0
    path = write_plan_b(cwd)
    path.write_text(path.read_text(encoding="utf-8").replace("code: XD", "code: ND32"),
                    encoding="utf-8")
    code, _, err = run(capsys, "plan", "add", str(path))
    assert code == 1
    assert "«ND32» đã thuộc kế hoạch «nd32-binh-thuan»" in one_line(err)
    code, _, err = run(capsys, "init", "--plan", str(path))
    assert code == 1
    assert "«ND32» đã thuộc kế hoạch «nd32-binh-thuan»" in one_line(err)
    with make_sessionmaker(make_engine(f"sqlite:///{cwd / 'nhacviec.db'}"))() as session:
        assert session.get(PlanRow, "xd-ha-tang") is None


def test_plan_update_follows_the_file_and_keeps_statuses(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init")[0] == 0
    path = write_plan_b(cwd)
    code, _, err = run(capsys, "plan", "update", str(path))
    assert code == 1 and "`nhacviec plan add" in one_line(err)
    assert run(capsys, "plan", "add", str(path))[0] == 0
    layer = commands(cwd, "2025-06-10 09:00")
    register(layer, "lagi", "LAGI")
    assert "hoàn thành" in say(layer, "lagi", "/xong XD:1 Đã rà soát")
    text = path.read_text(encoding="utf-8").replace(B_TITLE, "Rà soát hạ tầng (bản sửa)")
    path.write_text(text.replace('  - key: "7"', '  - key: "8"'), encoding="utf-8")
    code, out, err = run(capsys, "plan", "update", str(path))
    assert code == 0, err
    assert "Đã cập nhật kế hoạch xd-ha-tang (mã XD): 3 nhiệm vụ" in out
    with layer.sessions() as session:
        event = session.scalars(select(StatusEvent)).one()
        assignment = session.get_one(Assignment, event.assignment_id)
        assert assignment.status == "done"
        assert assignment.occurrence.task.title == "Rà soát hạ tầng (bản sửa)"


def test_plan_archive_and_track_from_change_what_status_counts(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init", "--as-of", "2026-12-01")[0] == 0
    assert run(capsys, "plan", "add", str(write_plan_b(cwd)))[0] == 0
    code, whole, _ = run(capsys, "status", "--as-of", "2026-12-01T09:00")
    assert code == 0
    code, only_xd, _ = run(capsys, "status", "--plan", "XD", "--as-of", "2026-12-01T09:00")
    assert code == 0 and "kế hoạch XD" in only_xd and "Tổng số: 3" in only_xd
    code, _, err = run(capsys, "status", "--plan", "KHAC")
    assert code == 2 and "«KHAC»" in one_line(err)

    code, out, _ = run(capsys, "plan", "track-from", "nd32", "2026-12-01")
    assert code == 0 and "01/12/2026" in out
    code, tracked, _ = run(capsys, "status", "--plan", "ND32", "--as-of", "2026-12-01T09:00")
    assert "- Quá hạn: 0 " in tracked and "Không theo dõi" in tracked

    code, out, _ = run(capsys, "plan", "archive", "XD")
    assert code == 0 and "Đã lưu trữ kế hoạch xd-ha-tang" in out
    assert "đã được lưu trữ trước đó" in run(capsys, "plan", "archive", "xd-ha-tang")[1]
    code, _, err = run(capsys, "status", "--plan", "XD")
    assert code == 2
    code, after, _ = run(capsys, "status", "--as-of", "2026-12-01T09:00")
    assert code == 0 and after != whole
    assert "đã lưu trữ" in run(capsys, "plan", "list")[1]
    code, _, err = run(capsys, "plan", "archive", "KHAC")
    assert code == 2 and "«KHAC»" in one_line(err)


def test_init_track_from_and_report_of_one_plan(cwd: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init", "--as-of", "2026-12-01", "--track-from", "2026-12-01")
    assert code == 0 and "01/12/2026" in out
    assert run(capsys, "plan", "add", str(write_plan_b(cwd)))[0] == 0
    target = cwd / "xd.xlsx"
    code, _, err = run(capsys, "report", "--plan", "XD", "--out", str(target),
                       "--as-of", "2026-12-01T09:00")
    assert code == 0, err
    sheet = load_workbook(target)["Chi tiết"]
    keys = {row[0] for row in sheet.iter_rows(min_row=1, values_only=True)}
    assert {"1", "5", "7"} <= keys
    bundled = cwd / "nd32.xlsx"
    assert run(capsys, "report", "--out", str(bundled), "--as-of", "2026-12-01T09:00")[0] == 0
    labels = {row[0]: row[1] for row in load_workbook(bundled)["Tổng hợp"].iter_rows(
        values_only=True) if row and row[0]}
    assert labels["Quá hạn"] == 0 and labels["Không theo dõi"] > 0


def test_preview_of_a_stored_plan_uses_its_send_time_and_tracking(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init", "--as-of", "2025-01-01")[0] == 0
    path = write_plan_b(cwd, extra='send_at: "07:30"')
    assert run(capsys, "plan", "add", str(path), "--track-from", "2025-04-01")[0] == 0
    code, out, err = run(capsys, "preview", "--plan", "XD", "--from", "2025-01-01",
                         "--to", "2025-12-31", "--json")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and {row["send_at"][11:16] for row in rows} == {"07:30"}
    assert min(row["due"] for row in rows) >= "2025-04-01"
    assert {row["task"] for row in rows} == {"5", "7"}  # 1 was due 31/03/2025
    code, table, _ = run(capsys, "preview", "--plan", "XD", "--from", "2025-06-01",
                         "--to", "2025-06-30")
    assert code == 0 and "Báo cáo giao thông kết nối cụm" in table
    assert run(capsys, "plan", "archive", "XD")[0] == 0
    code, _, err = run(capsys, "preview", "--plan", "XD")
    assert code == 2 and "«XD»" in one_line(err)


def test_preview_of_the_plan_file_skips_the_periods_its_stored_plan_does_not_track(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    window = ("--from", "2026-12-01", "--to", "2027-03-31", "--json")
    code, before, _ = run(capsys, "preview", *window)  # no database yet: every period
    assert code == 0 and not (cwd / "nhacviec.db").exists()
    assert run(capsys, "init", "--as-of", "2026-12-01", "--track-from", "2027-01-01")[0] == 0
    code, after, _ = run(capsys, "preview", *window)
    dues = [json.loads(line)["due"] for line in after.splitlines()]
    assert code == 0 and dues and min(dues) >= "2027-01-01"
    assert min(json.loads(line)["due"] for line in before.splitlines()) < "2027-01-01"
    assert len(dues) < len(before.splitlines())
    assert run(capsys, "preview", "--plan", "ND32", *window)[1] == after
