"""Nothing a person sends is lost: a message the database cannot take (locked by another process,
full) is kept in the journal beside it, the person is told it will be applied, and it is applied
in order, once, with its original time of receipt, when the database is back."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from bot import texts
from bot.app import build_services
from bot.commands import Incoming
from bot.inbox import Inbox
from bot.settings import Settings, load_settings
from storage import db
from storage.invites import create_invite
from storage.journal import Journal, JournalEntry, default_journal_path
from storage.models import (
    Assignment,
    InboundMessage,
    OccurrenceRow,
    OutboxMessage,
    Role,
    StatusEvent,
    TaskRow,
)
from tests.fakes.telegram_api import FakeTelegramServer
from tests.fakes.zalo_api import FakeZaloServer, text_update
from tests.test_e2e_telegram import (
    REGISTRATION_DAY,
    SCT_FOCAL,
    MovingClock,
    buttons_of_item,
    item_of_task,
    reminder_of_task,
    wait_until,
)
from tests.test_e2e_telegram import Office as TelegramOffice
from tests.test_e2e_zalo import make_bot as make_zalo_bot
from tests.test_e2e_zalo import play as play_zalo
from tests.test_e2e_zalo import until
from tests.test_postgres import PG_BINARIES, _as_postgres, _free_port
from tests.world import TZ, World, local, make_world
from tests.world import Clock as WorldClock

REPO = Path(__file__).resolve().parent.parent
KEPT = "sẽ được áp dụng ngay khi hệ thống hoạt động lại"


def long_note(start: str) -> str:
    """A note of a few hundred bytes: on 512-byte pages its row needs a page of its own."""
    return start + ". " + " ".join(["Đã tổng hợp ý kiến của các sở, ngành và địa phương."] * 8)


# What officer "sct" (Sở Công Thương) sends while the database cannot take it, in order. The
# platform delivers m1 twice; m4 comes after m3 completed the task, so it must be refused.
MESSAGES: list[tuple[str, str, str]] = [
    ("m1", "08:05", "/tiendo 1 " + long_note("Đã xây dựng dự thảo kế hoạch tuyên truyền")),
    ("m2", "08:06", "/tiendo 1 " + long_note("Đã gửi dự thảo xin ý kiến các sở")),
    ("m1", "08:07", "/tiendo 1 " + long_note("Đã xây dựng dự thảo kế hoạch tuyên truyền")),
    ("m3", "08:08", "/xong 1 " + long_note("Đã tổ chức hội nghị quán triệt Nghị định 32")),
    ("m4", "08:09", "/xong 1 " + long_note("Hội nghị đã xong")),
]


@dataclass
class Office:
    world: World
    engine: Engine
    inbox: Inbox
    path: Path  # the SQLite file

    def send(self, message_id: str | None, hhmm: str, text: str, chat: str = "sct",
             is_button: bool = False) -> list[str]:
        self.world.clock.now = local(f"2024-06-21 {hhmm}")
        replies = self.inbox.handle(Incoming("console", chat, "Trần Thị Bình", text,
                                             is_button=is_button, message_id=message_id))
        return [reply.text for reply in replies]

    def events(self) -> list[tuple[str, str | None, datetime]]:
        with self.world.sessions() as session:
            return [(e.status, e.note, e.at) for e in
                    session.scalars(select(StatusEvent).order_by(StatusEvent.id))]

    def replies_queued(self, chat: str = "sct") -> list[str]:
        with self.world.sessions() as session:
            return list(session.scalars(
                select(OutboxMessage.text)
                .where(OutboxMessage.kind == "reply", OutboxMessage.chat_id == chat)
                .order_by(OutboxMessage.id)))

    def inbound(self) -> list[tuple[str, datetime]]:
        with self.world.sessions() as session:
            return [(m.message_id, m.received_at) for m in
                    session.scalars(select(InboundMessage).order_by(InboundMessage.id))]

    def task_1(self) -> Assignment:
        with self.world.sessions() as session:
            return session.scalars(
                select(Assignment).join(OccurrenceRow).join(TaskRow)
                .where(TaskRow.key == "1", Assignment.agency_code == "SCT",
                       Assignment.role == "lead")).one()


def open_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page_size: int = 4096,
                journal: Path | None = None) -> Office:
    # A waiting writer gives up after 0.2 s here (5 s in production): the test need not wait.
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "nhacviec.db"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA page_size={page_size}")
        raw.execute("CREATE TABLE created_with_this_page_size (x)")
        raw.execute("DROP TABLE created_with_this_page_size")
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    world.register("sct", "SCT", name="Trần Thị Bình")
    world.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    engine = world.sessions.kw["bind"]
    journal_path = journal or default_journal_path(world.url)
    inbox = Inbox(world.commands, Journal(journal_path), world.sessions, world.clock, TZ)
    return Office(world, engine, inbox, path)


@contextmanager
def locked(office: Office) -> Iterator[None]:
    """Another process holds the database's write lock for the duration."""
    holder = sqlite3.connect(office.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def full(office: Office) -> Iterator[None]:
    """The database cannot grow by one page ("database or disk is full") for the duration."""
    with sqlite3.connect(office.path) as raw:
        raw.execute("VACUUM")  # no free pages left to reuse
    limit = {"on": True}

    def cap(dbapi_connection: Any, record: Any) -> None:
        if limit["on"]:
            cursor = dbapi_connection.cursor()
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count={pages}")
            cursor.close()

    event.listen(office.engine, "connect", cap)
    office.engine.dispose()
    try:
        yield
    finally:
        limit["on"] = False
        event.remove(office.engine, "connect", cap)
        office.engine.dispose()


Fault = Callable[[Office], AbstractContextManager[None]]
FAULTS: dict[str, tuple[Fault, int]] = {"locked": (locked, 4096), "full": (full, 512)}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_messages_the_database_cannot_take_are_kept_and_applied_in_order_once_it_is_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    make_fault, page_size = FAULTS[fault]
    office = open_office(tmp_path, monkeypatch, page_size)
    with make_fault(office):
        answers = [office.send(message_id, hhmm, text) for message_id, hhmm, text in MESSAGES]
        for (_, hhmm, _), answer in zip(MESSAGES, answers, strict=True):
            [kept] = answer
            assert KEPT in kept and f"lúc {hhmm} 21/06/2024" in kept
    assert office.events() == []
    assert office.inbox.journal.pending()

    office.world.clock.now = local("2024-06-21 09:30")
    assert office.inbox.replay()

    assert office.events() == [
        ("progress", long_note("Đã xây dựng dự thảo kế hoạch tuyên truyền"),
         local("2024-06-21 08:05")),
        ("progress", long_note("Đã gửi dự thảo xin ý kiến các sở"), local("2024-06-21 08:06")),
        ("done", long_note("Đã tổ chức hội nghị quán triệt Nghị định 32"),
         local("2024-06-21 08:08")),
    ]
    task = office.task_1()
    assert (task.status, task.completed_on) == ("done", date(2024, 6, 21))
    assert office.inbound() == [("m1", local("2024-06-21 08:05")),
                                ("m2", local("2024-06-21 08:06")),
                                ("m3", local("2024-06-21 08:08")),
                                ("m4", local("2024-06-21 08:09"))]
    replies = office.replies_queued()
    assert len(replies) == 4  # m1 delivered twice is answered once
    assert replies[0].startswith("📥 Tin nhắn bạn gửi lúc 08:05 21/06/2024 («/tiendo 1 Đã xây")
    assert "nay đã được áp dụng:\n" in replies[0] and "tiến độ" in replies[0]
    assert replies[2].startswith("📥 Tin nhắn bạn gửi lúc 08:08 21/06/2024")
    assert "hoàn thành nhiệm vụ 1" in replies[2] and "hoàn thành đúng hạn" in replies[2]
    assert "đã hoàn thành" in replies[3] and "21/06/2024" in replies[3]
    assert office.inbox.journal.path.stat().st_size == 0

    # Once: a second replay (the timer's next wake, another process) changes nothing.
    assert office.inbox.replay()
    assert len(office.events()) == 3 and len(office.replies_queued()) == 4


def test_the_next_message_after_recovery_applies_the_kept_ones_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = open_office(tmp_path, monkeypatch)
    with locked(office):
        office.send("m1", "08:05", "/tiendo 1 Đã họp tổ công tác")
        office.send("m2", "08:06", "/xong 1 Đã tổ chức hội nghị")
    [answer] = office.send("m3", "09:00", "/tiendo 1 Báo cáo bổ sung sau hội nghị")
    assert "đã hoàn thành" in answer  # it came after the kept /xong, so it is refused
    assert [(status, at) for status, _, at in office.events()] == [
        ("progress", local("2024-06-21 08:05")), ("done", local("2024-06-21 08:06"))]
    assert not office.inbox.journal.pending()


def test_a_message_the_database_could_take_still_waits_behind_the_kept_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = open_office(tmp_path, monkeypatch, page_size=512)
    with full(office):
        # The long note needs a page the database cannot add; the short /xong would fit, but
        # applying it now would put it before the message sent first.
        [kept_first] = office.send("m1", "08:05", "/tiendo 1 " + long_note("Đã gửi báo cáo"))
        [kept_second] = office.send("m2", "08:06", "/xong 1 Xong")
        assert KEPT in kept_first and KEPT in kept_second
        assert office.events() == []
    assert office.inbox.replay()
    assert [(status, at) for status, _, at in office.events()] == [
        ("progress", local("2024-06-21 08:05")), ("done", local("2024-06-21 08:06"))]


def test_a_replay_cut_short_is_resumed_without_applying_anything_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = open_office(tmp_path, monkeypatch, page_size=512)
    with locked(office):
        office.send("m1", "08:05", "/tiendo 1 Đã họp")
        office.send("m2", "08:06", "/tiendo 1 " + long_note("Đã gửi dự thảo"))
        office.send("m3", "08:07", "/xong 1 Xong")
    with full(office):
        # m1 is small enough for the room left; m2 needs a page: the replay stops there.
        assert not office.inbox.replay()
        assert [note for _, note, _ in office.events()] == ["Đã họp"]
        assert len(office.replies_queued()) == 1
    assert office.inbox.replay()
    assert [status for status, _, _ in office.events()] == ["progress", "progress", "done"]
    assert len(office.replies_queued()) == 3
    assert [message_id for message_id, _ in office.inbound()] == ["m1", "m2", "m3"]


def test_a_tap_and_a_console_line_without_message_id_are_kept_and_applied(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = open_office(tmp_path, monkeypatch)
    task_1 = office.task_1().id
    with locked(office):
        [kept_line] = office.send(None, "08:05", "/tiendo 1 Đã họp")
        [kept_tap] = office.send("cb:1", "08:06", f"d:{task_1}", is_button=True)
        assert KEPT in kept_line and KEPT in kept_tap
    assert office.inbox.replay()
    assert [status for status, _, _ in office.events()] == ["progress", "done"]
    first, second = office.replies_queued()
    assert first.startswith("📥 Tin nhắn bạn gửi lúc 08:05")
    assert second.startswith("📥 Nút bạn bấm lúc 08:06 21/06/2024 nay đã được áp dụng:\n")
    [line_id, tap_id] = [message_id for message_id, _ in office.inbound()]
    assert line_id.startswith("local:") and tap_id == "cb:1"


def test_when_the_journal_cannot_be_written_either_the_person_is_told_to_send_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = open_office(tmp_path, monkeypatch, journal=tmp_path / "gone" / "journal.jsonl")
    with locked(office):
        [answer] = office.send("m1", "08:05", "/xong 1 Đã tổ chức hội nghị")
    assert "CHƯA được ghi nhận" in answer and "gửi lại" in answer
    assert office.events() == []


def test_a_line_cut_short_by_a_crash_is_set_aside_and_the_next_entry_still_applies(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = open_office(tmp_path, monkeypatch)
    journal = office.inbox.journal
    torn = b'{"v": 1, "channel": "console", "chat_id": "sct", "text": "/xong 1 \\u0110'
    journal.path.write_bytes(torn)
    with locked(office):
        office.send("m1", "08:05", "/tiendo 1 Đã họp")
    assert office.inbox.replay()
    assert [status for status, _, _ in office.events()] == ["progress"]
    assert journal.rejected_path.read_bytes() == torn + b"\n"
    assert journal.path.stat().st_size == 0


def test_a_journal_entry_keeps_any_text_and_its_aware_time() -> None:
    entry = JournalEntry("zalo", "c1", "An", "xong 1\nghi chú \ud800 «»", False, "z-9",
                         local("2024-06-21 08:05"))
    line = entry.to_line()
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert JournalEntry.from_line(line.rstrip(b"\n")) == entry
    with pytest.raises(ValueError):
        JournalEntry.from_line(b'{"v": 1, "channel": "zalo"}')


REPLAYER = """
import sys, time
from pathlib import Path
from bot.commands import Commands
from bot.inbox import Inbox
from scheduler.workdays import WorkingCalendar
from storage.db import make_engine, make_sessionmaker
from storage.journal import Journal
from tests.world import TZ, Clock, local

url, journal, go = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
sessions = make_sessionmaker(make_engine(url))
clock = Clock(local("2024-06-21 09:30"))
commands = Commands(sessions, clock, WorkingCalendar.from_overrides(), TZ)
inbox = Inbox(commands, Journal(journal), sessions, clock, TZ)
while not go.exists():
    time.sleep(0.005)
print(inbox.replay())
"""


def test_two_processes_replaying_the_same_journal_apply_each_message_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    office = open_office(tmp_path, monkeypatch)
    with locked(office):
        for index in range(12):
            office.send(f"m{index}", f"08:{index + 10:02d}", f"/tiendo 1 Bước {index}")
        office.send("m12", "08:30", "/xong 1 Xong")
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [subprocess.Popen(
        [sys.executable, "-c", REPLAYER, office.world.url, str(office.inbox.journal.path),
         str(go)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)]
    go.touch()
    outcomes = [process.communicate(timeout=120) for process in processes]
    assert [out.strip() for out, _ in outcomes] == ["True", "True"], outcomes
    events = office.events()
    assert [note for _, note, _ in events] == [f"Bước {i}" for i in range(12)] + ["Xong"]
    assert [at for _, _, at in events] == sorted(at for _, _, at in events)
    assert len(office.replies_queued()) == 13
    assert not office.inbox.journal.pending()


def test_the_journal_lives_beside_a_sqlite_file_or_where_nhacviec_journal_says(
        tmp_path: Path) -> None:
    assert default_journal_path("sqlite:////data/nhacviec.db") == Path(
        "/data/nhacviec.db.journal.jsonl")
    assert default_journal_path("sqlite:///nhacviec.db") == Path("nhacviec.db.journal.jsonl")
    assert default_journal_path("postgresql+psycopg://u:p@db/nhacviec") == Path(
        "nhacviec-journal.jsonl")
    assert default_journal_path("sqlite://") == Path("nhacviec-journal.jsonl")
    settings = load_settings({"NHACVIEC_JOURNAL": str(tmp_path / "j.jsonl")}, dotenv=None)
    assert settings.journal_path == tmp_path / "j.jsonl"
    assert load_settings({}, dotenv=None).journal_path is None
    with pytest.raises(ValueError, match="NHACVIEC_JOURNAL"):
        load_settings({"NHACVIEC_JOURNAL": str(tmp_path / "no" / "j.jsonl")}, dotenv=None)


# ---- the seam is the channels' own: Telegram and Zalo, as `nhacviec run` wires them -----------


@contextmanager
def another_process_writing(path: Path) -> Iterator[None]:
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_on_telegram_a_tap_while_the_database_is_locked_is_answered_then_applied(
        tmp_path: Path, fake_telegram: FakeTelegramServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    office = TelegramOffice.open(tmp_path, fake_telegram, MovingClock(REGISTRATION_DAY))
    try:
        wait_until(lambda: bool(office.ticks.results), "the timer's first tick")
        office.register(SCT_FOCAL, "SCT", "focal", "Trần Thị Bình")
        office.tick(local("2024-06-21 08:00"))
        office.wait_for_outbox()
        reminder = reminder_of_task(office.to(SCT_FOCAL), "1")
        number, _ = item_of_task(reminder, "1")
        office.clock.set(local("2024-06-21 08:05"))
        with another_process_writing(tmp_path / "nhacviec.db"):
            fake_telegram.user_taps(SCT_FOCAL, reminder.message_id,
                                    buttons_of_item(reminder, number)[0][1],
                                    first_name="Trần Thị Bình")
            # The tap is acknowledged before its work; the journal's answer is a message.
            [answer] = fake_telegram.wait_for_callback_answers(1, timeout=10)
            assert answer.text == texts.TAP_RECEIVED
            office.wait_for_text(SCT_FOCAL, KEPT)
        assert office.count(StatusEvent) == 0
        # The next message first applies the kept tap, whose answer comes through the outbox.
        office.say(SCT_FOCAL, "/viec")
        office.wait_for_text(SCT_FOCAL, "Nút bạn bấm lúc 08:05 21/06/2024 nay đã được áp dụng")
        assert office.assignment("1", "SCT").completed_on == date(2024, 6, 21)
        with office.services.sessions() as session:
            [done] = session.scalars(select(StatusEvent)).all()
        assert local("2024-06-21 08:05") <= done.at < local("2024-06-21 08:06")
        assert not office.services.inbox.journal.pending()
    finally:
        office.close()


@pytest.fixture
def zalo_server() -> Iterator[FakeZaloServer]:
    with FakeZaloServer() as server:
        yield server


def test_on_zalo_a_message_delivered_twice_while_the_database_is_full_is_applied_once(
        tmp_path: Path, zalo_server: FakeZaloServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with sqlite3.connect(tmp_path / "nhacviec.db") as raw:
        raw.execute("PRAGMA page_size=512")  # a note then needs pages of its own
        raw.execute("CREATE TABLE created_with_this_page_size (x)")
        raw.execute("DROP TABLE created_with_this_page_size")
    bot = make_zalo_bot(tmp_path, zalo_server)
    engine = bot.services.engine
    room = {"limited": False}

    @event.listens_for(engine, "connect")
    def cap(dbapi_connection: Any, record: Any) -> None:
        if room["limited"]:
            cursor = dbapi_connection.cursor()
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count={pages}")
            cursor.close()

    note = long_note("Đã trình UBND tỉnh")

    async def scenario() -> None:
        await bot.register("z-sct", "SCT")

        def vacuum() -> None:
            with sqlite3.connect(tmp_path / "nhacviec.db", timeout=10) as raw:
                raw.execute("VACUUM")  # no free page left to reuse

        await asyncio.to_thread(vacuum)
        room["limited"] = True
        engine.dispose()
        before = len(bot.texts_to("z-sct"))
        bot.zalo.deliver_twice(text_update("z-sct", f"xong 3 {note}", message_id="z-1"))
        [kept] = await bot.next_to("z-sct", before, 1, "trả lời «xong 3»")
        assert KEPT in kept
        room["limited"] = False
        engine.dispose()
        await bot.says("z-sct", "/viec")
        await until(lambda: any("nay đã được áp dụng" in text for text in bot.texts_to("z-sct")),
                    "kết quả tin nhắn đã lưu")

    play_zalo(bot, scenario)
    assert bot.events() == [("done", "zalo", note.strip())]
    applied = [text for text in bot.texts_to("z-sct") if "nay đã được áp dụng" in text]
    assert len(applied) == 1 and "hoàn thành nhiệm vụ 3" in applied[0]


# ---- PostgreSQL: the server goes away and comes back ----------------------------------------


@dataclass
class PostgresServer:
    url: str
    start: Callable[[], None]
    stop: Callable[[], None]


@pytest.fixture
def postgres(tmp_path: Path) -> Iterator[PostgresServer]:
    if not PG_BINARIES:
        pytest.skip("no PostgreSQL server installed here")
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

    def pg_ctl(*args: str) -> None:
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", *args],
                       check=True, capture_output=True, timeout=120, **identity)

    def start() -> None:
        pg_ctl("-l", str(base / "server.log"), "-o",
               f"-p {port} -k {sockets} -c listen_addresses=''", "start")

    def stop() -> None:
        pg_ctl("-m", "fast", "stop")

    start()
    try:
        subprocess.run([str(bin_dir / "createdb"), "-h", str(sockets), "-p", str(port),
                        "-U", "nhacviec", "nhacviec"], check=True, capture_output=True, timeout=60)
        yield PostgresServer(f"postgresql+psycopg://nhacviec@/nhacviec?host={sockets}&port={port}",
                             start, stop)
    finally:
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, **identity)
        shutil.rmtree(base, ignore_errors=True)


def test_messages_sent_while_the_postgresql_server_is_down_are_applied_when_it_is_back(
        tmp_path: Path, postgres: PostgresServer) -> None:
    journal = tmp_path / "journal.jsonl"
    clock = WorldClock(local("2024-06-21 08:00"))
    services = build_services(Settings(db_url=postgres.url, journal_path=journal), clock)
    try:
        with services.sessions() as session, session.begin():
            code = create_invite(session, "SCT", Role.FOCAL, clock()).code
        services.inbox.handle(Incoming("telegram", "pg-sct", "Trần Thị Bình", f"/start {code}",
                                       message_id="pg:1"))
        postgres.stop()
        clock.now = local("2024-06-21 08:05")
        [kept] = services.inbox.handle(Incoming("telegram", "pg-sct", "Trần Thị Bình",
                                                "/xong 1 Đã tổ chức hội nghị",
                                                message_id="pg:2"))
        assert KEPT in kept.text
        assert services.inbox.journal.path == journal and journal.stat().st_size > 0
        postgres.start()
        clock.now = local("2024-06-21 10:00")
        assert services.inbox.replay()
        with services.sessions() as session:
            [done] = session.scalars(select(StatusEvent)).all()
            replies = session.scalars(select(OutboxMessage.text)
                                      .where(OutboxMessage.kind == "reply")).all()
        assert (done.status, done.note, done.at) == (
            "done", "Đã tổ chức hội nghị", local("2024-06-21 08:05"))
        [applied] = replies
        assert applied.startswith("📥 Tin nhắn bạn gửi lúc 08:05 21/06/2024")
    finally:
        services.engine.dispose()
