"""The follow-up workflow end to end on Telegram and Zalo: the composition root, the real
python-telegram-bot and the Zalo client talking HTTP to the fake servers, a real SQLite file.
Extension request -> one-tap (Telegram) or numbered (Zalo) answer -> the ladder follows the new
date; a completion awaiting confirmation, returned and confirmed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.app import build_services
from bot.settings import Settings, load_settings
from plan_data.loader import bundled_plan_path
from storage.schedule import claim_tick, pending_tick
from tests.fakes.telegram_api import FakeTelegramServer, SentMessage
from tests.fakes.zalo_api import TOKEN, FakeZaloServer
from tests.test_console import START, Terminal, terminals
from tests.test_e2e_telegram import (
    COORDINATOR,
    LEADER,
    REGISTRATION_DAY,
    SCT_FOCAL,
    SECOND_COORDINATOR,
    MovingClock,
    Office,
    RunningBot,
    TickSpy,
    wait_until,
)
from tests.test_e2e_zalo import Bot, play
from tests.world import Clock, local

__all__ = ["terminals"]  # the fixture of the console tests, used here


def confirm_plan(tmp_path: Path) -> Path:
    """Return the bundled plan, written with `confirm_done: true`."""
    path = tmp_path / "plan-xac-nhan.yaml"
    text = bundled_plan_path().read_text(encoding="utf-8")
    path.write_text(text.replace("\ntasks:\n", "\nconfirm_done: true\ntasks:\n", 1),
                    encoding="utf-8")
    return path


def open_office(tmp_path: Path, fake: FakeTelegramServer, plan: Path | None = None) -> Office:
    clock = MovingClock(REGISTRATION_DAY)
    env = {"NHACVIEC_DB_URL": f"sqlite:///{tmp_path / 'nhacviec.db'}",
           "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.api_url,
           "NHACVIEC_RATE_PER_CHAT": "20"}
    if plan is not None:
        env["NHACVIEC_PLAN"] = str(plan)
    services = build_services(load_settings(env, dotenv=None), clock)
    ticks = TickSpy(services)
    office = Office(tmp_path, fake, clock, services, ticks, RunningBot(services))
    wait_until(lambda: bool(office.ticks.results), "the timer's first tick")
    office.register(SCT_FOCAL, "SCT", "focal", "Trần Thị Bình")
    office.register(COORDINATOR, "SCT", "coordinator", "Lê Điều Phối")
    office.register(SECOND_COORDINATOR, "SCT", "coordinator", "Ngô Tổng Hợp")
    office.register(LEADER, "SCT", "leader", "Phó Giám đốc")
    return office


@pytest.fixture
def telegram_office(tmp_path: Path, fake_telegram: FakeTelegramServer) -> Iterator[Office]:
    office = open_office(tmp_path, fake_telegram)
    try:
        yield office
    finally:
        office.close()


def last_with(office: Office, chat: int, start: str) -> SentMessage:
    office.wait_for_text(chat, start)
    return [m for m in office.to(chat) if m.text.startswith(start)][-1]


def tap(office: Office, chat: int, message: SentMessage, data: str, expect: str) -> str:
    before = len(office.to(chat))
    office.fake.user_taps(chat, message.message_id, data)
    wait_until(lambda: any(expect in m.text for m in office.to(chat)[before:]),
               f"{expect!r} after a tap")
    return next(m.text for m in office.to(chat)[before:] if expect in m.text)


def task_1_of_sct(queued: object) -> list[tuple[str, date]]:
    assert isinstance(queued, list)
    return [(q.reminder.key, q.reminder.due) for q in queued
            if (q.reminder.task_key, q.reminder.agency) == ("1", "SCT")]


def test_on_telegram_a_tap_approves_an_extension_and_the_ladder_follows_the_new_date(
        telegram_office: Office) -> None:
    office = telegram_office
    [sent] = office.say(SCT_FOCAL, "/giahan 1 10/07/2024 Chờ ý kiến các sở")
    assert sent.text.startswith("📨 Đã gửi đề nghị gia hạn số 1")
    notice = last_with(office, COORDINATOR, "📅 Đề nghị gia hạn số 1")
    assert notice.button_rows == [["✅ Duyệt"], ["❌ Từ chối"]]
    assert notice.buttons == [("✅ Duyệt", "xa:1"), ("❌ Từ chối", "xr:1")]
    assert all(len(data.encode()) <= 64 for _, data in notice.buttons)
    second = last_with(office, SECOND_COORDINATOR, "📅 Đề nghị gia hạn số 1")
    [refused] = office.say(LEADER, "/duyet 1")
    assert refused.text == ("Chỉ cán bộ điều phối của Sở Công Thương mới duyệt hoặc từ chối "
                            "đề nghị gia hạn.")
    assert office.assignment("1", "SCT").due_override is None

    approved = tap(office, COORDINATOR, notice, "xa:1", "✅ Đã duyệt đề nghị gia hạn số 1")
    assert approved.endswith("nay hạn 10/07/2024 (hạn ban đầu 30/06/2024).")
    told = last_with(office, SCT_FOCAL, "✅ Sở Công Thương đã duyệt đề nghị gia hạn số 1")
    assert "nay hạn 10/07/2024" in told.text
    late = tap(office, SECOND_COORDINATOR, second, "xr:1", "Đề nghị gia hạn số 1 đã được duyệt")
    assert late.endswith("; không thay đổi.")
    assert office.assignment("1", "SCT").due_override == date(2024, 7, 10)

    # No reminder for the old date (its T-7 and due steps), the new date's ladder instead.
    assert [key for key, _ in task_1_of_sct(office.tick(local("2024-06-21 08:00")))] == [
        "T-30~2024-07-10"]
    assert task_1_of_sct(office.tick(local("2024-06-28 08:00"))) == []
    assert task_1_of_sct(office.tick(local("2024-07-03 08:00"))) == [
        ("T-7~2024-07-10", date(2024, 7, 10))]
    office.wait_for_outbox()
    # The day's message (one item, or one of several) shows the new date.
    reminder = [m for m in office.to(SCT_FOCAL) if "hiệm vụ 1: " in m.text][-1]
    assert re.search(r"Hạn:? 10/07/2024", reminder.text), reminder.text
    history = office.say(COORDINATOR, "/lichsu 1")[0].text
    assert "Duyệt gia hạn (số 1): hạn mới 10/07/2024" in history
    assert "· Telegram\n" in history


def test_on_telegram_a_completion_is_returned_with_a_reason_then_confirmed(
        tmp_path: Path, fake_telegram: FakeTelegramServer) -> None:
    office = open_office(tmp_path, fake_telegram, confirm_plan(tmp_path))
    try:
        [waiting] = office.say(SCT_FOCAL, "/xong 1 Đã tổ chức hội nghị")
        assert waiting.text.endswith("đang chờ Sở Công Thương xác nhận.")
        item = office.assignment("1", "SCT")
        notice = last_with(office, COORDINATOR, "🕓 Đề nghị xác nhận hoàn thành")
        assert notice.buttons == [("✅ Xác nhận", f"ca:{item.id}"),
                                  ("↩️ Trả lại", f"cr:{item.id}")]
        assert "- Chờ xác nhận hoàn thành: 1" in office.say(COORDINATOR, "/status")[0].text
        asked = tap(office, COORDINATOR, notice, f"cr:{item.id}", "Vui lòng nhắn lý do trả lại")
        assert "nhiệm vụ 1 (Quý 2 năm 2024)" in asked
        [returned] = office.say(COORDINATOR, "Thiếu báo cáo kết quả")
        assert returned.text.startswith("↩️ Đã trả lại báo hoàn thành nhiệm vụ 1")
        told = last_with(office, SCT_FOCAL, "↩️ Sở Công Thương trả lại báo hoàn thành")
        assert told.text.endswith("Lý do: Thiếu báo cáo kết quả")
        assert office.assignment("1", "SCT").status == "open"
        # Reminders resume.
        assert task_1_of_sct(office.tick(local("2024-07-01 08:00"))) == [
            ("overdue@2024-07-01", date(2024, 6, 30))]
        office.clock.set(local("2024-07-01 09:00"))
        office.say(SCT_FOCAL, "/xong 1 Đã gửi báo cáo kết quả")
        notice = last_with(office, COORDINATOR, "🕓 Đề nghị xác nhận hoàn thành")
        confirmed = tap(office, COORDINATOR, notice, f"ca:{item.id}", "✅ Đã xác nhận")
        assert confirmed.endswith("ngày 01/07/2024, hoàn thành quá hạn.")
        assert office.assignment("1", "SCT").completed_on == date(2024, 7, 1)
    finally:
        office.close()


def make_zalo_bot(tmp_path: Path, zalo: FakeZaloServer, plan: Path | None = None) -> Bot:
    now = local("2024-06-21 08:05")
    clock = Clock(now)
    config = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}", zalo_token=TOKEN,
                      zalo_api_url=zalo.url, plan_path=plan)
    services = build_services(config, clock)
    with services.sessions() as session, session.begin():
        instant = pending_tick(session, now, config.send_at, services.calendar, config.tz)
        assert instant is not None and claim_tick(session, instant, now)
    return Bot(services, clock, zalo)


@pytest.fixture
def zalo_server() -> Iterator[FakeZaloServer]:
    with FakeZaloServer() as server:
        yield server


def test_on_zalo_numbered_answers_refuse_then_approve_an_extension(
        tmp_path: Path, zalo_server: FakeZaloServer) -> None:
    bot = make_zalo_bot(tmp_path, zalo_server)

    async def scenario() -> None:
        await bot.register("z-lagi", "LAGI", name="Võ La Gi")
        await bot.register("z-coord", "SCT", "coordinator", name="Lê Điều Phối")
        [sent] = await bot.says("z-lagi", "giahan 5 10/07/2024 Chưa có số liệu của các xã")
        assert sent.startswith("📨 Đã gửi đề nghị gia hạn số 1: nhiệm vụ 5@2024-Q2")
        [notice] = await bot.next_to("z-coord", 2, 1, "đề nghị gia hạn")
        assert notice.startswith("📅 Đề nghị gia hạn số 1\nỦy ban nhân dân thị xã La Gi xin")
        assert notice.endswith("\n\nTrả lời 1 = duyệt, 2 <lý do> = từ chối")
        [asked] = await bot.says("z-coord", "2")
        assert asked == ("Vui lòng nhắn lý do từ chối đề nghị gia hạn số 1 trong tin nhắn tiếp "
                         "theo.")
        [refused] = await bot.says("z-coord", "Cần hoàn thành đúng hạn")
        assert refused.startswith("❌ Đã từ chối đề nghị gia hạn số 1")
        [told] = await bot.next_to("z-lagi", 3, 1, "kết quả")
        assert told.endswith("giữ hạn 30/06/2024.\nLý do: Cần hoàn thành đúng hạn")
        [again] = await bot.says("z-lagi", "/giahan 5 05/07/2024 Xin thêm một tuần")
        assert again.startswith("📨 Đã gửi đề nghị gia hạn số 2")
        await bot.next_to("z-coord", 5, 1, "đề nghị số 2")
        [approved] = await bot.says("z-coord", "1")
        assert approved.startswith("✅ Đã duyệt đề nghị gia hạn số 2")
        [told] = await bot.next_to("z-lagi", 5, 1, "đã duyệt")
        assert "nay hạn 05/07/2024 (hạn ban đầu 30/06/2024)" in told
        bot.clock.now = local("2024-06-28 08:00")
        queued = await bot.tick()
        assert {(q.reminder.key, q.reminder.due) for q in queued
                if (q.reminder.task_key, q.reminder.agency) == ("5", "LAGI")} == {
            ("T-7~2024-07-05", date(2024, 7, 5))}
        [reminder] = await bot.next_to("z-lagi", 6, 1, "lời nhắc")
        assert re.search(r"Hạn:? 05/07/2024", reminder), reminder
        [nudge] = await bot.says("z-lagi", "nhac 5 LAGI")
        assert nudge.startswith("Chỉ cán bộ điều phối của Sở Công Thương mới nhắc")

    play(bot, scenario)
    assert bot.assignment("5", "LAGI", "2024-Q2").due_override == date(2024, 7, 5)


def test_on_zalo_a_numbered_reply_returns_a_completion_with_its_reason(
        tmp_path: Path, zalo_server: FakeZaloServer) -> None:
    bot = make_zalo_bot(tmp_path, zalo_server, confirm_plan(tmp_path))

    async def scenario() -> None:
        await bot.register("z-lagi", "LAGI", name="Võ La Gi")
        await bot.register("z-coord", "SCT", "coordinator", name="Lê Điều Phối")
        [waiting] = await bot.says("z-lagi", "xong 5@2024-Q2 Đã gửi báo cáo")
        assert waiting.endswith("đang chờ Sở Công Thương xác nhận.")
        [notice] = await bot.next_to("z-coord", 2, 1, "đề nghị xác nhận")
        assert notice.endswith("\n\nTrả lời 1 = xác nhận, 2 <lý do> = trả lại")
        [returned] = await bot.says("z-coord", "2 Thiếu biên bản họp")
        assert returned.startswith("↩️ Đã trả lại báo hoàn thành nhiệm vụ 5@2024-Q2")
        [told] = await bot.next_to("z-lagi", 3, 1, "trả lại")
        assert told.endswith("Lý do: Thiếu biên bản họp")
        [history] = await bot.says("z-lagi", "lichsu 5")
        assert history.index("Trả lại báo hoàn thành") < history.index("Báo hoàn thành")
        assert "· Zalo\n" in history

    play(bot, scenario)
    assert bot.assignment("5", "LAGI", "2024-Q2").status == "open"


def test_in_two_terminals_an_officer_asks_and_the_coordinator_approves_with_a_number(
        tmp_path: Path, terminals: Callable[..., Terminal]) -> None:
    coordinator = terminals("chat", "--agency", "SCT", "--role", "coordinator", "--clock", START)
    # Its first tick's reminders arrive first, so "1" below answers the extension request.
    coordinator.wait_for(lambda s: "📬 Nhắc việc ngày" in s and "🤝 Phối hợp thực hiện" in s,
                         "tin nhắc việc trong ngày", timeout=15)
    officer = terminals("chat", "--agency", "LAGI", "--clock", START)
    officer.wait_for(lambda s: "📋 Việc của" in s, "lời chào")
    officer.type("giahan 5@2024-Q2 10/07/2024 Chưa có số liệu của các xã")
    officer.wait_for(lambda s: "📨 Đã gửi đề nghị gia hạn số 1" in s, "trả lời /giahan")
    screen = coordinator.wait_for(
        lambda s: "Trả lời 1 = duyệt, 2 <lý do> = từ chối" in s, "đề nghị gia hạn", timeout=15)
    assert "📅 Đề nghị gia hạn số 1\nỦy ban nhân dân thị xã La Gi xin gia hạn" in screen
    coordinator.type("1")
    coordinator.wait_for(lambda s: "✅ Đã duyệt đề nghị gia hạn số 1" in s, "trả lời «1»")
    screen = officer.wait_for(lambda s: "đã duyệt đề nghị gia hạn số 1" in s, "kết quả",
                              timeout=15)
    assert "nay hạn 10/07/2024 (hạn ban đầu 30/06/2024)" in screen
    for terminal in (officer, coordinator):
        terminal.type("/thoát")
        assert terminal.finish() == 0
        assert terminal.stderr == []
