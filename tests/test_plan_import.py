"""`nhacviec plan import`: a plan document (Markdown, plain text, .docx) becomes a plan file."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK

from bot.cli import main
from plan_data.importer import (
    AgencyMatcher,
    GapKind,
    ImportedTask,
    PlanImport,
    Table,
    derive_title,
    extract_plan,
    import_document,
    read_markdown,
)
from plan_data.importer.agencies import Proposals, prose_agencies
from plan_data.loader import bundled_plan_path, load_directory, load_plan
from scheduler.plan import Directory
from scheduler.timeframe import TimeframeKind, parse_timeframe

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
# A copy of shared/seed/, so the seed is imported wherever the repository is cloned.
SEED = Path(__file__).resolve().parent / "fixtures" / "seed" / "ke-hoach-nd32-2024-binh-thuan.md"


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory()


def by_key(result: PlanImport) -> dict[str, ImportedTask]:
    return {task.key: task for task in result.tasks}


def gap_kinds(task: ImportedTask) -> list[tuple[GapKind, str | None]]:
    return [(gap.kind, gap.field) for gap in task.gaps]


def from_markdown(text: str, directory: Directory, plan_start: date | None = None) -> PlanImport:
    return extract_plan(
        read_markdown(text),
        directory,
        source="test.md",
        plan_id="test",
        plan_start=plan_start or date(2025, 1, 1),
    )


# --- the seed --------------------------------------------------------------------------------


SECTION_III = [f"III.{n}" for n in range(1, 9)]


def test_the_seed_imports_into_the_bundled_plan_with_no_gap(directory: Directory) -> None:
    bundled = load_plan(bundled_plan_path(), directory)
    result = import_document(SEED, directory, plan_start=bundled.start)

    # the only gaps are section III's: duties that name no time (or no agency) are not
    # written; III.3's time is read from its sentence ("Hàng năm, ..."), which is said
    assert [(gap.task, gap.field) for gap in result.gaps if gap.kind is GapKind.READ_FROM_TEXT] == [
        ("III.3", "timeframe")
    ]
    duties = {gap.task for gap in result.gaps if gap.kind is GapKind.DUTY_NOT_WRITTEN}
    assert duties == set(SECTION_III) - {"III.3"}
    assert {gap.kind for gap in result.gaps} == {GapKind.DUTY_NOT_WRITTEN, GapKind.READ_FROM_TEXT}
    assert result.ok
    assert [task.key for task in result.tasks] == [str(n) for n in range(1, 10)] + SECTION_III
    for task in result.tasks[:9]:
        expected = bundled.task(task.key)
        assert task.text == expected.text, task.key
        assert task.lead == expected.lead, task.key
        assert task.coordinating == expected.coordinating, task.key
        assert task.coordinating_text == expected.coordinating_text, task.key
        assert task.timeframe_text == expected.timeframe, task.key
        assert task.timeframe == parse_timeframe(expected.timeframe, bundled.start), task.key
        assert 0 < len(task.title) <= 60


def test_the_seed_joins_the_paragraphs_cut_by_page_breaks(directory: Directory) -> None:
    tasks = by_key(import_document(SEED, directory, plan_start=date(2024, 4, 1)))

    assert "người lao động trong các sở, ban, ngành" in tasks["1"].text
    assert "rút khỏi quy hoạch (lưu ý quản lý chặt chẽ" in tasks["5"].text
    assert "*" not in tasks["5"].text


def test_the_seed_reads_section_three_as_the_duties_of_each_agency(directory: Directory) -> None:
    result = import_document(SEED, directory, plan_start=date(2024, 4, 1))
    tasks = by_key(result)

    assert result.section == "II. NỘI DUNG THỰC HIỆN"
    # "1. Sở Công Thương" and its dashes: one task, the heading leads; the report to UBND tỉnh
    # and Bộ Công Thương is among its duties
    first = tasks["III.1"]
    assert first.duty and first.lead == ("SCT",)
    assert "Tổng hợp, báo cáo UBND tỉnh, Bộ Công Thương" in first.text
    assert first.coordinating_text == "các cơ quan, đơn vị, địa phương"
    assert (first.timeframe_text, first.timeframe, first.written) == ("", None, False)
    # "**3. Sở Tài chính:** Hàng năm, ..." states its rhythm: written to the plan
    assert (tasks["III.3"].lead, tasks["III.3"].timeframe_text) == (("STC",), "Hàng năm")
    assert tasks["III.3"].written
    # a name cut by a page break ("Phối hợp với Sở" / "Công Thương") is read whole
    assert tasks["III.6"].lead == ("SNV",)
    assert tasks["III.6"].coordinating == ("SCT",)
    # an open group leads III.7: listed, not written
    assert tasks["III.7"].lead == () and not tasks["III.7"].written
    assert tasks["III.8"].lead == ("HUYEN",)
    assert all(task.key.startswith("III.") or not task.duty for task in result.tasks)


def test_the_seed_written_with_out_passes_plan_check(
    directory: Directory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nd32.yaml"
    argv = ["plan", "import", str(SEED), "--out", str(out), "--plan-start", "2024-04-01"]

    assert main([*argv, "--plan-id", "nd32-binh-thuan"]) == 0
    assert f"Đã ghi kế hoạch: {out}" in capsys.readouterr().out
    assert main(["plan", "check", str(out)]) == 0
    written = load_plan(out, directory)
    bundled = load_plan(bundled_plan_path(), directory)
    assert written.id == "nd32-binh-thuan"
    assert written.start == date(2024, 4, 1)
    assert written.issuer == bundled.issuer
    assert [task.key for task in written.tasks] == [str(n) for n in range(1, 10)] + ["III.3"]
    assert not (tmp_path / "nd32.agencies.yaml").exists()  # every agency is known
    for task in written.tasks[:9]:
        expected = bundled.task(task.key)
        assert (task.text, task.lead, task.coordinating) == (
            expected.text,
            expected.lead,
            expected.coordinating,
        )
        assert (task.coordinating_text, task.timeframe) == (
            expected.coordinating_text,
            expected.timeframe,
        )


def test_without_a_plan_start_the_seed_has_one_gap_and_no_due_dates(
    directory: Directory,
) -> None:
    result = import_document(SEED, directory)

    section_three = (GapKind.DUTY_NOT_WRITTEN, GapKind.READ_FROM_TEXT)
    assert [gap.kind for gap in result.gaps if gap.kind not in section_three] == [
        GapKind.NO_PLAN_START
    ]
    assert not result.ok
    assert all(task.timeframe is None or task.timeframe.due is None for task in result.tasks)
    assert all(task.timeframe is not None for task in result.tasks[:9])
    assert by_key(result)["7"].timeframe.kind is TimeframeKind.RECURRING  # type: ignore[union-attr]


# --- Markdown variants -----------------------------------------------------------------------


def test_it_reads_label_variants_numbering_styles_and_list_markers(directory: Directory) -> None:
    result = import_document(
        FIXTURES / "label-variants.md", directory, plan_start=date(2025, 1, 1)
    )
    tasks = by_key(result)

    # "1. Nhóm nhiệm vụ tuyên truyền" heads 1.1 and 1.2: a heading, not a task; the tasks of
    # sections I and III have labels too but are not section II's
    assert list(tasks) == ["1.1", "1.2", "2"]
    assert result.gaps == ()
    assert result.section == "II. NHIỆM VỤ CỤ THỂ"
    assert result.title == "Kế hoạch phát triển thương mại điện tử năm 2025"
    assert (result.issuer, result.issuer_source) == ("UBND tỉnh Bình Thuận", "từ văn bản")

    first = tasks["1.1"]
    assert first.text == (
        "Tuyên truyền, phổ biến lợi ích của thương mại điện tử đến doanh nghiệp nhỏ và vừa."
    )
    assert first.lead == ("SCT",)
    assert first.coordinating == ("STTTT",)
    assert first.coordinating_text == "các cơ quan, đơn vị liên quan"
    assert first.timeframe_text == "Quý III/2025"
    assert first.timeframe is not None and first.timeframe.due == date(2025, 9, 30)

    second = tasks["1.2"]  # italic text; each value on the line after its label
    assert second.text == "Tập huấn kỹ năng bán hàng trực tuyến cho hợp tác xã."
    assert second.lead == ("HUYEN",)
    assert second.coordinating == ("SKHDT", "STC")
    assert second.coordinating_text is None
    assert second.timeframe_text == "Tháng 9/2025"

    third = tasks["2"]  # "**2)**", labels without letters, a dash after the label
    assert (third.lead, third.coordinating, third.timeframe_text) == (
        ("SGTVT",),
        ("SCT",),
        "Hằng quý",
    )
    assert third.timeframe is not None and third.timeframe.kind is TimeframeKind.RECURRING


def test_it_reads_every_numbering_style(directory: Directory) -> None:
    text = "\n\n".join(
        [
            "## II. NỘI DUNG THỰC HIỆN",
            "1. Nhiệm vụ một.\n- a) Cơ quan chủ trì: Sở Công Thương.\n- c) Thời gian: Năm 2025.",
            "**2.** Nhiệm vụ hai.\n+ a) Đơn vị chủ trì: Sở Tư pháp.\n+ c) Tiến độ: Năm 2025.",
            "3) Nhiệm vụ ba.\n• Chủ trì: Sở Tài chính.\n• Thời hạn: Năm 2025.",
            "4\\. Nhiệm vụ bốn.\n> Cơ quan chủ trì: Sở Nội vụ.\n> Thời gian thực hiện: Năm 2025.",
            "5.1. Nhiệm vụ năm.\n__a) Cơ quan chủ trì:__ Sở Công Thương.\nc) Thời gian: Năm 2025.",
        ]
    )
    result = from_markdown(text, directory)

    assert [(task.key, task.text, task.lead) for task in result.tasks] == [
        ("1", "Nhiệm vụ một.", ("SCT",)),
        ("2", "Nhiệm vụ hai.", ("STP",)),
        ("3", "Nhiệm vụ ba.", ("STC",)),
        ("4", "Nhiệm vụ bốn.", ("SNV",)),
        ("5.1", "Nhiệm vụ năm.", ("SCT",)),
    ]
    assert result.gaps == ()


def test_a_task_text_continued_after_a_page_break_is_joined_with_a_space(
    directory: Directory,
) -> None:
    text = (
        "II. NỘI DUNG THỰC HIỆN\n\n"
        "1. Rà soát hiện trạng sử dụng đất trong\n\n"
        "các cụm công nghiệp.\n\n"
        "Nội dung rà soát gồm hạ tầng và môi trường.\n\n"
        "a) Cơ quan chủ trì: Sở Tài nguyên và\n\n"
        "Môi trường.\n\n"
        "c) Thời gian thực hiện: Quý 3 năm 2025."
    )
    task = from_markdown(text, directory).tasks[0]

    # a page break mid-sentence joins; a paragraph after a full stop stays a paragraph
    assert task.text == (
        "Rà soát hiện trạng sử dụng đất trong các cụm công nghiệp.\n"
        "Nội dung rà soát gồm hạ tầng và môi trường."
    )
    assert task.lead == ("STNMT",)
    assert task.gaps == ()


def test_it_reads_a_markdown_table(directory: Directory) -> None:
    result = import_document(FIXTURES / "pipe-table.md", directory, plan_start=date(2025, 1, 1))
    tasks = by_key(result)

    assert list(tasks) == ["1", "2", "3"]
    assert result.gaps == ()
    assert tasks["1"].lead == ("SCT",)
    assert tasks["1"].coordinating == ("HUYEN",)
    assert tasks["1"].timeframe is not None and tasks["1"].timeframe.due == date(2025, 6, 30)
    # a cell broken with <br> joins mid-sentence; agencies on separate lines are a list
    assert tasks["2"].text == "Tổ chức bình chọn sản phẩm công nghiệp nông thôn tiêu biểu cấp tỉnh."
    assert tasks["2"].coordinating == ("STC", "SKHDT")
    assert tasks["3"].lead == ("STTTT",)
    assert tasks["3"].coordinating == ()
    assert tasks["3"].coordinating_text == "Các sở, ban, ngành có liên quan"


def test_a_table_numbered_again_in_each_group_keys_its_tasks_by_group(
    directory: Directory,
) -> None:
    text = (
        "| TT | Nhiệm vụ | Chủ trì | Phối hợp | Thời hạn |\n"
        "|---|---|---|---|---|\n"
        "| (1) | (2) | (3) | (4) | (5) |\n"
        "| A | Nhóm một | | | |\n"
        "| 1 | Việc một. | Sở Công Thương | | Năm 2025 |\n"
        "| 2 | Việc hai. | Sở Tư pháp | | Năm 2025 |\n"
        "| B | Nhóm hai | | | |\n"
        "| 1 | Việc ba. | Sở Tài chính | | Năm 2026 |\n"
    )
    result = from_markdown(text, directory)

    assert [(task.key, task.lead) for task in result.tasks] == [
        ("A.1", ("SCT",)),
        ("A.2", ("STP",)),
        ("B.1", ("STC",)),
    ]
    assert result.gaps == ()


def test_it_reads_plain_text_with_hard_wraps_and_a_form_feed(directory: Directory) -> None:
    result = import_document(FIXTURES / "plain-text.txt", directory)
    tasks = by_key(result)

    # no --plan-start: the issue date the document states is the start
    assert (result.start, result.start_source) == (
        date(2024, 4, 10),
        "ngày ban hành ghi trong văn bản",
    )
    assert result.title == "Kế hoạch thực hiện Chương trình phát triển cụm công nghiệp năm 2024"
    assert list(tasks) == ["1", "2"]
    assert result.gaps == ()
    assert tasks["1"].text == (
        "Lập quy hoạch chi tiết cụm công nghiệp Hàm Phú, đánh giá tác động môi trường và trình "
        "phê duyệt theo quy định."
    )
    assert tasks["1"].lead == ("HAMTHUANBAC",)
    assert tasks["1"].coordinating == ("STNMT", "SCT")
    assert tasks["1"].timeframe is not None and tasks["1"].timeframe.due == date(2024, 9, 30)
    # the page number and the form feed between "sử" and "dụng" are gone
    assert "bảo đảm đưa vào sử dụng trước khi tiếp nhận dự án thứ cấp." in tasks["2"].text
    assert tasks["2"].lead == ("HAMTAN",)
    assert tasks["2"].timeframe is not None and tasks["2"].timeframe.due == date(2025, 12, 31)


# --- .docx -----------------------------------------------------------------------------------


def write_docx_paragraphs(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN")
    document.add_paragraph("Bình Thuận, ngày 2 tháng 5 năm 2024")
    document.add_heading("KẾ HOẠCH", level=1)
    document.add_paragraph("Hỗ trợ doanh nghiệp trong cụm công nghiệp năm 2024")
    document.add_heading("II. NỘI DUNG THỰC HIỆN", level=2)
    first = document.add_paragraph()
    first.add_run("1. ").bold = True
    first.add_run("Tổ chức hội nghị phổ biến Nghị định đến doanh nghiệp trong")
    first.add_run().add_break(WD_BREAK.PAGE)
    first.add_run("các cụm công nghiệp.")
    lead = document.add_paragraph()
    lead.add_run("a) Cơ quan chủ trì: ").bold = True
    lead.add_run("Sở Công Thương.")
    document.add_paragraph("b) Cơ quan phối hợp: Sở Tư pháp, UBND các huyện, thị xã, thành phố.")
    document.add_paragraph("c) Thời gian thực hiện: Quý 3 năm 2024.")
    # a paragraph that Word split in two at a page break
    document.add_paragraph("2. Rà soát, đề xuất phương án đối với các cụm công nghiệp rút khỏi quy")
    document.add_paragraph("hoạch và báo cáo UBND tỉnh.")
    document.add_paragraph("a) Đơn vị chủ trì: Sở Tài nguyên và Môi trường.")
    document.add_paragraph("b) Đơn vị phối hợp: Các sở, ban, ngành liên quan.")
    document.add_paragraph("c) Thời gian hoàn thành:")
    document.add_paragraph("Quý IV/2024.")
    document.add_heading("III. TỔ CHỨC THỰC HIỆN", level=2)
    document.add_paragraph("1. Sở Công Thương theo dõi, đôn đốc.")
    document.add_paragraph("a) Cơ quan chủ trì: Sở Công Thương.")
    document.save(str(path))


def write_docx_table(path: Path) -> None:
    document = docx.Document()
    document.add_heading("II. NỘI DUNG THỰC HIỆN", level=2)
    document.add_paragraph("Chi tiết tại bảng sau:")
    table = document.add_table(rows=5, cols=5)
    header = ("STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    group = table.rows[1].cells[0].merge(table.rows[1].cells[4])
    group.text = "I. HỖ TRỢ ĐẦU TƯ"
    rows = (
        ("1", "Hỗ trợ lãi suất vay đầu tư hạ tầng.", "Sở Tài chính", "", "Hằng năm"),
        (
            "2",
            "Kết nối doanh nghiệp với ngân hàng.",
            "Sở Công Thương",
            "Các sở, ngành, địa phương liên quan",
            "Thường xuyên",
        ),
        ("3", "Thẩm định dự án hạ tầng.", "Sở Xây dựng", "Sở Công Thương", "Theo lộ trình"),
    )
    for row, texts in zip(table.rows[2:], rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    coordinating = table.rows[2].cells[3]
    coordinating.text = "Sở Công Thương"
    coordinating.add_paragraph("Sở Kế hoạch và Đầu tư")
    document.save(str(path))


def test_it_reads_docx_paragraphs_with_page_breaks(directory: Directory, tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.docx"
    write_docx_paragraphs(path)

    result = import_document(path, directory)
    tasks = by_key(result)

    assert list(tasks) == ["1", "2"]
    assert result.gaps == ()
    assert result.start == date(2024, 5, 2)
    assert result.title == "Kế hoạch hỗ trợ doanh nghiệp trong cụm công nghiệp năm 2024"
    assert tasks["1"].text == (
        "Tổ chức hội nghị phổ biến Nghị định đến doanh nghiệp trong các cụm công nghiệp."
    )
    assert tasks["1"].lead == ("SCT",)
    assert tasks["1"].coordinating == ("STP", "HUYEN")
    assert tasks["1"].timeframe_text == "Quý 3 năm 2024"
    assert tasks["2"].text == (
        "Rà soát, đề xuất phương án đối với các cụm công nghiệp rút khỏi quy hoạch và báo cáo "
        "UBND tỉnh."
    )
    assert tasks["2"].lead == ("STNMT",)
    assert tasks["2"].coordinating_text == "Các sở, ban, ngành liên quan"
    assert tasks["2"].timeframe is not None and tasks["2"].timeframe.due == date(2024, 12, 31)


def test_it_reads_a_docx_table(directory: Directory, tmp_path: Path) -> None:
    path = tmp_path / "bang.docx"
    write_docx_table(path)

    result = import_document(path, directory, plan_start=date(2025, 1, 1))
    tasks = by_key(result)

    assert list(tasks) == ["1", "2", "3"]
    assert tasks["1"].lead == ("STC",)
    assert tasks["1"].coordinating == ("SCT", "SKHDT")
    assert tasks["1"].timeframe is not None and tasks["1"].timeframe.due == date(2025, 12, 31)
    assert tasks["2"].coordinating_text == "Các sở, ngành, địa phương liên quan"
    assert tasks["2"].gaps == ()
    # Sở Xây dựng is not in agencies.yaml; "Theo lộ trình" has no date
    assert gap_kinds(tasks["3"]) == [
        (GapKind.UNKNOWN_AGENCY, "lead"),
        (GapKind.UNREADABLE_TIMEFRAME, "timeframe"),
    ]
    assert "«Sở Xây dựng»" in tasks["3"].gaps[0].message


# --- gaps and unknown layouts ------------------------------------------------------------------


def test_every_gap_is_reported_and_nothing_is_invented(directory: Directory) -> None:
    result = import_document(FIXTURES / "gaps.md", directory, plan_start=date(2025, 1, 1))
    tasks = by_key(result)

    assert list(tasks) == ["1", "2", "3", "4"]
    assert gap_kinds(tasks["1"]) == [
        (GapKind.UNKNOWN_AGENCY, "lead"),
        (GapKind.UNKNOWN_AGENCY, "coordinating"),
        (GapKind.UNREADABLE_TIMEFRAME, "timeframe"),
    ]
    # unknown agencies are proposed as new ones, with a code the review shows
    assert tasks["1"].lead == ("CAT",)
    assert tasks["1"].coordinating == ("SCT", "BQLKCN")
    assert [(agency.code, agency.name, agency.kind) for agency in result.proposed] == [
        ("CAT", "Công an tỉnh", "so"),
        ("BQLKCN", "Ban Quản lý các khu công nghiệp", "so"),
    ]
    assert "«Công an tỉnh»" in tasks["1"].gaps[0].message
    assert "mã CAT" in tasks["1"].gaps[0].message
    assert "«Ban Quản lý các khu công nghiệp»" in tasks["1"].gaps[1].message
    assert tasks["1"].timeframe is not None
    assert tasks["1"].timeframe.kind is TimeframeKind.UNSCHEDULED

    assert gap_kinds(tasks["2"]) == [(GapKind.NO_LEAD, "lead"), (GapKind.NO_TIMEFRAME, "timeframe")]
    assert (tasks["2"].lead, tasks["2"].timeframe_text, tasks["2"].timeframe) == ((), "", None)

    assert gap_kinds(tasks["3"]) == [(GapKind.OPEN_LEAD, "lead"), (GapKind.UNREAD_TEXT, None)]
    assert "Sản phẩm: Báo cáo gửi UBND tỉnh." in tasks["3"].gaps[1].message

    assert tasks["4"].gaps == ()
    assert not result.ok


def test_a_plan_with_blocking_gaps_is_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.yaml"
    argv = ["plan", "import", str(FIXTURES / "gaps.md"), "--out", str(out)]

    assert main([*argv, "--plan-start", "2025-01-01"]) == 1
    printed = capsys.readouterr().out
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert "✗ Không tìm thấy cơ quan chủ trì." in printed
    assert "3 thiếu sót phải sửa (✗), 4 điểm cần kiểm tra (!)" in printed
    assert "CAT: Công an tỉnh (tên ngắn: Công an tỉnh; loại: so)" in printed
    assert "Chưa ghi tệp kế hoạch" in printed


def test_an_unreadable_time_frame_alone_does_not_block_the_plan_file(
    directory: Directory, tmp_path: Path
) -> None:
    doc = tmp_path / "ke-hoach.md"
    doc.write_text(
        "II. NỘI DUNG THỰC HIỆN\n\n1. Rà soát quy chế.\n\n"
        "a) Cơ quan chủ trì: Sở Công Thương.\n\nc) Thời gian thực hiện: Theo kế hoạch.\n",
        encoding="utf-8",
    )
    out = tmp_path / "plan.yaml"

    code = main(["plan", "import", str(doc), "--out", str(out), "--plan-start", "2025-01-01"])

    assert code == 0
    plan = load_plan(out, directory)
    assert plan.id == "ke-hoach"
    assert [(task.key, task.timeframe) for task in plan.tasks] == [("1", "Theo kế hoạch")]


def test_a_letter_without_tasks_gets_a_clear_review_and_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plan", "import", str(FIXTURES / "letter.md"), "--json"]) == 1

    review = json.loads(capsys.readouterr().out)
    assert review["ok"] is False
    assert review["tasks"] == []
    assert [gap["kind"] for gap in review["gaps"]] == ["no_tasks"]
    assert review["gaps"][0]["message"].startswith("Không tìm thấy nhiệm vụ nào")
    assert review["plan"]["start"] == "2024-06-03"


def test_a_letter_review_as_text_says_no_task_was_found(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plan", "import", str(FIXTURES / "letter.md")]) == 1

    printed = capsys.readouterr().out
    assert "Số nhiệm vụ:      0" in printed
    assert "✗ Không tìm thấy nhiệm vụ nào" in printed


def test_the_json_review_carries_each_task_and_its_parsed_time_frame(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["plan", "import", str(FIXTURES / "pipe-table.md"), "--plan-start", "2025-01-01"]

    assert main([*argv, "--json", "--plan-id", "khuyen-cong-2025"]) == 0

    review = json.loads(capsys.readouterr().out)
    assert review["ok"] is True
    assert review["plan"]["id"] == "khuyen-cong-2025"
    assert review["proposed_agencies"] == []
    first = review["tasks"][0]
    assert (first["duty"], first["written"]) == (False, True)
    assert first["key"] == "1"
    assert first["title_derived"] is True
    assert first["lead"] == ["SCT"]
    assert first["lead_source"] == "Sở Công Thương"
    assert first["timeframe"] == {
        "text": "Quý II/2025",
        "kind": "deadline",
        "start": "2025-04-01",
        "due": "2025-06-30",
        "rrule": None,
        "ad_hoc": False,
    }


def test_a_file_that_is_not_a_docx_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "ke-hoach.docx"
    fake.write_text("không phải docx", encoding="utf-8")

    assert main(["plan", "import", str(fake)]) == 1
    assert "không đọc được tệp .docx" in capsys.readouterr().err


def test_a_missing_document_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "import", str(tmp_path / "khong-co.md")]) == 1
    assert "không tìm thấy tệp" in capsys.readouterr().err


# --- agencies and titles -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "codes", "open_text", "unknown"),
    [
        (
            "Sở Kế hoạch và Đầu tư, Sở Giao thông vận tải, Sở Công Thương, Sở Tư pháp và các sở, "
            "ban, ngành có liên quan.",
            ("SKHDT", "SGTVT", "SCT", "STP"),
            "các sở, ban, ngành có liên quan",
            (),
        ),
        (
            "Sở Thông tin và Truyền thông và các sở, ngành, địa phương liên quan",
            ("STTTT",),
            "các sở, ngành, địa phương liên quan",
            (),
        ),
        ("Các sở, ban, ngành có liên quan.", (), "Các sở, ban, ngành có liên quan", ()),
        ("UBND các huyện, thị xã, thành phố", ("HUYEN",), None, ()),
        ("Ủy ban nhân dân các huyện, thị xã và thành phố", ("HUYEN",), None, ()),
        ("Uỷ ban nhân dân tỉnh; UBND thành phố Phan Thiết", ("UBNDT", "PHANTHIET"), None, ()),
        ("SỞ TÀI NGUYÊN & MÔI TRƯỜNG, sở tu phap", ("STNMT", "STP"), None, ()),
        ("Sở TN&MT, Sở KH&ĐT", ("STNMT", "SKHDT"), None, ()),
        ("Sở Nội vụ (Ban Thi đua - Khen thưởng tỉnh)", ("SNV",), None, ()),
        ("Sở Công Thương tỉnh Bình Thuận", ("SCT",), None, ()),
        (
            "Công an tỉnh, Sở Văn hóa, Thể thao và Du lịch và các đơn vị liên quan",
            (),
            "các đơn vị liên quan",
            ("Công an tỉnh", "Sở Văn hóa, Thể thao và Du lịch"),
        ),
    ],
)
def test_agency_lists_are_split_and_matched(
    directory: Directory,
    text: str,
    codes: tuple[str, ...],
    open_text: str | None,
    unknown: tuple[str, ...],
) -> None:
    reading = AgencyMatcher(directory).read(text)

    assert (reading.codes, reading.open_text, reading.unknown) == (codes, open_text, unknown)


def test_a_title_is_the_first_clause_cut_at_a_word_within_60_characters() -> None:
    long = (
        "Tổ chức quán triệt, tuyên truyền, phổ biến nội dung Nghị định số 32/2024/NĐ-CP đến cán "
        "bộ, công chức"
    )

    assert derive_title(long) == "Tổ chức quán triệt, tuyên truyền, phổ biến nội dung Nghị"
    assert derive_title("Xây dựng Quy chế (sửa đổi Quy chế cũ).") == "Xây dựng Quy chế"
    assert derive_title("Rà soát quy hoạch; báo cáo UBND tỉnh.") == "Rà soát quy hoạch"
    # the cut falls after "doanh nghiệp," and after "và": neither is left dangling
    assert derive_title(
        "Tuyên truyền chính sách về cụm công nghiệp đến doanh nghiệp, hợp tác xã và người lao động"
    ) == "Tuyên truyền chính sách về cụm công nghiệp đến doanh nghiệp"
    assert derive_title(
        "Tuyên truyền chính sách phát triển cụm công nghiệp ở tỉnh và huyện ven biển"
    ) == "Tuyên truyền chính sách phát triển cụm công nghiệp ở tỉnh"


def test_it_reads_the_numbers_word_draws_for_a_numbered_list(
    directory: Directory, tmp_path: Path
) -> None:
    path = tmp_path / "danh-so-tu-dong.docx"
    document = docx.Document()
    document.add_paragraph("II. NỘI DUNG THỰC HIỆN")
    for text, lead, timeframe in (
        ("Rà soát quy chế quản lý cụm công nghiệp.", "Sở Công Thương", "Quý 3 năm 2024"),
        ("Bố trí kinh phí thực hiện.", "Sở Tài chính", "Hằng năm"),
    ):
        document.add_paragraph(text, style="List Number")  # "1." and "2." come from Word
        document.add_paragraph(f"Cơ quan chủ trì: {lead}", style="List Number 2")
        document.add_paragraph(f"Thời gian thực hiện: {timeframe}")
    document.save(str(path))

    result = import_document(path, directory, plan_start=date(2024, 4, 1))

    assert [(task.key, task.text, task.lead) for task in result.tasks] == [
        ("1", "Rà soát quy chế quản lý cụm công nghiệp.", ("SCT",)),
        ("2", "Bố trí kinh phí thực hiện.", ("STC",)),
    ]
    assert result.gaps == ()


def test_it_reads_a_docx_table_whose_header_takes_two_rows(
    directory: Directory, tmp_path: Path
) -> None:
    path = tmp_path / "bang-hai-dong.docx"
    document = docx.Document()
    document.add_paragraph("PHỤ LỤC: DANH MỤC NHIỆM VỤ")
    table = document.add_table(rows=4, cols=5)
    top, below = table.rows[0].cells, table.rows[1].cells
    for column, text in ((0, "STT"), (1, "Nội dung"), (4, "Thời gian hoàn thành")):
        top[column].merge(below[column]).text = text
    top[2].merge(top[3]).text = "Cơ quan thực hiện"
    below[2].text, below[3].text = "Chủ trì", "Phối hợp"
    rows = (
        ("1", "Xây dựng cơ sở dữ liệu.", "Sở Công Thương", "Sở Tư pháp", "Năm 2025"),
        ("2", "Đào tạo cán bộ quản lý cụm công nghiệp.", "Sở Nội vụ", "", "Quý II/2025"),
    )
    for row, texts in zip(table.rows[2:], rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.save(str(path))

    result = import_document(path, directory, plan_start=date(2025, 1, 1))

    assert [(task.key, task.lead, task.coordinating) for task in result.tasks] == [
        ("1", ("SCT",), ("STP",)),
        ("2", ("SNV",), ()),
    ]
    assert [task.timeframe_text for task in result.tasks] == ["Năm 2025", "Quý II/2025"]
    assert result.gaps == ()


def test_only_tables_of_the_tasks_section_or_an_appendix_are_read(directory: Directory) -> None:
    table = (
        "| STT | Nội dung | Đơn vị chủ trì | Thời gian thực hiện |\n"
        "|---|---|---|---|\n"
        "| 1 | {task} | Sở Công Thương | Năm 2025 |\n"
    )
    text = "\n".join(
        [
            "II. NỘI DUNG THỰC HIỆN\n",
            table.format(task="Nhiệm vụ của mục II."),
            "III. TỔ CHỨC THỰC HIỆN\n",
            table.format(task="Nhiệm vụ thường xuyên của mục III."),
            "PHỤ LỤC: DANH MỤC NHIỆM VỤ BỔ SUNG\n",
            table.replace("| 1 |", "| 2 |").format(task="Nhiệm vụ của phụ lục."),
        ]
    )
    result = from_markdown(text, directory)

    assert [(task.key, task.text) for task in result.tasks] == [
        ("1", "Nhiệm vụ của mục II."),
        ("2", "Nhiệm vụ của phụ lục."),
    ]


def test_a_table_without_a_lead_column_is_not_a_task_table(directory: Directory) -> None:
    text = (
        "| STT | Tên cụm công nghiệp | Diện tích (ha) | Thời gian thành lập |\n"
        "|---|---|---|---|\n"
        "| 1 | Cụm công nghiệp Hàm Phú | 50 | Năm 2020 |\n"
    )
    result = from_markdown(text, directory)

    assert result.tasks == ()
    assert [gap.kind for gap in result.gaps] == [GapKind.NO_TASKS]


def test_it_reads_utf16_text_as_word_saves_it(directory: Directory, tmp_path: Path) -> None:
    doc = tmp_path / "ke-hoach.txt"
    doc.write_text(
        "II. NỘI DUNG THỰC HIỆN\r\n1. Rà soát quy chế.\r\nCơ quan chủ trì: Sở Tư pháp.\r\n"
        "Thời gian thực hiện: Quý 4 năm 2025.\r\n",
        encoding="utf-16",
    )

    result = import_document(doc, directory, plan_start=date(2025, 1, 1))

    assert [(task.key, task.lead, task.timeframe_text) for task in result.tasks] == [
        ("1", ("STP",), "Quý 4 năm 2025")
    ]


def test_an_out_path_in_a_missing_folder_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "khong-co" / "plan.yaml"
    argv = ["plan", "import", str(FIXTURES / "pipe-table.md"), "--out", str(out)]

    assert main([*argv, "--plan-start", "2025-01-01"]) == 1
    assert "không ghi được tệp" in capsys.readouterr().err
    assert not out.parent.exists()


# --- the families of real layouts (documents written for these tests) -------------------------


def test_it_reads_a_table_copied_from_a_legal_database_one_cell_per_line(
    directory: Directory,
) -> None:
    result = import_document(FIXTURES / "crawled-table.md", directory)
    tasks = by_key(result)

    # the annex names the plan it belongs to: its number and date are the plan's
    assert (result.number, result.start) == ("88/KH-UBND", date(2026, 1, 12))
    # part "A" and sections "I", "II" are headings; the bold heading of a second table and
    # its repeated header row are not tasks; the last row has no closing "|"
    assert list(tasks) == ["1.1", "1.2", "2.1", "1"]
    first = tasks["1.1"]
    assert first.text == (
        "Xây dựng sàn giao dịch thương mại điện tử của tỉnh cho sản phẩm nông sản, thủy sản "
        "và hàng thủ công"
    )
    assert (first.lead, first.coordinating, first.timeframe_text) == (
        ("SCT",),
        ("STC", "HUYEN"),
        "Quý IV/2026",
    )
    # an empty coordinating cell keeps the columns in place
    assert (tasks["1.2"].lead, tasks["1.2"].coordinating, tasks["1.2"].timeframe_text) == (
        ("STTTT",),
        (),
        "Năm 2027",
    )
    # "Sở Công Thương chủ trì hướng dẫn; UBND ... tổ chức lớp học": two leads, no verbs
    assert tasks["2.1"].lead == ("SCT", "HUYEN")
    assert tasks["2.1"].coordinating_text == "Các sở, ban, ngành có liên quan"
    assert tasks["1"].timeframe_text == "Thường xuyên"
    assert [(agency.code, agency.name) for agency in result.proposed] == [
        ("CTKT", "Cục Thống kê tỉnh")
    ]


def test_it_reads_a_table_flattened_by_pdf_text_extraction(directory: Directory) -> None:
    result = import_document(FIXTURES / "pdf-table.txt", directory)
    tasks = by_key(result)

    assert (result.number, result.start) == ("21/KH-UBND", date(2026, 3, 2))
    assert list(tasks) == ["1", "2", "3", "4"]
    # a lead printed a word per line ("Sở" / "Công" / "Thương") is one name
    assert (tasks["1"].lead, tasks["1"].coordinating, tasks["1"].timeframe_text) == (
        ("SCT",),
        ("STP",),
        "Quý II/2026",
    )
    assert tasks["1"].coordinating_text == "các sở, ngành có liên quan"
    # "2.  Xây dựng ..." and "... cụm công nghiệp Sở Tài chính": number, text and lead share
    # lines
    assert tasks["2"].text == "Xây dựng chính sách hỗ trợ đầu tư hạ tầng kỹ thuật cụm công nghiệp"
    assert (tasks["2"].lead, tasks["2"].coordinating) == (("STC",), ("SCT", "SKHDT"))
    # a row cut by a page: the page header and the repeated table header are skipped, the
    # text goes on; the result and the time share a line; the footnote is not read
    assert tasks["3"].text == (
        "Tổ chức đối thoại định kỳ với doanh nghiệp trong cụm công nghiệp để tháo gỡ khó khăn1"
    )
    assert (tasks["3"].lead, tasks["3"].timeframe_text) == (("HUYEN",), "Hằng quý")
    assert all("Quy chế phối hợp" not in task.text for task in result.tasks)
    assert (tasks["4"].lead, tasks["4"].timeframe_text) == (("SKHDT",), "Hằng năm")
    assert result.proposed == ()


def test_it_reads_agency_headed_duties_and_prose_items(directory: Directory) -> None:
    result = import_document(FIXTURES / "agency-sections.md", directory)
    tasks = by_key(result)

    assert (result.title, result.number, result.start) == (
        "Kế hoạch phòng, chống dịch bệnh trong các cụm công nghiệp năm 2026",
        "57/KH-UBND",
        date(2026, 2, 9),
    )
    # "I. MỤC ĐÍCH, YÊU CẦU" holds no task, even where it names an agency
    assert list(tasks) == ["1", "2", "3", "4", "III.1", "III.2", "III.3.1", "III.3.2"]
    health = tasks["1"]  # "**1. Sở Y tế**" and its dashes: one task led by the heading
    assert health.duty and health.lead == ("SYT",)
    assert health.text.startswith("Sở Y tế:\n- Chủ trì, phối hợp với Sở Công Thương")
    assert "trong năm 2026" in health.text
    assert (health.coordinating, health.coordinating_text) == (("SCT",), "các đơn vị có liên quan")
    # a time inside one dash is not the section's: no time, so it is listed, not written
    assert (health.timeframe_text, health.written) == ("", False)
    # "**2. Ban Quản lý ...:** Hằng quý, ...": the name keeps its "và"; the rhythm is its time
    board = tasks["2"]
    assert board.lead_source == "Ban Quản lý các khu công nghệ cao và khu công nghiệp"
    assert (board.timeframe_text, board.written) == ("Hằng quý", True)
    assert tasks["3"].lead == ("BCHQST",) and tasks["3"].coordinating == ("CAT",)
    assert (tasks["4"].lead, tasks["4"].written) == ((), False)  # an open group: not written
    # "Giao Sở Tài chính chủ trì, phối hợp với Sở Y tế ..., hoàn thành trước ngày 31/3/2026."
    assert (tasks["III.1"].lead, tasks["III.1"].coordinating) == (("STC",), ("SYT",))
    assert tasks["III.1"].timeframe_text == "hoàn thành trước ngày 31/3/2026"
    # "Căn cứ Kế hoạch này, Sở Văn hóa, Thể thao và Du lịch ...": the subject after the comma
    assert tasks["III.2"].lead_source == "Sở Văn hóa, Thể thao và Du lịch"
    assert tasks["III.2"].timeframe_text == "trong quý II/2026"
    # a lead and a time read from a sentence are guesses the review lists
    assert [(gap.kind, gap.field) for gap in tasks["III.2"].gaps] == [
        (GapKind.UNKNOWN_AGENCY, "lead"),
        (GapKind.READ_FROM_TEXT, "lead"),
        (GapKind.READ_FROM_TEXT, "timeframe"),
    ]
    assert "«Sở Văn hóa, Thể thao và Du lịch» đọc từ câu văn" in tasks["III.2"].gaps[1].message
    # the two dashes of "3. Chế độ báo cáo:" have their own actors and times
    assert tasks["III.3.1"].lead == ("CAT",)
    assert tasks["III.3.1"].timeframe_text == "định kỳ 6 tháng gửi về Sở Công Thương"
    assert (tasks["III.3.2"].lead, tasks["III.3.2"].timeframe_text) == (("STP",), "khi có yêu cầu")
    assert result.ok  # unknown agencies are proposed, the untimed duties only listed
    assert [(agency.code, agency.kind) for agency in result.proposed] == [
        ("SYT", "so"),
        ("BQLKCNCKCN", "so"),
        ("BCHQST", "so"),
        ("CAT", "so"),
        ("SVHTTDL", "so"),
    ]


def test_it_reads_activities_with_label_fields_and_bullets(directory: Directory) -> None:
    result = import_document(
        FIXTURES / "activity-fields.md", directory, plan_start=date(2026, 1, 1)
    )
    tasks = by_key(result)

    # the bold heading wrapped over two lines is one heading
    assert result.section == "III. CÁC HOẠT ĐỘNG CỤ THỂ"
    assert list(tasks) == ["1.a", "1.b", "2.1", "2.2"]
    first = tasks["1.a"]  # "- Cơ quan thực hiện: Sở Y tế chủ trì, phối hợp với ..."
    assert first.text == (
        "Hoạt động 1\nTổ chức Tuần lễ an toàn thực phẩm (từ ngày 10/4 đến ngày 17/4) tại các "
        "chợ đầu mối của tỉnh."
    )
    assert first.lead == ("SYT",)
    assert first.coordinating[0] == "SCT"
    assert first.coordinating_text == "các đơn vị có liên quan"
    assert first.timeframe_text == "từ ngày 10/4 đến ngày 17/4"  # the period in brackets
    second = tasks["1.b"]  # the text and the lead field each a list of "+" items
    assert second.text == (
        "Hoạt động 2\n+ Phát hành tờ gấp hướng dẫn lựa chọn thực phẩm an toàn.\n"
        "+ Đăng tải thông điệp trên trang thông tin điện tử của tỉnh."
    )
    assert (second.lead, second.coordinating) == (("SCT", "STTTT"), ("SYT",))
    third = tasks["2.1"]  # "(1)" items; a value that runs over two lines
    assert (third.lead, third.coordinating) == (("SCT",), ("HUYEN", "SYT"))
    assert third.timeframe_text == "trước ngày 30/9/2026"
    assert third.timeframe is not None and third.timeframe.due == date(2026, 9, 30)
    # "Các sở: Y tế, Công Thương, Tài chính" names no agency the list can match: an open lead
    assert [gap.kind for gap in tasks["2.2"].gaps] == [GapKind.OPEN_LEAD]


def test_it_reads_prose_items_that_open_with_the_agency(directory: Directory) -> None:
    result = import_document(
        FIXTURES / "prose-resolution.md", directory, plan_start=date(2026, 4, 1)
    )
    tasks = by_key(result)

    assert list(tasks) == ["1.1.a", "1.1.b", "1.2.a", "1.2.b", "2.1", "2.2"]
    assert tasks["1.1.a"].lead == ("HUYEN",)
    assert tasks["1.1.a"].timeframe_text == ""  # no time clause: a gap, nothing invented
    assert [gap.kind for gap in tasks["1.1.a"].gaps] == [
        GapKind.NO_TIMEFRAME,
        GapKind.READ_FROM_TEXT,
    ]
    # two subjects; the inline clause is the time
    assert tasks["1.1.b"].lead_source == "Sở Nông nghiệp và Phát triển nông thôn, Sở Tài chính"
    assert tasks["1.1.b"].timeframe_text == "hoàn thành trong tháng 5 năm 2026"
    # "Sở Công Thương:" introduces a) and b): both are its tasks
    assert tasks["1.2.a"].lead == ("SCT",) and tasks["1.2.b"].lead == ("SCT",)
    # steps: the lettered sub-items share the step's "Thời gian hoàn tất"
    step = tasks["2.1"]
    assert step.text.startswith("Bước 1: Lập danh sách hộ bị thiệt hại\n2.1.a. Tổng hợp đề nghị:")
    assert step.lead_source == "Ủy ban nhân dân xã, phường, thị trấn"
    assert step.timeframe_text == "trước ngày 15 tháng 5 năm 2026"
    # "Trên cơ sở đề nghị của ..., Sở Tài chính thẩm định ...": the subject after the comma
    assert tasks["2.2"].lead == ("STC",)


def test_it_reads_a_pipe_table_without_a_separator_whose_rows_run_over_lines(
    directory: Directory,
) -> None:
    text = (
        "| TT | Tên văn bản | Cơ quan trình | Cơ quan soạn thảo | Tiến độ |\n"
        "| I. Văn bản của Ủy ban nhân dân tỉnh |\n"
        "| ||||\n"
        "| | Quyết định ban hành Quy chế quản lý cụm công nghiệp | Sở Công Thương | Sở Tư pháp\n"
        "| Trình trước ngày 30/6/2026 | |\n"
        "| Quyết định sửa đổi Quy định về giá dịch vụ | Sở Tài chính |\n"
        "Sở Tài chính (Sở Tư pháp phối hợp)\n"
        "| Quý III/2026 | |\n"
    )
    result = from_markdown(text, directory)

    # no "chủ trì" column: the drafting body leads
    assert [(task.text, task.lead, task.timeframe_text) for task in result.tasks] == [
        (
            "Quyết định ban hành Quy chế quản lý cụm công nghiệp",
            ("STP",),
            "Trình trước ngày 30/6/2026",
        ),
        ("Quyết định sửa đổi Quy định về giá dịch vụ", ("STC",), "Quý III/2026"),
    ]


def test_unknown_agencies_are_written_beside_the_plan_and_the_plan_then_checks(
    directory: Directory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dich-benh.yaml"
    argv = ["plan", "import", str(FIXTURES / "agency-sections.md"), "--out", str(out)]

    assert main(argv) == 0
    printed = capsys.readouterr().out
    agencies = tmp_path / "dich-benh.agencies.yaml"
    assert f"Đã ghi tệp cơ quan (có cơ quan đề xuất mới): {agencies}" in printed
    assert "SYT: Sở Y tế (tên ngắn: Sở Y tế; loại: so)" in printed
    extended = load_directory(agencies)
    assert extended.agency("SYT").name == "Sở Y tế"
    assert extended.agencies[: len(directory.agencies)] == directory.agencies
    assert extended.groups == directory.groups
    # without the agencies file the plan names codes the bundled list lacks
    assert main(["plan", "check", str(out)]) == 1
    assert 'mã cơ quan không tồn tại: "' in capsys.readouterr().err
    assert main(["plan", "check", str(out), "--agencies", str(agencies)]) == 0
    written = load_plan(out, extended)
    # the duties with no time and the open group are listed in the review, not written
    assert [task.key for task in written.tasks] == ["2", "III.1", "III.2", "III.3.1", "III.3.2"]


def test_plan_check_reads_the_agencies_file_named_by_nhacviec_agencies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dich-benh.yaml"
    assert main(["plan", "import", str(FIXTURES / "agency-sections.md"), "--out", str(out)]) == 0
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("NHACVIEC_AGENCIES", str(tmp_path / "dich-benh.agencies.yaml"))
    capsys.readouterr()

    assert main(["plan", "check", str(out)]) == 0
    assert "Tệp hợp lệ" in capsys.readouterr().out


def test_init_loads_an_imported_plan_with_its_agencies_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "dich-benh.yaml"
    assert main(["plan", "import", str(FIXTURES / "agency-sections.md"), "--out", str(out)]) == 0
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_DB_URL", f"sqlite:///{tmp_path / 'nhacviec.db'}")
    monkeypatch.setenv("NHACVIEC_AGENCIES", str(tmp_path / "dich-benh.agencies.yaml"))
    capsys.readouterr()

    code = main(["init", "--plan", str(out), "--as-of", "2026-02-10"])

    assert code == 0, capsys.readouterr().err
    assert "Kế hoạch" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "lead", "coordinating"),
    [
        ("Sở Tài chính chủ trì, phối hợp với Sở Tư pháp thẩm định", "Sở Tài chính", "Sở Tư pháp"),
        ("Giao Công an tỉnh chủ trì, phối hợp với Bộ CHQS tỉnh kiểm tra", "Công an tỉnh",
         "Bộ CHQS tỉnh"),
        ("Đề nghị Ủy ban Mặt trận Tổ quốc tỉnh vận động nhân dân", "Ủy ban Mặt trận Tổ quốc tỉnh",
         ""),
        ("Sở Xây dựng hướng dẫn thiết kế mẫu nhà", "Sở Xây dựng", ""),
        ("Ban Chỉ đạo tỉnh tổ chức kiểm tra", "Ban Chỉ đạo tỉnh", ""),
        ("Sau khi được phê duyệt, Sở Tài chính bố trí kinh phí", "Sở Tài chính", ""),
        ("Sở Kế hoạch và Đầu tư tổng hợp", "Sở Kế hoạch và Đầu tư", ""),
    ],
)
def test_the_agency_a_sentence_opens_with_leads(text: str, lead: str, coordinating: str) -> None:
    found = prose_agencies(text)

    assert found is not None
    assert (found.lead, found.coordinating) == (lead, coordinating)


@pytest.mark.parametrize(
    "text",
    ["Ban hành quy chế quản lý", "Bổ sung danh mục dự án", "Bảo đảm nguồn cung",
     "Số hóa hồ sơ", "Hội nghị tổng kết", "Phòng, chống dịch bệnh", "Tổ chức hội nghị"],
)
def test_a_sentence_that_opens_with_a_verb_names_no_lead(text: str) -> None:
    assert prose_agencies(text) is None


def test_a_600_line_document_imports_in_under_two_seconds(directory: Directory) -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_import_plan", Path(__file__).resolve().parent.parent / "bench" / "import_plan.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)

    text = bench.document_of(600)

    assert text.count("\n") >= 600
    seconds, tasks = bench.time_import(text, directory)
    assert tasks >= 50
    assert seconds < 2.0


def test_a_missing_agencies_file_in_nhacviec_agencies_is_refused(tmp_path: Path) -> None:
    from bot.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="NHACVIEC_AGENCIES"):
        load_settings({"NHACVIEC_AGENCIES": str(tmp_path / "khong-co.yaml")})


def test_run_and_tick_use_the_agencies_file_of_an_imported_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import build_parser

    out = tmp_path / "dich-benh.yaml"
    assert main(["plan", "import", str(FIXTURES / "agency-sections.md"), "--out", str(out)]) == 0
    agencies = tmp_path / "dich-benh.agencies.yaml"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_DB_URL", f"sqlite:///{tmp_path / 'nhacviec.db'}")
    monkeypatch.setenv("NHACVIEC_PLAN", str(out))
    monkeypatch.setenv("NHACVIEC_AGENCIES", str(agencies))
    assert main(["init", "--as-of", "2026-02-10"]) == 0
    capsys.readouterr()

    # the timer builds the same services as `run`: the plan's agencies come from the file
    assert main(["tick", "--as-of", "2026-03-24T08:00"]) == 0
    assert "Lượt nhắc lúc" in capsys.readouterr().out
    args = build_parser().parse_args(["run", "--agencies", str(agencies)])
    assert args.agencies == agencies


def test_a_bold_agency_heading_cut_in_two_paragraphs_is_one_heading(
    directory: Directory,
) -> None:
    text = (
        "**II. PHÂN CÔNG NHIỆM VỤ**\n\n"
        "**1. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Hội Liên hiệp**\n\n"
        "**Phụ nữ tỉnh và các tổ chức thành viên của Mặt trận**\n\n"
        "- Tuyên truyền, vận động hội viên tham gia thực hiện Kế hoạch.\n"
    )
    result = from_markdown(text, directory)

    assert [task.key for task in result.tasks] == ["1"]
    task = result.tasks[0]
    assert task.lead_source == (
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Hội Liên hiệp Phụ nữ tỉnh và các tổ chức thành "
        "viên của Mặt trận"
    )
    assert "- Tuyên truyền, vận động hội viên" in task.text


def test_an_intro_line_where_one_agency_directs_another_names_both(directory: Directory) -> None:
    text = (
        "II. NHIỆM VỤ\n\n"
        "1. Bảo đảm an sinh\n\n"
        "Sở Tài chính chỉ đạo Kho bạc Nhà nước tỉnh:\n\n"
        "a) Chi trả kịp thời các khoản hỗ trợ, hoàn thành trước ngày 31/12/2026.\n\n"
        "b) Báo cáo kết quả chi trả hằng quý.\n"
    )
    result = from_markdown(text, directory)

    assert [(task.key, task.lead_source) for task in result.tasks] == [
        ("1.a", "Sở Tài chính; Kho bạc Nhà nước tỉnh"),
        ("1.b", "Sở Tài chính; Kho bạc Nhà nước tỉnh"),
    ]
    assert result.tasks[0].timeframe_text == "hoàn thành trước ngày 31/12/2026"


def test_proposed_codes_are_initials_kept_apart_from_known_codes(directory: Directory) -> None:
    proposals = Proposals(directory)

    assert proposals.code("Bộ Tài chính") == "BTC"
    assert proposals.code("Bộ CHQS tỉnh") == "BCHQST"
    assert proposals.code("Ban Tuyên giáo") == "BTG"
    assert proposals.code("Báo Thanh Giang") == "BTG2"
    assert proposals.code("Bộ  Tài chính") == "BTC"  # the same name again: the same code
    assert proposals.code("Sở Tư pháp tỉnh Lâm Đồng") != "STP"  # STP is taken
    assert [agency.kind for agency in proposals.agencies()][:2] == ["bo", "so"]


def test_a_second_list_in_a_table_numbered_from_one_again_is_keyed_by_its_heading(
    directory: Directory,
) -> None:
    text = (
        "| STT | Nhiệm vụ | Cơ quan chủ trì | Thời hạn |\n"
        "|---|---|---|---|\n"
        "| 1 | Việc một. | Sở Công Thương | 30/6/2026 |\n"
        "| 2 | Việc hai. | Sở Tư pháp | 30/9/2026 |\n"
        "| 2. Các nhiệm vụ đã quá hạn | | | |\n"
        "| 1 | Việc ba. | Sở Tài chính | 31/3/2026 |\n"
    )
    result = from_markdown(text, directory)

    assert [(task.key, task.lead) for task in result.tasks] == [
        ("1", ("SCT",)),
        ("2", ("STP",)),
        ("2.1", ("STC",)),
    ]
    assert not any(gap.kind is GapKind.DUPLICATE_KEY for gap in result.gaps)


def test_a_flattened_table_cut_by_a_form_feed_keeps_its_row_and_drops_the_page_number(
    directory: Directory,
) -> None:
    # pdftotext ends each page with a form feed; the page number "3" is not row 3
    text = (
        "STT\nNội dung\nCơ quan\nchủ trì\nThời gian\n"
        "1.\nRà soát quy chế quản lý cụm công\nnghiệp\nSở Tư pháp\nQuý II/2026\n"
        "2.\nXây dựng cơ sở dữ liệu cụm công\n3\n"
        "\fSTT\nNội dung\nCơ quan\nchủ trì\nThời gian\n"
        "nghiệp của tỉnh\nSở Công Thương\nNăm 2026\n"
    )
    result = from_markdown(text, directory)

    assert [(task.key, task.text, task.lead, task.timeframe_text) for task in result.tasks] == [
        ("1", "Rà soát quy chế quản lý cụm công nghiệp", ("STP",), "Quý II/2026"),
        ("2", "Xây dựng cơ sở dữ liệu cụm công nghiệp của tỉnh", ("SCT",), "Năm 2026"),
    ]


def test_a_flattened_table_ends_at_the_document_s_next_section(directory: Directory) -> None:
    text = (
        "STT\nNội dung\nCơ quan\nchủ trì\nThời gian\n"
        "1.\nRà soát quy chế quản lý cụm công\nnghiệp\nSở Tư pháp\nQuý II/2026\n"
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Sở Công Thương theo dõi, đôn đốc thực hiện Kế hoạch.\n"
    )
    blocks = read_markdown(text)

    assert isinstance(blocks[0], Table) and len(blocks[0].rows) == 2
    assert blocks[1:] == [
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Sở Công Thương theo dõi, đôn đốc thực hiện Kế hoạch.",
    ]
