"""The running counts hold what /status counts, whatever wrote the change (a chat command, the
workflow, a plan setting, raw SQL), folded in or not yet, across weeks and on PostgreSQL's
triggers' SQLite twins; counting again changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from scheduler.status import Category, Tally, standing_of, tally
from storage import dashboard, plans, tally_fold, work
from storage import tally as running
from storage.dashboard import Scope
from storage.dashboard_lists import OverdueFilter, most_overdue, overdue_items
from storage.db import make_engine
from storage.models import Assignment, PlanRow, StatusEvent
from storage.tally_models import TallyDirty, TallyStep
from tests.test_followup import confirming
from tests.world import TZ, World, local, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-20 09:00"))
    w.register("sct", "SCT", name="Trần Thị Bình")
    w.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    w.register("lagi", "LAGI", name="Võ La Gi")
    return w


def status_tally(world: World, agency: str | None = None) -> Tally:
    today = world.clock().date()
    with world.sessions() as session:
        return tally(standing_of(a, today) for a in work.lead_assignments(session, today, agency))


def shown(world: World, where: Scope = running.ALL) -> Tally:
    with world.sessions() as session:
        return dashboard.total(running.counts(session, world.clock().date(), TZ, where))


def drain(world: World, batch: int = tally_fold.BATCH) -> int:
    """Fold every noted change in, a batch a transaction; return the number of batches."""
    batches = 0
    while True:
        batches += 1
        with world.sessions() as session, session.begin():
            if tally_fold.drain(session, world.clock().date(), TZ, batch) < batch:
                return batches


def noted(world: World) -> int:
    with world.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(TallyDirty)) or 0)


def assert_counts_hold(world: World) -> None:
    """The counts equal /status's, before the changes are folded in and after; the overdue
    list holds the items /status calls overdue."""
    today = world.clock().date()
    with world.sessions() as session:
        late = {a.id for a in work.lead_assignments(session, today)
                if standing_of(a, today).category is Category.OVERDUE}
        total, rows = overdue_items(session, today)
        for days, limit in ((1, 3), (1, 1000), (121, 2)):
            assert most_overdue(session, today, Scope(), days, limit) == overdue_items(
                session, today, Scope(), OverdueFilter(min_days=days), limit)[1]
        assert most_overdue(session, today, Scope(None, "LAGI"), 1, 5) == overdue_items(
            session, today, Scope(None, "LAGI"), None, 5)[1]
    assert total == len(late) and {r.assignment_id for r in rows} == late
    expected = status_tally(world)
    assert shown(world) == expected
    assert shown(world, Scope(agency_code="LAGI")) == status_tally(world, "LAGI")
    drain(world)
    assert noted(world) == 0
    assert shown(world) == expected
    with world.sessions() as session:
        assert running.consistent(session, TZ)
        [(_, last)] = running.trend(session, world.clock().date(), TZ, 1)
    assert last == expected


def test_the_counts_follow_reports_extensions_confirmations_and_plan_settings(
        world: World) -> None:
    confirming(world)
    assert_counts_hold(world)
    world.say("lagi", "/vuongmac 5@2024-Q2 Thiếu cán bộ")
    world.clock.now = local("2024-07-02 09:00")
    assert world.say("sct", "/giahan 2@2024-Q2 31/12/2024 Chờ số liệu").startswith("📨")
    assert world.say("coord", "/duyet 1").startswith("✅")
    world.say("sct", "/xong 1 Đã tổ chức hội nghị")  # awaits the coordinator's confirmation
    assert_counts_hold(world)
    assert status_tally(world).awaiting == 1 and status_tally(world).blocked == 1
    world.clock.now = local("2024-10-15 09:00")
    assert world.say("coord", "/xacnhan 1").startswith("✅")
    assert_counts_hold(world)
    with world.sessions() as session, session.begin():
        plans.set_track_from(session, session.scalars(select(PlanRow)).one(), date(2024, 9, 1))
    assert_counts_hold(world)
    assert status_tally(world).not_tracked
    with world.sessions() as session, session.begin():
        plans.archive(session, session.scalars(select(PlanRow)).one())
    assert shown(world) == Tally() == status_tally(world)
    assert_counts_hold(world)


def test_a_change_written_around_the_code_is_counted_through_the_triggers(
        world: World) -> None:
    drain(world)
    with world.sessions() as session:
        first = work.lead_assignments(session, world.clock().date())[0]
    engine = make_engine(world.url)

    def write(sql: str) -> None:
        with engine.begin() as connection:
            connection.execute(text(sql), {"id": first.id})
        assert noted(world) >= 1

    write("UPDATE assignments SET status = 'done', completed_on = '2024-06-19' WHERE id = :id")
    assert_counts_hold(world)
    write("UPDATE occurrences SET due = '2024-06-01' WHERE id = "
          "(SELECT occurrence_id FROM assignments WHERE id = :id)")
    assert shown(world).done_late >= 1
    assert_counts_hold(world)
    write("UPDATE tasks SET archived = 1 WHERE id = (SELECT o.task_id FROM occurrences o "
          "JOIN assignments a ON a.occurrence_id = o.id WHERE a.id = :id)")
    assert_counts_hold(world)
    engine.dispose()
    with world.sessions() as session, session.begin():  # a report alone, its item untouched
        other = work.lead_assignments(session, world.clock().date(), "LAGI")[0]
        other.updated_at = local("2024-06-19 09:00")
    drain(world)
    with world.sessions() as session, session.begin():
        session.add(StatusEvent(assignment_id=other.id, agency_code="LAGI", channel="console",
                                status="blocked", note="", at=local("2024-06-10 09:00")))
    assert noted(world) == 1
    assert_counts_hold(world)
    with world.sessions() as session:
        [(_, last_week), _] = running.trend(session, world.clock().date(), TZ, 2)
    assert last_week.blocked == 1  # blocked from 10/06 until its change on 19/06


def test_counting_again_from_scratch_gives_the_same_sums(world: World) -> None:
    world.say("sct", "/xong 1")
    world.say("lagi", "/vuongmac 5@2024-Q2 Thiếu cán bộ")
    world.clock.now = local("2024-11-20 09:00")
    world.say("sct", "/xong 2")
    drain(world)  # folds June's days into their weeks, then counts the reports
    with world.sessions() as session:
        kept = sorted((s.day, s.plan_id, s.agency_code, s.category, s.n)
                      for s in session.scalars(select(TallyStep)) if s.n)
        trend = running.trend(session, world.clock().date(), TZ, 26)
    with world.sessions() as session, session.begin():
        tally_fold.reset(session)
    assert shown(world) == status_tally(world)  # nothing counted: all read from the notes
    drain(world)
    with world.sessions() as session:
        again = sorted((s.day, s.plan_id, s.agency_code, s.category, s.n)
                       for s in session.scalars(select(TallyStep)) if s.n)
        assert running.trend(session, world.clock().date(), TZ, 26) == trend
    assert kept == again
    assert any(t.blocked for _, t in trend) and trend[0][1] != trend[-1][1]


def test_many_changes_are_folded_in_batches_and_read_right_between_them(
        world: World) -> None:
    drain(world)
    with world.sessions() as session, session.begin():
        session.execute(update(Assignment).where(Assignment.agency_code == "SCT")
                        .values(status="blocked"))
    changed = noted(world)
    assert changed > 6 and status_tally(world).blocked >= 6
    expected = status_tally(world)
    while noted(world):
        with world.sessions() as session, session.begin():
            assert tally_fold.drain(session, world.clock().date(), TZ, 3) <= 3
        assert shown(world) == expected
    assert_counts_hold(world)


def test_a_day_before_the_folded_weeks_is_read_from_the_facts(world: World) -> None:
    world.say("sct", "/xong 1")
    drain(world)
    june = shown(world)
    world.clock.now = local("2024-09-10 09:00")
    drain(world)  # the stored days are folded for September's week now
    world.clock.now = local("2024-06-20 09:00")
    assert shown(world) == june == status_tally(world)


def test_the_most_overdue_items_are_right_before_the_changes_are_folded_in(
        world: World) -> None:
    world.clock.now = local("2024-12-20 09:00")
    drain(world)
    today = world.clock().date()

    def listed(limit: int) -> list[int]:
        with world.sessions() as session:
            items = most_overdue(session, today, Scope(), 1, limit)
            assert items == overdue_items(session, today, Scope(), None, limit)[1]
        return [item.assignment_id for item in items]

    [first, second] = listed(2)
    with world.sessions() as session:
        in_time = next(a.id for a in work.lead_assignments(session, today)
                       if standing_of(a, today).category is Category.IN_PROGRESS)
    engine = make_engine(world.url)
    with engine.begin() as connection:  # counted with a later deadline: overdue the longest now
        connection.execute(text("UPDATE assignments SET due_override = '2023-01-01' "
                                "WHERE id = :id"), {"id": in_time})
    assert listed(1) == [in_time]
    drain(world)
    with engine.begin() as connection:  # counted as overdue still: done now
        connection.execute(text("UPDATE assignments SET status = 'done', completed_on = "
                                "'2024-12-19' WHERE id IN (:a, :b)"), {"a": in_time, "b": first})
    engine.dispose()
    assert listed(1) == [second]
