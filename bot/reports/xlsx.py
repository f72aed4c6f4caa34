"""The coordinator's upward report as an Excel workbook: summary with charts, details, history.

Everything a reader sees is Vietnamese; dates are dd/mm/yyyy, times are local.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import DataPoint
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from bot import texts
from bot.reports.period import ReportingPeriod, reporting_period, scope_label
from scheduler.status import LONG_OVERDUE_DAYS, Category, Tally
from storage.report import DetailRow, EventRow, ReportData

SUMMARY_SHEET = texts.REPORT_SUMMARY_SHEET
DETAIL_SHEET = texts.REPORT_DETAIL_SHEET
HISTORY_SHEET = texts.REPORT_HISTORY_SHEET

# Rows 1-3 carry the title, the day and the reporting period; tables start on row 5.
HEADER_ROW = 5

CATEGORY_LABELS = {category: texts.CATEGORY_NAMES[category.value].capitalize()
                   for category in Category}
CATEGORY_COLOURS = {
    Category.DONE_ON_TIME: "2E7D32",
    Category.DONE_LATE: "F9A825",
    Category.IN_PROGRESS: "1565C0",
    Category.OVERDUE: "C62828",
    Category.NOT_TRACKED: "9E9E9E",
    Category.AWAITING: "00838F",
}
# The categories of the charts and the per-agency table; "không theo dõi" stands apart.
TRACKED_CATEGORIES = (Category.DONE_ON_TIME, Category.DONE_LATE, Category.IN_PROGRESS,
                      Category.OVERDUE)
# The bar chart's fifth segment: the blocked items, taken out of "in progress" and "overdue" so
# that the segments still add up to the agency's total.
BLOCKED_COLOUR = "6A1B9A"
STATUS_LABELS = texts.REPORT_STATUS_LABELS
WITHDRAWN_MARK = texts.REPORT_WITHDRAWN_MARK

DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "DD/MM/YYYY HH:MM"
SHARE_FORMAT = "0%"

# Characters an .xlsx file cannot hold (control characters); openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


__all__ = ["ReportingPeriod", "build_workbook", "default_report_name", "report_period",
           "reporting_period", "write_report"]


def default_report_name(plan_id: str, day: date, suffix: str = "xlsx") -> str:
    """Return `bao-cao-<plan>-<dd-mm-yyyy>.<suffix>`."""
    return f"bao-cao-{plan_id}-{day:%d-%m-%Y}.{suffix}"


def report_period(data: ReportData) -> ReportingPeriod | None:
    """Return the reporting period `data` was collected for, None for a report to date."""
    return reporting_period(data.due_to) if data.due_to is not None else None


def write_report(data: ReportData, path: Path, tz: ZoneInfo) -> Path:
    """Write the workbook of `data` to `path` and return `path`. Raise OSError."""
    build_workbook(data, tz).save(path)
    return path


def build_workbook(data: ReportData, tz: ZoneInfo) -> Workbook:
    """Return the report workbook: sheets Tổng hợp, Chi tiết and Nhật ký."""
    workbook = Workbook()
    workbook.properties.title = texts.REPORT_TITLE.format(plan=data.plan_title)
    workbook.properties.creator = "nhacviec"
    summary = workbook.active
    summary.title = SUMMARY_SHEET
    _summary_sheet(summary, data)
    _detail_sheet(workbook.create_sheet(DETAIL_SHEET), data)
    _history_sheet(workbook.create_sheet(HISTORY_SHEET), data, tz)
    return workbook


# ---- sheets -----------------------------------------------------------------------------


def _summary_sheet(ws: Any, data: ReportData) -> None:
    _heading(ws, data, texts.REPORT_SUMMARY_SUBTITLE, 8)
    total = data.summary
    rows: list[tuple[str, int | float]] = [
        (CATEGORY_LABELS[Category.DONE_ON_TIME], total.done_on_time),
        (CATEGORY_LABELS[Category.DONE_LATE], total.done_late),
        (CATEGORY_LABELS[Category.IN_PROGRESS], total.in_progress),
        (CATEGORY_LABELS[Category.OVERDUE], total.overdue),
        (CATEGORY_LABELS[Category.AWAITING], total.awaiting),
        (texts.REPORT_BLOCKED_IN_TIME, total.blocked_in_time),
        (texts.REPORT_BLOCKED_OVERDUE, total.blocked_overdue),
        (texts.REPORT_TOTAL, total.total),
        (texts.REPORT_OVERDUE_SHARE, total.overdue_share),
        (texts.REPORT_LONG_OVERDUE.format(days=LONG_OVERDUE_DAYS), total.long_overdue),
        (CATEGORY_LABELS[Category.NOT_TRACKED], total.not_tracked),
    ]
    _header(ws, HEADER_ROW, texts.REPORT_SUMMARY_COLUMNS)
    for offset, (label, value) in enumerate(rows, start=1):
        ws.cell(HEADER_ROW + offset, 1, label)
        cell = ws.cell(HEADER_ROW + offset, 2, value)
        if isinstance(value, float):
            cell.number_format = SHARE_FORMAT
    last = HEADER_ROW + len(rows)
    ws.cell(last + 1, 1, texts.REPORT_BLOCKED_NOTE).font = Font(italic=True)
    if total.total:
        ws.add_chart(_pie(ws), f"D{HEADER_ROW}")

    # Below the pie chart (about 15 rows high), on a page of its own with its title.
    top = max(last + 3, HEADER_ROW + 18)
    ws.row_breaks.append(Break(id=top - 2))
    ws.cell(top - 1, 1, texts.REPORT_BY_AGENCY).font = Font(bold=True)
    columns = (texts.REPORT_AGENCY, *(CATEGORY_LABELS[c] for c in TRACKED_CATEGORIES),
               texts.REPORT_BLOCKED, texts.REPORT_TOTAL, texts.REPORT_OVERDUE_SHARE,
               CATEGORY_LABELS[Category.AWAITING])
    _header(ws, top, columns)
    for row, agency in enumerate(data.by_agency, start=top + 1):
        tally = agency.tally
        cells = (agency.agency_short, *_category_counts(tally), tally.blocked, tally.total,
                 tally.overdue_share, tally.awaiting)
        for column, cell_value in enumerate(cells, start=1):
            ws.cell(row, column, cell_value)
        ws.cell(row, len(columns) - 1).number_format = SHARE_FORMAT
    bottom = top + len(data.by_agency)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{bottom}"
    _widths(ws, (34, 14, 14, 14, 14, 12, 10, 14, 14))
    _print_setup(ws, f"A1:{get_column_letter(len(columns))}{bottom + _bar_rows(data) + 2}")
    if data.by_agency:
        _chart_data(ws, data, top)
        ws.row_breaks.append(Break(id=bottom + 1))
        ws.add_chart(_bars(ws, top, bottom, len(data.by_agency)), f"A{bottom + 3}")


def _pie(ws: Any) -> PieChart:
    """The four categories, each slice labelled with its name, count and share only."""
    pie = PieChart()
    pie.title = texts.REPORT_PIE_TITLE
    pie.add_data(Reference(ws, min_col=2, min_row=HEADER_ROW, max_row=HEADER_ROW + 4),
                 titles_from_data=True)
    pie.set_categories(Reference(ws, min_col=1, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 4))
    for index, category in enumerate(TRACKED_CATEGORIES):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = CATEGORY_COLOURS[category]
        pie.series[0].dPt.append(point)
    # Every flag said: LibreOffice shows what a label leaves unsaid (the series name too).
    pie.dataLabels = DataLabelList(showCatName=True, showVal=True, showPercent=True,
                                   showSerName=False, showLegendKey=False,
                                   showBubbleSize=False, showLeaderLines=True, separator="; ")
    pie.width, pie.height = 15, 8.5
    return pie


# The bar chart reads its own small table, right of the printed area: the agencies' counts with
# the blocked items apart, so the five segments add up to the total.
CHART_COLUMN = 12  # L


def _chart_data(ws: Any, data: ReportData, top: int) -> None:
    columns = texts.REPORT_CHART_COLUMNS
    for column, name in enumerate(columns, start=CHART_COLUMN):
        ws.cell(top, column, name).font = Font(bold=True, color="808080")
    for row, agency in enumerate(data.by_agency, start=top + 1):
        t = agency.tally
        values = (agency.agency_short, t.done_on_time, t.done_late,
                  t.in_progress - t.blocked_in_time, t.overdue - t.blocked_overdue, t.blocked)
        for column, value in enumerate(values, start=CHART_COLUMN):
            ws.cell(row, column, value).font = Font(color="808080")
    ws.column_dimensions[get_column_letter(CHART_COLUMN)].width = 30


def _bars(ws: Any, top: int, bottom: int, agencies: int) -> BarChart:
    bars = BarChart()
    bars.type = "bar"
    bars.grouping = "stacked"
    bars.overlap = 100
    bars.title = texts.REPORT_BARS_TITLE
    first = CHART_COLUMN + 1
    bars.add_data(Reference(ws, min_col=first, max_col=first + 4, min_row=top, max_row=bottom),
                  titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=CHART_COLUMN, min_row=top + 1, max_row=bottom))
    colours = (*(CATEGORY_COLOURS[c] for c in TRACKED_CATEGORIES), BLOCKED_COLOUR)
    for series, colour in zip(bars.series, colours, strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    bars.y_axis.title = texts.REPORT_BARS_AXIS
    # Top to bottom in the order of the table (a bar chart draws categories bottom-up).
    bars.x_axis.scaling.orientation = "maxMin"
    # Without an explicit <c:delete val="0"/> recent Excel hides both axes.
    bars.x_axis.delete = False
    bars.y_axis.delete = False
    bars.legend.position = "b"
    bars.width = 25
    bars.height = _bar_height(agencies)
    return bars


def _bar_height(agencies: int) -> float:
    return max(7.5, 0.6 * agencies + 4)


def _bar_rows(data: ReportData) -> int:
    # A row is 0.53 cm high (15 points): the rows the bar chart covers.
    return int(_bar_height(len(data.by_agency)) / 0.53) + 2 if data.by_agency else 0


def _detail_sheet(ws: Any, data: ReportData) -> None:
    columns = (*texts.REPORT_DETAIL_COLUMNS, texts.REPORT_EVIDENCE_COLUMN)
    _heading(ws, data, texts.REPORT_DETAIL_SUBTITLE, len(columns))
    _header(ws, HEADER_ROW, columns)
    for row, item in enumerate(data.details, start=HEADER_ROW + 1):
        standing = item.standing
        # One line per piece of evidence: "#3 qd-15.pdf", the number /tailieu takes.
        kept = "\n".join(f"#{e.id} {texts.evidence_what(e.kind, e.file_name, e.link)}"
                         for e in item.evidence) or None
        values = (item.task_key, item.title, item.period_label, item.agency_short, item.due,
                  CATEGORY_LABELS[standing.category], standing.days_late,
                  texts.REPORT_YES if standing.blocked else texts.REPORT_NO, item.blocked_reason,
                  item.completed_on, item.latest_note, item.last_reporter, item.original_due,
                  _due_changes(item), _confirmation(item), kept)
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value)
        for column in (5, 10, 13):
            ws.cell(row, column).number_format = DATE_FORMAT
    _table(ws, len(columns), len(data.details),
           (8, 40, 14, 18, 11, 14, 7, 8, 28, 11, 28, 16, 11, 24, 20, 24),
           wrapped=(2, 3, 4, 6, 9, 11, 12, 14, 15, 16))


def _due_changes(item: DetailRow) -> str | None:
    """Return the item's due-date changes, oldest first, one a line; None if there were none."""
    lines = [texts.REPORT_DUE_CHANGE.format(previous=texts.day(change.previous),
                                            new=texts.day(change.new))
             + (texts.REPORT_DUE_CHANGE_REQUEST.format(id=change.request_id)
                if change.request_id is not None else texts.REPORT_DUE_CHANGE_DIRECT)
             for change in item.due_changes]
    return "\n".join(lines) or None


