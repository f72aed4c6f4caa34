"""The console channel: `nhacviec chat` as a person uses it, in a subprocess and in-process, on
a real SQLite file with the real command layer, timer and dispatcher."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, TypeVar

import pytest
from sqlalchemy import select

from bot.answers import render_choices
from bot.app import Services, build_services
from bot.channels.base import Button
from bot.cli.chat import chat, register
from bot.commands import Incoming
from bot.delivery.tick import Queued
from bot.settings import Settings
from storage import outbox
from storage.db import make_engine, make_sessionmaker
from storage.invites import create_invite
from storage.models import (
    Officer,
    OfficerChat,
    OutboxKind,
    OutboxMessage,
    Role,
    StatusEvent,
)
from tests.world import Clock, local

T = TypeVar("T")

# Friday 21/06/2024 08:05: the timer's first tick serves today's 08:00 and queues, for the
# Department of Industry and Trade (SCT), the overdue half-year report, two T-7 reminders of
# tasks due 30/06/2024 and a coordination notice.
START = "2024-06-21T08:05"
CHOICES = "Trả lời 1 = đã hoàn thành, 2 <lý do> = vướng mắc, 3 = nhắc lại sau"
ITEM_CHOICES = ("Trả lời theo số mục: 1 3 = mục 3 đã hoàn thành · 2 3 <lý do> = mục 3 vướng "
                "mắc · 3 3 = nhắc lại mục 3 sau")
HANG = 20.0  # seconds: a session that is not over by then is stuck (one takes about 5 s)


# --- the terminal, as a person uses it ---------------------------------------------------------

def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("TELEGRAM_", "ZALO_", "NHACVIEC_"))}
    env.update(NHACVIEC_DB_URL=f"sqlite:///{tmp_path / 'nhacviec.db'}",
               PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    return env


class Terminal:
    """`nhacviec ARGS` in a subprocess: type lines into its stdin, read what it printed."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        # The working directory is empty: no developer's .env can leak in.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args], cwd=tmp_path, env=cli_env(tmp_path),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8")
        self._changed = threading.Condition()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        assert self.process.stdout is not None and self.process.stderr is not None
        self._readers = [threading.Thread(target=self._read, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stdout, self.stdout),
                                               (self.process.stderr, self.stderr))]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: IO[str], lines: list[str]) -> None:
        for line in stream:
            with self._changed:
                lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.stdout)

    def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def wait_for(self, ready: Callable[[str], bool], what: str, timeout: float = 8.0) -> str:
        """Wait until the output satisfies `ready`; return it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not ready("\n".join(self.stdout)):
                left = deadline - time.monotonic()
                if left <= 0 or (self.process.poll() is not None and not self._reading()):
                    raise AssertionError(f"chưa thấy {what}; màn hình:\n" + "\n".join(
                        self.stdout) + "\nlỗi:\n" + "\n".join(self.stderr))
                self._changed.wait(min(left, 0.2))
            return "\n".join(self.stdout)

    def _reading(self) -> bool:
        return any(reader.is_alive() for reader in self._readers)

    def finish(self, timeout: float = 10.0) -> int:
        """Return the exit code once the process ended and its output was read."""
        code = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def terminals(tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        terminal = Terminal(tmp_path, *args)
        started.append(terminal)
        return terminal
    yield start
    for terminal in started:
        terminal.kill()


def events_in(tmp_path: Path) -> list[tuple[str, str]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'nhacviec.db'}")
    try:
        with make_sessionmaker(engine)() as session:
            return [(e.status, e.channel) for e in session.scalars(select(StatusEvent))]
    finally:
        engine.dispose()


def test_a_newcomer_tries_the_whole_flow_in_a_terminal(
        tmp_path: Path, terminals: Callable[..., Terminal]) -> None:
    terminal = terminals("chat", "--agency", "sct", "--clock", START)
    screen = terminal.wait_for(lambda s: "📋 Việc của Sở Công Thương" in s, "lời chào")
    assert screen.startswith("Nhắc việc — phiên dùng thử trên dòng lệnh (SCT, focal).")
    assert "Xin chào Cán bộ Sở Công Thương! Bạn đã được đăng ký là đầu mối của Sở Công Thương."\
        in screen

    terminal.type("/viec")
    terminal.wait_for(lambda s: s.count("📋 Việc của Sở Công Thương") == 2, "trả lời /viec")

    # The timer's first tick queued the day's message: four items in one, answered by number.
    screen = terminal.wait_for(lambda s: ITEM_CHOICES in s and "🤝 Phối hợp thực hiện" in s,
                               "lời nhắc trong ngày")
    assert screen.count("📬 Nhắc việc ngày 21/06/2024 cho Sở Công Thương: 4 việc") == 1
    assert "1. ❗ Quá hạn – nhiệm vụ III.1@2024-H1: " in screen
    assert ("3. 🔔 Nhắc việc – nhiệm vụ 2@2024-Q2: Rà soát văn bản pháp luật về cụm công "
            "nghiệp" in screen)

    terminal.type("1")
    terminal.wait_for(lambda s: "Tin nhắc gần nhất có 3 việc" in s, "trả lời «1»")
    terminal.type("1 3")
    terminal.wait_for(lambda s: "hoàn thành nhiệm vụ 2@2024-Q2 (Quý 2/2024) ngày 21/06/2024"
                      in s, "trả lời «1 3»")
    terminal.type("xong 1")
    screen = terminal.wait_for(lambda s: "hoàn thành nhiệm vụ 1 (Quý 2 năm 2024)" in s,
                               "trả lời «xong 1»")
    terminal.type("/thoát")
    assert terminal.finish() == 0
    assert terminal.stderr == []
    assert events_in(tmp_path) == [("done", "console"), ("done", "console")]


def test_chat_with_an_unknown_agency_says_so_in_vietnamese_and_exits_2(
        tmp_path: Path, terminals: Callable[..., Terminal]) -> None:
    terminal = terminals("chat", "--agency", "KHONGCO")
    assert terminal.finish() == 2
    assert terminal.stderr == ["Không có cơ quan mã «KHONGCO»."]
    assert terminal.stdout == []


def test_run_without_a_channel_token_points_to_nhacviec_chat_and_exits_2(
        tmp_path: Path, terminals: Callable[..., Terminal]) -> None:
    terminal = terminals("run")
    assert terminal.finish() == 2
    assert terminal.stdout == [
        "Chưa cấu hình kênh nào (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN). "
        "Để dùng thử không cần token: nhacviec chat --agency SCT --role coordinator"]


# --- the session in-process, with scripted input ------------------------------------------------

class Script:
    """Scripted input for `chat` and a record of what it wrote, with the time of each write."""

    def __init__(self) -> None:
        self.lines: asyncio.Queue[str | None] = asyncio.Queue()
        self.written: list[tuple[float, str]] = []

    async def read_line(self) -> str | None:
        return await self.lines.get()

    def write(self, text: str) -> None:
        self.written.append((time.monotonic(), text))

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.written]

    async def says(self, line: str | None, what: str) -> str:
        """Type `line` and return the next thing written."""
        before = len(self.written)
        await self.lines.put(line)
        return (await until(lambda: self.texts[before:], what))[0]


async def until(condition: Callable[[], T | None], what: str, timeout: float = 8.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"hết {timeout} giây mà chưa có {what}")
        await asyncio.sleep(0.02)


def services_at(tmp_path: Path, now: str) -> Services:
    return build_services(Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}"),
                          Clock(local(now)))


def register_on_zalo(services: Services, chat_id: str, agency: str) -> None:
    with services.sessions() as session, session.begin():
        code = create_invite(session, agency, Role.FOCAL, services.clock()).code
    services.commands.handle(Incoming("zalo", chat_id, "Nguyễn Văn An", f"/start {code}"))


def outbox_of(services: Services, chat_id: str) -> list[OutboxMessage]:
    with services.sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id)
                                    .order_by(OutboxMessage.id)))


def test_a_console_session_answers_commands_and_shows_its_own_days_message(
        tmp_path: Path) -> None:
    services = services_at(tmp_path, "2024-06-21 08:05")
    register_on_zalo(services, "z-sct", "SCT")  # the same agency on Zalo: not this terminal's

    async def session(script: Script) -> None:
        running = asyncio.create_task(chat(services, "SCT", Role.FOCAL, "Trần Thị Bình",
                                           script.read_line, script.write))
        greeting, tasks = await until(lambda: script.texts[:2] if len(script.texts) >= 2
                                      else None, "lời chào")
        assert greeting.startswith("Xin chào Trần Thị Bình! Bạn đã được đăng ký là đầu mối "
                                   "của Sở Công Thương.")
        assert tasks.startswith("📋 Việc của Sở Công Thương")
        reminders = await until(lambda: script.written[2:] if len(script.written) >= 3
                                else None, "lời nhắc trong ngày")
        [queued] = outbox_of(services, "SCT-focal")  # four items, one message
        await asyncio.sleep(1.5)  # nothing more comes
        assert [text for _, text in script.written[2:]] == [render_choices(
            queued.text, tuple(Button(*pair) for pair in outbox.buttons_of(queued)))]
        assert reminders[0][1].splitlines()[:2] == [
            "📬 Nhắc việc ngày 21/06/2024 cho Sở Công Thương: 4 việc", ITEM_CHOICES]
        reply = await script.says("/viec", "trả lời /viec")
        assert reply.startswith("📋 Việc của Sở Công Thương")
        reply = await script.says("1 3", "trả lời «1 3»")
        assert reply.startswith("✅ Đã ghi nhận: Sở Công Thương hoàn thành nhiệm vụ 2@2024-Q2")
        reply = await script.says("/xong 1", "trả lời /xong 1")
        assert "hoàn thành nhiệm vụ 1 (Quý 2 năm 2024)" in reply
        reply = await script.says("/xong 1", "trả lời /xong 1 lần hai")
        assert "đã hoàn thành ngày 21/06/2024; không thay đổi" in reply
        await script.lines.put(None)  # end of input, like Ctrl-D
        await asyncio.wait_for(running, 5)

    async def main() -> None:
        await session(Script())
    asyncio.run(asyncio.wait_for(main(), HANG))

    assert {m.status for m in outbox_of(services, "SCT-focal")} == {"sent"}
    # The terminal sends only to itself: the Zalo officer's reminders wait for the Zalo bot.
    others = outbox_of(services, "z-sct")
    assert len(others) == 1 and {m.status for m in others} == {"queued"}
    with services.sessions() as db:
        events = [(e.status, e.channel) for e in db.scalars(select(StatusEvent))]
    assert events == [("done", "console"), ("done", "console")]


def test_a_second_session_as_the_same_officer_reuses_the_registration(tmp_path: Path) -> None:
    services = services_at(tmp_path, "2024-06-22 10:00")

    async def one_session() -> list[str]:
        script = Script()
        await script.lines.put(None)
        await asyncio.wait_for(chat(services, "LAGI", Role.COORDINATOR, "Võ Minh Em",
                                    script.read_line, script.write), HANG)
        return script.texts

    first = asyncio.run(one_session())
    second = asyncio.run(one_session())
    assert first[0].startswith("Xin chào Võ Minh Em! Bạn đã được đăng ký là điều phối "
                               "của Ủy ban nhân dân thị xã La Gi.")
    assert second[0] == first[0]
    with services.sessions() as db:
        officers = db.execute(select(Officer.name, Officer.role, OfficerChat.channel,
                                     OfficerChat.chat_id).join(OfficerChat)).all()
    assert [tuple(row) for row in officers] == [("Võ Minh Em", "coordinator", "console",
                                                 "LAGI-coordinator")]


def test_a_closed_terminal_is_not_counted_as_a_reader_until_it_opens_again(
        tmp_path: Path) -> None:
    services = services_at(tmp_path, "2024-06-22 10:00")

    async def one_session(lines: list[str]) -> list[str]:
        script = Script()
        for line in lines:
            await script.lines.put(line)
        await script.lines.put(None)
        await asyncio.wait_for(chat(services, "SCT", Role.COORDINATOR, "Lê Điều Phối",
                                    script.read_line, script.write), HANG)
        return script.texts

    asyncio.run(one_session([]))
    with services.sessions() as db:
        [open_] = db.scalars(select(OfficerChat.reachable)).all()
    assert open_ is False
    # While it is closed, the escalation of 03/07 has no reader: it is not recorded as sent.
    queued = services.tick(local("2024-07-03 08:00"), forced=True) or []
    assert not [q for q in queued if q.reminder.step.value == "escalation"]
    register(services, "SCT", Role.COORDINATOR, "Lê Điều Phối")  # what a new session does first
    queued = services.tick(local("2024-07-03 08:05"), forced=True) or []
    assert [q for q in queued if q.reminder.step.value == "escalation"]


def test_a_backlog_for_other_chats_does_not_hide_the_terminal_s_reminders(
        tmp_path: Path) -> None:
    services = services_at(tmp_path, "2024-06-21 08:05")
    register_on_zalo(services, "z-sct", "SCT")
    # The Zalo bot has been down a while: 120 messages wait for it in the outbox.
    with services.sessions() as db, db.begin():
        zalo_chat = db.scalars(select(OfficerChat)).one()
        for number in range(120):
            outbox.enqueue(db, zalo_chat, OutboxKind.NOTICE.value, f"Thông báo {number}", (),
                            services.clock())

    async def session() -> None:
        script = Script()
        running = asyncio.create_task(chat(services, "SCT", Role.FOCAL, "Trần Thị Bình",
                                           script.read_line, script.write))
        try:
            await until(lambda: len(script.texts) >= 3, "lời nhắc đầu tiên", timeout=3)
        finally:
            await script.lines.put(None)
            await asyncio.wait_for(running, 5)
    asyncio.run(asyncio.wait_for(session(), HANG))


def test_end_of_input_during_a_tick_leaves_cleanly_after_the_tick(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # Seen: Ctrl-D while the timer's first tick ran printed APScheduler's CancelledError
    # traceback ("Error running job"), and the tick was abandoned half-way.
    services = services_at(tmp_path, START)
    started = threading.Event()
    finished: list[bool] = []
    tick = services.tick

    def slow_tick(now: datetime, *, forced: bool = False) -> list[Queued] | None:
        started.set()
        time.sleep(0.5)
        queued = tick(now, forced=forced)
        finished.append(queued is not None)
        return queued

    monkeypatch.setattr(services, "tick", slow_tick)

    async def read_line() -> str | None:
        await asyncio.to_thread(started.wait, HANG)
        return None  # end of input while the tick is under way

    asyncio.run(asyncio.wait_for(chat(services, "LAGI", Role.FOCAL, "Lê Văn Cường", read_line,
                                      lambda text: None), HANG))

    assert finished == [True]  # the tick ran to its end before the session returned
    assert "Error running job" not in caplog.text
    assert "CancelledError" not in caplog.text


def test_chat_at_end_of_input_prints_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--agency", "LAGI", "--clock", START],
        cwd=tmp_path, env=cli_env(tmp_path), stdin=subprocess.DEVNULL, capture_output=True,
        text=True, encoding="utf-8", timeout=HANG * 3, check=False)
    assert result.returncode == 0
    assert "Traceback" not in result.stderr and "CancelledError" not in result.stderr
