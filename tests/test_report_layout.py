"""The reports as they print: the Excel print settings and charts read back with openpyxl, the
Word draft read back with python-docx, the period a report covers, and both rendered to images
by LibreOffice (where installed) so that the layout is checked, not only the values."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.shared import Mm, Pt
from openpyxl import load_workbook

from bot.cli import main
from bot.reports.period import parse_period
from bot.reports.word import write_word_report
from bot.reports.xlsx import DETAIL_SHEET, HEADER_ROW, HISTORY_SHEET, SUMMARY_SHEET, write_report
from scheduler.status import Category
from storage.report import ReportData, collect_report
from tests.test_report import AS_OF, PLAN_ID, SAID, agency_table, summary_numbers, table
from tests.world import TZ, World, local, make_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    w = make_world(tmp_path_factory.mktemp("db"), local("2024-06-20 08:00"))
    for chat, agency, role, name in (
            ("sct", "SCT", "focal", "Trần Thị Bình"), ("coord", "SCT", "coordinator", "Lê Điều"),
            ("lagi", "LAGI", "focal", "Võ La Gi"), ("tnmt", "STNMT", "focal", "Hoàng Môi Trường"),
            ("hamtan", "HAMTAN", "focal", "Đặng Hàm Tân")):
        w.register(chat, agency, role, name=name)
    for chat, when, text in SAID:
        w.clock.now = local(when)
        assert "Đã ghi nhận" in w.say(chat, text)
    w.clock.now = AS_OF
    return w


def collect(world: World, period: str | None = None) -> ReportData:
    day = AS_OF.date()
    chosen = parse_period(period, day) if period else None
    with world.sessions() as session:
        return collect_report(session, PLAN_ID, day,
                              due_from=chosen.start if chosen else None,
                              due_to=chosen.end if chosen else None)


# ---- the Excel report prints as a report -----------------------------------------------------


def test_every_sheet_prints_a4_landscape_fit_to_width_with_the_header_on_each_page(
        world: World, tmp_path: Path) -> None:
    workbook = load_workbook(write_report(collect(world), tmp_path / "r.xlsx", TZ))
    for ws in workbook:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # 9: A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert "&P" in ws.oddFooter.center.text
        assert any(r.coord.startswith("A1:") for r in ws.merged_cells.ranges)  # title wraps
    for name in (DETAIL_SHEET, HISTORY_SHEET):
        assert workbook[name].print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    summary = workbook[SUMMARY_SHEET]
    # The agency table starts a page with its title, and the bar chart one of its own.
    title_row = next(r for r in range(1, summary.max_row + 1)
                     if summary.cell(r, 1).value == "Theo cơ quan chủ trì")
    breaks = [b.id for b in summary.row_breaks.brk]
    assert breaks[0] == title_row - 1 and len(breaks) == 2
    assert summary.print_area is not None and "$A$1:$I$" in summary.print_area


def test_the_pie_labels_say_category_count_and_share_only_and_series_are_titled_from_cells(
        world: World, tmp_path: Path) -> None:
    ws = load_workbook(write_report(collect(world), tmp_path / "r.xlsx", TZ))[SUMMARY_SHEET]
    pie, bars = ws._charts
    labels = pie.dataLabels
    assert (labels.showCatName, labels.showVal, labels.showPercent) == (True, True, True)
    assert (labels.showSerName, labels.showLegendKey) == (False, False)
    assert pie.series[0].tx.strRef.f.replace("$", "").endswith(f"!B{HEADER_ROW}")
    assert all(series.tx.strRef is not None for series in bars.series)


def test_the_bars_have_a_vuong_mac_series_and_their_segments_add_up_to_each_total(
        world: World, tmp_path: Path) -> None:
    ws = load_workbook(write_report(collect(world), tmp_path / "r.xlsx", TZ))[SUMMARY_SHEET]
    bars = ws._charts[1]
    titles = [ws[s.tx.strRef.f.split("!")[1].replace("$", "")].value for s in bars.series]
    assert titles == ["Hoàn thành đúng hạn", "Hoàn thành quá hạn",
                      "Đang thực hiện trong hạn (không vướng mắc)", "Quá hạn (không vướng mắc)",
                      "Vướng mắc"]
    rows = agency_table(ws)
    first = bars.series[0].val.numRef.f.split("!")[1].replace("$", "").split(":")[0]
    start = int("".join(c for c in first if c.isdigit()))
    for offset, agency in enumerate(rows):
        segments = [ws.cell(start + offset, 13 + i).value for i in range(5)]
        assert ws.cell(start + offset, 12).value == agency["Cơ quan"]
        assert sum(segments) == agency["Tổng số"]
        assert segments[4] == agency["Vướng mắc"]
    assert sum(r["Vướng mắc"] for r in rows) == 3  # the scenario's three blockers in force


# ---- the period in the header matches the counts --------------------------------------------


def test_a_report_for_a_period_counts_the_items_due_in_it_and_says_so(
        world: World, tmp_path: Path) -> None:
    everything, year = collect(world), collect(world, "2025-H1")
    assert (year.due_from, year.due_to) == (date(2024, 12, 15), date(2025, 6, 14))
    inside = [row for row in everything.details if year.due_from <= row.due <= year.due_to]
    assert 0 < len(year.details) == len(inside) < len(everything.details)
    workbook = load_workbook(write_report(year, tmp_path / "r.xlsx", TZ))
    assert workbook[SUMMARY_SHEET]["A3"].value == (
        "Kỳ báo cáo 6 tháng đầu năm 2025 (15/12/2024 - 14/6/2025): các việc có hạn trong kỳ")
    assert summary_numbers(workbook[SUMMARY_SHEET])["Tổng số"] == len(inside)
    assert len(table(workbook[DETAIL_SHEET], HEADER_ROW)) == len(inside)
    # Its history is that of its items: 7@2024 (due 31/12/2024) is in it, 7@2025 is not.
    notes = [row["Ghi chú"] for row in table(workbook[HISTORY_SHEET], HEADER_ROW)]
    assert "Đang tổng hợp số liệu đất đai năm 2025" not in notes
    assert "Thiếu bản đồ địa chính" in notes


@pytest.mark.parametrize("text", ["2025-H3", "quy 1", "19", ""])
def test_a_period_word_that_is_not_one_is_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(ValueError, match="Kỳ báo cáo không hợp lệ"):
        parse_period(text, date(2025, 3, 1))


# ---- the Word draft --------------------------------------------------------------------------


def word(world: World, tmp_path: Path, period: str | None = None) -> Any:
    return Document(str(write_word_report(collect(world, period), tmp_path / "r.docx", TZ)))


def test_the_word_draft_has_the_decree_30_page_font_and_heading(
        world: World, tmp_path: Path) -> None:
    document = word(world, tmp_path)
    section = document.sections[0]
    # Word keeps twentieths of a point: millimetres come back within a fraction.
    measured = (section.page_width, section.page_height, section.top_margin,
                section.bottom_margin, section.left_margin, section.right_margin)
    for value, expected in zip(measured, (210, 297, 20, 20, 30, 15), strict=True):
        assert abs(value - Mm(expected)) < Mm(0.1)
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs if p.text.strip("─")] == [
        "UBND TỈNH BÌNH THUẬN", "SỞ CÔNG THƯƠNG", "Số: .../BC-SCT"]
    assert [p.text for p in right.paragraphs if p.text.strip("─")] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "..., ngày ... tháng ... năm ..."]
    assert right.paragraphs[0].runs[0].bold and right.paragraphs[-1].runs[0].italic
    body = [p.text for p in document.paragraphs]
    assert body[0] == "BÁO CÁO"
    assert body[1].startswith("Kết quả triển khai kế hoạch triển khai thực hiện Nghị định số "
                              "32/2024/NĐ-CP")
    for heading in ("I. KẾT QUẢ THỰC HIỆN", "II. KHÓ KHĂN, VƯỚNG MẮC", "III. CÁC VIỆC QUÁ HẠN",
                    "IV. ĐỀ XUẤT, KIẾN NGHỊ"):
        assert heading in body


def test_the_word_draft_has_results_by_task_and_agency_blockers_overdue_and_signature(
        world: World, tmp_path: Path) -> None:
    data = collect(world)
    document = word(world, tmp_path)
    _heading, by_task, by_agency, overdue, signature = document.tables
    task_rows = [[c.text for c in row.cells] for row in by_task.rows[1:]]
    assert sum(int(row[2]) for row in task_rows) == data.summary.total
    assert task_rows[0][1].startswith("1. ")  # the plan's order, section III after
    agency_rows = [[c.text for c in row.cells] for row in by_agency.rows[1:]]
    assert [row[1] for row in agency_rows] == [a.agency_short for a in data.by_agency]
    assert [int(row[6]) for row in agency_rows] == [a.tally.overdue for a in data.by_agency]
    late = [row for row in data.details if row.standing.category is Category.OVERDUE]
    assert len(overdue.rows) - 1 == len(late) == data.summary.overdue
    assert by_task.rows[0]._tr.trPr is not None  # the header repeats on every page
    body = "\n".join(p.text for p in document.paragraphs)
    assert ("- Nhiệm vụ 5 (Quản lý, chuyển đổi cụm công nghiệp rút khỏi quy hoạch), Quý 2/2024, "
            "UBND TX La Gi: Chưa có kinh phí rà soát cụm công nghiệp (Võ La Gi, 08:30 "
            "21/06/2024).") in body
    assert body.count("- Nhiệm vụ ") == data.summary.blocked == 3
    assert f"Tổng số {data.summary.total} việc" in body
    left, right = signature.rows[0].cells
    assert left.paragraphs[0].text == "Nơi nhận:"
    assert "- Bộ Công Thương (để báo cáo);" in [p.text for p in left.paragraphs]
    assert right.paragraphs[0].text == "GIÁM ĐỐC"


def test_cli_report_format_docx_writes_the_draft_and_a_mismatched_name_is_refused(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_DB_URL", world.url)
    for name in ("NHACVIEC_PLAN", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["report", "--format", "docx", "--as-of", "2025-03-01T10:00",
                 "--period", "2025-H1"]) == 0
    path = tmp_path / "bao-cao-nd32-binh-thuan-01-03-2025.docx"
    assert str(path) in capsys.readouterr().out
    assert "6 tháng đầu năm 2025" in "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert main(["report", "--out", str(tmp_path / "ban-thao.docx")]) == 0  # the name says docx
    assert Document(str(tmp_path / "ban-thao.docx")).paragraphs[0].text == "BÁO CÁO"
    capsys.readouterr()
    assert main(["report", "--format", "xlsx", "--out", str(tmp_path / "x.docx")]) == 2
    assert "phải có đuôi .xlsx" in capsys.readouterr().err
    assert main(["report", "--period", "quy-9"]) == 2
    assert "Kỳ báo cáo không hợp lệ" in capsys.readouterr().err


# ---- rendered by LibreOffice -----------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdfinfo")
needs_office = pytest.mark.skipif(
    not (SOFFICE and POPPLER),
    reason="LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext, pdfinfo) are not "
           "installed: apt-get install libreoffice-calc-nogui libreoffice-writer-nogui "
           "poppler-utils")


def render(source: Path) -> tuple[Path, int, tuple[float, float]]:
    """Convert `source` to PDF with LibreOffice, its pages to PNG; return the PDF, its page
    count and the first page's size in points."""
    assert SOFFICE is not None
    out = source.parent
    profile = out / "lo-profile"  # a profile of its own: runs in parallel never share one
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = source.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                          text=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    width, _, height = fields["Page size"].split()[:3]
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out / source.stem)],
                   check=True, timeout=120)
    return pdf, int(fields["Pages"]), (float(width), float(height))


