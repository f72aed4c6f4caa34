"""Show an imported plan for review (text or JSON) and write it as a plan file."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from plan_data.importer import texts
from plan_data.importer.model import Gap, ImportedTask, PlanImport
from plan_data.loader import PlanError, load_directory, load_plan
from scheduler.plan import Directory
from scheduler.timeframe import Timeframe, TimeframeKind

_KIND_NAMES = {
    TimeframeKind.DEADLINE: "hạn chót",
    TimeframeKind.RECURRING: "định kỳ",
    TimeframeKind.CONTINUOUS: "thường xuyên, báo cáo hằng quý",
    TimeframeKind.AFTER_EVENT: "sau một sự kiện, không có ngày cố định",
    TimeframeKind.UNSCHEDULED: "không đọc được",
}


def _date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else "chưa có"


def _codes(codes: tuple[str, ...], directory: Directory) -> str:
    def named(code: str) -> str:
        try:
            return f"{code} ({directory.display_name(code)})"
        except KeyError:
            return code

    return ", ".join(named(code) for code in codes)


def _timeframe(text: str, timeframe: Timeframe | None) -> str:
    if timeframe is None:
        return "—"
    described = f"«{text}» → {_KIND_NAMES[timeframe.kind]}"
    if timeframe.kind is TimeframeKind.UNSCHEDULED:
        return described
    if timeframe.ad_hoc:
        described += ", có thể đột xuất"
    if timeframe.start is not None:
        described += f", từ {_date(timeframe.start)}"
    if timeframe.due is not None:
        label = "hạn" if timeframe.kind is TimeframeKind.DEADLINE else "hạn đầu tiên"
        described += f", {label} {_date(timeframe.due)}"
    elif timeframe.kind is not TimeframeKind.AFTER_EVENT:
        described += ", hạn chưa tính được (chưa có ngày bắt đầu kế hoạch)"
    return described


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _gap_line(gap: Gap) -> str:
    return f"    {'✗' if gap.blocking else '!'} {gap.message}"


def _task_lines(task: ImportedTask, directory: Directory) -> list[str]:
    coordinating = _codes(task.coordinating, directory)
    if task.coordinating_text:
        phrase = f"«{task.coordinating_text}» (cụm chung: giữ nguyên văn, không gửi nhắc)"
        coordinating = f"{coordinating}; {phrase}" if coordinating else phrase
    lines = [
        f"[{task.key}] Tiêu đề (tự đặt, cần kiểm tra): {task.title or '—'}",
        f"    Nội dung:  {_clip(task.text, 140) or '—'} ({len(task.text)} ký tự)",
        f"    Chủ trì:   {_codes(task.lead, directory) or '—'}",
        f"    Phối hợp:  {coordinating or '—'}",
        f"    Thời gian: {_timeframe(task.timeframe_text, task.timeframe)}",
    ]
    lines += [_gap_line(gap) for gap in task.gaps] or ["    ✓ Đủ thông tin."]
    return lines


def agencies_path(plan_path: Path) -> Path:
    """Return where the agencies a plan file needs are written: plan.yaml -> plan.agencies.yaml."""
    return plan_path.with_name(f"{plan_path.stem}.agencies.yaml")


def with_proposals(result: PlanImport, directory: Directory) -> Directory:
    """Return `directory` with the agencies the import proposes added at its end."""
    if not result.proposed:
        return directory
    return Directory(agencies=(*directory.agencies, *result.proposed), groups=directory.groups)


def agencies_yaml(result: PlanImport, directory: Directory) -> str:
    """Return the agencies file the imported plan needs: the directory, then the proposals."""
    header = texts.IMPORT_AGENCIES_FILE_HEADER.format(
        source=result.source, count=len(result.proposed)
    )
    data = with_proposals(result, directory).model_dump(exclude_defaults=True)
    body = yaml.dump(
        data, Dumper=_PlanDumper, allow_unicode=True, sort_keys=False, width=100
    )
    return header + body


def write_import(result: PlanImport, path: Path, directory: Directory) -> Path | None:
    """Write the plan file and, when agencies are proposed, the agencies file beside it.

    Return the agencies file written, or None. Raise PlanError if either would be invalid.
    """
    if not result.proposed:
        write_plan(result, path, directory)
        return None
    target = agencies_path(path)
    # the agencies file is checked first and put in place only once the plan file is written
    descriptor, temporary = tempfile.mkstemp(
        prefix=".nhacviec-", suffix=".yaml", dir=target.resolve().parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(agencies_yaml(result, directory))
        try:
            extended = load_directory(Path(temporary))
        except PlanError as exc:
            raise PlanError(str(exc).replace(temporary, str(target))) from None
        write_plan(result, path, extended)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def render_review(result: PlanImport, directory: Directory, written: Path | None = None) -> str:
    """Return the Vietnamese review: the plan, each task as found, each gap, and the outcome."""
    lines = [
        f"RÀ SOÁT KẾ HOẠCH NHẬP TỪ: {result.source}",
        f"Tên kế hoạch:     {result.title} ({result.title_source})",
        f"Mã kế hoạch:      {result.id}",
        f"Cơ quan ban hành: {result.issuer or '—'} ({result.issuer_source})",
        texts.IMPORT_NUMBER_LINE.format(number=result.number or "—"),
        f"Ngày bắt đầu:     {_date(result.start)} ({result.start_source})",
        f"Mục nhiệm vụ:     {result.section or 'không có tiêu đề mục; tìm trong toàn văn bản'}",
        f"Số nhiệm vụ:      {len(result.tasks)}",
    ]
    if result.proposed:
        lines += ["", texts.IMPORT_PROPOSED_HEADING]
        lines += [
            texts.IMPORT_PROPOSED_LINE.format(
                code=agency.code, name=agency.name, short_name=agency.short_name, kind=agency.kind
            )
            for agency in result.proposed
        ]
    plan_gaps = [gap for gap in result.gaps if gap.task is None]
    if plan_gaps:
        lines += ["", *(_gap_line(gap).strip() for gap in plan_gaps)]
    for task in result.tasks:
        lines += ["", *_task_lines(task, directory)]
    blocking = sum(gap.blocking for gap in result.gaps)
    to_check = len(result.gaps) - blocking
    lines += [
        "",
        f"Tổng kết: {len(result.tasks)} nhiệm vụ, {blocking} thiếu sót phải sửa (✗), "
        f"{to_check} điểm cần kiểm tra (!).",
    ]
    if written is not None:
        lines.append(f"Đã ghi kế hoạch: {written} (kiểm tra lại: nhacviec plan check {written})")
    elif not result.ok:
        lines.append("Chưa ghi tệp kế hoạch: sửa các thiếu sót (✗) trong văn bản rồi nhập lại.")
    return "\n".join(lines)


def _gap_json(gap: Gap) -> dict[str, Any]:
    return {
        "task": gap.task,
        "field": gap.field,
        "kind": gap.kind.value,
        "blocking": gap.blocking,
        "message": gap.message,
    }


def review_json(result: PlanImport, written: Path | None = None) -> dict[str, Any]:
    """Return the review as data: the plan, each task as found, each gap, and the outcome."""
    return {
        "source": result.source,
        "ok": result.ok,
        "written": str(written) if written is not None else None,
        "plan": {
            "id": result.id,
            "title": result.title,
            "title_source": result.title_source,
            "issuer": result.issuer,
            "issuer_source": result.issuer_source,
            "number": result.number or None,
            "start": result.start.isoformat() if result.start else None,
            "start_source": result.start_source,
            "section": result.section,
        },
        "proposed_agencies": [agency.model_dump() for agency in result.proposed],
        "tasks": [
            {
                "key": task.key,
                "title": task.title,
                "title_derived": True,
                "text": task.text,
                "lead": list(task.lead),
                "lead_source": task.lead_source,
                "coordinating": list(task.coordinating),
                "coordinating_text": task.coordinating_text,
                "coordinating_source": task.coordinating_source,
                "timeframe_text": task.timeframe_text,
                "timeframe": task.timeframe.to_json() if task.timeframe else None,
                "duty": task.duty,
                "written": task.written,
                "gaps": [_gap_json(gap) for gap in task.gaps],
            }
            for task in result.tasks
        ],
        "gaps": [_gap_json(gap) for gap in result.gaps],
    }


class _Folded(str):
    """A long text written as a YAML folded block (">-"), as the bundled plan writes it."""


class _PlanDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as the bundled plan is written.
        super().increase_indent(flow, False)


def _represent_folded(dumper: yaml.SafeDumper, value: _Folded) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=">")


_PlanDumper.add_representer(_Folded, _represent_folded)


def plan_data(result: PlanImport) -> dict[str, Any]:
    """Return the plan as the mapping a plan file holds (scheduler.plan.Plan's fields)."""
    if not result.ok or result.start is None:
        raise ValueError("the import has blocking gaps")
    tasks: list[dict[str, Any]] = []
    for task in result.tasks:
        if not task.written:
            continue
        entry: dict[str, Any] = {
            "key": task.key,
            "title": task.title,
            "text": _Folded(task.text) if len(task.text) > 80 else task.text,
            "lead": list(task.lead),
        }
        if task.coordinating:
            entry["coordinating"] = list(task.coordinating)
        if task.coordinating_text:
            entry["coordinating_text"] = task.coordinating_text
        entry["timeframe"] = task.timeframe_text
        timeframe = task.timeframe
        if timeframe and timeframe.kind is TimeframeKind.UNSCHEDULED and not timeframe.ad_hoc:
            # `plan check` refuses an unreadable time frame unless the file says so: say it
            # here, where the review table already flagged it (!), for the operator to see.
            entry["unscheduled"] = True
            entry["unscheduled_reason"] = texts.IMPORT_UNSCHEDULED_REASON
        tasks.append(entry)
    return {
        "id": result.id,
        "title": _Folded(result.title) if len(result.title) > 80 else result.title,
        "issuer": result.issuer,
        "start": result.start,
        "tasks": tasks,
    }


def plan_yaml(result: PlanImport) -> str:
    """Return the plan file's text. Raise ValueError if the import has blocking gaps."""
    header = (
        f"# Kế hoạch nhập từ {result.source} bằng `nhacviec plan import`.\n"
        "# Tiêu đề (title) của từng nhiệm vụ do máy tự đặt từ câu đầu: hãy kiểm tra.\n"
        "# Kiểm tra tệp bằng: nhacviec plan check TỆP\n\n"
    )
    body = yaml.dump(
        plan_data(result),
        Dumper=_PlanDumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=None,
    )
    return header + body


def write_plan(result: PlanImport, path: Path, directory: Directory) -> None:
    """Write the plan file to `path` once it loads back valid and unchanged. Raise PlanError."""
    text = plan_yaml(result)
    descriptor, temporary = tempfile.mkstemp(
        prefix=".nhacviec-", suffix=".yaml", dir=path.resolve().parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            plan = load_plan(Path(temporary), directory)
        except PlanError as exc:
            raise PlanError(str(exc).replace(temporary, str(path))) from None
        written = [(t.key, t.text, t.lead, t.coordinating, t.timeframe) for t in plan.tasks]
        expected = [
            (t.key, t.text, t.lead, t.coordinating, t.timeframe_text)
            for t in result.tasks
            if t.written
        ]
        if written != expected:  # a YAML round trip must never change a verbatim text
            raise PlanError(f"{path}: nội dung đọc lại khác nội dung nhập; không ghi tệp")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
