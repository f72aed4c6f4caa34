"""`.docx` and `.pdf` plans read into the blocks the same plan typed as Markdown gives.

The fixture files are built here, in the shapes Word and PDF writers really produce: Word's
automatic numbering from numbering.xml (levels, a restart, a bullet style with a label line, a
style inheriting its list), merged table cells; a PDF with a text layer, a ruled table running
over pages, a running page header and page numbers, a task cut by a page break.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from bot.cli import main
from plan_data.importer import read_document, read_markdown
from plan_data.importer.document import PAGE_BREAK, Table
from plan_data.importer.word import format_number

W = nsdecls("w")

# The plan as its author would type it. The .docx below draws the same text with Word's own
# numbering, bullets and merged cells.
PLAN_MD = """\
ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN

Bình Thuận, ngày 2 tháng 5 năm 2025

KẾ HOẠCH

Hỗ trợ doanh nghiệp trong cụm công nghiệp năm 2025

I. MỤC ĐÍCH, YÊU CẦU

Triển khai kịp thời các chính sách hỗ trợ doanh nghiệp.

II. NỘI DUNG THỰC HIỆN

1. Tuyên truyền, phổ biến chính sách

1.1. Tổ chức hội nghị phổ biến Nghị định đến doanh nghiệp trong các cụm công nghiệp.

a) Cơ quan chủ trì: Sở Công Thương.

b) Cơ quan phối hợp: Sở Tư pháp, UBND các huyện, thị xã, thành phố.

c) Thời gian thực hiện: Quý II/2025.

1.2. Đăng tải tài liệu hướng dẫn trên Cổng thông tin điện tử tỉnh.

- Cơ quan chủ trì: Sở Thông tin và Truyền thông.

- Thời gian thực hiện: Quý III/2025.

2. Rà soát quy chế quản lý cụm công nghiệp.

- Cơ quan chủ trì: Sở Tài chính.
Thời gian hoàn thành: Quý IV/2025.

III. TỔ CHỨC THỰC HIỆN

1. Sở Công Thương theo dõi, đôn đốc việc thực hiện Kế hoạch.

+ Tổng hợp kết quả, báo cáo UBND tỉnh.

PHỤ LỤC: DANH MỤC NHIỆM VỤ

| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |
|---|---|---|---|---|
| I. HỖ TRỢ ĐẦU TƯ | | | | |
| 3 | Hỗ trợ lãi suất vay đầu tư hạ tầng. | Sở Tài chính | Sở Công Thương<br>Sở Kế hoạch và \
Đầu tư | Hằng năm |
| 4 | Thẩm định dự án hạ tầng cụm công nghiệp. | Sở Tài chính | Sở Công Thương | Quý III/2025 |
"""

# numbering.xml as Word writes it: a multi-level task list ("1.", "1.1.", "a)"), a second
# instance of it restarting at 1, bullets (a Symbol-font glyph, then "+"), Roman headings bound
# to the "Heading 2" style, and a table's STT column going on from the task list's "2." at 3.
NUMBERING = {
    "abstract": [
        f"""<w:abstractNum {W} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
            <w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
            <w:lvlText w:val="%1.%2."/><w:lvlJc w:val="left"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
            <w:lvlText w:val="%3)"/><w:lvlJc w:val="left"/></w:lvl>
        </w:abstractNum>""",
        f"""<w:abstractNum {W} w:abstractNumId="91"><w:multiLevelType w:val="hybridMultilevel"/>
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
            <w:lvlText w:val="\uf0b7"/><w:lvlJc w:val="left"/>
            <w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
            <w:lvlText w:val="+"/><w:lvlJc w:val="left"/></w:lvl>
        </w:abstractNum>""",
        f"""<w:abstractNum {W} w:abstractNumId="92"><w:multiLevelType w:val="multilevel"/>
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>
            <w:pStyle w:val="Heading2"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
        </w:abstractNum>""",
        f"""<w:abstractNum {W} w:abstractNumId="93"><w:multiLevelType w:val="singleLevel"/>
        <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/>
            <w:lvlText w:val="%1"/><w:lvlJc w:val="center"/></w:lvl>
        </w:abstractNum>""",
    ],
    "num": [
        f'<w:num {W} w:numId="90"><w:abstractNumId w:val="90"/></w:num>',
        f"""<w:num {W} w:numId="91"><w:abstractNumId w:val="90"/>
        <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>""",
        f'<w:num {W} w:numId="92"><w:abstractNumId w:val="91"/></w:num>',
        f'<w:num {W} w:numId="93"><w:abstractNumId w:val="92"/></w:num>',
        f'<w:num {W} w:numId="94"><w:abstractNumId w:val="93"/></w:num>',
    ],
}


def add_numbering(document: Any) -> None:
    root = document.part.numbering_part.element
    first_num = root.find(qn("w:num"))
    for xml in NUMBERING["abstract"]:  # every abstractNum precedes the first num
        if first_num is None:
            root.append(parse_xml(xml))
        else:
            first_num.addprevious(parse_xml(xml))
    for xml in NUMBERING["num"]:
        root.append(parse_xml(xml))


def set_num_pr(target: Any, num_id: int | None, level: int | None) -> None:
    """Give a paragraph (or a style) a w:numPr; either part may be left to the style."""
    parts = "" if level is None else f'<w:ilvl w:val="{level}"/>'
    parts += "" if num_id is None else f'<w:numId w:val="{num_id}"/>'
    target.get_or_add_pPr().append(parse_xml(f"<w:numPr {W}>{parts}</w:numPr>"))


def numbered(document: Any, text: str, num_id: int, level: int, style: str | None = None) -> Any:
    paragraph = document.add_paragraph(text, style=style)
    set_num_pr(paragraph._p, num_id, level)
    return paragraph


def write_plan_docx(path: Path) -> None:
    document = docx.Document()
    add_numbering(document)
    # Heading 2 takes its Roman numbers from its style, bound to level 0 by w:pStyle
    set_num_pr(document.styles["Heading 2"].element, 93, None)
    # A bullet style, and one based on it that only picks the level: both inherit the list
    dash = document.styles.add_style("Gach dau dong", WD_STYLE_TYPE.PARAGRAPH)
    set_num_pr(dash.element, 92, None)
    plus = document.styles.add_style("Gach cong", WD_STYLE_TYPE.PARAGRAPH)
    plus.base_style = dash
    set_num_pr(plus.element, None, 1)

    section = document.sections[0]
    section.header.paragraphs[0].text = "CÔNG BÁO/Số 12/Ngày 02-5-2025"
    section.footer.paragraphs[0].text = "Trang 1"

    document.add_paragraph("ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN")
    document.add_paragraph("Bình Thuận, ngày 2 tháng 5 năm 2025")
    document.add_heading("KẾ HOẠCH", level=1)
    document.add_paragraph("Hỗ trợ doanh nghiệp trong cụm công nghiệp năm 2025")
    document.add_heading("MỤC ĐÍCH, YÊU CẦU", level=2)
    document.add_paragraph("Triển khai kịp thời các chính sách hỗ trợ doanh nghiệp.")
    document.add_heading("NỘI DUNG THỰC HIỆN", level=2)
    numbered(document, "Tuyên truyền, phổ biến chính sách", 90, 0)
    numbered(
        document,
        "Tổ chức hội nghị phổ biến Nghị định đến doanh nghiệp trong các cụm công nghiệp.",
        90,
        1,
    )
    lead = numbered(document, "", 90, 2)
    lead.add_run("Cơ quan chủ trì: ").bold = True
    lead.add_run("Sở Công Thương.")
    numbered(document, "Cơ quan phối hợp: Sở Tư pháp, UBND các huyện, thị xã, thành phố.", 90, 2)
    numbered(document, "Thời gian thực hiện: Quý II/2025.", 90, 2)
    numbered(document, "Đăng tải tài liệu hướng dẫn trên Cổng thông tin điện tử tỉnh.", 90, 1)
    document.add_paragraph("Cơ quan chủ trì: Sở Thông tin và Truyền thông.", style="Gach dau dong")
    document.add_paragraph("Thời gian thực hiện: Quý III/2025.", style="Gach dau dong")
    numbered(document, "Rà soát quy chế quản lý cụm công nghiệp.", 90, 0)
    both = document.add_paragraph("Cơ quan chủ trì: Sở Tài chính.", style="Gach dau dong")
    both.add_run().add_break()  # a soft line break (Shift+Enter) inside the bullet
    both.add_run("Thời gian hoàn thành: Quý IV/2025.")
    document.add_heading("TỔ CHỨC THỰC HIỆN", level=2)
    # the same list definition again, restarted at 1 (otherwise Word would draw "3.")
    numbered(document, "Sở Công Thương theo dõi, đôn đốc việc thực hiện Kế hoạch.", 91, 0)
    document.add_paragraph("Tổng hợp kết quả, báo cáo UBND tỉnh.", style="Gach cong")
    # Heading numbering switched off by numId 0: the appendix heading has no Roman number
    appendix = document.add_heading("PHỤ LỤC: DANH MỤC NHIỆM VỤ", level=2)
    set_num_pr(appendix._p, 0, None)
    add_task_table(document)
    document.save(str(path))


def add_task_table(document: Any) -> None:
    table = document.add_table(rows=4, cols=5)
    header = ("STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    table.rows[1].cells[0].merge(table.rows[1].cells[4]).text = "I. HỖ TRỢ ĐẦU TƯ"  # gridSpan
    table.rows[2].cells[2].merge(table.rows[3].cells[2]).text = "Sở Tài chính"  # vMerge
    rows = (
        ("Hỗ trợ lãi suất vay đầu tư hạ tầng.", "Sở Công Thương", "Hằng năm"),
        ("Thẩm định dự án hạ tầng cụm công nghiệp.", "Sở Công Thương", "Quý III/2025"),
    )
    for row, (content, coordinating, timeframe) in zip(table.rows[2:], rows, strict=True):
        set_num_pr(row.cells[0].paragraphs[0]._p, 94, 0)  # STT drawn by Word: "3", "4"
        row.cells[1].text = content
        row.cells[3].text = coordinating
        row.cells[4].text = timeframe
    table.rows[2].cells[3].add_paragraph("Sở Kế hoạch và Đầu tư")


def import_json(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["plan", "import", str(path), "--json", "--plan-id", "ke-hoach"])
    return code, json.loads(capsys.readouterr().out)


def same_plan(review: dict[str, Any]) -> dict[str, Any]:
    """Return the review without the source file's name, which differs between the formats."""
    return {key: value for key, value in review.items() if key != "source"}


