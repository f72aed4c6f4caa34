"""The plan as data: the bundled plan and agencies, the loader's errors, `nhacviec plan check`."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pydantic
import pytest

from bot.cli import main
from plan_data.loader import (
    PLAN_DATA_DIR,
    PlanError,
    bundled_plan_path,
    load_bundled,
    load_directory,
    load_plan,
)
from scheduler.plan import Directory, Plan, describe_plan
from scheduler.timeframe import TimeframeKind, parse_timeframe

# A copy of shared/seed/, so the verbatim checks run wherever the repository is cloned.
SEED = Path(__file__).resolve().parent / "fixtures" / "seed" / "ke-hoach-nd32-2024-binh-thuan.md"
DISTRICTS = (
    "PHANTHIET",
    "LAGI",
    "TUYPHONG",
    "BACBINH",
    "HAMTHUANBAC",
    "HAMTHUANNAM",
    "TANHLINH",
    "DUCLINH",
    "HAMTAN",
    "PHUQUY",
)


def normalised(text: str) -> str:
    """Return `text` without markdown emphasis and with every run of whitespace one space."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


@pytest.fixture(scope="module")
def bundled() -> tuple[Directory, Plan]:
    return load_bundled()


@pytest.fixture(scope="module")
def directory(bundled: tuple[Directory, Plan]) -> Directory:
    return bundled[0]


@pytest.fixture(scope="module")
def plan(bundled: tuple[Directory, Plan]) -> Plan:
    return bundled[1]


@pytest.fixture(scope="module")
def seed() -> str:
    return normalised(SEED.read_text(encoding="utf-8"))


# --- The bundled plan -------------------------------------------------------------------------


def test_the_bundled_plan_has_its_metadata(plan: Plan) -> None:
    assert plan.id == "nd32-binh-thuan"
    assert plan.issuer == "UBND tỉnh Bình Thuận"
    assert plan.start == date(2024, 4, 1)
    assert plan.start_assumed is True
    assert plan.start_reason and "Quý 2 năm 2024" in plan.start_reason
    assert plan.coordinator == "SCT"
    assert plan.title.startswith("Kế hoạch triển khai thực hiện Nghị định số 32/2024/NĐ-CP")


def test_the_bundled_plan_has_the_nine_tasks_and_three_standing_duties(plan: Plan) -> None:
    keys = [task.key for task in plan.tasks]
    assert keys == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "III.1", "III.3", "III.6"]


# Section II as the seed writes it: lead, coordinating codes, the open-ended phrase, time frame.
SECTION_II = {
    "1": (("SCT",), ("STTTT",), "các sở, ngành, địa phương liên quan", "Quý 2 năm 2024"),
    "2": (
        ("SCT",),
        ("STP",),
        "các sở, ban, ngành có liên quan",
        "Thường xuyên trong năm 2024 và các năm tiếp theo",
    ),
    "3": (("SCT",), ("HUYEN",), "các sở, ban, ngành liên quan", "Trong năm 2024"),
    "4": (("SCT",), ("HUYEN",), "các sở, ban, ngành liên quan", "Trong năm 2024"),
    "5": (("HUYEN",), (), "Các sở, ban, ngành có liên quan", "Thường xuyên"),
    "6": (("SCT",), ("HUYEN",), "các sở, ban, ngành có liên quan", "Trong năm 2024-2025"),
    "7": (("STNMT",), ("HUYEN",), "các sở, ban, ngành liên quan", "Hàng năm hoặc đột xuất"),
    "8": (("SKHDT",), ("SCT", "HUYEN"), None, "Hàng năm"),
    "9": (
        ("HUYEN",),
        ("SKHDT", "SGTVT", "SCT", "STP"),
        "các sở, ban, ngành có liên quan",
        "Thường xuyên",
    ),
}


