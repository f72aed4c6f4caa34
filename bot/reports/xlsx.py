"""The coordinator's upward report as an Excel workbook: summary with charts, details, history.

Everything a reader sees is Vietnamese; dates are dd/mm/yyyy, times are local.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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

from bot import texts
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
    Category.AWAITING: "6A1B9A",
}
# The categories the charts and the per-agency columns show; items awaiting confirmation
# have a summary row and a column of their own.
CHART_CATEGORIES = (Category.DONE_ON_TIME, Category.DONE_LATE, Category.IN_PROGRESS,
                    Category.OVERDUE)
STATUS_LABELS = texts.REPORT_STATUS_LABELS
WITHDRAWN_MARK = texts.REPORT_WITHDRAWN_MARK

DATE_FORMAT = "DD/MM/YYYY"
TIME_FORMAT = "DD/MM/YYYY HH:MM"
SHARE_FORMAT = "0%"

# Characters an .xlsx file cannot hold (control characters); openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class ReportingPeriod:
    """A reporting period of Circular 14/2024/TT-BCT: the first half-year, or the whole year."""

    half_year: bool
    year: int
    start: date
    end: date

    @property
    def label(self) -> str:
        name = texts.REPORT_PERIOD_HALF_YEAR if self.half_year else texts.REPORT_PERIOD_YEAR
        return texts.REPORT_PERIOD.format(name=name, year=self.year, start=_short_day(self.start),
                                          end=_short_day(self.end))


def reporting_period(day: date) -> ReportingPeriod:
    """Return the period `day` falls in: 15/12 to 14/6 the half-year, 15/6 to 14/12 the year.

    Both periods start on 15/12 of the year before (Circular 14/2024/TT-BCT), so a day in the
    second half belongs to the annual period, the only one still open.
    """
    year = day.year + 1 if (day.month, day.day) >= (12, 15) else day.year
    start = date(year - 1, 12, 15)
    if day <= date(year, 6, 14):
        return ReportingPeriod(True, year, start, date(year, 6, 14))
    return ReportingPeriod(False, year, start, date(year, 12, 14))


def default_report_name(plan_id: str, day: date) -> str:
    """Return `bao-cao-<plan>-<dd-mm-yyyy>.xlsx`."""
    return f"bao-cao-{plan_id}-{day:%d-%m-%Y}.xlsx"


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
    _heading(ws, data, texts.REPORT_SUMMARY_SUBTITLE)
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
    ]
    _header(ws, HEADER_ROW, texts.REPORT_SUMMARY_COLUMNS)
    for offset, (label, value) in enumerate(rows, start=1):
        ws.cell(HEADER_ROW + offset, 1, label)
        cell = ws.cell(HEADER_ROW + offset, 2, value)
        if isinstance(value, float):
            cell.number_format = SHARE_FORMAT
    last = HEADER_ROW + len(rows)
    ws.cell(last + 1, 1, texts.REPORT_BLOCKED_NOTE).font = Font(italic=True)

    pie = PieChart()
    pie.title = texts.REPORT_PIE_TITLE
    pie.add_data(Reference(ws, min_col=2, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 4))
    pie.set_categories(Reference(ws, min_col=1, min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 4))
    for index, category in enumerate(CHART_CATEGORIES):
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = CATEGORY_COLOURS[category]
        pie.series[0].dPt.append(point)
    pie.dataLabels = DataLabelList()
    pie.dataLabels.showPercent = True
    ws.add_chart(pie, f"D{HEADER_ROW}")

    # Below the pie chart (about 15 rows high), whatever the length of the table above.
    top = max(last + 3, HEADER_ROW + 18)
    ws.cell(top - 1, 1, texts.REPORT_BY_AGENCY).font = Font(bold=True)
    columns = (texts.REPORT_AGENCY, *(CATEGORY_LABELS[c] for c in CHART_CATEGORIES),
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

    if data.by_agency:
        bars = BarChart()
        bars.type = "bar"
        bars.grouping = "stacked"
        bars.overlap = 100
        bars.title = texts.REPORT_BARS_TITLE
        bars.add_data(Reference(ws, min_col=2, max_col=5, min_row=top, max_row=bottom),
                      titles_from_data=True)
        bars.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=bottom))
        for series, category in zip(bars.series, CHART_CATEGORIES, strict=True):
            series.graphicalProperties.solidFill = CATEGORY_COLOURS[category]
            series.graphicalProperties.line.solidFill = CATEGORY_COLOURS[category]
        bars.y_axis.title = texts.REPORT_BARS_AXIS
        # Top to bottom in the order of the table (a bar chart draws categories bottom-up).
        bars.x_axis.scaling.orientation = "maxMin"
        # Without an explicit <c:delete val="0"/> recent Excel hides both axes.
        bars.x_axis.delete = False
        bars.y_axis.delete = False
        bars.width = 18
        bars.height = max(7.5, 0.7 * len(data.by_agency) + 3)
        ws.add_chart(bars, f"J{top}")


def _detail_sheet(ws: Any, data: ReportData) -> None:
    _heading(ws, data, texts.REPORT_DETAIL_SUBTITLE)
    columns = texts.REPORT_DETAIL_COLUMNS
    _header(ws, HEADER_ROW, columns)
    for row, item in enumerate(data.details, start=HEADER_ROW + 1):
        standing = item.standing
        values = (item.task_key, item.title, item.period_label, item.agency_short, item.due,
                  CATEGORY_LABELS[standing.category], standing.days_late,
                  texts.REPORT_YES if standing.blocked else texts.REPORT_NO, item.blocked_reason,
                  item.completed_on, item.latest_note, item.last_reporter, item.original_due,
                  _due_changes(item), _confirmation(item))
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value)
        for column in (5, 10, 13):
            ws.cell(row, column).number_format = DATE_FORMAT
    _table(ws, len(columns), len(data.details),
           (12, 50, 24, 28, 12, 24, 11, 10, 40, 14, 40, 24, 14, 36, 26))


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
    _heading(ws, data, texts.REPORT_HISTORY_SUBTITLE)
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
    _table(ws, len(columns), len(data.events), (17, 28, 24, 24, 11, 22, 12, 24, 60))


# ---- helpers ----------------------------------------------------------------------------


def _heading(ws: Any, data: ReportData, subtitle: str) -> None:
    ws.cell(1, 1, texts.REPORT_TITLE.format(plan=data.plan_title)).font = Font(bold=True, size=13)
    ws.cell(2, 1, texts.REPORT_AS_OF.format(day=texts.day(data.today)))
    ws.cell(3, 1, reporting_period(data.today).label)
    ws.cell(4, 1, subtitle).font = Font(italic=True)


def _header(ws: Any, row: int, columns: tuple[str, ...]) -> None:
    for column, name in enumerate(columns, start=1):
        cell = ws.cell(row, column, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _table(ws: Any, columns: int, rows: int, widths: tuple[int, ...]) -> None:
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{HEADER_ROW + rows}"
    _widths(ws, widths)


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


def _short_day(value: date) -> str:
    # The Circular's own way of writing the bounds: 15/12/2024 - 14/6/2025.
    return f"{value.day}/{value.month}/{value.year}"
