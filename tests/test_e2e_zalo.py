"""Issue 4 on Zalo, end to end: the composition root, the real command layer and a real SQLite
file, talking HTTP to the fake Zalo Bot API server (and to the fake Telegram one for an officer
reachable on both)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from sqlalchemy import func, select

from bot import texts
from bot.answers import render_choices
from bot.app import Services, background, build_services, run_bot
from bot.channels.base import Button
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.inbound import SECRET_HEADER, ZaloChannel, ZaloWebhook
from bot.channels.zalo.transport import ZaloTransport
from bot.commands import Incoming
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.tick import Queued
from bot.settings import Settings
from bot.web import WebApp, serve
from storage import outbox as stored_outbox
from storage.invites import create_invite
from storage.models import (
    Assignment,
    Base,
    OccurrenceRow,
    Officer,
    OfficerChat,
    OutboxMessage,
    Role,
    StatusEvent,
    TaskRow,
)
from storage.schedule import claim_tick, pending_tick
from tests.fakes.telegram_api import FakeTelegramServer, SentMessage
from tests.fakes.zalo_api import TOKEN, FakeZaloServer, text_update
from tests.world import Clock, local

T = TypeVar("T")

# Friday 21/06/2024, just after the 08:00 send time: tasks due 30/06/2024 are at their T-7 step
# and the report of the first half-year (due 20/06/2024) is one day overdue.
NOW = local("2024-06-21 08:05")
CHOICES = "\n\nTrả lời 1 = đã hoàn thành, 2 <lý do> = vướng mắc, 3 = nhắc lại sau"
ITEM_CHOICES = ("Trả lời theo số mục: 1 3 = mục 3 đã hoàn thành · 2 3 <lý do> = mục 3 vướng "
                "mắc · 3 3 = nhắc lại mục 3 sau")
SECRET = "bi-mat-webhook-2024"
HANG = 20.0  # seconds: a scenario that is not over by then is stuck (one takes 1-6 s)


@dataclass
class Bot:
    """A bot wired by build_services over a SQLite file, its settable clock and the fake Zalo."""

    services: Services
    clock: Clock
    zalo: FakeZaloServer

    def invite(self, agency: str, role: str = "focal") -> str:
        with self.services.sessions() as session, session.begin():
            return create_invite(session, agency, Role(role), self.clock()).code

    def texts_to(self, chat_id: str) -> list[str]:
        return [m["text"] for m in list(self.zalo.sent) if m["chat_id"] == chat_id]

    async def says(self, chat_id: str, text: str, replies: int = 1,
                   name: str = "Nguyễn Văn An") -> list[str]:
        """Send `text` from `chat_id` on Zalo and return the next `replies` messages to it."""
        before = len(self.texts_to(chat_id))
        self.zalo.user_says(chat_id, text, name)
        return await self.next_to(chat_id, before, replies, f"trả lời «{text}»")

    async def next_to(self, chat_id: str, before: int, count: int, what: str) -> list[str]:
        def arrived() -> list[str] | None:
            texts = self.texts_to(chat_id)
            return texts[before:] if len(texts) >= before + count else None
        return await until(arrived, f"{count} tin nhắn tới {chat_id} ({what})")

    async def register(self, chat_id: str, agency: str, role: str = "focal",
                       name: str = "Nguyễn Văn An", slash: str = "/") -> list[str]:
        return await self.says(chat_id, f"{slash}start {self.invite(agency, role)}", 2, name)

    async def tick(self) -> list[Queued]:
        queued = await asyncio.to_thread(self.services.tick, self.clock(), forced=True)
        assert queued is not None
        return queued

    def count(self, model: type[Base]) -> int:
        with self.services.sessions() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0

    def outbox(self, chat_id: str) -> list[OutboxMessage]:
        with self.services.sessions() as session:
            return list(session.scalars(select(OutboxMessage)
                                        .where(OutboxMessage.chat_id == chat_id)
                                        .order_by(OutboxMessage.id)))

    def assignment(self, task_key: str, agency: str, period: str = "") -> Assignment:
        with self.services.sessions() as session:
            return session.scalars(
                select(Assignment).join(OccurrenceRow).join(TaskRow)
                .where(TaskRow.key == task_key, Assignment.agency_code == agency,
                       OccurrenceRow.period == period)).one()

    def events(self) -> list[tuple[str, str, str | None]]:
        with self.services.sessions() as session:
            return [(e.status, e.channel, e.note)
                    for e in session.scalars(select(StatusEvent).order_by(StatusEvent.id))]


async def until(condition: Callable[[], T | None], what: str, timeout: float = 6.0) -> T:
    """Return the first truthy value of `condition`, polled without blocking the event loop."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"hết {timeout} giây mà chưa có {what}")
        await asyncio.sleep(0.02)