@pytest.mark.parametrize("key", sorted(SECTION_II))
def test_each_section_ii_task_has_the_agencies_and_time_frame_of_the_seed(
    plan: Plan, key: str
) -> None:
    lead, coordinating, coordinating_text, timeframe = SECTION_II[key]
    task = plan.task(key)
    assert task.lead == lead
    assert task.coordinating == coordinating
    assert task.coordinating_text == coordinating_text
    assert task.timeframe == timeframe
    assert task.assumed is False


@pytest.mark.parametrize("key", sorted(SECTION_II))
def test_each_section_ii_task_matches_its_a_b_c_lines_in_the_seed(
    plan: Plan, directory: Directory, seed: str, key: str
) -> None:
    task = plan.task(key)
    found = re.search(
        re.escape(task.text) + r" (?:- )?a\) Cơ quan chủ trì: (?P<lead>.+?)\."
        r" (?:- )?b\) Cơ quan phối hợp: (?P<coordinating>.+?)\."
        r" (?:- )?c\) Thời gian thực hiện: (?P<timeframe>.+?)\.",
        seed,
    )
    assert found, key
    assert found["timeframe"] == task.timeframe

    def full_name(code: str) -> str:
        return directory.group(code).name if code == "HUYEN" else directory.agency(code).name

    # Every name is in its line, and nothing but connectors is left once they are taken out.
    for line, codes, extra in (
        (found["lead"], task.lead, None),
        (found["coordinating"], task.coordinating, task.coordinating_text),
    ):
        for phrase in [*map(full_name, codes), *([extra] if extra else [])]:
            assert phrase in line, (key, phrase)
            line = line.replace(phrase, "", 1)
        assert re.fullmatch(r"[\s,]*(?:và[\s,]*)*", line), (key, line)


def test_the_standing_duties_have_their_agencies(plan: Plan) -> None:
    report, budget, commendation = plan.task("III.1"), plan.task("III.3"), plan.task("III.6")
    assert (report.lead, report.coordinating, report.report_to) == (("SCT",), (), ("UBNDT", "BCT"))
    assert (budget.lead, budget.report_to, budget.timeframe) == (("STC",), ("UBNDT",), "Hàng năm")
    assert (commendation.lead, commendation.coordinating) == (("SNV",), ("SCT",))


def test_the_coordinators_report_is_assumed_due_by_20_june_and_20_december(plan: Plan) -> None:
    report = plan.task("III.1")
    assert report.assumed is True
    assert report.assumed_reason and "14/2024/TT-BCT" in report.assumed_reason
    first = parse_timeframe(report.timeframe, plan.start)
    after_june = parse_timeframe(report.timeframe, date(2024, 6, 21))
    assert (first.kind, first.due) == (TimeframeKind.RECURRING, date(2024, 6, 20))
    assert after_june.due == date(2024, 12, 20)


def test_every_task_text_is_verbatim_from_the_seed(plan: Plan, seed: str) -> None:
    for task in plan.tasks:
        assert normalised(task.text) == task.text, task.key
        assert task.text in seed, task.key


def test_every_open_ended_phrase_and_section_iii_time_frame_is_verbatim(
    plan: Plan, seed: str
) -> None:
    for task in plan.tasks:
        if task.coordinating_text is not None:
            assert task.coordinating_text in seed, task.key
        if not task.assumed:
            assert task.timeframe in seed, task.key


def test_every_bundled_time_frame_is_understood_by_the_parser(plan: Plan) -> None:
    for task in plan.tasks:
        parsed = parse_timeframe(task.timeframe, plan.start)
        assert parsed.kind is not TimeframeKind.UNSCHEDULED, (task.key, task.timeframe)


def test_every_code_in_the_plan_is_in_the_directory(directory: Directory, plan: Plan) -> None:
    for task in plan.tasks:
        for code in (*task.lead, *task.coordinating, *task.report_to):
            assert directory.display_name(code), (task.key, code)


def test_the_ministry_only_receives_reports(plan: Plan) -> None:
    assigned = {code for task in plan.tasks for code in (*task.lead, *task.coordinating)}
    receives = {code for task in plan.tasks for code in task.report_to}
    assert "BCT" not in assigned
    assert "BCT" in receives