@needs_office
def test_the_excel_report_renders_landscape_on_a_few_pages(world: World, tmp_path: Path) -> None:
    data = collect(world)
    pdf, pages, (width, height) = render(write_report(data, tmp_path / "bao-cao.xlsx", TZ))
    assert width > height  # landscape
    # Summary (3 pages: the counts with the pie, the agencies, the bars) and about 30 rows a
    # page of details and history; a portrait, unfitted print ran to 20-30 pages.
    assert pages <= 3 + 2 * (len(data.details) + len(data.events)) // 30 + 2
    assert pages < 12
    assert len(list(tmp_path.glob("bao-cao-*.png"))) == pages
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                           check=True, capture_output=True, text=True).stdout
    assert "Lũy kế từ đầu kế hoạch đến ngày 01/03/2025" in first
    # The pie's labels: category; count; share, and no "Column B" series name.
    assert "Column B" not in first and "68; 70%" in first and "hạn; 2; 2%" in first
    pages_text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                capture_output=True, text=True).stdout.split("\f")
    detail_pages = [page for page in pages_text if "Lý do vướng mắc" in page]
    assert len(detail_pages) >= 2  # the detail header printed again on the next page


@needs_office
def test_the_word_report_renders_a4_portrait_with_the_motto_on_its_first_page(
        world: World, tmp_path: Path) -> None:
    pdf, pages, (width, height) = render(
        write_word_report(collect(world), tmp_path / "bao-cao.docx", TZ))
    assert (round(width), round(height)) == (595, 842)  # A4 portrait
    assert 2 <= pages <= 12
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "SỞ CÔNG THƯƠNG", "Số: .../BC-SCT", "BÁO CÁO"):
        assert text in first
    assert len(list(tmp_path.glob("bao-cao-*.png"))) == pages
