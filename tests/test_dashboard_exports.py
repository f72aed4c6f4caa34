"""Every table of the dashboard downloads as an .xlsx file holding the rows the page counts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot import texts
from scheduler.status import tally
from storage import work
from storage.dashboard_lists import agency_items
from tests.dashboard_world import DashboardWorld, make_dashboard_world
from tests.world import local


@pytest.fixture
def dw(tmp_path: Path) -> DashboardWorld:
    dw = make_dashboard_world(tmp_path)
    dw.world.say("sct", "/xong 1 Đã tổ chức hội nghị")
    dw.world.clock.now = local("2025-03-03 09:00")
    dw.world.say("lagi", "/vuongmac 5@2024-Q2 Thiếu cán bộ")
    return dw


def sheet(answer: Any) -> list[tuple[Any, ...]]:
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert ".xlsx" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    return list(book.active.iter_rows(values_only=True))


def test_each_table_downloads_with_its_header_and_its_rows(dw: DashboardWorld) -> None:
    client = dw.client("Lê Điều Phối")
    today = dw.world.clock().date()
    with dw.world.sessions() as session:
        items = work.lead_assignments(session, today)
        from scheduler.status import standing_of

        counts = tally(standing_of(a, today) for a in items)
        lagi = agency_items(session, today, "LAGI")
    agencies = sheet(client.get("/?xuat=xlsx&bang=agencies"))
    assert agencies[0] == texts.XLSX_HEADERS_AGENCIES
    assert sum(row[4] for row in agencies[1:]) == counts.overdue
    assert sum(row[5] for row in agencies[1:]) == counts.blocked
    plans = sheet(client.get("/?xuat=xlsx&bang=plans"))
    assert plans[0] == texts.XLSX_HEADERS_PLANS
    assert plans[1][0] == "ND32" and plans[1][4] == counts.overdue
    trend = sheet(client.get("/?xuat=xlsx&bang=trend"))
    assert trend[0] == texts.XLSX_HEADERS_TREND and len(trend) == 13
    assert trend[-1][1:] == (counts.done_on_time, counts.done_late, counts.in_progress,
                             counts.overdue, counts.blocked)
    long = sheet(client.get("/?xuat=xlsx&bang=long"))
    assert long[0] == texts.XLSX_HEADERS_ITEMS and len(long) - 1 == counts.long_overdue
    assert all(row[8] > 120 for row in long[1:])
    overdue = sheet(client.get("/qua-han?cq=LAGI&xuat=xlsx&bang=overdue"))
    assert len(overdue) - 1 == sum(1 for a in items if a.agency_code == "LAGI"
                                   and standing_of(a, today).days_late
                                   and a.completed_on is None)
    own = sheet(client.get("/co-quan/LAGI?xuat=xlsx&bang=items"))
    assert len(own) - 1 == len(lagi)
    history = sheet(client.get("/co-quan/LAGI?xuat=xlsx&bang=history"))
    assert history[0] == texts.XLSX_HEADERS_HISTORY
    assert [row[4:6] for row in history[1:]] == [("Báo vướng mắc", "Thiếu cán bộ")]
    pending = sheet(client.get("/cho-xu-ly?xuat=xlsx&bang=pending"))
    assert [row[6] for row in pending[1:]] == ["Thiếu cán bộ"]
    blocked = next(i for i in lagi if i.standing.blocked)
    timeline = sheet(client.get(f"/viec/{blocked.assignment_id}?xuat=xlsx&bang=timeline"))
    assert timeline[0] == texts.XLSX_HEADERS_TIMELINE
    assert ("Báo vướng mắc", "Thiếu cán bộ", "Võ La Gi") in [row[1:4] for row in timeline]


def test_a_focal_officer_cannot_download_another_agencys_table(dw: DashboardWorld) -> None:
    client = dw.client("Võ La Gi")
    assert client.get("/co-quan/SCT?xuat=xlsx&bang=items").status_code == 403
    assert client.get("/qua-han?cq=SCT&xuat=xlsx&bang=overdue").status_code == 403
    assert client.get("/cho-xu-ly?xuat=xlsx&bang=pending").status_code == 403
    assert sheet(client.get("/co-quan/LAGI?xuat=xlsx&bang=items"))[0] == texts.XLSX_HEADERS_ITEMS
