"""Every table of the dashboard as an .xlsx file (openpyxl): one sheet, a bold header row."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Font
from starlette.responses import Response

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | date | datetime | None


def workbook_bytes(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """Return an .xlsx file of one sheet: the headers, then the rows."""
    book = Workbook(write_only=False)
    ws: Any = book.active
    ws.title = sheet[:31]
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([value.replace(tzinfo=None) if isinstance(value, datetime) else value
                   for value in row])
    for index, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = max(
            10, min(60, len(header) + 4))
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(filename: str, sheet: str, headers: Sequence[str],
                  rows: Iterable[Sequence[Cell]]) -> Response:
    """Return the table as a download named `filename` (.xlsx)."""
    body = workbook_bytes(sheet, headers, rows)
    disposition = f"attachment; filename*=UTF-8''{quote(filename)}"
    return Response(body, media_type=XLSX_TYPE, headers={"Content-Disposition": disposition})