def make_bot(tmp_path: Path, zalo: FakeZaloServer, now: datetime = NOW,
             telegram: FakeTelegramServer | None = None) -> Bot:
    clock = Clock(now)
    config = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}", zalo_token=TOKEN,
                      zalo_api_url=zalo.url,
                      telegram_token=telegram.token if telegram else None,
                      telegram_api_url=telegram.api_url if telegram else "")
    services = build_services(config, clock)
    # Today's tick already ran: the timer stays quiet and each test ticks when it means to.
    with services.sessions() as session, session.begin():
        instant = pending_tick(session, now, config.send_at, services.calendar, config.tz)
        assert instant is not None and claim_tick(session, instant, now)
    return Bot(services, clock, zalo)


@pytest.fixture
def zalo() -> Iterator[FakeZaloServer]:
    with FakeZaloServer() as server:
        yield server


@pytest.fixture
def bot(tmp_path: Path, zalo: FakeZaloServer) -> Bot:
    return make_bot(tmp_path, zalo)


def play(bot: Bot, scenario: Callable[[], Awaitable[None]], *,
         telegram: FakeTelegramServer | None = None) -> None:
    """Run `nhacviec run` (run_bot) against the fakes while `scenario` plays, then stop it."""
    async def main() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(run_bot(bot.services, stop))

        def started() -> bool:
            polling = any(name == "getUpdates" for name, _ in bot.zalo.calls)
            if telegram is not None:
                polling = polling and bool(telegram.calls("getUpdates"))
            return polling or running.done()
        try:
            await until(started, "getUpdates")
            await scenario()
        finally:
            stop.set()
            assert await asyncio.wait_for(running, 5) == 0
    asyncio.run(asyncio.wait_for(main(), HANG))


# --- registration ----------------------------------------------------------------------------

def test_start_with_a_code_binds_the_zalo_chat_with_or_without_the_slash(bot: Bot) -> None:
    async def scenario() -> None:
        greeting, tasks = await bot.register("z-an", "SCT", name="Nguyễn Văn An")
        assert greeting.startswith("Xin chào Nguyễn Văn An!")
        assert "đầu mối của Sở Công Thương" in greeting
        assert tasks.startswith("📋 Việc của Sở Công Thương")
        greeting, _ = await bot.register("z-binh", "LAGI", name="Trần Thị Bình", slash="")
        assert greeting.startswith("Xin chào Trần Thị Bình!") and "La Gi" in greeting
        code = bot.invite("SCT")
        await bot.says("z-chi", f"start {code}", 2, "Lê Chí")
        [refused] = await bot.says("z-dung", f"/start {code}", name="Phạm Dung")
        assert refused == "Mã mời này đã được sử dụng. Vui lòng xin mã mới."
        [stranger] = await bot.says("z-dung", "xong 1", name="Phạm Dung")
        assert "chưa đăng ký" in stranger

    play(bot, scenario)
    with bot.services.sessions() as session:
        chats = session.execute(select(OfficerChat.channel, OfficerChat.chat_id, Officer.name,
                                       Officer.agency_code)
                                .join(Officer).order_by(OfficerChat.id)).all()
    assert [tuple(row) for row in chats] == [("zalo", "z-an", "Nguyễn Văn An", "SCT"),
                                             ("zalo", "z-binh", "Trần Thị Bình", "LAGI"),
                                             ("zalo", "z-chi", "Lê Chí", "SCT")]
    assert bot.count(StatusEvent) == 0


