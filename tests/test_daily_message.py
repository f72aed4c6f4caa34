"""One message a day: the day's reminders of an agency are one message listing each item with
its answers, on the console, Telegram and Zalo; long lists split between items, never inside
one. Real SQLite files, the fake Telegram and Zalo servers."""

from __future__ import annotations

import asyncio
import json
import time as clock_time
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from telegram import Bot

from bot.answers import item_of_block
from bot.channels.base import Button, OutMessage
from bot.channels.console.transport import ConsoleTransport
from bot.channels.telegram.transport import MAX_MESSAGE_LENGTH, TelegramTransport
from bot.channels.zalo.client import TEXT_LIMIT, ZaloClient
from bot.channels.zalo.transport import ZaloTransport
from bot.commands import Commands
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.tick import run_tick
from plan_data.loader import load_bundled
from scheduler.plan import Plan, Task
from scheduler.workdays import WorkingCalendar
from storage import outbox as stored_outbox
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import Assignment, OccurrenceRow, OutboxMessage, OutboxStatus, TaskRow
from storage.sync import sync_plan
from tests.fakes.telegram_api import FakeTelegramServer
from tests.fakes.zalo_api import TOKEN, FakeZaloServer
from tests.world import TZ, Clock, World, local, make_world

EIGHT = time(8, 0)
TELEGRAM_SCT = "1001"


@pytest.fixture
def zalo() -> Iterator[FakeZaloServer]:
    with FakeZaloServer() as server:
        yield server


def tick(world: World, when: str) -> None:
    world.clock.now = local(when)
    with world.sessions() as session, session.begin():
        run_tick(session, world.clock(), world.calendar, TZ, EIGHT)


def reminders(world: World, chat_id: str | None = None) -> list[OutboxMessage]:
    with world.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == "reminder")
        if chat_id is not None:
            query = query.where(OutboxMessage.chat_id == chat_id)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def status(world: World, key: str, agency: str, period: str) -> str:
    with world.sessions() as session:
        return session.scalars(
            select(Assignment.status).join(OccurrenceRow).join(TaskRow)
            .where(TaskRow.key == key, OccurrenceRow.period == period,
                   Assignment.agency_code == agency)).one()


def mark_sent(world: World) -> None:
    with world.sessions() as session, session.begin():
        session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT.value,
                                                     sent_at=world.clock()))


def out_message(message: OutboxMessage) -> OutMessage:
    return OutMessage(message.chat_id, message.text,
                      tuple(Button(*pair) for pair in stored_outbox.buttons_of(message)))


async def drain(dispatcher: Dispatcher, world: World) -> None:
    deadline = clock_time.monotonic() + 10
    while clock_time.monotonic() < deadline:
        with world.sessions() as session:
            left = session.scalar(select(OutboxMessage.id).where(
                OutboxMessage.status.in_(("queued", "sending"))).limit(1))
        if left is None:
            return
        if await dispatcher.run_once() == 0:
            await asyncio.sleep(0.01)
    raise AssertionError("the outbox did not drain")


# ---- one message per agency and day, on every channel ----------------------------------------