def test_a_task_is_found_by_key_and_an_unknown_key_raises(plan: Plan) -> None:
    assert plan.task("III.3").lead == ("STC",)
    with pytest.raises(KeyError):
        plan.task("10")


def test_the_loaded_plan_is_frozen(plan: Plan) -> None:
    with pytest.raises(pydantic.ValidationError):
        plan.task("1").timeframe = "Quý 3 năm 2024"


def test_the_bundled_plan_uses_the_default_ladder(plan: Plan) -> None:
    assert plan.ladder.before_days == (30, 7, 1)


def test_the_plan_files_ship_in_the_plan_data_package() -> None:
    import plan_data

    package_dir = Path(plan_data.__file__).resolve().parent
    assert package_dir == PLAN_DATA_DIR
    assert bundled_plan_path() == package_dir / "nd32-binh-thuan.yaml"
    assert (package_dir / "agencies.yaml").is_file()


# --- The directory -----------------------------------------------------------------------------


def test_the_directory_has_the_plans_agencies(directory: Directory) -> None:
    codes = [agency.code for agency in directory.agencies]
    assert codes == [
        "SCT",
        "STTTT",
        "STP",
        "STNMT",
        "SKHDT",
        "SGTVT",
        "STC",
        "SNV",
        "UBNDT",
        "BCT",
        *DISTRICTS,
    ]
    kinds = {agency.code: agency.kind for agency in directory.agencies}
    assert {kinds["SCT"], kinds["UBNDT"], kinds["BCT"], kinds["PHUQUY"]} == {
        "so",
        "ubnd_tinh",
        "bo",
        "ubnd_huyen",
    }
    assert directory.agency("SNV").units == ("Ban Thi đua - Khen thưởng tỉnh",)
    assert directory.agency("STTTT").name == "Sở Thông tin và Truyền thông"


def test_every_short_name_fits_a_phone_line(directory: Directory) -> None:
    for agency in directory.agencies:
        assert len(agency.short_name) <= 25, agency.code


def test_the_district_group_expands_to_the_ten_units_in_order(directory: Directory) -> None:
    assert directory.expand(("HUYEN",)) == DISTRICTS
    assert directory.group("HUYEN").name == "UBND các huyện, thị xã, thành phố"


def test_expand_keeps_order_and_drops_repeats(directory: Directory) -> None:
    expanded = directory.expand(("SCT", "LAGI", "HUYEN", "SCT", "STP"))
    assert expanded == ("SCT", "LAGI", *(d for d in DISTRICTS if d != "LAGI"), "STP")


def test_expand_and_lookups_raise_key_error_for_unknown_codes(directory: Directory) -> None:
    with pytest.raises(KeyError):
        directory.expand(("SCT", "SXYZ"))
    with pytest.raises(KeyError):
        directory.agency("HUYEN")
    with pytest.raises(KeyError):
        directory.agency("SXYZ")
    with pytest.raises(KeyError):
        directory.display_name("SXYZ")


def test_a_code_is_known_as_an_agency_or_a_group(directory: Directory) -> None:
    assert (directory.knows("SCT"), directory.is_group("SCT")) == (True, False)
    assert (directory.knows("HUYEN"), directory.is_group("HUYEN")) == (True, True)
    assert (directory.knows("SXYZ"), directory.is_group("SXYZ")) == (False, False)


def test_display_names_are_short_for_agencies_and_full_for_groups(directory: Directory) -> None:
    assert directory.display_name("PHANTHIET") == "UBND TP Phan Thiết"
    assert directory.display_name("TUYPHONG") == "UBND huyện Tuy Phong"
    assert directory.display_name("HUYEN") == "UBND các huyện, thị xã, thành phố"
    assert directory.agency("PHANTHIET").name == "Ủy ban nhân dân thành phố Phan Thiết"


# --- Loader errors -----------------------------------------------------------------------------


