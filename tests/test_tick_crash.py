"""A tick writes in short batches; one cut short by a crash and run again queues each reminder
exactly once, and officers' commands are answered while a tick runs."""

from __future__ import annotations

import threading
import time as monotonic_time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import bot.delivery.tick as tick_module
from bot.app import Services
from bot.settings import Settings
from plan_data.loader import load_bundled
from storage.models import Assignment, OccurrenceRow, OutboxMessage, ReminderRow, TaskRow, Tick
from tests.world import World, local, make_world

INSTANT = "2024-06-21 08:00"  # the T-7 of the second quarter: many reminders at once


def staffed(tmp_path: Path) -> tuple[World, Services]:
    directory, plan = load_bundled()
    tmp_path.mkdir(exist_ok=True)
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    for agency in directory.agencies:
        world.register(f"focal-{agency.code}", agency.code)
    world.register("coordinator", plan.coordinator, "coordinator")
    services = Services(Settings(db_url=world.url), world.sessions.kw["bind"], world.sessions,
                        world.clock, world.calendar, directory, plan, world.commands)
    return world, services


def queued(world: World) -> tuple[Counter[tuple[str, str, str]], Counter[tuple[str, str, str]]]:
    """Return the reminders recorded (task, agency, key) and the messages queued (chat, kind,
    text), each with how many times."""
    with world.sessions() as session:
        reminders = Counter(tuple(row) for row in session.execute(
            select(TaskRow.key, Assignment.agency_code, ReminderRow.key)
            .join(Assignment, Assignment.id == ReminderRow.assignment_id)
            .join(OccurrenceRow, OccurrenceRow.id == Assignment.occurrence_id)
            .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)).all())
        messages = Counter(tuple(row) for row in session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.kind, OutboxMessage.text)
            .where(OutboxMessage.kind.in_(("reminder", "escalation")))).all())
    return reminders, messages


def test_a_tick_cut_short_and_run_again_queues_each_reminder_exactly_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_world, clean = staffed(tmp_path / "clean")
    clean_world.clock.now = local(INSTANT)
    assert clean.tick(clean_world.clock.now)
    expected = queued(clean_world)
    assert len(expected[0]) > 20

    world, services = staffed(tmp_path / "crash")
    world.clock.now = local(INSTANT)
    monkeypatch.setattr(tick_module, "BATCH_SIZE", 4)
    real = tick_module._queue_batch
    calls: list[int] = []

    def crash_in_the_third(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:  # in the third batch: two batches are committed
            raise RuntimeError("the process died here")
        return real(*args, **kwargs)

    monkeypatch.setattr(tick_module, "_queue_batch", crash_in_the_third)
    with pytest.raises(RuntimeError):
        services.tick(world.clock.now)
    partial = queued(world)
    assert 0 < sum(partial[0].values()) < sum(expected[0].values())
    monkeypatch.setattr(tick_module, "_queue_batch", real)

    # The claim stays while it is fresh (the tick might still be running elsewhere) ...
    assert services.tick(world.clock.now) is None
    # ... and a later wake, once the claim's lease ran out, finishes the tick.
    world.clock.now = local(INSTANT) + timedelta(seconds=services.settings.claim_lease_seconds)
    assert services.tick(world.clock.now)
    assert queued(world) == expected
    assert all(count == 1 for count in queued(world)[0].values())
    with world.sessions() as session:
        assert session.scalars(select(Tick.completed_at)).one() is not None
    assert services.tick(world.clock.now) is None  # served: a third wake queues nothing
    assert queued(world) == expected


def test_two_ticks_of_one_instant_at_once_queue_each_reminder_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clean_world, clean = staffed(tmp_path / "clean")
    clean_world.clock.now = local(INSTANT)
    clean.tick(clean_world.clock.now, forced=True)
    expected = queued(clean_world)

    world, services = staffed(tmp_path / "twice")
    world.clock.now = local(INSTANT)
    monkeypatch.setattr(tick_module, "BATCH_SIZE", 3)
    errors: list[BaseException] = []

    def forced() -> None:
        try:
            services.tick(world.clock.now, forced=True)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=forced) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert queued(world) == expected


def test_a_tick_of_long_back_to_back_batches_does_not_starve_a_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite's busy handler polls at growing intervals: a writer that begins its next batch at
    # once after a commit would hold the lock through every poll of a waiting command, until
    # the command's busy timeout (here 1 s) fails it with "database is locked".
    import storage.db

    monkeypatch.setattr(storage.db, "SQLITE_BUSY_TIMEOUT_MS", 1000)
    world, services = staffed(tmp_path)
    world.clock.now = local(INSTANT)
    monkeypatch.setattr(tick_module, "BATCH_SIZE", 1)
    real = tick_module._queue_batch
    batches: list[float] = []

    def held_batch(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        monotonic_time.sleep(0.3)  # the write lock held 0.3 s, batch after batch
        batches.append(monotonic_time.monotonic())
        return result

    monkeypatch.setattr(tick_module, "_queue_batch", held_batch)
    services.sync(world.clock.now)
    failed: list[BaseException] = []

    def tick() -> None:
        try:
            services.tick(world.clock.now)
        except BaseException as error:  # reported below
            failed.append(error)

    ticking = threading.Thread(target=tick)
    ticking.start()
    while not batches:
        monotonic_time.sleep(0.01)
    answered = []
    while ticking.is_alive():
        started = monotonic_time.monotonic()
        assert world.say("focal-SCT", "/help")  # not "database is locked"
        answered.append(monotonic_time.monotonic() - started)
        monotonic_time.sleep(0.05)  # an officer types: the tick's own batches get in too
    ticking.join()
    assert failed == []
    assert len(batches) >= 5 and batches[-1] - batches[0] > 1.0  # longer than the timeout
    assert answered and max(answered) < 0.9


def test_commands_are_answered_while_a_tick_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world, services = staffed(tmp_path)
    world.clock.now = local(INSTANT)
    # A batch is one agency's reminders (its chats get one message a day) or the escalations.
    monkeypatch.setattr(tick_module, "BATCH_SIZE", 1)
    real = tick_module._queue_batch

    def slow_batch(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        monotonic_time.sleep(0.3)  # a long tick: many batches, each short
        return result

    monkeypatch.setattr(tick_module, "_queue_batch", slow_batch)
    services.sync(world.clock.now)  # the plan in step: the tick only ticks (a changed plan
    # file is synced in one transaction, which this does not measure)
    ticking = threading.Thread(target=services.tick, args=(world.clock.now,))
    ticking.start()
    latencies: list[float] = []
    while ticking.is_alive():
        started = monotonic_time.monotonic()
        assert world.say("focal-SCT", "/help")
        latencies.append(monotonic_time.monotonic() - started)
        monotonic_time.sleep(0.05)  # an officer types: the tick's own batches get in too
    ticking.join()
    assert len(latencies) >= 5
    # A batch holds the write lock for a few milliseconds; a command waits at most for one.
    assert sorted(latencies)[int(len(latencies) * 0.95) - 1] < 0.5
