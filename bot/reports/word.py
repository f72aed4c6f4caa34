"""The coordinator's written report as a Word draft, in the format of Decree 30/2020/NĐ-CP.

A4, margins 20/20/30/15 mm, Times New Roman 14 (13 in tables), the two-column heading (issuer
left, national motto right, number and place/date placeholders), the title, the body (results by
task and by agency, difficulties, overdue items, proposals to fill in), recipients and signature.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from bot import texts
from bot.reports.period import scope_label
from bot.reports.xlsx import report_period
from scheduler.status import LONG_OVERDUE_DAYS, Category, Tally, tally
from storage.report import DetailRow, ReportData

FONT = "Times New Roman"
BODY_SIZE = 14
TABLE_SIZE = 12
HEADER_SIZE = 11
SMALL_SIZE = 12
Document_ = object  # python-docx's Document class is not exported in a typed form

_LEFT, _CENTER, _RIGHT, _JUSTIFY = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER,
                                    WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)


def write_word_report(data: ReportData, path: Path, tz: ZoneInfo) -> Path:
    """Write the .docx draft of `data` to `path` and return `path`. Raise OSError."""
    path.write_bytes(word_report_bytes(data, tz))
    return path


def word_report_bytes(data: ReportData, tz: ZoneInfo) -> bytes:
    """Return the .docx draft of `data` as bytes."""
    document = Document()
    _page(document)
    _styles(document)
    _heading(document, data)
    _title(document, data)
    _body(document, data, tz)
    _signature(document, data)
    document.core_properties.title = texts.WORD_TITLE.format(plan=_plan_phrase(data))
    document.core_properties.author = "nhacviec"
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---- layout -----------------------------------------------------------------------------


def _page(document: Document_) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    # The page number at the top centre, from the second page on (Decree 30, Annex I).
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = _CENTER
    _page_field(paragraph.add_run())


def _page_field(run: object) -> None:
    element = run._r  # type: ignore[attr-defined]
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            element.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            element.append(instr)


def _styles(document: Document_) -> None:
    style = document.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = FONT
    style.font.size = Pt(BODY_SIZE)
    # Word picks the East Asian font for some Vietnamese letters unless told too.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.0


def _para(container: object, text: str = "", *, bold: bool = False, italic: bool = False,
          size: int = BODY_SIZE, align: object = _JUSTIFY, indent: bool = False,
          after: int = 0, before: int = 0) -> object:
    paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(before)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return paragraph


def _rule(container: object, width: str) -> None:
    """A short centred line under a heading (the decree's horizontal rule)."""
    paragraph = _para(container, width, align=_CENTER, size=8)
    paragraph.paragraph_format.space_after = Pt(4)  # type: ignore[attr-defined]


def _heading(document: Document_, data: ReportData) -> None:
    table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    left, right = table.rows[0].cells
    _widths(table, (6.0, 10.0))
    left.paragraphs[0].alignment = _CENTER
    run = left.paragraphs[0].add_run(data.issuer.upper())
    run.font.size = Pt(13)
    _para(left, data.coordinator.upper(), bold=True, size=13, align=_CENTER)
    _rule(left, "────────")
    _para(left, texts.WORD_NUMBER, size=13, align=_CENTER)
    right.paragraphs[0].alignment = _CENTER
    run = right.paragraphs[0].add_run(texts.WORD_MOTTO_COUNTRY)
    run.bold, run.font.size = True, Pt(12)
    _para(right, texts.WORD_MOTTO, bold=True, size=13, align=_CENTER)
    _rule(right, "──────────────────")
    _para(right, texts.WORD_PLACE_DATE, italic=True, size=14, align=_CENTER)


def _plan_phrase(data: ReportData) -> str:
    # "Kế hoạch triển khai ..." inside a sentence: "kế hoạch triển khai ...".
    title = data.plan_title.strip()
    plan_word = texts.WORD_PLAN_WORD
    return (title[:1].lower() + title[1:] if title[:len(plan_word)].lower() == plan_word
            else title)


def _title(document: Document_, data: ReportData) -> None:
    _para(document, texts.WORD_KIND, bold=True, align=_CENTER, before=18)
    _para(document, texts.WORD_TITLE.format(plan=_plan_phrase(data)), bold=True, align=_CENTER)
    _para(document, scope_label(report_period(data), data.today), italic=True, size=13,
          align=_CENTER)
    _rule(document, "──────────")


# ---- body -------------------------------------------------------------------------------


def _body(document: Document_, data: ReportData, tz: ZoneInfo) -> None:
    period = report_period(data)
    day = texts.day(data.today)
    intro = (texts.WORD_INTRO_PERIOD.format(plan=_plan_phrase(data), coordinator=data.coordinator,
                                            period=period.label[:1].lower() + period.label[1:],
                                            day=day)
             if period is not None else
             texts.WORD_INTRO_TO_DATE.format(plan=_plan_phrase(data),
                                             coordinator=data.coordinator, day=day))
    _para(document, intro, indent=True, after=6, before=6)

    _section(document, texts.WORD_PART_RESULTS)
    _section(document, texts.WORD_OVERVIEW)
    total = data.summary
    overview = texts.WORD_NOTHING_YET if not total.total else texts.WORD_OVERVIEW_TEXT.format(
        total=total.total, on_time=total.done_on_time, late=total.done_late,
        in_progress=total.in_progress, overdue=total.overdue,
        share=round(total.overdue_share * 100), long=total.long_overdue,
        days=LONG_OVERDUE_DAYS, blocked=total.blocked)
    _para(document, overview, indent=True, after=6)

    _section(document, texts.WORD_BY_TASK)
    _table(document, (texts.WORD_COLUMN_NO, texts.WORD_COLUMN_TASK, texts.WORD_COLUMN_ITEMS,
                      *texts.WORD_COUNT_COLUMNS),
           [(str(n), f"{key}. {title}", str(t.total), *_counts(t))
            for n, (key, title, t) in enumerate(_by_task(data.details), start=1)],
           (1.2, 5.6, 1.4, 1.6, 1.6, 1.6, 1.4, 1.6))
    _section(document, texts.WORD_BY_AGENCY)
    _table(document, (texts.WORD_COLUMN_NO, texts.WORD_COLUMN_AGENCY, texts.WORD_COLUMN_ITEMS,
                      *texts.WORD_COUNT_COLUMNS, texts.WORD_SHARE_COLUMN),
           [(str(n), row.agency_short, str(row.tally.total), *_counts(row.tally),
             f"{round(row.tally.overdue_share * 100)}%")
            for n, row in enumerate(data.by_agency, start=1)],
           (1.1, 4.0, 1.3, 1.5, 1.5, 1.5, 1.3, 1.6, 1.4))

    _section(document, texts.WORD_PART_BLOCKERS)
    blocked = [row for row in data.details if row.standing.blocked]
    if not blocked:
        _para(document, texts.WORD_NO_BLOCKERS, indent=True, after=6)
    for row in blocked:
        when = (row.blocked_at.astimezone(tz) if row.blocked_at is not None else None)
        _para(document, texts.WORD_BLOCKER.format(
            key=row.task_key, title=row.title, period=row.period_label, agency=row.agency_short,
            reason=(row.blocked_reason or texts.WORD_BLOCKER_NO_REASON).rstrip(" ."),
            who=row.blocked_by or texts.WORD_BLOCKER_SYSTEM,
            when=_when(when)), indent=True, after=3)

    _section(document, texts.WORD_PART_OVERDUE)
    overdue = sorted((row for row in data.details if row.standing.category is Category.OVERDUE),
                     key=lambda row: (-row.standing.days_late, row.task_key, row.agency_short))
    if not overdue:
        _para(document, texts.WORD_NO_OVERDUE, indent=True, after=6)
    else:
        _para(document, texts.WORD_OVERDUE_LEAD.format(
            count=len(overdue), long=sum(r.standing.long_overdue for r in overdue),
            days=LONG_OVERDUE_DAYS), indent=True, after=3)
        _table(document, (texts.WORD_COLUMN_NO, texts.WORD_COLUMN_TASK, texts.WORD_COLUMN_PERIOD,
                          texts.WORD_COLUMN_AGENCY, texts.WORD_COLUMN_DUE,
                          texts.WORD_COLUMN_DAYS_LATE),
               [(str(n), f"{r.task_key}. {r.title}", r.period_label, r.agency_short,
                 texts.day(r.due), str(r.standing.days_late))
                for n, r in enumerate(overdue, start=1)],
               (1.2, 5.6, 2.2, 3.0, 2.6, 1.4))

    _section(document, texts.WORD_PART_PROPOSALS)
    for line in texts.WORD_PROPOSALS:
        _para(document, line, indent=True, after=3)
    _para(document, texts.WORD_PROPOSALS_HINT.format(coordinator=data.coordinator), italic=True,
          size=13, indent=True, after=6)
    _para(document, texts.WORD_CLOSING.format(coordinator=data.coordinator), indent=True,
          after=12)


def _section(document: Document_, heading: str) -> None:
    _para(document, heading, bold=True, indent=True, before=6, after=3)


def _when(instant: datetime | None) -> str:
    if instant is None:
        return "?"
    return f"{instant:%H:%M} {texts.day(instant.date())}"


def _counts(t: Tally) -> tuple[str, ...]:
    return tuple(str(n) for n in (t.done_on_time, t.done_late, t.in_progress, t.overdue,
                                  t.blocked))


def _by_task(details: Iterable[DetailRow]) -> list[tuple[str, str, Tally]]:
    """Return each task's key, title and counts, in the plan's order of first appearance."""
    grouped: dict[str, tuple[str, list[DetailRow]]] = {}
    for row in details:
        grouped.setdefault(row.task_key, (row.title, []))[1].append(row)
    return [(key, title, tally(r.standing for r in rows))
            for key, (title, rows) in sorted(grouped.items(), key=lambda kv: _key_order(kv[0]))]


def _key_order(key: str) -> tuple[int, tuple[int, ...], str]:
    """Section II's numbered tasks first (1, 2 ... 10), then section III's (III.1 ...)."""
    parts = key.split(".")
    numbers = tuple(int(p) for p in parts if p.isdigit())
    return (0 if parts[0].isdigit() else 1, numbers, key)


def _table(document: Document_, header: Sequence[str], rows: Sequence[Sequence[str]],
           widths: Sequence[float]) -> None:
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _repeat_header(table.rows[0])
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, name, bold=True, size=HEADER_SIZE)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            _cell_text(cell, value, align=_LEFT if index == 1 else _CENTER)
    _widths(table, widths)
    _para(document, after=6)