def variant(tmp_path: Path, old: str, new: str, name: str = "nd32.yaml") -> Path:
    """Write the bundled plan with `old` replaced by `new` and return the file."""
    text = bundled_plan_path().read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the bundled plan no longer contains {old!r} once"
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def plan_error(path: Path, directory: Directory) -> str:
    with pytest.raises(PlanError) as caught:
        load_plan(path, directory)
    return str(caught.value)


def test_an_unknown_agency_code_names_file_task_and_field(
    tmp_path: Path, directory: Directory
) -> None:
    path = variant(tmp_path, "lead: [STNMT]", "lead: [SXYZ]")
    assert plan_error(path, directory) == (
        f'{path}: nhiệm vụ "7", trường "lead": mã cơ quan không tồn tại: "SXYZ"'
    )


def test_an_unknown_coordinating_code_is_reported_too(tmp_path: Path, directory: Directory) -> None:
    old = "coordinating: [SKHDT, SGTVT, SCT, STP]"
    path = variant(tmp_path, old, "coordinating: [SKHDT, GTVT]")
    assert plan_error(path, directory) == (
        f'{path}: nhiệm vụ "9", trường "coordinating": mã cơ quan không tồn tại: "GTVT"'
    )


def test_an_unparseable_start_date_names_the_field(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, "start: 2024-04-01", "start: 2024-13-01")
    assert plan_error(path, directory) == (
        f'{path}: trường "start": ngày không hợp lệ (cần dạng YYYY-MM-DD): "2024-13-01"'
    )


def test_a_day_first_start_date_is_rejected(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, "start: 2024-04-01", "start: 01/04/2024")
    assert 'trường "start": ngày không hợp lệ' in plan_error(path, directory)


def test_a_duplicate_task_key_names_the_task(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, 'key: "4"', 'key: "3"')
    assert plan_error(path, directory) == (
        f'{path}: nhiệm vụ "3", trường "key": khóa nhiệm vụ lặp lại (đã dùng cho nhiệm vụ thứ 3)'
    )


def test_a_missing_required_field_names_task_and_field(
    tmp_path: Path, directory: Directory
) -> None:
    path = variant(tmp_path, "    timeframe: Trong năm 2024-2025\n", "")
    assert plan_error(path, directory) == (
        f'{path}: nhiệm vụ "6", trường "timeframe": thiếu trường bắt buộc'
    )


def test_a_task_without_a_key_is_named_by_its_position(
    tmp_path: Path, directory: Directory
) -> None:
    path = variant(tmp_path, '  - key: "2"\n    title:', "  - title:")
    assert plan_error(path, directory) == (
        f'{path}: nhiệm vụ thứ 2, trường "key": thiếu trường bắt buộc'
    )


def test_a_wrong_type_names_task_field_and_value(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, "    assumed: true\n", "    assumed: có lẽ\n")
    assert plan_error(path, directory) == (
        f'{path}: nhiệm vụ "III.1", trường "assumed": cần true hoặc false: "có lẽ"'
    )


def test_a_list_where_text_belongs_is_a_wrong_type(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, "timeframe: Hàng năm hoặc đột xuất", "timeframe: [Hàng năm]")
    assert plan_error(path, directory) == (
        f'{path}: nhiệm vụ "7", trường "timeframe": cần một chuỗi văn bản'
    )


def test_a_misspelt_field_is_reported_with_the_missing_one(
    tmp_path: Path, directory: Directory
) -> None:
    path = variant(tmp_path, "lead: [SKHDT]", "leader: [SKHDT]")
    assert plan_error(path, directory).splitlines() == [
        f'{path}: nhiệm vụ "8", trường "lead": thiếu trường bắt buộc',
        f'{path}: nhiệm vụ "8", trường "leader": trường không được phép (sai tên trường?)',
    ]


def test_a_title_too_long_for_a_phone_is_rejected(tmp_path: Path, directory: Directory) -> None:
    title = "Xúc tiến đầu tư vào các cụm công nghiệp"
    path = variant(tmp_path, f"title: {title}", f"title: {title} {'và nhiều nội dung khác' * 2}")
    assert f'{path}: nhiệm vụ "8", trường "title": dài quá 60 ký tự' in plan_error(path, directory)