# --- the scenario of issue 3, on Zalo ----------------------------------------------------------

def test_the_days_reminders_arrive_as_one_text_with_numbered_answers_that_name_the_item(
        bot: Bot) -> None:
    async def scenario() -> None:
        await bot.register("z-sct", "SCT", name="Nguyễn Văn An")
        await bot.register("z-coord", "SCT", "coordinator", name="Lê Điều Phối")
        queued = await bot.tick()
        assert {(q.reminder.task_key, q.reminder.step.value) for q in queued
                if q.reminder.agency == "SCT"} == {("III.1", "overdue"), ("1", "T-7"),
                                                   ("2", "T-7"), ("9", "coordinate")}
        [daily] = await bot.next_to("z-sct", 2, 1, "lời nhắc trong ngày")
        head, overdue, one, two, _, coordinate = daily.split("\n\n")
        title, choices = head.split("\n")
        assert title == "📬 Nhắc việc ngày 21/06/2024 cho Sở Công Thương: 4 việc"
        assert choices == ITEM_CHOICES
        assert overdue.startswith("1. ❗ Quá hạn – nhiệm vụ III.1@2024-H1: ")
        assert "Hạn 20/06/2024 · quá hạn 1 ngày" in overdue
        assert one.startswith("2. 🔔 Nhắc việc – nhiệm vụ 1: ") and "Hạn 30/06/2024" in one
        assert two.startswith("3. 🔔 Nhắc việc – nhiệm vụ 2@2024-Q2: ")
        assert coordinate.startswith("• 🤝 Phối hợp thực hiện – nhiệm vụ 9@2024-Q2")
        await bot.next_to("z-coord", 2, 1, "lời nhắc của điều phối")

        # With several items, a bare number asks which; "3 3" answers item 3: task 2, Q2 2024.
        [which] = await bot.says("z-sct", "3")
        assert which.startswith("Tin nhắc gần nhất có 3 việc")
        [snoozed] = await bot.says("z-sct", "3 3")
        assert snoozed == "⏰ Sẽ nhắc lại nhiệm vụ 2@2024-Q2 vào ngày 24/06/2024."
        assert bot.assignment("2", "SCT", "2024-Q2").snoozed_until == date(2024, 6, 24)
        coordinator_had = len(bot.texts_to("z-coord"))
        [blocked] = await bot.says("z-sct", "2 3 Chưa nhận được số liệu của các huyện")
        assert blocked.startswith("⛔ Đã ghi nhận vướng mắc của Sở Công Thương ở nhiệm vụ "
                                  "2@2024-Q2")
        [alert] = await bot.next_to("z-coord", coordinator_had, 1, "báo vướng mắc")
        assert alert.startswith("⛔ Vướng mắc cần xử lý")
        assert "nhiệm vụ 2@2024-Q2" in alert
        assert "Lý do: Chưa nhận được số liệu của các huyện" in alert
        assert "Người báo: Nguyễn Văn An" in alert
        [done] = await bot.says("z-sct", "1 3")
        assert done.startswith("✅ Đã ghi nhận: Sở Công Thương hoàn thành nhiệm vụ 2@2024-Q2")
        recorded, ask = done.split("\n")
        assert recorded.endswith(", hoàn thành đúng hạn.")
        assert ask.startswith("📎 Gửi kèm văn bản?")  # a photo or a link may follow
        [stale] = await bot.says("z-sct", "1 3")
        assert stale.startswith("Lời nhắc này đã cũ.")

        [status] = await bot.says("z-coord", "/status", name="Lê Điều Phối")
        assert "Hoàn thành đúng hạn: 1" in status
        assert "Hoàn thành quá hạn: 0" in status
        assert "Đang thực hiện trong hạn: 28" in status
        assert "Quá hạn: 1 (tỷ lệ quá hạn 3%)" in status
        assert "Vướng mắc: 0" in status
        assert "- Sở Công Thương: ĐH 1 · HTQH 0 · TH 5 · QH 1 · VM 0" in status

    play(bot, scenario)
    assert bot.assignment("2", "SCT", "2024-Q2").status == "done"
    assert bot.events() == [("snooze", "zalo", "nhắc lại ngày 2024-06-24"),
                            ("blocked", "zalo", "Chưa nhận được số liệu của các huyện"),
                            ("done", "zalo", None)]
    assert {m.status for m in bot.outbox("z-sct") + bot.outbox("z-coord")} == {"sent"}