def test_each_chat_receives_at_most_one_reminder_message_a_day_on_every_channel(
        tmp_path: Path, fake_telegram: FakeTelegramServer, zalo: FakeZaloServer) -> None:
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    world.register(TELEGRAM_SCT, "SCT", channel="telegram")
    world.register("z-lagi", "LAGI", channel="zalo")
    world.register("c-sct", "SCT", "coordinator", channel="console")
    printed: list[str] = []
    days = ["2024-06-21", "2024-06-24", "2024-06-28", "2024-07-01", "2024-07-03", "2024-07-08"]

    async def deliver_each_day() -> None:
        async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as bot, \
                ZaloClient(TOKEN, zalo.url) as client:
            dispatcher = Dispatcher(world.sessions, {
                "telegram": TelegramTransport(bot), "zalo": ZaloTransport(client),
                "console": ConsoleTransport(printed.append)}, world.clock,
                per_chat_per_second=1000)
            for day in days:
                tick(world, f"{day} 08:00")
                tick(world, f"{day} 15:00")  # a second tick the same day adds no message
                await drain(dispatcher, world)

    asyncio.run(asyncio.wait_for(deliver_each_day(), 30))
    per_chat_day = Counter((m.chat_id, m.created_at.astimezone(TZ).date())
                           for m in reminders(world))
    assert per_chat_day and max(per_chat_day.values()) == 1
    # Several items a day, several days: still one message each.
    assert len({day for chat, day in per_chat_day if chat == TELEGRAM_SCT}) >= 4
    # What the platforms received: one reminder text per chat and day.
    assert len([m for m in fake_telegram.sent if m.chat_id == int(TELEGRAM_SCT)]) == len(
        reminders(world, TELEGRAM_SCT)) + len(
        [m for m in reminders(world, TELEGRAM_SCT) if len(m.text) > MAX_MESSAGE_LENGTH])
    assert len([m for m in zalo.sent if m["chat_id"] == "z-lagi"]) == len(
        reminders(world, "z-lagi"))
    assert len(printed) >= len(reminders(world, "c-sct"))
    assert printed[0].startswith("📬 Nhắc việc ngày 21/06/2024 cho Sở Công Thương: 4 việc")


# ---- answering one item ------------------------------------------------------------------