def _confirmation(item: DetailRow) -> str | None:
    if item.awaiting_since is not None:
        return texts.REPORT_AWAITING.format(day=texts.day(item.awaiting_since))
    return texts.REPORT_CONFIRMED if item.confirmed else None


def _status_label(event: EventRow) -> str:
    """Return "Hoàn thành", "Hoàn thành (đã hủy)" or "Hủy báo cáo: Hoàn thành"."""
    label = STATUS_LABELS.get(event.status, event.status)
    if event.withdraws is not None:
        label += ": " + STATUS_LABELS.get(event.withdraws, event.withdraws)
    if event.withdrawn:
        label += WITHDRAWN_MARK
    return label


def _history_sheet(ws: Any, data: ReportData, tz: ZoneInfo) -> None:
    _heading(ws, data, texts.REPORT_HISTORY_SUBTITLE,
             len(texts.REPORT_HISTORY_COLUMNS))
    columns = texts.REPORT_HISTORY_COLUMNS
    _header(ws, HEADER_ROW, columns)
    for row, event in enumerate(data.events, start=HEADER_ROW + 1):
        # Excel keeps no time zone: write the local wall-clock time people read.
        local = event.at.astimezone(tz).replace(tzinfo=None)
        values = (local, event.agency_short, event.officer_name or texts.REPORT_SYSTEM,
                  event.reporter_agency_short, texts.channel_label(event.channel),
                  _status_label(event), event.task_key,
                  event.period_label, event.note)
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value)
        ws.cell(row, 1).number_format = TIME_FORMAT
    _table(ws, len(columns), len(data.events), (16, 20, 20, 20, 10, 16, 9, 14, 50),
           wrapped=(2, 3, 4, 6, 8, 9))