def test_an_assumed_time_frame_needs_a_reason(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, "    assumed_reason: >-\n", "    note: >-\n")
    assert plan_error(path, directory).splitlines()[0] == (
        f'{path}: nhiệm vụ "III.1", trường "assumed_reason": cần một dòng lý do khi assumed: true'
    )


def test_the_coordinator_must_be_an_agency_not_a_group(
    tmp_path: Path, directory: Directory
) -> None:
    path = variant(tmp_path, "coordinator: SCT", "coordinator: HUYEN")
    assert plan_error(path, directory) == (
        f'{path}: trường "coordinator": cần mã một cơ quan, không phải một nhóm: "HUYEN"'
    )


def test_a_yaml_syntax_error_names_the_line(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, "lead: [SKHDT]", "lead: [SKHDT")
    line = bundled_plan_path().read_text(encoding="utf-8").splitlines().index("    lead: [SKHDT]")
    message = plan_error(path, directory)
    # PyYAML notices the unclosed list on the line after it.
    assert re.fullmatch(rf"{re.escape(str(path))}: dòng {line + 2}, cột \d+: lỗi YAML: .+", message)


def test_a_field_written_twice_in_one_task_is_an_error(
    tmp_path: Path, directory: Directory
) -> None:
    path = variant(tmp_path, "    lead: [SKHDT]\n", "    lead: [SKHDT]\n    lead: [SCT]\n")
    line = bundled_plan_path().read_text(encoding="utf-8").splitlines().index("    lead: [SKHDT]")
    assert plan_error(path, directory) == (
        f'{path}: dòng {line + 2}, cột 5: lỗi YAML: khóa "lead" bị lặp lại'
    )


def test_a_missing_file_is_named(tmp_path: Path, directory: Directory) -> None:
    path = tmp_path / "khong-co.yaml"
    assert plan_error(path, directory) == f"{path}: không tìm thấy tệp"


def test_an_empty_file_or_a_list_is_not_a_plan(tmp_path: Path, directory: Directory) -> None:
    empty, listed = tmp_path / "empty.yaml", tmp_path / "list.yaml"
    empty.write_text("", encoding="utf-8")
    listed.write_text("- 1\n- 2\n", encoding="utf-8")
    assert plan_error(empty, directory) == f"{empty}: tệp rỗng"
    assert plan_error(listed, directory) == f"{listed}: cần một bảng khóa: giá trị"


def test_a_single_code_and_a_numeric_key_are_accepted(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, '  - key: "8"\n', "  - key: 8\n")
    text = path.read_text(encoding="utf-8")
    assert text.count("lead: [SKHDT]") == 1
    path.write_text(text.replace("lead: [SKHDT]", "lead: SKHDT"), encoding="utf-8")
    assert load_plan(path, directory).task("8").lead == ("SKHDT",)


def test_a_ladder_in_the_plan_overrides_the_default(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, "\ntasks:\n", "\nladder:\n  before_days: [14, 3]\ntasks:\n")
    ladder = load_plan(path, directory).ladder
    assert (ladder.before_days, ladder.overdue_repeat_days) == ((14, 3), 7)


def test_a_send_time_in_the_ladder_is_refused_and_points_to_the_plan_s_own(
        tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, "\ntasks:\n", '\nladder:\n  send_at: "07:30"\ntasks:\n')
    assert plan_error(path, directory) == (
        f'{path}: trường "ladder.send_at": giờ gửi không đặt trong ladder: ghi send_at ở cấp '
        'kế hoạch (send_at: "07:30"), mặc định là NHACVIEC_SEND_AT'
    )