def test_tapping_item_3s_done_button_records_item_3_done(tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    world.register(TELEGRAM_SCT, "SCT", channel="telegram")
    tick(world, "2024-06-21 08:00")
    [message] = reminders(world, TELEGRAM_SCT)
    item_3 = next(block for block in message.text.split("\n\n") if item_of_block(block) == 3)
    assert item_3.startswith("3. 🔔 Nhắc việc – nhiệm vụ 2@2024-Q2: ")
    [(_, data)] = [pair for pair in stored_outbox.buttons_of(message)
                       if pair[0] == "✅ 3 Xong"]
    world.clock.now = local("2024-06-21 09:00")
    reply = world.tap(TELEGRAM_SCT, data, channel="telegram")
    assert reply.startswith("✅ Đã ghi nhận: Sở Công Thương hoàn thành nhiệm vụ 2@2024-Q2")
    assert status(world, "2", "SCT", "2024-Q2") == "done"
    assert status(world, "1", "SCT", "") == "open"
    assert status(world, "III.1", "SCT", "2024-H1") == "open"


def test_answering_1_3_records_item_3_done_and_2_1_with_a_reason_blocks_item_1(
        tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    world.register("c-sct", "SCT")
    tick(world, "2024-06-21 08:00")
    mark_sent(world)  # on the officer's screen
    world.clock.now = local("2024-06-21 09:00")
    assert world.say("c-sct", "1").startswith("Tin nhắc gần nhất có 3 việc")
    assert "không có mục 7" in world.say("c-sct", "1 7")
    assert status(world, "2", "SCT", "2024-Q2") == "open"
    assert "hoàn thành nhiệm vụ 2@2024-Q2" in world.say("c-sct", "1 3")
    assert status(world, "2", "SCT", "2024-Q2") == "done"
    assert "vướng mắc" in world.say("c-sct", "2 1 Chờ số liệu của các huyện")
    assert status(world, "III.1", "SCT", "2024-H1") == "blocked"
    assert status(world, "1", "SCT", "") == "open"


# ---- long lists --------------------------------------------------------------------------


def many_tasks_world(tmp_path: Path, count: int, timeframe: str, now: datetime) -> World:
    """A world whose one plan has `count` tasks led by SCT, all in the same `timeframe`."""
    url = f"sqlite:///{tmp_path / 'nhacviec.db'}"
    upgrade(url)
    sessions = make_sessionmaker(make_engine(url))
    directory, _ = load_bundled()
    plan = Plan(id="thu", title="Kế hoạch thử", issuer="UBND tỉnh", start=date(2024, 1, 1),
                tasks=tuple(Task(key=str(n), title=f"Việc thử số {n} của kế hoạch dài",
                                 text="Nhiệm vụ thử", lead=("SCT",), timeframe=timeframe)
                            for n in range(1, count + 1)))
    with sessions() as session, session.begin():
        sync_plan(session, directory, plan, date(2025, 12, 31), now - timedelta(days=1))
    clock = Clock(now)
    calendar = WorkingCalendar.from_overrides()
    return World(url, sessions, clock, calendar, Commands(sessions, clock, calendar, TZ))


def test_a_long_days_message_splits_between_items_each_telegram_piece_with_its_buttons(
        tmp_path: Path, fake_telegram: FakeTelegramServer) -> None:
    # 120 tasks due 30/09/2024: their T-7 reminders all fall on Monday 23/09.
    world = many_tasks_world(tmp_path, 120, "Quý 3 năm 2024", local("2024-09-20 09:00"))
    world.register(TELEGRAM_SCT, "SCT", channel="telegram")
    tick(world, "2024-09-23 08:00")
    [message] = reminders(world)
    assert len(message.text) > 2 * MAX_MESSAGE_LENGTH
    assert len(json.loads(message.buttons_json or "[]")) == 3 * 120
    blocks = message.text.split("\n\n")

    pieces = TelegramTransport(Bot(fake_telegram.token)).pieces(out_message(message))
    assert len(pieces) >= 3 and all(len(p.text) <= MAX_MESSAGE_LENGTH for p in pieces)
    assert "\n\n".join(p.text for p in pieces) == message.text  # cut only between items
    seen: list[int] = []
    for piece in pieces:
        items = [n for block in piece.text.split("\n\n") if (n := item_of_block(block))]
        assert sorted({int(b.data.rsplit("#", 1)[1]) for b in piece.buttons}) == items
        seen.extend(items)
    assert seen == list(range(1, 121))

    async def send() -> None:
        async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as bot:
            await TelegramTransport(bot).send(out_message(message))
    asyncio.run(asyncio.wait_for(send(), 20))
    sent = [m for m in fake_telegram.sent if m.chat_id == int(TELEGRAM_SCT)]
    assert [m.text for m in sent] == [p.text for p in pieces]
    assert all(len(row) == 3 for m in sent for row in m.button_rows)  # a row per item

    zalo_pieces = ZaloTransport(ZaloClient(TOKEN)).pieces(out_message(message))
    assert all(0 < len(p.text) <= TEXT_LIMIT for p in zalo_pieces)
    joined = [block for p in zalo_pieces for block in p.text.split("\n\n")]
    assert [b for b in joined if item_of_block(b)] == [b for b in blocks if item_of_block(b)]


def test_overdue_with_200_items_stays_short_and_its_details_split_between_lines(
        tmp_path: Path) -> None:
    world = many_tasks_world(tmp_path, 200, "Quý 1 năm 2024", local("2024-06-03 09:00"))
    world.register("coord", "SCT", "coordinator")
    summary = world.say("coord", "/quahan")
    assert len(summary) < TEXT_LIMIT
    assert "\n- Sở Công Thương: 200 việc quá hạn" in summary
    details = world.say("coord", "/quahan SCT")
    lines = details.split("\n")
    assert lines[0].startswith("❗ Việc quá hạn của Sở Công Thương (200)")
    assert len([line for line in lines if line.startswith("• ")]) == 200
    assert len(details) > 2 * MAX_MESSAGE_LENGTH
    for pieces, limit in (
            (TelegramTransport(Bot("1:x")).pieces(OutMessage("1", details)), MAX_MESSAGE_LENGTH),
            (ZaloTransport(ZaloClient(TOKEN)).pieces(OutMessage("z", details)), TEXT_LIMIT)):
        assert len(pieces) >= 3 and all(len(p.text) <= limit for p in pieces)
        # Every piece is whole lines: joined back by line breaks they give the text.
        assert "\n".join(p.text for p in pieces) == details