def test_commands_work_as_plain_text_without_slash_or_diacritics(bot: Bot) -> None:
    async def scenario() -> None:
        await bot.register("z-sct", "SCT")
        [blocked] = await bot.says("z-sct", "vuongmac 3 thiếu số liệu")
        assert blocked.startswith("⛔ Đã ghi nhận vướng mắc của Sở Công Thương ở nhiệm vụ 3")
        [tasks] = await bot.says("z-sct", "VIEC")
        assert tasks.startswith("📋 Việc của Sở Công Thương")
        assert "• 3: Rà soát Phương án phát triển cụm công nghiệp" in tasks
        [done] = await bot.says("z-sct", "xong 3")
        assert "hoàn thành nhiệm vụ 3" in done
        assert done.split("\n")[0].endswith(", hoàn thành đúng hạn.")
        [progress] = await bot.says("z-sct", "TienDo 4 đã lấy ý kiến các sở")
        assert progress.startswith("📝 Đã ghi nhận tiến độ nhiệm vụ 4")
        [status] = await bot.says("z-sct", "tinhhinh")
        assert "Sở Công Thương" in status and "Hoàn thành đúng hạn: 1" in status

    play(bot, scenario)
    assert bot.events() == [("blocked", "zalo", "thiếu số liệu"), ("done", "zalo", None),
                            ("progress", "zalo", "đã lấy ý kiến các sở")]


def test_a_two_then_the_reason_in_the_next_message_records_the_blocker(bot: Bot) -> None:
    async def scenario() -> None:
        await bot.register("z-sct", "SCT")
        await bot.tick()
        await bot.next_to("z-sct", 2, 1, "lời nhắc")
        [question] = await bot.says("z-sct", "2 3")
        assert question.startswith("Vui lòng nhắn lý do vướng mắc của nhiệm vụ 2@2024-Q2")
        assert bot.events() == []
        [blocked] = await bot.says("z-sct", "Chờ ý kiến của Bộ Công Thương")
        assert "vướng mắc" in blocked

    play(bot, scenario)
    assert bot.events() == [("blocked", "zalo", "Chờ ý kiến của Bộ Công Thương")]
    assert bot.assignment("2", "SCT", "2024-Q2").status == "blocked"


def test_a_bare_number_answers_the_last_reminder_received_not_one_still_queued(
        bot: Bot) -> None:
    async def go() -> None:
        async with ZaloClient(TOKEN, bot.zalo.url) as client:
            channel = ZaloChannel(client, bot.services.commands)
            await channel.handle_payload(text_update("z-sct", f"/start {bot.invite('SCT')}"))
            await bot.tick()
            dispatcher = Dispatcher(bot.services.sessions, {"zalo": ZaloTransport(client)},
                                    bot.clock)
            # The day's message is queued, not yet on the officer's screen: nothing to answer.
            await channel.handle_payload(text_update("z-sct", "1 1"))
            assert bot.texts_to("z-sct")[-1] == texts.NO_REMINDER_TO_ANSWER
            assert await dispatcher.run_once() == 1
            assert bot.texts_to("z-sct")[-1].startswith("📬 Nhắc việc ngày 21/06/2024")
            await channel.handle_payload(text_update("z-sct", "1 1"))

    asyncio.run(asyncio.wait_for(go(), HANG))
    assert "hoàn thành nhiệm vụ III.1@2024-H1" in bot.texts_to("z-sct")[-1]
    assert bot.assignment("III.1", "SCT", "2024-H1").status == "done"
    assert bot.assignment("2", "SCT", "2024-Q2").status == "open"


