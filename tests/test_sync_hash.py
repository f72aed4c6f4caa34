"""A plan is synced when its files changed (its content hash), not at every tick; the horizon
moving only adds the new occurrences, the same ones a full sync would write."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.app import Services
from bot.settings import Settings
from plan_data.loader import load_bundled
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import Assignment, OccurrenceRow, PlanRow, TaskRow
from storage.sync import content_hash, ensure_synced, sync_plan
from tests.world import local, make_world

NOW = local("2024-06-20 09:00")


def database(tmp_path: Path, name: str) -> sessionmaker[Session]:
    url = f"sqlite:///{tmp_path / name}"
    upgrade(url)
    return make_sessionmaker(make_engine(url))


def writes(sessions: sessionmaker[Session]) -> Iterator[list[str]]:
    """Collect the statements that write, as they run."""
    seen: list[str] = []
    engine = sessions.kw["bind"]

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def work(sessions: sessionmaker[Session]) -> set[tuple[Any, ...]]:
    """Return every occurrence with its assignments, as plain values."""
    with sessions() as session:
        return {tuple(row) for row in session.execute(
            select(TaskRow.key, OccurrenceRow.period, OccurrenceRow.label,
                   OccurrenceRow.window_start, OccurrenceRow.due, OccurrenceRow.archived,
                   Assignment.agency_code, Assignment.role, Assignment.status)
            .join(OccurrenceRow, OccurrenceRow.task_id == TaskRow.id)
            .join(Assignment, Assignment.occurrence_id == OccurrenceRow.id))}


def test_an_unchanged_plan_is_not_synced_again(tmp_path: Path) -> None:
    directory, plan = load_bundled()
    sessions = database(tmp_path, "a.db")
    until = date(2025, 7, 1)
    with sessions() as session, session.begin():
        report = ensure_synced(session, directory, plan, until, NOW)
        assert report is not None and report.assignments_added > 0
    with sessions() as session, session.begin():
        stored = session.get_one(PlanRow, plan.id)
        assert stored.content_hash == content_hash(directory, plan)
        assert stored.synced_until == until
    for seen in writes(sessions):
        with sessions() as session, session.begin():
            assert ensure_synced(session, directory, plan, until, NOW) is None
        assert seen == []


def test_a_changed_plan_is_synced(tmp_path: Path) -> None:
    directory, plan = load_bundled()
    sessions = database(tmp_path, "a.db")
    until = date(2025, 7, 1)
    with sessions() as session, session.begin():
        ensure_synced(session, directory, plan, until, NOW)
    task = plan.tasks[0]
    changed = plan.model_copy(update={"tasks": (
        task.model_copy(update={"title": "Tiêu đề mới"}), *plan.tasks[1:])})
    assert content_hash(directory, changed) != content_hash(directory, plan)
    with sessions() as session, session.begin():
        report = ensure_synced(session, directory, changed, until, NOW)
        assert report is not None and report.tasks_updated == 1
    with sessions() as session:
        assert session.scalars(select(TaskRow.title).filter_by(key=task.key)).one() == (
            "Tiêu đề mới")
        assert session.get_one(PlanRow, plan.id).content_hash == content_hash(directory,
                                                                               changed)


def test_the_horizon_moving_adds_only_the_new_occurrences_a_full_sync_would_write(
        tmp_path: Path) -> None:
    directory, plan = load_bundled()
    extended = database(tmp_path, "extended.db")
    full = database(tmp_path, "full.db")
    first, later = date(2025, 1, 10), date(2026, 3, 5)
    with extended() as session, session.begin():
        ensure_synced(session, directory, plan, first, NOW)
    before = work(extended)
    with extended() as session, session.begin():
        report = ensure_synced(session, directory, plan, later, NOW)
        assert report is not None and not report.tasks_updated
        assert report.occurrences_added > 0 and report.assignments_added > 0
    with full() as session, session.begin():
        sync_plan(session, directory, plan, later, NOW)
    after = work(extended)
    assert before < after
    assert after == work(full)
    assert len(after - before) == report.assignments_added


def test_a_tick_does_not_sync_an_unchanged_plan_and_syncs_a_changed_one(tmp_path: Path) -> None:
    directory, plan = load_bundled()
    world = make_world(tmp_path, NOW)
    services = Services(Settings(db_url=world.url), world.sessions.kw["bind"], world.sessions,
                        world.clock, world.calendar, directory, plan, world.commands)
    services.tick(NOW, forced=True)  # the first sync under a hash
    with world.sessions() as session, session.begin():
        session.execute(update(TaskRow).where(TaskRow.key == plan.tasks[0].key)
                        .values(title="sửa tay trong cơ sở dữ liệu"))
    services.tick(NOW + timedelta(days=1), forced=True)
    with world.sessions() as session:
        title = session.scalars(select(TaskRow.title).filter_by(key=plan.tasks[0].key)).one()
    assert title == "sửa tay trong cơ sở dữ liệu"  # the file did not change: nothing synced
    services.plan = plan.model_copy(update={"title": plan.title + " (sửa đổi)"})
    services.tick(NOW + timedelta(days=2), forced=True)
    with world.sessions() as session:
        title = session.scalars(select(TaskRow.title).filter_by(key=plan.tasks[0].key)).one()
    assert title == plan.tasks[0].title  # the file changed: the plan was synced again