def _widths(table: object, widths: Sequence[float]) -> None:
    """Set the columns' widths where Word reads them (the cells) and LibreOffice (the grid)."""
    for column, width in zip(table.columns, widths, strict=True):  # type: ignore[attr-defined]
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _cell_text(cell: object, text: str, *, bold: bool = False, align: object = _CENTER,
               size: int = TABLE_SIZE) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = align
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(size)


def _repeat_header(row: object) -> None:
    """The header row comes back on every page a long table runs over."""
    properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _signature(document: Document_, data: ReportData) -> None:
    table = document.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    table.autofit = False
    left, right = table.rows[0].cells
    _widths(table, (8.5, 7.5))
    run = left.paragraphs[0].add_run(texts.WORD_RECIPIENTS)
    run.bold, run.italic, run.font.size = True, True, Pt(SMALL_SIZE)
    for line in texts.WORD_RECIPIENT_LINES:
        _para(left, line, size=11, align=_LEFT)
    right.paragraphs[0].alignment = _CENTER
    run = right.paragraphs[0].add_run(texts.WORD_SIGNER)
    run.bold, run.font.size = True, Pt(BODY_SIZE)
    _para(right, texts.WORD_SIGNATURE_HINT, italic=True, size=13, align=_CENTER)
    for _ in range(3):
        _para(right, align=_CENTER)
    _para(right, texts.WORD_SIGNER_NAME, bold=True, align=_CENTER)
