"""The command line as an operator meets it: every problem is one Vietnamese line on stderr and a
non-zero exit, read-only verbs leave no database behind, argparse speaks Vietnamese."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.cli import main
from plan_data.loader import bundled_plan_path
from storage.db import make_engine, make_sessionmaker
from storage.models import OccurrenceRow, TaskRow

# A Vietnamese letter with a diacritic: what English never contains.
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]",
                        re.IGNORECASE)
ARGPARSE_ENGLISH = ("usage", "invalid choice", "the following arguments are required",
                    "unrecognized arguments", "error:", "show this help", "positional arguments",
                    "options:")


@pytest.fixture
def cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty working directory (no .env), no channel or nhacviec setting but the database."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "ZALO_", "NHACVIEC_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NHACVIEC_DB_URL", f"sqlite:///{tmp_path / 'nhacviec.db'}")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `nhacviec ARGV` in-process; return its exit status, stdout and stderr."""
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exit_info:
        code = exit_info.code if isinstance(exit_info.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_vietnamese_line(err: str) -> str:
    """Assert `err` is one Vietnamese line, no traceback, no argparse English; return it."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Error" not in err, err
    assert VIETNAMESE.search(lines[0]), lines[0]
    assert not any(word in lines[0].lower() for word in ARGPARSE_ENGLISH), lines[0]
    return lines[0]


def cli(tmp_path: Path, *argv: str, env: dict[str, str] | None = None,
        stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """Run `nhacviec ARGV` in a subprocess in `tmp_path`, with only `env` as nhacviec settings."""
    base = {name: value for name, value in os.environ.items()
            if not name.startswith(("TELEGRAM_", "ZALO_", "NHACVIEC_"))}
    base.update(PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run([sys.executable, "-m", "bot.cli", *argv], cwd=tmp_path, env=base,
                          stdout=stdout, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                          timeout=120, check=False)


def write_plan(path: Path, *tasks: dict[str, object]) -> Path:
    plan = {"id": "thu", "title": "Kế hoạch thử", "issuer": "UBND tỉnh", "start": "2024-04-01",
            "tasks": list(tasks)}
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def task(key: str, timeframe: str, **extra: object) -> dict[str, object]:
    return {"key": key, "title": f"Nhiệm vụ {key}", "text": f"Nội dung {key}.", "lead": "SCT",
            "timeframe": timeframe, **extra}


# --- item 4: plan check reads every time frame ---------------------------------------------------

@pytest.mark.parametrize("timeframe", ["Quý 7 năm 2024", "ngày mai", "31/02/2024"])
def test_plan_check_calls_an_unreadable_time_frame_an_error_naming_file_task_field_and_text(
        cwd: Path, capsys: pytest.CaptureFixture[str], timeframe: str) -> None:
    path = write_plan(cwd / "plan.yaml", task("1", "Quý 2 năm 2024"), task("2", timeframe))

    code, out, err = run(capsys, "plan", "check", str(path))

    assert code == 1
    assert "Tệp hợp lệ" not in out
    line = one_vietnamese_line(err)
    assert line.startswith(f'{path}: nhiệm vụ "2", trường "timeframe": không đọc được thời gian')
    assert f'"{timeframe}"' in line


def test_plan_check_names_every_unreadable_time_frame_at_once(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_plan(cwd / "plan.yaml", task("1", "Quý 7 năm 2024"), task("2", "Hàng năm"),
                      task("3", "ngày mai"))

    code, _, err = run(capsys, "plan", "check", str(path))

    assert code == 1
    assert [line.split(",")[0] for line in err.strip().splitlines()] == [
        f'{path}: nhiệm vụ "1"', f'{path}: nhiệm vụ "3"']


def test_a_task_that_says_it_has_no_schedule_passes_and_is_listed(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_plan(cwd / "plan.yaml", task("1", "Quý 2 năm 2024"),
                      task("2", "Theo kế hoạch của Bộ Công Thương", unscheduled=True,
                           unscheduled_reason="Bộ chưa ban hành kế hoạch"),
                      task("3", "Đột xuất"))

    code, out, err = run(capsys, "plan", "check", str(path))

    assert (code, err) == (0, "")
    assert "Không có lịch nhắc (unscheduled): 2" in out


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"unscheduled": True}, "unscheduled_reason", "cần một dòng lý do khi unscheduled: true"),
    ({"unscheduled": True, "unscheduled_reason": "không rõ"}, "unscheduled", "có lịch"),
])
def test_unscheduled_needs_a_reason_and_an_unreadable_time_frame(
        cwd: Path, capsys: pytest.CaptureFixture[str], extra: dict[str, object], field: str,
        message: str) -> None:
    timeframe = "Quý 2 năm 2024" if "unscheduled_reason" in extra else "Theo kế hoạch"
    path = write_plan(cwd / "plan.yaml", task("1", timeframe, **extra), task("2", "Hàng năm"))

    code, _, err = run(capsys, "plan", "check", str(path))

    assert code == 1
    line = one_vietnamese_line(err)
    assert f'nhiệm vụ "1", trường "{field}"' in line and message in line


def test_init_refuses_a_plan_whose_time_frame_became_unreadable_and_archives_nothing(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_plan(cwd / "plan.yaml", task("1", "Quý 2 năm 2024"), task("2", "Hàng quý"))
    assert run(capsys, "init", "--plan", str(path), "--as-of", "2024-05-02")[0] == 0
    engine = make_engine(os.environ["NHACVIEC_DB_URL"])
    sessions = make_sessionmaker(engine)

    def live_periods() -> list[tuple[str, str]]:
        with sessions() as session:
            return sorted(session.execute(
                select(TaskRow.key, OccurrenceRow.period)
                .join(OccurrenceRow, OccurrenceRow.task_id == TaskRow.id)
                .where(OccurrenceRow.archived.is_(False), TaskRow.archived.is_(False))))

    before = live_periods()
    assert ("1", "") in before  # a deadline's one period
    write_plan(path, task("1", "Quý 7 năm 2024"), task("2", "Hàng quý"))

    code, out, err = run(capsys, "init", "--plan", str(path), "--as-of", "2024-05-02")

    assert code == 1
    assert "nhiệm vụ \"1\", trường \"timeframe\"" in one_vietnamese_line(err)
    assert out == ""
    assert live_periods() == before
    with sessions() as session:
        assert session.scalar(select(func.count()).where(OccurrenceRow.archived.is_(True))) == 0
    engine.dispose()


def test_plan_import_writes_an_unreadable_time_frame_as_declared_unscheduled(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = cwd / "ke-hoach.md"
    doc.write_text("II. NỘI DUNG THỰC HIỆN\n\n1. Rà soát quy chế.\n\n"
                   "a) Cơ quan chủ trì: Sở Công Thương.\n\n"
                   "c) Thời gian thực hiện: Quý 7 năm 2024.\n", encoding="utf-8")
    out = cwd / "plan.yaml"

    assert run(capsys, "plan", "import", str(doc), "--out", str(out),
               "--plan-start", "01/01/2025")[0] == 0
    written = yaml.safe_load(out.read_text(encoding="utf-8"))["tasks"][0]
    assert written["unscheduled"] is True and written["unscheduled_reason"]
    assert run(capsys, "plan", "check", str(out))[0] == 0


# --- item 14: one Vietnamese line for each problem ----------------------------------------------

def test_a_calendar_file_that_is_not_utf8_is_one_line(
        cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    calendar = cwd / "lich.yaml"
    calendar.write_bytes("days_off:\n  - date: 2024-09-03\n    reason: Nghì bù\n".encode("latin-1"))
    monkeypatch.setenv("NHACVIEC_CALENDAR", str(calendar))

    code, _, err = run(capsys, "preview", "--from", "2024-06-01")

    assert code == 1
    assert one_vietnamese_line(err) == f"{calendar}: tệp không phải văn bản UTF-8"


@pytest.mark.parametrize("nesting", ["[" * 100_000 + "]" * 100_000,
                                     "tasks: " + "{a: " * 100_000 + "1" + "}" * 100_000])
def test_a_plan_nested_100000_deep_is_one_line(
        cwd: Path, capsys: pytest.CaptureFixture[str], nesting: str) -> None:
    path = cwd / "plan.yaml"
    path.write_text(nesting, encoding="utf-8")

    code, _, err = run(capsys, "plan", "check", str(path))

    assert code == 1
    assert one_vietnamese_line(err).endswith("lỗi YAML: lồng nhau quá sâu (quá 50 cấp)")


def test_a_calendar_nested_100000_deep_is_one_line(
        cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    calendar = cwd / "lich.yaml"
    calendar.write_text("days_off: " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    monkeypatch.setenv("NHACVIEC_CALENDAR", str(calendar))

    code, _, err = run(capsys, "preview")

    assert code == 1
    assert "lồng nhau quá sâu" in one_vietnamese_line(err)


@pytest.mark.parametrize("name", ["ZALO_WEBHOOK_URL", "TELEGRAM_WEBHOOK_URL"])
def test_an_http_webhook_url_is_refused_at_settings_time(
        cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        name: str) -> None:
    monkeypatch.setenv(name, "http://nhacviec.example.vn/hook")
    monkeypatch.setenv("ZALO_WEBHOOK_SECRET", "bi-mat-du-dai")

    code, _, err = run(capsys, "status")

    assert code == 2
    line = one_vietnamese_line(err)
    assert line.startswith(f"{name}: cần một địa chỉ công khai https://")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("verb", [["status"], ["report"], ["officers"], ["health"]])
def test_an_unreachable_postgresql_is_one_line_without_the_password(
        cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        verb: list[str]) -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql+psycopg://nhacviec:matkhau-bi-mat@127.0.0.1:{closed_port()}/nhacviec"
    monkeypatch.setenv("NHACVIEC_DB_URL", url)

    code, out, err = run(capsys, *verb)

    assert code != 0 and out == ""
    line = one_vietnamese_line(err)
    assert line.startswith("Không kết nối được cơ sở dữ liệu postgresql+psycopg://nhacviec:***@")
    assert "matkhau-bi-mat" not in err


@pytest.mark.parametrize("url", ["foo://x", "khong-phai-dia-chi"])
@pytest.mark.parametrize("verb", [["status"], ["init"], ["preview"], ["tick"]])
def test_a_malformed_database_url_is_one_line(
        cwd: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str,
        verb: list[str]) -> None:
    monkeypatch.setenv("NHACVIEC_DB_URL", url)

    code, _, err = run(capsys, *verb)

    assert code == 2
    line = one_vietnamese_line(err)
    assert line.startswith("NHACVIEC_DB_URL: địa chỉ cơ sở dữ liệu không hợp lệ")


def test_preview_into_a_closed_pipe_stops_with_one_line(tmp_path: Path) -> None:
    # `nhacviec preview | head -1`, with head gone before the first line is written.
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "preview", "--from", "2024-01-01", "--to", "2026-12-31"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read()
    code = process.wait(timeout=120)

    assert code == 1
    assert one_vietnamese_line(err) == (
        "Đầu ra đã bị đóng trước khi in xong (ví dụ bởi `head`): dừng.")
    assert "Exception ignored" not in err


@pytest.fixture
def initialised(cwd: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert run(capsys, "init", "--as-of", "2024-05-02")[0] == 0
    return cwd


def test_report_into_a_missing_directory_is_one_line(
        initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", "--out", "/nonexistent/x.xlsx")

    assert (code, out) == (1, "")
    assert one_vietnamese_line(err) == (
        "Không ghi được tệp /nonexistent/x.xlsx: thư mục /nonexistent không tồn tại.")


def test_report_into_a_read_only_directory_is_one_line(
        initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only directory")
    folder = initialised / "chi-doc"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, _, err = run(capsys, "report", "--out", str(folder / "x.xlsx"))
    finally:
        folder.chmod(0o700)

    assert code == 1
    assert one_vietnamese_line(err).endswith("không có quyền ghi.")


@pytest.mark.parametrize("name", ["x.txt", "bao-cao", "bao-cao.xls"])
def test_report_refuses_a_file_that_is_not_xlsx(
        initialised: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, _, err = run(capsys, "report", "--out", name)

    assert code == 2
    assert f"tệp báo cáo phải có đuôi .xlsx hoặc .docx: {name}" in one_vietnamese_line(err)
    assert not (initialised / name).exists()


@pytest.mark.parametrize(("argv", "expected"), [
    ([], "nhacviec: lỗi: thiếu đối số bắt buộc: LỆNH (xem: nhacviec --help)"),
    (["xyz"], "nhacviec: lỗi: đối số LỆNH: lựa chọn không hợp lệ: 'xyz' (chọn một trong: "),
    (["chat"], "nhacviec chat: lỗi: thiếu đối số bắt buộc: --agency (xem: nhacviec chat --help)"),
    (["invite", "SCT", "--role", "boss"], "nhacviec invite: lỗi: đối số --role: lựa chọn không "
                                          "hợp lệ: 'boss'"),
    (["preview", "--from"], "nhacviec preview: lỗi: đối số --from: cần một giá trị"),
    (["plan"], "nhacviec plan: lỗi: thiếu đối số bắt buộc: LỆNH"),
    (["status", "--bogus"], "nhacviec: lỗi: đối số không hiểu được: --bogus"),
    (["revoke", "ba"], "nhacviec revoke: lỗi: đối số OFFICER_ID: mã cán bộ phải là một số: ba"),
])
def test_argparse_says_a_usage_error_in_one_vietnamese_line(
        cwd: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    code, out, err = run(capsys, *argv)

    assert (code, out) == (2, "")
    assert one_vietnamese_line(err).startswith(expected)


@pytest.mark.parametrize("argv", [["--help"], ["plan", "check", "--help"], ["report", "-h"]])
def test_help_is_vietnamese(cwd: Path, capsys: pytest.CaptureFixture[str],
                            argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)

    assert (code, err) == (0, "")
    assert out.startswith("cách dùng: nhacviec")
    assert "hiện hướng dẫn này rồi thoát" in out and "tùy chọn:" in out
    assert not any(word in out for word in ("usage:", "show this help", "options:"))


def test_a_usage_error_is_vietnamese_in_a_real_terminal_too(tmp_path: Path) -> None:
    result = cli(tmp_path, "nhacviec-khong-co")
    assert result.returncode == 2 and result.stdout == ""
    assert "lựa chọn không hợp lệ" in one_vietnamese_line(result.stderr)


@pytest.mark.parametrize("verb", [["status"], ["status", "SCT"], ["preview"], ["report"],
                                  ["health"], ["run"], ["officers"], ["invite", "SCT"]])
def test_verbs_that_only_read_create_no_database_file(
        cwd: Path, capsys: pytest.CaptureFixture[str], verb: list[str]) -> None:
    code, _, _ = run(capsys, *verb)

    assert list(cwd.iterdir()) == []
    assert (code == 0) == (verb == ["preview"])


def test_status_before_init_asks_for_init(cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "status")
    assert code == 2
    assert "nhacviec init" in one_vietnamese_line(err)


def test_plan_start_takes_a_vietnamese_date_too(
        cwd: Path, capsys: pytest.CaptureFixture[str]) -> None:
    iso = run(capsys, "timeframe", "Quý 2", "--plan-start", "2024-07-01")
    vietnamese = run(capsys, "timeframe", "Quý 2", "--plan-start", "01/07/2024")
    short = run(capsys, "timeframe", "Quý 2", "--plan-start", "1/7/2024")

    assert iso == vietnamese == short
    assert iso[0] == 0 and '"due": "2025-06-30"' in iso[1]


@pytest.mark.parametrize("text", ["31/02/2024", "1/13/2024", "2024/07/01", "mai"])
def test_plan_start_refuses_a_date_that_does_not_exist(
        cwd: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    code, _, err = run(capsys, "timeframe", "Quý 2", "--plan-start", text)
    assert code == 2
    assert "ngày không hợp lệ (cần YYYY-MM-DD hoặc dd/mm/yyyy)" in one_vietnamese_line(err)


def test_cli_status_of_an_unknown_code_speaks_to_the_operator_not_the_chat(
        initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "status", "XYZ")

    assert (code, out) == (2, "")
    line = one_vietnamese_line(err)
    assert "/viec" not in line and "Gõ" not in line
    assert line.startswith("Không có cơ quan hay nhiệm vụ mã «XYZ». Mã nhiệm vụ: 1, 2,")
    assert run(capsys, "status", "sct")[0] == 0
    assert run(capsys, "status", "iii.1")[0] == 0


def test_health_says_ready_on_an_initialised_database(
        initialised: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "health")

    assert (code, err) == (0, "")
    assert out.startswith("Sẵn sàng: cơ sở dữ liệu sqlite:///")


def test_health_fails_on_a_plan_file_that_no_longer_reads(
        initialised: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    broken = initialised / "plan.yaml"
    broken.write_text(bundled_plan_path().read_text(encoding="utf-8")
                      .replace("Quý 2 năm 2024", "Quý 7 năm 2024"), encoding="utf-8")
    monkeypatch.setenv("NHACVIEC_PLAN", str(broken))

    code, _, err = run(capsys, "health")

    assert code == 1
    assert "không đọc được thời gian thực hiện" in one_vietnamese_line(err)


# --- item 17: deployment ------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_sets_no_setting_so_the_image_keeps_its_data_path() -> None:
    from dotenv import dotenv_values

    from bot.settings import Settings, load_settings

    values = dotenv_values(ROOT / ".env.example")
    assert "NHACVIEC_DB_URL" not in values
    assert {name: value for name, value in values.items() if value} == {}
    example = load_settings({}, dotenv=ROOT / ".env.example")
    assert repr(example) == repr(Settings())
    assert example == Settings(tz=example.tz)


def test_env_example_lists_every_setting_of_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    names = re.findall(r"^\| `([A-Z_]+)` \|", section, re.MULTILINE)
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    assert len(names) >= 18
    assert [name for name in names if not re.search(rf"^#? ?{name}=", example, re.MULTILINE)] == []


def test_the_time_zone_is_found_without_a_system_time_zone_database(tmp_path: Path) -> None:
    # python:3.11-slim has no /usr/share/zoneinfo: the tzdata package must carry the zone.
    result = subprocess.run(
        [sys.executable, "-c",
         "from bot.settings import load_settings; print(load_settings({}, dotenv=None).tz)"],
        cwd=tmp_path, env={**os.environ, "PYTHONTZPATH": ""}, capture_output=True, text=True,
        timeout=60, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "Asia/Ho_Chi_Minh"), result.stderr


def test_compose_runs_the_image_with_the_volume_the_env_file_and_a_healthcheck() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["nhacviec"]
    assert service["build"] == "."
    assert "nhacviec-data:/data" in service["volumes"]
    assert "nhacviec-data" in compose["volumes"]
    assert service["env_file"] == [{"path": ".env", "required": False}]
    assert service["healthcheck"]["test"] == ["CMD", "nhacviec", "health"]
    assert "NHACVIEC_DB_URL" not in str(service.get("environment", ""))
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "NHACVIEC_DB_URL=sqlite:////data/nhacviec.db" in dockerfile
    assert 'HEALTHCHECK' in dockerfile and '"nhacviec", "health"' in dockerfile


def test_readme_shows_init_and_invite_inside_the_container() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docker compose run --rm nhacviec nhacviec init" in readme
    assert "docker compose run --rm nhacviec nhacviec invite SCT --role coordinator" in readme
