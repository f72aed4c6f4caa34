"""The status sheet: every open item written to .xlsx for the coordinator to fill in, and the
filled-in sheet read back and checked row by row before anything is applied.

Columns: plan, key, period (as `KEY@PERIOD` names it), agency code, due date, status (a list in
the cell: Hoàn thành, Vướng mắc, Tiến độ), date, note; then the task's text, the period's and the
agency's names, for the reader. A status is read with or without diacritics, in any case.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import Session

from bot import texts
from scheduler.text import fold
from storage.models import AssignmentStatus, EventStatus
from storage.status_sheet import OpenRow, Update, find_item

HEADER_ROW = 3
NOTE_LIMIT = 1000
_STATUS_WORDS = {fold(label): EventStatus(status) for status, label in
                 texts.SHEET_STATUSES.items()} | {s: EventStatus(s) for s in texts.SHEET_STATUSES}
_NEEDS_NOTE = (EventStatus.BLOCKED, EventStatus.PROGRESS)
_DMY = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_FILL = PatternFill("solid", fgColor="FFF8E1")  # the cells to fill in


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str

    def __str__(self) -> str:
        return texts.ROW_ERROR.format(row=self.row, reason=self.reason)


@dataclass(frozen=True)
class Checked:
    """What a sheet asks, once every row was checked: the updates, their rows, the errors."""

    updates: list[Update]
    rows: list[int]
    skipped: int
    errors: list[RowError]


def write_sheet(rows: list[OpenRow], path: Path, today: date, plans: str) -> Path:
    """Write the open items to `path` (.xlsx). Raise OSError."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = texts.SHEET_TITLE
    ws.cell(1, 1, texts.SHEET_HEADING.format(plan=plans, day=texts.day(today))).font = Font(
        bold=True, size=13)
    ws.cell(2, 1, texts.SHEET_HINT).font = Font(italic=True)
    for column, name in enumerate(texts.SHEET_COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, column, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for number, row in enumerate(rows, start=HEADER_ROW + 1):
        # Tình trạng is left empty (filled in: a change); where it stands today is beside it.
        now = (texts.SHEET_STATUSES["blocked"] if row.status == AssignmentStatus.BLOCKED.value
               else texts.SHEET_OPEN)
        values = (row.plan_id, row.task_key, row.period or None, row.agency_code, row.due,
                  None, None, None, row.title, row.period_label, row.agency_name, now)
        for column, value in enumerate(values, start=1):
            cell = ws.cell(number, column, value)
            if isinstance(value, str):
                cell.data_type = "s"  # a key such as "1.10" stays text
        ws.cell(number, 5).number_format = "DD/MM/YYYY"
        ws.cell(number, 7).number_format = "DD/MM/YYYY"
        for column in (6, 7, 8):
            ws.cell(number, column).fill = _FILL
    last = HEADER_ROW + max(len(rows), 1)
    # The list in the cell: the three statuses, written in Vietnamese.
    choices = ",".join(texts.SHEET_STATUSES.values())
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                                showErrorMessage=True, errorTitle=texts.SHEET_VALIDATION_TITLE,
                                error=texts.SHEET_VALIDATION_ERROR)
    validation.add(f"F{HEADER_ROW + 1}:F{last}")
    ws.add_data_validation(validation)
    dates = DataValidation(type="date", operator="lessThanOrEqual", formula1="DATE(2100,12,31)",
                           allow_blank=True)
    dates.add(f"G{HEADER_ROW + 1}:G{last}")
    ws.add_data_validation(dates)
    for column, width in enumerate((18, 10, 12, 12, 12, 16, 12, 50, 50, 20, 30, 16), start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(texts.SHEET_COLUMNS))}{last}"
    workbook.save(path)
    return path


