"""What answering a report costs: /done reads what its answer needs, not whole tables.

The `/done` round trip was measured at several times an echo bot's (README, Scale): reading
every agency to name one, loading every period of a task to find the open one. These pin what
a report reads, so that cost does not come back unnoticed, and that the answers stay the same.
"""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, update

from bot.app import Services, build_services, run_bot
from bot.cli import main
from bot.commands import Incoming
from bot.settings import Settings
from storage.db import make_engine
from storage.models import Assignment, OccurrenceRow, StatusEvent, TaskRow
from tests.fakes.telegram_api import FakeTelegramServer
from tests.world import Clock, World, local, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2026-06-18 09:00"))
    w.register("lagi", "LAGI", name="Võ La Gi", channel="telegram")
    # Task 9 ("Thường xuyên", every district a lead): LA GI did every quarter before 2026-Q2.
    with w.sessions() as session, session.begin():
        done = (select(Assignment.id).join(OccurrenceRow).join(TaskRow)
                .where(TaskRow.key == "9", Assignment.agency_code == "LAGI",
                       OccurrenceRow.due < local("2026-04-01 00:00").date()))
        session.execute(update(Assignment).where(Assignment.id.in_(done))
                        .values(status="done"))
    return w


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL run on `engine` inside the block, whitespace folded."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@contextmanager
def assignments_loaded() -> Iterator[list[int]]:
    """Collect the ids of the Assignment rows the ORM loads inside the block."""
    loaded: list[int] = []

    def note(target: Assignment, context: Any) -> None:
        loaded.append(target.id)

    event.listen(Assignment, "load", note)
    try:
        yield loaded
    finally:
        event.remove(Assignment, "load", note)


def engine_of(world: World) -> Engine:
    bind = world.sessions.kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def parts_of_nine(world: World, agency: str, *, open_only: bool) -> int:
    with world.sessions() as session:
        query = (select(Assignment.id).join(OccurrenceRow).join(TaskRow)
                 .where(TaskRow.key == "9", Assignment.agency_code == agency))
        if open_only:
            query = query.where(Assignment.status != "done")
        return len(session.scalars(query).all())


def test_a_done_names_its_agency_without_reading_every_agency(world: World) -> None:
    with statements(engine_of(world)) as seen:
        reply = world.say("lagi", "/xong 9", channel="telegram")
    assert "Ủy ban nhân dân thị xã La Gi hoàn thành nhiệm vụ 9@2026-Q2" in reply
    whole = [s for s in seen if re.search(r"FROM (agencies|agency_names)( ORDER BY .*)?$", s)]
    assert whole == []


def test_a_done_loads_the_open_parts_of_its_task_not_every_period(world: World) -> None:
    open_parts = parts_of_nine(world, "LAGI", open_only=True)
    assert 0 < open_parts < parts_of_nine(world, "LAGI", open_only=False)
    with assignments_loaded() as loaded:
        reply = world.say("lagi", "/xong 9", channel="telegram")
    assert "hoàn thành nhiệm vụ 9@2026-Q2" in reply
    # Before: every district's parts (to list the leads), then every period of LA GI's.
    assert len(loaded) <= open_parts


def test_a_tasks_parts_are_found_through_its_occurrences_not_an_index_of_every_part(
        world: World) -> None:
    engine = engine_of(world)
    asked: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "FROM assignments JOIN occurrences" in statement:
            asked.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        assert "9@2026-Q2" in world.say("lagi", "/xong 9", channel="telegram")
    finally:
        event.remove(engine, "before_cursor_execute", note)
    # The agency's parts alone: they show it leads the task (its leads are read to refuse).
    assert len(asked) == 1
    with engine.connect() as connection:
        for statement, parameters in asked:
            plan = [row[-1] for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters)]
            steps = [step.split(" USING ")[0] for step in plan if step.startswith("SEARCH")]
            # By the task's id, its occurrences, then each occurrence's parts: a few rows.
            assert steps.index("SEARCH occurrences") < steps.index("SEARCH assignments"), plan
            assert not any("ix_assignments_" in step for step in plan), plan