# --- duplicates, failures, the webhook ---------------------------------------------------------

def test_a_duplicated_update_is_applied_once(bot: Bot) -> None:
    async def scenario() -> None:
        await bot.register("z-sct", "SCT")
        before = len(bot.texts_to("z-sct"))
        bot.zalo.deliver_twice(text_update("z-sct", "xong 3", message_id="m-dup-1"))
        [done] = await bot.next_to("z-sct", before, 1, "trả lời «xong 3»")
        assert "hoàn thành nhiệm vụ 3" in done
        # The duplicate was polled before this one: once this is answered, it was ignored.
        [tasks] = await bot.says("z-sct", "/viec")
        assert tasks.startswith("📋 Việc của Sở Công Thương")

    play(bot, scenario)
    assert bot.events() == [("done", "zalo", None)]
    assert sum("hoàn thành nhiệm vụ 3" in text or "đã hoàn thành" in text
               for text in bot.texts_to("z-sct")) == 1


@pytest.mark.parametrize(("code", "description"), [(429, "Quota exceeded"),
                                                   (500, "Internal server error")])
def test_an_ok_false_on_sendmessage_delays_a_reminder_but_loses_nothing(
        bot: Bot, code: int, description: str) -> None:
    async def scenario() -> None:
        await bot.register("z-sct", "SCT")
        bot.zalo.fail_next("sendMessage", code, description)
        await bot.tick()

        def waiting() -> OutboxMessage | None:
            first = bot.outbox("z-sct")[0]
            return first if first.status == "queued" and first.attempts == 1 else None
        first = await until(waiting, "lời nhắc đầu chờ gửi lại")
        assert first.last_error is not None and f"({code})" in first.last_error
        assert first.not_before > NOW
        bot.clock.now = NOW + timedelta(seconds=10)
        reminders = await bot.next_to("z-sct", 2, 1, "lời nhắc trong ngày")
        # Late, but whole, once.
        assert reminders == [render_choices(m.text, tuple(
            Button(*pair) for pair in stored_outbox.buttons_of(m))) for m in bot.outbox("z-sct")]
        [done] = await bot.says("z-sct", "1 3")
        assert "hoàn thành nhiệm vụ 2@2024-Q2" in done

    play(bot, scenario)
    outbox = bot.outbox("z-sct")
    assert [(m.status, m.attempts) for m in outbox] == [("sent", 1)]
    assert len(bot.texts_to("z-sct")) == 4


def test_an_answer_that_fails_to_send_goes_to_the_outbox_and_arrives_later(bot: Bot) -> None:
    async def scenario() -> None:
        await bot.register("z-sct", "SCT")
        before = len(bot.texts_to("z-sct"))
        bot.zalo.fail_next("sendMessage", 500, "Internal server error")
        bot.zalo.user_says("z-sct", "xong 1", "Nguyễn Văn An")

        def deferred() -> list[OutboxMessage]:
            return [m for m in bot.outbox("z-sct") if m.kind == "reply"]
        [reply] = await until(deferred, "câu trả lời chuyển vào hàng đợi")
        assert "hoàn thành nhiệm vụ 1" in reply.text
        [arrived] = await bot.next_to("z-sct", before, 1, "câu trả lời gửi lại")
        assert arrived == reply.text

    play(bot, scenario)
    assert bot.events() == [("done", "zalo", None)]


def test_a_403_is_zalos_internal_error_not_a_lost_chat_the_reminders_wait_and_nobody_is_alerted(
        bot: Bot) -> None:
    async def scenario() -> None:
        await bot.register("z-sct", "SCT", name="Nguyễn Văn An")
        await bot.register("z-coord", "SCT", "coordinator", name="Lê Điều Phối")
        bot.zalo.blocked_chats.add("z-sct")
        await bot.tick()

        def retried() -> bool:
            first = bot.outbox("z-sct")[0]
            return first.attempts >= 1 and first.status == "queued"
        await until(retried, "lời nhắc đầu chờ gửi lại")

    play(bot, scenario)
    outbox = bot.outbox("z-sct")
    assert outbox and all(m.status in ("queued", "sending") for m in outbox)
    assert "(403)" in (outbox[0].last_error or "")
    with bot.services.sessions() as session:
        chat = session.scalars(select(OfficerChat).where(OfficerChat.chat_id == "z-sct")).one()
        assert chat.reachable and chat.unreachable_reason is None
    assert not any(t.startswith("⚠️") for t in bot.texts_to("z-coord"))
    assert not any(m.text.startswith("⚠️") for m in bot.outbox("z-coord"))