def lead_and_time(review: dict[str, Any]) -> list[tuple[list[str], str | None]]:
    return [(task["lead"], (task["timeframe"] or {}).get("text")) for task in review["tasks"]]


# --- .docx -------------------------------------------------------------------------------------


def test_a_docx_with_word_numbering_reads_as_the_same_plan_typed_in_markdown(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ke-hoach.docx"
    write_plan_docx(path)

    assert read_document(path) == read_markdown(PLAN_MD)


def test_the_docx_labels_are_the_ones_word_draws(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.docx"
    write_plan_docx(path)

    strings = [block for block in read_document(path) if isinstance(block, str)]

    # headings from the style's list, levels "%1.%2." and "%3)", a restart, bullet styles
    assert "II. NỘI DUNG THỰC HIỆN" in strings
    assert "1.2. Đăng tải tài liệu hướng dẫn trên Cổng thông tin điện tử tỉnh." in strings
    assert "a) Cơ quan chủ trì: Sở Công Thương." in strings
    assert "1. Sở Công Thương theo dõi, đôn đốc việc thực hiện Kế hoạch." in strings
    assert "PHỤ LỤC: DANH MỤC NHIỆM VỤ" in strings
    # neither the page header nor the footer is part of the plan
    assert not any("CÔNG BÁO" in text or "Trang 1" in text for text in strings)


def test_a_label_line_in_a_word_bullet_gives_its_task_a_lead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc_path, md_path = tmp_path / "ke-hoach.docx", tmp_path / "ke-hoach.md"
    write_plan_docx(doc_path)
    md_path.write_text(PLAN_MD, encoding="utf-8")

    doc_code, doc_review = import_json(doc_path, capsys)
    md_code, md_review = import_json(md_path, capsys)

    assert (doc_code, same_plan(doc_review)) == (md_code, same_plan(md_review))
    found = lead_and_time(doc_review)
    # task 1.2's and task 2's leads are bullet lines: "- Cơ quan chủ trì: ..."
    assert (["STTTT"], "Quý III/2025") in found
    assert (["STC"], "Quý IV/2025") in found
    assert (["SCT"], "Quý II/2025") in found


def test_a_paragraph_can_switch_off_the_numbering_of_its_style(tmp_path: Path) -> None:
    document = docx.Document()
    add_numbering(document)
    set_num_pr(document.styles["Heading 2"].element, 93, None)
    document.add_heading("MỤC ĐÍCH", level=2)
    off = document.add_heading("NỘI DUNG", level=2)
    set_num_pr(off._p, 0, None)
    document.add_heading("TỔ CHỨC THỰC HIỆN", level=2)
    path = tmp_path / "tat-danh-so.docx"
    document.save(str(path))

    assert read_document(path) == ["I. MỤC ĐÍCH", "NỘI DUNG", "II. TỔ CHỨC THỰC HIỆN"]


def test_a_restart_of_a_sub_level_keeps_the_parent_number(tmp_path: Path) -> None:
    document = docx.Document()
    add_numbering(document)
    root = document.part.numbering_part.element
    root.append(
        parse_xml(
            f"""<w:num {W} w:numId="95"><w:abstractNumId w:val="90"/>
            <w:lvlOverride w:ilvl="2"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"""
        )
    )
    numbered(document, "Mục một", 90, 0)
    numbered(document, "Mục hai", 90, 0)
    numbered(document, "Việc một", 90, 1)
    numbered(document, "Ý một", 90, 2)
    numbered(document, "Ý hai", 90, 2)
    numbered(document, "Ý mới", 95, 2)  # "Restart numbering" on the lettered level
    numbered(document, "Việc hai", 90, 1)
    path = tmp_path / "danh-so-lai.docx"
    document.save(str(path))

    assert read_document(path) == [
        "1. Mục một", "2. Mục hai", "2.1. Việc một", "a) Ý một", "b) Ý hai", "a) Ý mới",
        "2.2. Việc hai",
    ]


def test_a_level_that_never_restarts_counts_on_under_a_new_parent(tmp_path: Path) -> None:
    document = docx.Document()
    add_numbering(document)
    root = document.part.numbering_part.element
    abstract = f"""<w:abstractNum {W} w:abstractNumId="96">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>
            <w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
            <w:lvlRestart w:val="0"/><w:lvlText w:val="%2."/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
            <w:isLgl/><w:lvlText w:val="%1.%2.%3."/></w:lvl>
        </w:abstractNum>"""
    root.find(qn("w:num")).addprevious(parse_xml(abstract))
    root.append(parse_xml(f'<w:num {W} w:numId="96"><w:abstractNumId w:val="96"/></w:num>'))
    for text, level in (("A", 0), ("B", 1), ("C", 2), ("D", 0), ("E", 1), ("F", 2)):
        numbered(document, text, 96, level)
    path = tmp_path / "khong-danh-lai.docx"
    document.save(str(path))

    # numbering in plans as in Công báo appendices: rows numbered on across Roman sections
    assert read_document(path) == ["I. A", "1. B", "1.1.1. C", "II. D", "2. E", "2.2.1. F"]


def test_word_number_formats_are_drawn_as_word_draws_them() -> None:
    assert [format_number(n, "lowerLetter") for n in (1, 4, 26, 27)] == ["a", "d", "z", "aa"]
    assert [format_number(n, "upperRoman") for n in (4, 9, 14, 40)] == ["IV", "IX", "XIV", "XL"]
    assert format_number(3, "lowerRoman") == "iii"
    assert format_number(7, "decimalZero") == "07"
    assert format_number(5, "none") == ""


def test_a_docx_table_keeps_merged_cells_aligned(tmp_path: Path) -> None:
    path = tmp_path / "bang.docx"
    document = docx.Document()
    add_numbering(document)
    add_task_table(document)
    document.save(str(path))

    (table,) = read_document(path)

    assert isinstance(table, Table)
    assert table.rows[1] == ("I. HỖ TRỢ ĐẦU TƯ", "", "", "", "")
    assert [row[2] for row in table.rows[2:]] == ["Sở Tài chính", "Sở Tài chính"]
    assert table.rows[2][3] == "Sở Công Thương\nSở Kế hoạch và Đầu tư"
    assert [row[0] for row in table.rows[2:]] == ["3", "4"]


def test_a_docx_saved_under_a_doc_name_is_read_by_its_content(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.doc"
    write_plan_docx(path)

    assert read_document(path) == read_markdown(PLAN_MD)


# --- files that cannot be read -----------------------------------------------------------------

# The first bytes of a Word 97-2003 document (an OLE compound file).
OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)


def test_an_old_word_doc_is_refused_with_how_to_convert_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, out = tmp_path / "ke-hoach.doc", tmp_path / "plan.yaml"
    path.write_bytes(OLE_HEADER)

    assert main(["plan", "import", str(path), "--out", str(out)]) == 1

    captured = capsys.readouterr()
    assert captured.out == ""
    message = captured.err.strip()
    assert "\n" not in message
    assert "Word cũ (.doc)" in message and "Lưu thành (Save As)" in message and ".docx" in message
    assert not out.exists()


def test_an_unreadable_pdf_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ke-hoach.pdf"
    path.write_bytes(b"%PDF-1.7\nkhong phai pdf\n")

    assert main(["plan", "import", str(path)]) == 1
    assert "không đọc được tệp .pdf" in capsys.readouterr().err


# --- .pdf --------------------------------------------------------------------------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
needs_font = pytest.mark.skipif(
    not (DEJAVU / "DejaVuSans.ttf").is_file(),
    reason="needs a Unicode TTF font for Vietnamese: apt-get install fonts-dejavu-core",
)
RUNNING_HEADER = "CÔNG BÁO/Số 12/Ngày 02-5-2025"
PDF_TASK = (
    "Rà soát, đề xuất phương án đối với các cụm công nghiệp chậm triển khai đầu tư xây dựng hạ "
    "tầng kỹ thuật, kiến nghị thu hồi chủ trương đầu tư và báo cáo UBND tỉnh kết quả thực hiện."
)
PDF_ROWS = [
    (
        str(number),
        f"Hỗ trợ doanh nghiệp thứ cấp đầu tư vào cụm công nghiệp số {number} trên địa bàn tỉnh.",
        "Sở Công Thương" if number % 2 else "Sở Tài chính",
        "Sở Tư pháp\nSở Kế hoạch và Đầu tư" if number == 3 else "UBND các huyện, thị xã, thành phố",
        f"Quý {'I' * (1 + number % 3)}/2025",
    )
    for number in range(3, 21)  # numbered on from the tasks above
]


def pdf_writer() -> Any:
    from fpdf import FPDF

    class Plan(FPDF):  # type: ignore[misc]
        def header(self) -> None:
            if self.page_no() > 1:  # Công báo prints its masthead from the second page on
                self.set_font("dejavu", size=9)
                self.cell(0, 6, RUNNING_HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("dejavu", size=9)
            self.cell(0, 6, str(self.page_no()), align="C")

    pdf = Plan(format="A4")
    pdf.add_font("dejavu", fname=str(DEJAVU / "DejaVuSans.ttf"))
    pdf.add_font("dejavu", style="B", fname=str(DEJAVU / "DejaVuSans-Bold.ttf"))
    pdf.set_font("dejavu", size=12)
    return pdf


def write_plan_pdf(path: Path) -> tuple[str, str]:
    """Write the plan as a PDF; return it as Markdown, with and without its page breaks."""
    pdf = pdf_writer()
    pdf.add_page()
    md: list[str] = []

    def paragraph(text: str) -> None:
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        md.append(text + "\n\n")

    for text in (
        "ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN",
        "Bình Thuận, ngày 2 tháng 5 năm 2025",
        "KẾ HOẠCH",
        "Hỗ trợ doanh nghiệp trong cụm công nghiệp năm 2025",
        "II. NỘI DUNG THỰC HIỆN",
        "1. Tổ chức hội nghị phổ biến Nghị định số 32/2024/NĐ-CP về quản lý, phát triển cụm "
        "công nghiệp đến các doanh nghiệp, hợp tác xã và người lao động trong cụm công nghiệp.",
        "a) Cơ quan chủ trì: Sở Công Thương.",
        "b) Cơ quan phối hợp: Sở Tư pháp, UBND các huyện, thị xã, thành phố.",
        "c) Thời gian thực hiện: Quý II/2025.",
    ):
        paragraph(text)
    # Task 2 starts two lines above the bottom margin: Word carries the rest to the next page
    task = f"2. {PDF_TASK}"
    lines = pdf.multi_cell(0, 6, task, dry_run=True, output="LINES")
    assert len(lines) >= 3
    pdf.set_y(pdf.page_break_trigger - 2 * 6 - 1)
    pdf.multi_cell(0, 6, task, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    md.append(" ".join(lines[:2]) + f"\n{PAGE_BREAK}" + " ".join(lines[2:]) + "\n\n")
    for text in (
        "a) Cơ quan chủ trì: Sở Tài chính.",
        "b) Thời gian hoàn thành: Quý IV/2025.",
        "PHỤ LỤC: DANH MỤC NHIỆM VỤ",
    ):
        paragraph(text)

    header = ("STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
    with pdf.table(col_widths=(12, 62, 34, 42, 30), text_align="LEFT") as table:
        for cells in [header, *PDF_ROWS]:
            row = table.row()
            for text in cells:
                row.cell(text)
    md.append("| " + " | ".join(header) + " |\n|---|---|---|---|---|\n")
    for cells in PDF_ROWS:
        md.append("| " + " | ".join(cell.replace("\n", "<br>") for cell in cells) + " |\n")
    pdf.output(str(path))
    typed = "".join(md)
    return typed, typed.replace(f"\n{PAGE_BREAK}", " ")


@needs_font
def test_a_pdf_reads_as_the_same_plan_typed_in_markdown(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.pdf"
    with_breaks, _ = write_plan_pdf(path)

    blocks = read_document(path)

    assert blocks == read_markdown(with_breaks)
    # the ruled table ran over pages: one table, its header row once, no running header
    tables = [block for block in blocks if isinstance(block, Table)]
    assert len(tables) == 1 and len(tables[0].rows) == 1 + len(PDF_ROWS)
    assert not any(RUNNING_HEADER in block for block in blocks if isinstance(block, str))


@needs_font
def test_a_pdf_plan_imports_the_tasks_the_markdown_plan_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf_path, md_path = tmp_path / "ke-hoach.pdf", tmp_path / "ke-hoach.md"
    _, typed = write_plan_pdf(pdf_path)
    md_path.write_text(typed, encoding="utf-8")

    pdf_code, pdf_review = import_json(pdf_path, capsys)
    md_code, md_review = import_json(md_path, capsys)

    assert (pdf_code, same_plan(pdf_review)) == (md_code, same_plan(md_review))
    found = lead_and_time(pdf_review)
    # task 2's text runs onto the next page, under the running header; its lead is there
    task_2 = next(task for task in pdf_review["tasks"] if task["text"].startswith("Rà soát"))
    assert task_2["text"] == PDF_TASK
    assert (task_2["lead"], task_2["timeframe"]["text"]) == (["STC"], "Quý IV/2025")
    assert (["SCT"], "Quý II/2025") in found
    assert (["STC"], "Quý III/2025") in found  # table row 2


@needs_font
def test_a_scanned_pdf_is_refused_with_how_to_get_its_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    scan = tmp_path / "trang.png"
    image = Image.new("L", (800, 1100), 255)
    ImageDraw.Draw(image).rectangle((100, 100, 700, 140), fill=0)  # a line of "ink"
    image.save(scan)
    pdf = FPDF(format="A4")
    pdf.add_page()  # the typed cover page an e-office system adds in front of the scan
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 6, "Van ban nay duoc ky so boi So Cong Thuong tinh Binh Thuan, 02/05/2025")
    for _ in range(2):
        pdf.add_page()
        pdf.image(str(scan), x=0, y=0, w=pdf.w)
    path, out = tmp_path / "ban-quet.pdf", tmp_path / "plan.yaml"
    pdf.output(str(path))

    assert main(["plan", "import", str(path), "--out", str(out)]) == 1

    message = capsys.readouterr().err.strip()
    assert "PDF quét" in message and "OCR" in message and ".docx" in message
    assert not out.exists()


WIDTHS = (12, 62, 34, 42, 30)  # mm, as the table above
LEFT = 10  # mm: the default left margin


def draw_cell(pdf: Any, column: int, y: float, height: float, text: str, span: int = 1) -> None:
    """Draw one ruled cell as Word prints it: a frame and its text wrapped inside."""
    x = LEFT + sum(WIDTHS[:column])
    width = sum(WIDTHS[column : column + span])
    pdf.rect(x, y, width, height)
    if text:
        pdf.set_xy(x, y + 1)
        pdf.multi_cell(width, 6, text)


def wrapped(pdf: Any, column: int, text: str) -> list[str]:
    lines: list[str] = pdf.multi_cell(WIDTHS[column], 6, text, dry_run=True, output="LINES")
    return lines


@needs_font
def test_a_pdf_table_row_cut_by_a_page_break_is_one_row(tmp_path: Path) -> None:
    """Word lets a row break across pages: its cells go on under the next page's header."""
    pdf = pdf_writer()
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("dejavu", size=12)
    pdf.cell(0, 6, "PHỤ LỤC: DANH MỤC NHIỆM VỤ", new_x="LMARGIN", new_y="NEXT")
    header = ("STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành")
    long_task = (
        "Rà soát, đánh giá tình hình thực hiện các dự án đầu tư hạ tầng kỹ thuật cụm công "
        "nghiệp, đề xuất tháo gỡ khó khăn, vướng mắc cho chủ đầu tư."
    )
    lines = wrapped(pdf, 1, long_task)
    assert len(lines) >= 3

    def header_row(y: float) -> float:
        for column, text in enumerate(header):
            draw_cell(pdf, column, y, 20, text)
        return y + 20

    y = header_row(30)
    draw_cell(pdf, 0, y, 10, "I. HỖ TRỢ ĐẦU TƯ", span=5)  # a merged group row
    y += 10
    # rows 1 and 2 share one lead cell, merged down
    for number, content, coordinating, timeframe in (
        ("1", "Hỗ trợ lãi suất vay đầu tư hạ tầng.", "Sở Công Thương", "Hằng năm"),
        ("2", "Thẩm định dự án hạ tầng.", "Sở Công Thương", "Quý III/2025"),
    ):
        for column, text in ((0, number), (1, content), (3, coordinating), (4, timeframe)):
            draw_cell(pdf, column, y, 20, text)
        y += 20
    draw_cell(pdf, 2, y - 40, 40, "Sở Tài chính")
    # row 3 reaches the bottom of the page: two lines of its text here, the rest overleaf
    bottom = pdf.h - 20
    for column, text in (
        (0, "3"),
        (1, " ".join(lines[:2])),
        (2, "Sở Công"),
        (3, "Sở Tư pháp"),
        (4, "Quý IV/2025"),
    ):
        draw_cell(pdf, column, y, bottom - y, text)
    pdf.add_page()
    pdf.set_font("dejavu", size=12)
    y = header_row(30)  # the header row Word repeats on each page
    rest = " ".join(lines[2:])
    height = 2 + 6 * len(wrapped(pdf, 1, rest))
    for column, text in ((0, ""), (1, rest), (2, "Thương"), (3, ""), (4, "")):
        draw_cell(pdf, column, y, height, text)
    y += height
    for column, text in enumerate(
        ("4", "Đào tạo cán bộ quản lý cụm công nghiệp.", "Sở Nội vụ", "", "Quý II/2025")
    ):
        draw_cell(pdf, column, y, 20, text)
    path = tmp_path / "bang-qua-trang.pdf"
    pdf.output(str(path))

    typed = (
        "PHỤ LỤC: DANH MỤC NHIỆM VỤ\n\n"
        "| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
        "|---|---|---|---|---|\n"
        "| I. HỖ TRỢ ĐẦU TƯ | | | | |\n"
        "| 1 | Hỗ trợ lãi suất vay đầu tư hạ tầng. | Sở Tài chính | Sở Công Thương | Hằng năm |\n"
        "| 2 | Thẩm định dự án hạ tầng. | Sở Tài chính | Sở Công Thương | Quý III/2025 |\n"
        f"| 3 | {long_task} | Sở Công Thương | Sở Tư pháp | Quý IV/2025 |\n"
        "| 4 | Đào tạo cán bộ quản lý cụm công nghiệp. | Sở Nội vụ | | Quý II/2025 |\n"
    )
    assert read_document(path) == read_markdown(typed)


@needs_font
def test_a_pdf_heading_set_side_by_side_reads_as_separate_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issuer and the national motto, the number and the date, share a baseline."""
    pdf = pdf_writer()
    pdf.add_page()
    for left, right in (
        ("ỦY BAN NHÂN DÂN TỈNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("BÌNH THUẬN", "Độc lập - Tự do - Hạnh phúc"),
        ("Số: 12/KH-UBND", "Bình Thuận, ngày 2 tháng 5 năm 2025"),
    ):
        pdf.set_font("dejavu", size=10)
        pdf.cell(70, 6, left, align="C")
        pdf.cell(0, 6, right, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", size=12)
    pdf.ln(6)
    for text in (
        "KẾ HOẠCH",
        "II. NỘI DUNG THỰC HIỆN",
        "1. Rà soát quy chế quản lý cụm công nghiệp.",
        "Cơ quan chủ trì: Sở Công Thương.",
        "Thời gian thực hiện: Quý III/2025.",
    ):
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "ke-hoach.pdf"
    pdf.output(str(path))

    # read as the .docx's heading table is: the left column, then the right one
    assert read_document(path)[:7] == [
        "ỦY BAN NHÂN DÂN TỈNH",
        "BÌNH THUẬN",
        "Số: 12/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bình Thuận, ngày 2 tháng 5 năm 2025",
        "KẾ HOẠCH",
    ]
    code, review = import_json(path, capsys)
    assert code == 0
    assert review["plan"]["start"] == "2025-05-02"
    assert lead_and_time(review) == [(["SCT"], "Quý III/2025")]


@needs_font
def test_a_pdf_paragraph_whose_last_line_is_full_still_ends_at_the_paragraph_gap(
    tmp_path: Path,
) -> None:
    pdf = pdf_writer()
    pdf.add_page()
    opening = "Các sở, ban, ngành tổ chức quán triệt nội dung Kế hoạch đến cán bộ, công chức"
    words = opening.split()
    full = words[0]
    while True:  # the longest opening that still fits on one line: the line ends at the margin
        longer = f"{full} {words[len(full.split()) % len(words)]}"
        if len(pdf.multi_cell(0, 6, longer, dry_run=True, output="LINES")) > 1:
            break
        full = longer
    following = "đồng thời bố trí kinh phí thực hiện từ nguồn ngân sách được giao."
    for text in (full, following):
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)  # the space Word puts after a paragraph
    path = tmp_path / "doan.pdf"
    pdf.output(str(path))

    assert read_document(path) == [full, following]


@needs_font
def test_a_pdf_reads_overprinted_bold_once_and_leaves_out_text_set_sideways(
    tmp_path: Path,
) -> None:
    pdf = pdf_writer()
    pdf.add_page()
    for _ in range(2):  # some writers draw bold by printing the text twice
        pdf.text(pdf.l_margin, 30, "II. NỘI DUNG THỰC HIỆN")
    with pdf.rotation(90, x=8, y=200):  # the e-office system's note along the margin
        pdf.text(8, 200, "Văn bản điện tử ký số")
    pdf.set_xy(pdf.l_margin, 40)
    pdf.multi_cell(0, 6, "1. Rà soát quy chế quản lý cụm công nghiệp.")
    path = tmp_path / "dam.pdf"
    pdf.output(str(path))

    assert read_document(path) == [
        "II. NỘI DUNG THỰC HIỆN",
        "1. Rà soát quy chế quản lý cụm công nghiệp.",
    ]


def test_the_heading_block_word_sets_in_a_two_column_table_reads_as_its_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = docx.Document()
    heading = document.add_table(rows=1, cols=2)  # as in the form of Decree 30/2020, no borders
    left, right = heading.rows[0].cells
    left.text = "ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN"
    left.add_paragraph("Số: 12/KH-UBND")
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    right.add_paragraph("Bình Thuận, ngày 2 tháng 5 năm 2025")
    for text in (
        "KẾ HOẠCH",
        "Hỗ trợ doanh nghiệp trong cụm công nghiệp năm 2025",
        "II. NỘI DUNG THỰC HIỆN",
        "1. Rà soát quy chế quản lý cụm công nghiệp.",
        "Cơ quan chủ trì: Sở Công Thương.",
        "Thời gian thực hiện: Quý III/2025.",
    ):
        document.add_paragraph(text)
    path = tmp_path / "ke-hoach.docx"
    document.save(str(path))

    typed = (
        "ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN\n\nSố: 12/KH-UBND\n\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Bình Thuận, ngày 2 tháng 5 năm 2025\n\nKẾ HOẠCH\n\n"
        "Hỗ trợ doanh nghiệp trong cụm công nghiệp năm 2025\n\nII. NỘI DUNG THỰC HIỆN\n\n"
        "1. Rà soát quy chế quản lý cụm công nghiệp.\n\nCơ quan chủ trì: Sở Công Thương.\n\n"
        "Thời gian thực hiện: Quý III/2025.\n"
    )
    assert read_document(path) == read_markdown(typed)
    code, review = import_json(path, capsys)
    assert code == 0
    assert (review["plan"]["start"], review["plan"]["issuer"]) == (
        "2025-05-02",
        "UBND tỉnh Bình Thuận",
    )


def test_a_two_column_task_table_opening_a_docx_stays_a_table(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(
        [*table.rows[0].cells, *table.rows[1].cells],
        ("Nội dung", "Cơ quan chủ trì", "Rà soát quy chế.", "Sở Công Thương"),
        strict=True,
    ):
        cell.text = text
    path = tmp_path / "bang.docx"
    document.save(str(path))

    assert read_document(path) == [
        Table((("Nội dung", "Cơ quan chủ trì"), ("Rà soát quy chế.", "Sở Công Thương")))
    ]