def test_a_period_is_named_in_any_case_and_an_unknown_one_lists_the_periods(
        world: World) -> None:
    refused = world.say("lagi", "/xong 9@2026-Q9", channel="telegram")
    assert refused.startswith("Nhiệm vụ 9 không có kỳ «2026-Q9». Các kỳ: 2024-Q2, 2024-Q3")
    assert "2026-Q2" in refused
    assert "9@2026-Q2" in world.say("lagi", "/xong 9@2026-q2", channel="telegram")
    assert "đã hoàn thành" in world.say("lagi", "/xong 9@2025-Q4", channel="telegram")


def test_a_done_records_who_when_and_why_with_its_message(world: World) -> None:
    world.clock.now = local("2026-06-18 10:15")
    world.commands.handle(Incoming("telegram", "lagi", "Võ La Gi", "/xong 9 Đã báo cáo sở",
                                   message_id="tg:1"))
    assert world.commands.handle(Incoming("telegram", "lagi", "Võ La Gi",
                                          "/xong 9 Đã báo cáo sở", message_id="tg:1")) == []
    with world.sessions() as session:
        [event_row] = session.scalars(select(StatusEvent)).all()
    assert (event_row.status, event_row.note, event_row.channel, event_row.at) == (
        "done", "Đã báo cáo sở", "telegram", local("2026-06-18 10:15"))
    assert event_row.officer_id is not None and event_row.agency_code == "LAGI"


def test_each_commit_to_sqlite_is_synced_to_disk(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        engine.dispose()


def test_while_the_bot_runs_what_start_up_built_is_out_of_the_collectors_full_passes(
        tmp_path: Path, fake_telegram: FakeTelegramServer) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}",
                        telegram_token=fake_telegram.token, telegram_api_url=fake_telegram.api_url)
    services = build_services(settings, Clock(local("2026-06-18 09:00")))
    frozen: list[int] = []

    async def main() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(run_bot(services, stop))
        try:
            while not fake_telegram.calls("getUpdates") and not running.done():
                await asyncio.sleep(0.02)
            fake_telegram.user_says(501, "/help")
            await asyncio.to_thread(fake_telegram.wait_for_sent, 1)
            frozen.append(gc.get_freeze_count())
        finally:
            stop.set()
            assert await asyncio.wait_for(running, 5) == 0
    try:
        asyncio.run(asyncio.wait_for(main(), 30))
    finally:
        services.engine.dispose()
    assert frozen[0] > 10_000  # the modules, the plan, the settings
    assert gc.get_freeze_count() == 0  # handed back once the bot stopped


def test_a_tick_from_the_command_line_ticks_with_start_up_out_of_the_collectors_passes(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NHACVIEC_DB_URL", f"sqlite:///{tmp_path / 'nhacviec.db'}")
    for name in ("NHACVIEC_PLAN", "NHACVIEC_AGENCIES", "TELEGRAM_BOT_USERNAME", "NHACVIEC_TZ"):
        monkeypatch.delenv(name, raising=False)
    assert main(["init", "--as-of", "2024-06-20"]) == 0
    frozen: list[int] = []
    real_tick = Services.tick

    def tick(self: Services, now: datetime, *, forced: bool = False) -> object:
        frozen.append(gc.get_freeze_count())  # a full pass now skips what start-up built
        return real_tick(self, now, forced=forced)

    monkeypatch.setattr(Services, "tick", tick)
    assert main(["tick", "--as-of", "2024-06-20T08:00"]) == 0
    assert "Lượt nhắc lúc 08:00 20/06/2024" in capsys.readouterr().out
    assert frozen[0] > 10_000
    assert gc.get_freeze_count() == 0
