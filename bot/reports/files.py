"""A report as a file to hand over: its name, its bytes and its media type."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.channels.base import FileUpload
from bot.reports.xlsx import build_workbook, default_report_name
from storage.report import ReportData

MIME_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render_report(data: ReportData, kind: str, tz: ZoneInfo) -> FileUpload:
    """Return the report of `data` as an .xlsx workbook or a .docx draft (`kind`)."""
    from io import BytesIO

    if kind == "docx":
        from bot.reports.word import word_report_bytes

        content = word_report_bytes(data, tz)
    elif kind == "xlsx":
        buffer = BytesIO()
        build_workbook(data, tz).save(buffer)
        content = buffer.getvalue()
    else:
        raise ValueError(kind)
    return FileUpload(default_report_name(data.plan_id, data.today, kind), content,
                      MIME_TYPES[kind])