def read_sheet(path: Path) -> list[tuple[int, tuple[Any, ...]]]:
    """Return (row number, first eight values) of each row under the header. Raise ValueError
    (the reason in Vietnamese) or OSError."""
    try:
        workbook = load_workbook(path, data_only=True)
    except OSError:
        raise
    except Exception as exc:  # not a workbook (zip, XML): openpyxl raises many kinds
        raise ValueError(str(exc) or type(exc).__name__) from None
    ws = workbook[texts.SHEET_TITLE] if texts.SHEET_TITLE in workbook.sheetnames else None
    header = [ws.cell(HEADER_ROW, c).value for c in range(1, 9)] if ws is not None else []
    if ws is None or tuple(header) != texts.SHEET_COLUMNS[:8]:
        raise ValueError(texts.CLI_STATUS_NO_SHEET.format(sheet=texts.SHEET_TITLE))
    return [(number, tuple(values))
            for number, values in enumerate(
                ws.iter_rows(min_row=HEADER_ROW + 1, max_col=8, values_only=True),
                start=HEADER_ROW + 1)
            if any(value not in (None, "") for value in values)]


def check_rows(session: Session, rows: list[tuple[int, tuple[Any, ...]]], today: date,
               plans: set[str]) -> Checked:
    """Check every row; a row with no status is skipped (nothing to change)."""
    updates: list[Update] = []
    numbers: list[int] = []
    errors: list[RowError] = []
    seen: dict[int, int] = {}
    skipped = 0
    for number, values in rows:
        plan, key, period, agency, _due, status_cell, day_cell, note_cell = values
        status_text, note = _text(status_cell), _text(note_cell)
        if not status_text and not note and day_cell in (None, ""):
            skipped += 1
            continue
        try:
            update = _check(session, plans, today, _text(plan), _text(key), _text(period),
                            _text(agency), status_text, day_cell, note)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
            continue
        first = seen.setdefault(update.assignment_id, number)
        if first != number:
            errors.append(RowError(number, texts.ROW_DUPLICATE.format(
                key=_text(key), period=_text(period), agency=_text(agency), first=first)))
            continue
        updates.append(update)
        numbers.append(number)
    return Checked(updates, numbers, skipped, errors)


def _check(session: Session, plans: set[str], today: date, plan: str, key: str, period: str,
           agency: str, status_text: str, day_cell: object, note: str) -> Update:
    for value, column in ((plan, 0), (key, 1), (agency, 3), (status_text, 5)):
        if not value:
            raise ValueError(texts.ROW_MISSING.format(column=texts.SHEET_COLUMNS[column]))
    if plan not in plans:
        raise ValueError(texts.ROW_WRONG_PLAN.format(plan=plan[:40],
                                                     expected=", ".join(sorted(plans))))
    status = _STATUS_WORDS.get(fold(status_text).strip())
    if status is None:
        raise ValueError(texts.ROW_UNKNOWN_STATUS.format(text=status_text[:40]))
    day = _day(day_cell, today)
    if day > today:
        raise ValueError(texts.ROW_FUTURE_DATE.format(day=texts.day(day),
                                                      today=texts.day(today)))
    if status in _NEEDS_NOTE and not note:
        raise ValueError(texts.ROW_NEEDS_NOTE.format(status=texts.SHEET_STATUSES[status.value]))
    if len(note) > NOTE_LIMIT:
        raise ValueError(texts.ROW_NOTE_TOO_LONG.format(length=len(note), limit=NOTE_LIMIT))
    assignment = find_item(session, plan, key.upper(), period, agency.upper())
    if assignment is None or assignment.occurrence.window_start > today:
        raise ValueError(texts.ROW_UNKNOWN_ITEM.format(plan=plan, key=key, period=period,
                                                       agency=agency))
    if assignment.status == AssignmentStatus.DONE.value:
        raise ValueError(texts.ROW_ALREADY_DONE.format(key=key, period=period, agency=agency))
    ref = f"{plan}:{key}" + (f"@{period}" if period else "") + f" {agency}"
    return Update(assignment.id, plan, status, day, note or None, ref)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a key typed as a number
    return unicodedata.normalize("NFC", str(value)).strip()


def _day(value: object, today: date) -> date:
    if value in (None, ""):
        return today
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        match = _DMY.fullmatch(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(texts.ROW_BAD_DATE.format(text=text[:40])) from None