def test_a_revoked_zalo_token_stops_zalo_alone_marks_no_chat_and_tells_coordinators_once(
        tmp_path: Path, zalo: FakeZaloServer, fake_telegram: FakeTelegramServer,
        caplog: pytest.LogCaptureFixture) -> None:
    bot = make_bot(tmp_path, zalo, telegram=fake_telegram)

    def telegram_to(chat_id: int) -> list[SentMessage]:
        return [m for m in fake_telegram.sent if m.chat_id == chat_id]

    def alerts() -> list[str]:
        return [m.text for m in telegram_to(7002) if m.text.startswith("⚠️")]

    async def scenario() -> None:
        fake_telegram.user_says(7002, f"/start {bot.invite('SCT', 'coordinator')}",
                                first_name="Lê Điều Phối")
        await until(lambda: len(telegram_to(7002)) >= 2, "đăng ký điều phối trên Telegram")
        await bot.register("z-sct", "SCT", name="Nguyễn Văn An")
        await bot.register("z-lagi", "LAGI", name="Trần Thị Bình")
        zalo.revoke_token()
        await bot.tick()
        await until(alerts, "cảnh báo kênh Zalo ngừng")
        # Polling stops too: nothing more is asked of Zalo, and Telegram goes on.
        calls = len(zalo.calls)
        before = len(telegram_to(7002))
        fake_telegram.user_says(7002, "/viec", first_name="Lê Điều Phối")
        await until(lambda: len(telegram_to(7002)) > before, "trả lời trên Telegram")
        await asyncio.sleep(1.0)
        assert len(zalo.calls) == calls

    with caplog.at_level(logging.INFO):
        play(bot, scenario, telegram=fake_telegram)
    [alert] = alerts()
    assert alert == texts.channel_down_alert("zalo", texts.ZALO_TOKEN_REJECTED)
    with bot.services.sessions() as session:
        chats = session.scalars(select(OfficerChat).where(OfficerChat.channel == "zalo")
                                .order_by(OfficerChat.chat_id)).all()
        assert [(c.chat_id, c.reachable) for c in chats] == [("z-lagi", True), ("z-sct", True)]
    # Nothing failed: every reminder waits for the fixed token.
    waiting = bot.outbox("z-sct") + bot.outbox("z-lagi")
    assert waiting and {m.status for m in waiting} == {"queued"}
    stopped = [r for r in caplog.records
               if r.getMessage() == texts.channel_stopped("zalo", texts.ZALO_TOKEN_REJECTED)]
    assert len(stopped) == 1 and stopped[0].levelno == logging.ERROR