def test_a_plan_sets_its_own_send_time_and_code(tmp_path: Path, directory: Directory) -> None:
    path = variant(tmp_path, "\ntasks:\n", '\nsend_at: "07:30"\ncode: BT32\ntasks:\n')
    plan = load_plan(path, directory)
    assert (plan.send_at, plan.short_code) == (time(7, 30), "BT32")
    assert load_plan(PLAN_DATA_DIR / "nd32-binh-thuan.yaml", directory).short_code == "ND32"


@pytest.mark.parametrize(("line", "field"), [("send_at: 7:30", "send_at"),
                                             ('send_at: "25:00"', "send_at"),
                                             ("code: nd:32", "code")])
def test_a_bad_send_time_or_code_is_refused_naming_the_field(
        tmp_path: Path, directory: Directory, line: str, field: str) -> None:
    path = variant(tmp_path, "\ntasks:\n", f"\n{line}\ntasks:\n")
    assert f'trường "{field}"' in plan_error(path, directory)


def agencies_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (PLAN_DATA_DIR / "agencies.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, f"agencies.yaml no longer contains {old!r} once"
    path = tmp_path / "agencies.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_group_member_that_is_no_agency_names_the_group(tmp_path: Path) -> None:
    path = agencies_variant(tmp_path, "      - PHUQUY\n", "      - PHUQUY\n      - XYZ\n")
    with pytest.raises(PlanError) as caught:
        load_directory(path)
    assert str(caught.value) == (
        f'{path}: nhóm "HUYEN", trường "members": mã cơ quan không tồn tại: "XYZ"'
    )


def test_a_duplicate_agency_code_names_the_agency(tmp_path: Path) -> None:
    path = agencies_variant(tmp_path, "  - code: STP\n", "  - code: SCT\n")
    with pytest.raises(PlanError) as caught:
        load_directory(path)
    assert str(caught.value) == f'{path}: cơ quan "SCT", trường "code": mã lặp lại: "SCT"'


def test_an_unknown_agency_kind_lists_the_kinds(tmp_path: Path) -> None:
    path = agencies_variant(tmp_path, "    kind: bo\n", "    kind: bộ\n")
    with pytest.raises(PlanError) as caught:
        load_directory(path)
    assert str(caught.value) == (
        f'{path}: cơ quan "BCT", trường "kind": giá trị không hợp lệ, cần một trong: '
        'so, ubnd_tinh, bo, ubnd_huyen: "bộ"'
    )


# --- nhacviec plan check -----------------------------------------------------------------------


def test_plan_check_summarises_the_bundled_plan(
    plan: Plan, directory: Directory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "check"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out == f"Tệp hợp lệ: {bundled_plan_path()}\n{describe_plan(plan, directory)}\n"
    assert "Kế hoạch nd32-binh-thuan:" in out
    assert "12 nhiệm vụ: 1, 2, 3, 4, 5, 6, 7, 8, 9, III.1, III.3, III.6" in out
    assert "  Sở Công Thương: chủ trì 1, 2, 3, 4, 6, III.1; phối hợp 8, 9, III.6" in out
    assert "  UBND các huyện, thị xã, thành phố: phối hợp 3, 4, 6, 7, 8; chủ trì 5, 9" in out
    assert "  Bộ Công Thương: nhận báo cáo III.1" in out
    assert len(out.splitlines()) <= 24  # one screen


def test_plan_check_reports_a_bad_file_on_stderr_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = variant(tmp_path, "lead: [STNMT]", "lead: [SXYZ]")
    assert main(["plan", "check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f'{path}: nhiệm vụ "7", trường "lead": mã cơ quan không tồn tại: "SXYZ"\n'


def test_plan_check_uses_another_agencies_file_when_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agencies = agencies_variant(tmp_path, "  - code: STP\n", "  - code: SCT\n")
    assert main(["plan", "check", "--agencies", str(agencies)]) == 1
    assert capsys.readouterr().err.startswith(f'{agencies}: cơ quan "SCT"')


def test_the_installed_command_fails_without_a_traceback(tmp_path: Path) -> None:
    path = variant(tmp_path, 'key: "4"', 'key: "3"')
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "plan", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f'{path}: nhiệm vụ "3", trường "key"')
