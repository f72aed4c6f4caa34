"""The dashboard's aggregated SQL counts what /status counts, week by week too, and its lists
and pending decisions hold the items they name."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from scheduler.status import Category, Tally, standing, standing_of, tally
from storage import dashboard, work
from storage.dashboard import Scope
from storage.dashboard_lists import OverdueFilter, overdue_items, pending_decisions
from storage.models import Assignment, EventStatus, StatusEvent
from tests.dashboard_world import DashboardWorld, make_dashboard_world
from tests.world import TZ, local


@pytest.fixture
def busy(tmp_path: Path) -> DashboardWorld:
    """Reports over nine months: on time, late, blocked, a blocker withdrawn, progress."""
    dw = make_dashboard_world(tmp_path)
    w = dw.world
    w.say("sct", "/xong 1 Đã tổ chức hội nghị")
    w.say("sct", "/vuongmac 2 Chưa có số liệu")
    w.clock.now = local("2024-09-10 09:00")
    w.say("lagi", "/vuongmac 5@2024-Q2 Thiếu cán bộ")
    w.say("sct", "/xong 2 Đã có số liệu")
    w.say("coord", "/vuongmac 5@2024-Q3 LAGI Chờ ý kiến")
    w.say("coord", "/huy 5@2024-Q3 LAGI Báo nhầm")
    w.clock.now = local("2025-03-03 09:00")
    w.say("lagi", "/xong 5@2024-Q2 Đã nộp")
    w.say("lagi", "/tiendo 5@2024-Q4 Đang tổng hợp")
    return dw


def status_tally(dw: DashboardWorld, today: date, agency: str | None = None) -> Tally:
    """The counts /status shows: its query and its categories."""
    with dw.world.sessions() as session:
        return tally(standing_of(a, today) for a in work.lead_assignments(session, today, agency))


def test_the_counts_are_those_of_status_for_the_plan_and_each_agency(
        busy: DashboardWorld) -> None:
    today = busy.world.clock().date()
    with busy.world.sessions() as session:
        counts = dashboard.tallies(session, today, TZ)
        per_agency = dashboard.by_agency(counts)
        lagi_only = dashboard.total(dashboard.tallies(session, today, TZ, Scope(None, "LAGI")))
    summary = dashboard.total(counts)
    assert summary == status_tally(busy, today)
    assert summary.done_on_time and summary.done_late and summary.overdue and summary.blocked
    assert summary.long_overdue
    for code, counted in per_agency.items():
        assert counted == status_tally(busy, today, code), code
    assert lagi_only == per_agency["LAGI"]


def _standing_at(assignment: Assignment, end: date, blocked: bool) -> Category | None:
    if assignment.occurrence.window_start > end:
        return None
    done = assignment.completed_on if assignment.completed_on and \
        assignment.completed_on <= end else None
    return standing(assignment.due, done, blocked, end).category


def test_the_weekly_trend_counts_each_week_as_it_stood_that_day(busy: DashboardWorld) -> None:
    today = busy.world.clock().date()
    with busy.world.sessions() as session:
        weeks = dashboard.trend(session, today, TZ, 26)
        items = work.lead_assignments(session, today)
        events = list(session.scalars(select(StatusEvent).order_by(StatusEvent.id)))
    withdrawn = {e.withdraws_id for e in events if e.withdraws_id}
    first_blocked: dict[int, datetime] = {}
    for e in events:
        if e.status == EventStatus.BLOCKED.value and e.id not in withdrawn:
            first_blocked.setdefault(e.assignment_id, e.at)
    assert [w.end.weekday() for w in weeks[:-1]] == [6] * 25  # Sundays, then today (a Monday)
    assert weeks[-1].end == today and weeks[-2].end == today - timedelta(days=1)
    assert weeks[0].end == today - timedelta(days=1 + 7 * 24)
    for week in weeks:
        night = datetime.combine(week.end + timedelta(days=1), time(), TZ)
        counts = dict.fromkeys(Category, 0)
        blocked = 0
        for a in items:
            category = _standing_at(a, week.end, False)
            if category is None:
                continue
            counts[category] += 1
            open_then = category in (Category.IN_PROGRESS, Category.OVERDUE)
            since = first_blocked.get(a.id)
            # Blocked from the first standing report until the item's status changed.
            still = a.blocked or a.updated_at >= night
            if open_then and since is not None and since < night and still:
                blocked += 1
        shown = week.tally
        assert (shown.done_on_time, shown.done_late, shown.in_progress, shown.overdue,
                shown.blocked) == (counts[Category.DONE_ON_TIME], counts[Category.DONE_LATE],
                                   counts[Category.IN_PROGRESS], counts[Category.OVERDUE],
                                   blocked), week.end
    assert weeks[0].tally != weeks[-1].tally
    assert any(w.tally.blocked for w in weeks[:-1])
    assert weeks[-1].tally == status_tally(busy, today)


def test_the_overdue_list_filters_by_plan_agency_due_dates_and_days_late(
        busy: DashboardWorld) -> None:
    today = busy.world.clock().date()
    with busy.world.sessions() as session:
        late = [a for a in work.lead_assignments(session, today)
                if standing_of(a, today).category is Category.OVERDUE]
        total, rows = overdue_items(session, today)
        assert total == len(late) == len(rows)
        assert [r.due for r in rows] == sorted(r.due for r in rows)
        wanted = OverdueFilter(date(2024, 6, 1), date(2024, 12, 31), 100)
        _, some = overdue_items(session, today, Scope(None, "LAGI"), wanted)
        expected = {a.id for a in late if a.agency_code == "LAGI"
                    and date(2024, 6, 1) <= a.due <= date(2024, 12, 31)
                    and (today - a.due).days >= 100}
        assert {r.assignment_id for r in some} == expected and expected
        assert all(r.standing.days_late >= 100 for r in some)
        limited_total, limited = overdue_items(session, today, limit=3)
        assert limited_total == total and len(limited) == 3


def test_pending_decisions_are_the_standing_blockers_oldest_first(busy: DashboardWorld) -> None:
    busy.world.say("sct", "/vuongmac 3 Chờ UBND tỉnh")
    today = busy.world.clock().date()
    with busy.world.sessions() as session:
        decisions = pending_decisions(session, today)
        blocked = [a for a in work.lead_assignments(session, today)
                   if standing_of(a, today).blocked]
    assert {d.item.assignment_id for d in decisions} == {a.id for a in blocked}
    notes = [d.note for d in decisions]
    assert notes[-1] == "Chờ UBND tỉnh" and "Chờ ý kiến" not in notes  # withdrawn: gone
    assert [d.since for d in decisions] == sorted(d.since for d in decisions)
    assert decisions[-1].kind == "blocked" and decisions[-1].officer_name == "Trần Thị Bình"


def test_the_overview_shows_a_change_made_in_the_chat_at_once(busy: DashboardWorld) -> None:
    client = busy.client("Lê Điều Phối")
    before = client.get("/").text
    today = busy.world.clock().date()
    late = status_tally(busy, today).done_late
    assert f'data-k="done_late">{late}<' in before
    assert client.get("/").text == before  # read again: the same (from the cache)
    assert "hoàn thành quá hạn" in busy.world.say("sct", "/xong 3 Đã trình")
    after = client.get("/").text
    assert status_tally(busy, today).done_late == late + 1
    assert f'data-k="done_late">{late + 1}<' in after