def test_the_webhook_refuses_a_bad_secret_and_handles_a_pushed_update_once(bot: Bot) -> None:
    async def post(url: str, headers: dict[str, str]) -> int:
        body = {"ok": True, "result": text_update("z-sct", "xong 3", message_id="m-forged")}
        async with httpx.AsyncClient() as http:
            return (await http.post(url, json=body, headers=headers, timeout=3)).status_code

    async def go() -> None:
        async with ZaloClient(TOKEN, bot.zalo.url) as client:
            web = WebApp()
            web.mount("zalo", ZaloWebhook(ZaloChannel(client, bot.services.commands), SECRET))
            stop = asyncio.Event()
            async with serve(web) as running:
                url = f"{running.url}zalo"
                async with background(bot.services, {"zalo": ZaloTransport(client)}, stop):
                    await client.set_webhook(url, SECRET)
                    await bot.register("z-sct", "SCT")
                    sent_before = len(bot.zalo.sent)
                    for headers in ({SECRET_HEADER: "bi-mat-webhook-2025"}, {SECRET_HEADER: ""},
                                    {}):
                        assert await post(url, headers) == 403
                    await asyncio.sleep(0.3)
                    assert len(bot.zalo.sent) == sent_before
                    assert bot.events() == []
                    assert bot.assignment("3", "SCT").status == "open"

                    pushed = len(bot.zalo.webhook_statuses)
                    bot.zalo.deliver_twice(text_update("z-sct", "xong 3", message_id="m-real"))
                    statuses = await until(lambda: bot.zalo.webhook_statuses[pushed:]
                                           if len(bot.zalo.webhook_statuses) >= pushed + 2
                                           else None, "hai lần gọi webhook")
                    assert statuses == [200, 200]
                    await bot.tick()
                    await bot.next_to("z-sct", 3, 1, "lời nhắc")
                    [done] = await bot.says("z-sct", "1 3")
                    assert "hoàn thành nhiệm vụ 2@2024-Q2" in done

    asyncio.run(asyncio.wait_for(go(), HANG))
    assert bot.events() == [("done", "zalo", None), ("done", "zalo", None)]
    assert bot.assignment("3", "SCT").status == "done"
    assert bot.count(Officer) == 1


def test_a_reply_over_2000_characters_arrives_split_on_line_boundaries(
        tmp_path: Path, zalo: FakeZaloServer) -> None:
    # By March 2026 many quarterly reports are late: the list of overdue work is long.
    bot = make_bot(tmp_path, zalo, local("2026-03-03 09:00"))

    async def scenario() -> None:
        await bot.register("z-coord", "SCT", "coordinator")
        # The greeting's list of open items is long too: once /help is answered, all of it is in.
        asked = len(bot.texts_to("z-coord"))
        bot.zalo.user_says("z-coord", "/help")
        await until(lambda: any(text.startswith("Nhắc việc: theo dõi")
                                for text in bot.texts_to("z-coord")[asked:]), "trả lời /help")
        # /quahan changes nothing: asking the command layer directly gives the very same reply.
        # (/quahan alone is one line per agency; the periods of task 9 with their late agencies
        # run long.)
        [expected] = await asyncio.to_thread(bot.services.commands.handle,
                                             Incoming("zalo", "z-coord", "", "/quahan 9"))
        assert len(expected.text) > 2000
        before = len(bot.texts_to("z-coord"))
        bot.zalo.user_says("z-coord", "quahan 9")
        pieces = await until(lambda: bot.texts_to("z-coord")[before:]
                             if len("\n".join(bot.texts_to("z-coord")[before:]))
                             >= len(expected.text) else None, "cả danh sách quá hạn")
        assert len(pieces) >= 2
        assert all(0 < len(piece) <= 2000 for piece in pieces)
        # Joined with newlines the pieces give back the reply: every cut was at a line's end.
        assert "\n".join(pieces) == expected.text

    play(bot, scenario)


# --- one officer, two channels ----------------------------------------------------------------

