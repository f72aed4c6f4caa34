"""The same storage on a real PostgreSQL server, which the test starts and stops itself.

Skipped, with the reason, where no PostgreSQL server binaries are installed.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.app import Services, build_services
from bot.commands import Incoming
from bot.settings import Settings
from storage.invites import create_invite
from storage.models import (
    Assignment,
    OccurrenceRow,
    OutboxMessage,
    Role,
    StatusEvent,
    TaskRow,
)
from tests.world import Clock, local

PG_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
pytestmark = pytest.mark.skipif(not PG_BINARIES, reason="no PostgreSQL server installed here")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres() -> dict[str, Any]:
    # The server refuses to run as root; CI and sessions here are root.
    if os.geteuid() != 0:
        return {}
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' user to run the server")
    return {"user": "postgres"}


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    bin_dir = PG_BINARIES[-1].parent
    base = Path(tempfile.mkdtemp(prefix="nhacviec-pg-"))
    base.chmod(0o755)
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    identity = _as_postgres()
    if identity:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    subprocess.run([str(bin_dir / "initdb"), "-D", str(data), "-U", "nhacviec",
                    "--auth=trust", "--encoding=UTF8", "--locale=C"],
                   check=True, capture_output=True, timeout=120, **identity)
    subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l",
                    str(base / "server.log"), "-o",
                    f"-p {port} -k {sockets} -c listen_addresses=''", "start"],
                   check=True, capture_output=True, timeout=120, **identity)
    try:
        subprocess.run([str(bin_dir / "createdb"), "-h", str(sockets), "-p", str(port),
                        "-U", "nhacviec", "nhacviec"], check=True, capture_output=True, timeout=60)
        yield f"postgresql+psycopg://nhacviec@/nhacviec?host={sockets}&port={port}"
    finally:
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, **identity)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def services(pg_url: str) -> Services:
    return build_services(Settings(db_url=pg_url), Clock(local("2024-06-21 08:30")))


def register(services: Services, chat_id: str, agency: str, role: str = "focal") -> None:
    with services.sessions() as session, session.begin():
        code = create_invite(session, agency, Role(role), services.clock()).code
    services.commands.handle(Incoming("telegram", chat_id, chat_id, f"/start {code}"))


def test_the_migrations_and_the_plan_load_on_postgresql(services: Services) -> None:
    with services.sessions() as session:
        tasks = session.scalar(select(func.count()).select_from(TaskRow))
        assignments = session.scalar(select(func.count()).select_from(Assignment))
    assert tasks == len(services.plan.tasks)
    assert assignments and assignments > 100
    assert not services.sync(services.clock()).changed


def test_a_tick_on_postgresql_queues_once(services: Services) -> None:
    register(services, "pg-sct", "SCT")
    first = services.tick(local("2024-06-21 08:00"), forced=True) or []
    again = services.tick(local("2024-06-21 08:00"), forced=True) or []
    assert first and again == []
    with services.sessions() as session:
        texts = session.scalars(select(OutboxMessage.text)
                                .where(OutboxMessage.chat_id == "pg-sct")).all()
    assert any("🔔 Nhắc việc – nhiệm vụ 1:" in text for text in texts)  # the day's message


def test_two_officers_reporting_the_same_period_at_once_record_it_once(
        services: Services) -> None:
    register(services, "pg-a", "SCT")
    register(services, "pg-b", "SCT")
    # Seven items of SCT whose windows have opened on 21/06/2024 (a period that has not begun
    # cannot be reported on).
    refs = {"1": ("1", ""), "2@2024-Q2": ("2", "2024-Q2"), "3": ("3", ""), "4": ("4", ""),
            "6": ("6", ""), "III.1@2024-H1": ("III.1", "2024-H1"),
            "III.1@2024-H2": ("III.1", "2024-H2")}

    def report(chat_id: str, ref: str, start: threading.Barrier) -> None:
        start.wait()
        services.commands.handle(Incoming("telegram", chat_id, chat_id, f"/xong {ref} cùng lúc"))

    for ref in refs:
        start = threading.Barrier(2)
        threads = [threading.Thread(target=report, args=(chat, ref, start))
                   for chat in ("pg-a", "pg-b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    with services.sessions() as session:
        done = session.execute(
            select(TaskRow.key, OccurrenceRow.period, func.count(StatusEvent.id))
            .join(Assignment, Assignment.id == StatusEvent.assignment_id)
            .join(OccurrenceRow, OccurrenceRow.id == Assignment.occurrence_id)
            .join(TaskRow, TaskRow.id == OccurrenceRow.task_id)
            .where(StatusEvent.status == "done")
            .group_by(TaskRow.key, OccurrenceRow.period)).all()
    assert {(key, period): count for key, period, count in done} == dict.fromkeys(
        refs.values(), 1)


def test_aware_instants_round_trip_as_utc_on_postgresql(services: Services) -> None:
    with services.sessions() as session:
        at = session.scalars(select(StatusEvent.at).limit(1)).one()
    assert at.tzinfo is not None and at.utcoffset() == timedelta(0)
    assert at == local("2024-06-21 08:30")  # the clock of the reports, read back as UTC


def test_the_running_counts_follow_reports_and_raw_writes_on_postgresql(
        services: Services) -> None:
    from scheduler.status import standing_of, tally
    from storage import dashboard, tally_fold, work
    from storage import tally as running

    register(services, "pg-c", "LAGI")
    services.commands.handle(Incoming("telegram", "pg-c", "pg-c", "/vuongmac 5@2024-Q2 Thiếu"))
    today = services.clock().date()
    tz = services.settings.tz

    def expected() -> object:
        with services.sessions() as session:
            return tally(standing_of(a, today) for a in work.lead_assignments(session, today))

    def counted() -> object:
        with services.sessions() as session:
            return dashboard.total(running.counts(session, today, tz))

    assert counted() == expected()  # nothing folded in yet: read from the noted changes
    with services.sessions() as session, session.begin():
        assert tally_fold.drain(session, today, tz, 100_000) > 100
    assert counted() == expected()
    with services.sessions() as session, session.begin():
        session.execute(text("UPDATE occurrences SET due = due - 60 WHERE id IN "
                             "(SELECT occurrence_id FROM assignments WHERE status = 'open' "
                             "LIMIT 3)"))
        session.execute(text("UPDATE plans SET track_from = '2024-05-01'"))
    with services.sessions() as session:
        assert session.scalar(text("SELECT count(*) FROM tally_dirty")) > 3
    assert counted() == expected()
    with services.sessions() as session, session.begin():
        tally_fold.drain(session, today, tz, 100_000)
    with services.sessions() as session:
        assert running.consistent(session, tz)
    assert counted() == expected()


def test_the_dashboard_reads_one_snapshot_per_page_on_postgresql(pg_url: str) -> None:
    from sqlalchemy import text as sql

    from storage.db import make_read_engine

    engine = make_read_engine(pg_url)
    try:
        with engine.connect() as connection:
            level = connection.execute(sql("SHOW transaction_isolation")).scalar_one()
    finally:
        engine.dispose()
    assert level == "repeatable read"