# ---- helpers ----------------------------------------------------------------------------


def _heading(ws: Any, data: ReportData, subtitle: str, columns: int) -> None:
    title = ws.cell(1, 1, texts.REPORT_TITLE.format(plan=data.plan_title))
    title.font = Font(bold=True, size=13)
    # The title wraps over the printed width rather than running off the page.
    title.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    ws.row_dimensions[1].height = 36
    ws.cell(2, 1, texts.REPORT_AS_OF.format(day=texts.day(data.today)))
    # What the counts cover, said once, where the reader looks first.
    ws.cell(3, 1, scope_label(report_period(data), data.today)).font = Font(bold=True)
    ws.cell(4, 1, subtitle).font = Font(italic=True)


def _print_setup(ws: Any, area: str | None = None, title_rows: str | None = None) -> None:
    """Print on A4 landscape, every column on the page width, the header on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = texts.REPORT_PAGE_FOOTER
    if area is not None:
        ws.print_area = area
    if title_rows is not None:
        ws.print_title_rows = title_rows


def _header(ws: Any, row: int, columns: tuple[str, ...]) -> None:
    for column, name in enumerate(columns, start=1):
        cell = ws.cell(row, column, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _table(ws: Any, columns: int, rows: int, widths: tuple[int, ...],
           wrapped: tuple[int, ...] = ()) -> None:
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{HEADER_ROW + rows}"
    _widths(ws, widths)
    # Long texts wrap inside their column instead of widening the page.
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + rows, max_col=columns):
        for cell in row:
            cell.alignment = wrap if cell.column in wrapped else top
        # Spreadsheet programs do not grow a row for wrapped text on opening a file: say it.
        lines = max((_lines(cell.value, widths[cell.column - 1]) for cell in row
                     if cell.column in wrapped), default=1)
        ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines
    ws.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * max(
        _lines(name, width) for name, width in zip(
            (cell.value for cell in ws[HEADER_ROW][:columns]), widths, strict=False)) + 4
    _print_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


LINE_HEIGHT = 15  # points: one line of 11-point text


def _lines(value: object, width: int) -> int:
    """Return how many lines `value` takes wrapped in a column `width` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * 1.1) - 1)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def _widths(ws: Any, widths: tuple[int, ...]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _put(ws: Any, row: int, column: int, value: object) -> None:
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
    cell = ws.cell(row, column, value)
    # What a person typed is text, never a formula, even when it starts with "=".
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def _category_counts(tally: Tally) -> tuple[int, int, int, int]:
    return tally.done_on_time, tally.done_late, tally.in_progress, tally.overdue