def test_an_officer_on_telegram_and_zalo_gets_each_reminder_on_both(
        tmp_path: Path, zalo: FakeZaloServer, fake_telegram: FakeTelegramServer) -> None:
    bot = make_bot(tmp_path, zalo, telegram=fake_telegram)

    def telegram_to(chat_id: int) -> list[SentMessage]:
        return [m for m in fake_telegram.sent if m.chat_id == chat_id]

    async def telegram_says(chat_id: int, text: str, replies: int,
                            name: str) -> list[SentMessage]:
        before = len(telegram_to(chat_id))
        fake_telegram.user_says(chat_id, text, first_name=name)
        return await until(lambda: telegram_to(chat_id)[before:]
                           if len(telegram_to(chat_id)) >= before + replies else None,
                           f"trả lời Telegram «{text}»")

    async def scenario() -> None:
        greeting, _ = await telegram_says(7001, f"/start {bot.invite('SCT')}", 2,
                                          "Nguyễn Văn An")
        assert greeting.text.startswith("Xin chào Nguyễn Văn An!")
        await bot.register("z-an", "SCT", name="Nguyễn Văn An")
        await telegram_says(7002, f"/start {bot.invite('SCT', 'coordinator')}", 2,
                            "Lê Điều Phối")
        await bot.tick()
        on_telegram = (await until(lambda: telegram_to(7001)[2:] if len(telegram_to(7001)) >= 3
                                   else None, "lời nhắc trên Telegram"))
        on_zalo = await bot.next_to("z-an", 2, 1, "lời nhắc trên Zalo")
        assert len(on_telegram) == 1
        # The same day's message: buttons per item on Telegram, the numbers' key on Zalo.
        [(telegram_message, zalo_text)] = zip(on_telegram, on_zalo, strict=True)
        assert telegram_message.button_rows[2] == ["✅ 3 Xong", "⛔ 3 Vướng mắc", "⏰ 3 Nhắc sau"]
        title, _, body = telegram_message.text.partition("\n\n")
        assert zalo_text == f"{title}\n{ITEM_CHOICES}\n\n{body}"

        # Blocked on Zalo: the coordinator on Telegram hears of it.
        coordinator_had = len(telegram_to(7002))
        await bot.says("z-an", "2 3 Chờ số liệu của các huyện")
        alert = await until(lambda: [m for m in telegram_to(7002)[coordinator_had:]
                                     if m.text.startswith("⛔ Vướng mắc cần xử lý")],
                            "báo vướng mắc trên Telegram")
        assert "Chờ số liệu của các huyện" in alert[0].text

        # Done with a tap on Telegram: the same reminder on Zalo is now stale.
        before = len(telegram_to(7001))
        fake_telegram.user_taps(7001, telegram_message.message_id,
                                telegram_message.buttons[6][1], first_name="Nguyễn Văn An")
        [done] = await until(lambda: telegram_to(7001)[before:], "trả lời nút bấm")
        assert "hoàn thành nhiệm vụ 2@2024-Q2" in done.text
        [stale] = await bot.says("z-an", "1 3")
        assert stale.startswith("Lời nhắc này đã cũ.") and "hoàn thành đúng hạn" in stale

    play(bot, scenario, telegram=fake_telegram)
    assert bot.events() == [("blocked", "zalo", "Chờ số liệu của các huyện"),
                            ("done", "telegram", None)]
    with bot.services.sessions() as session:
        reminders = session.execute(
            select(OutboxMessage.channel, func.count()).where(OutboxMessage.kind == "reminder")
            .group_by(OutboxMessage.channel).order_by(OutboxMessage.channel)).all()
        officers = session.scalars(select(Officer).order_by(Officer.id)).all()
    assert [tuple(row) for row in reminders] == [("telegram", 2), ("zalo", 1)]
    # One person on two channels is two officers of the agency, one per invite.
    assert [(o.name, o.role) for o in officers] == [("Nguyễn Văn An", "focal"),
                                                    ("Nguyễn Văn An", "focal"),
                                                    ("Lê Điều Phối", "coordinator")]


def test_a_telegram_token_revoked_while_polling_stops_telegram_and_zalo_goes_on(
        tmp_path: Path, zalo: FakeZaloServer, fake_telegram: FakeTelegramServer) -> None:
    bot = make_bot(tmp_path, zalo, telegram=fake_telegram)

    def alerts() -> list[str]:
        return [t for t in bot.texts_to("z-coord") if t.startswith("⚠️")]

    async def scenario() -> None:
        await bot.register("z-coord", "SCT", "coordinator", name="Lê Điều Phối")
        fake_telegram.token = "111111:revoked-by-botfather"  # /revoke in @BotFather
        await until(alerts, "cảnh báo kênh Telegram ngừng")
        [tasks] = await bot.says("z-coord", "/viec", name="Lê Điều Phối")
        assert tasks.startswith("📋 Việc của Sở Công Thương")
        await asyncio.sleep(1.0)

    play(bot, scenario, telegram=fake_telegram)
    assert alerts() == [texts.channel_down_alert("telegram", texts.TELEGRAM_TOKEN_REJECTED)]
