"""Delivery: a tick fills the outbox under unique keys; the dispatcher sends it in order, within
rate limits, retrying what failed. Real SQLite files; a fake transport at the network seam."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.app import Services
from bot.channels.base import OutMessage, TransportError
from bot.delivery.dispatcher import Dispatcher
from bot.settings import Settings
from plan_data.loader import load_bundled
from storage import outbox as stored_outbox
from storage import people
from storage.db import make_engine, make_sessionmaker
from storage.invites import revoke_officer
from storage.models import (
    Assignment,
    OccurrenceRow,
    Officer,
    OfficerChat,
    OutboxMessage,
    ReminderRow,
    TaskRow,
    Tick,
)
from storage.schedule import claim_tick, pending_tick
from tests.world import TZ, World, local, make_world

T = TypeVar("T")

EIGHT = time(8, 0)

BUTTONS = ["✅ Đã hoàn thành", "⛔ Vướng mắc", "⏰ Nhắc lại sau"]
DISTRICTS = [
    "Ủy ban nhân dân thành phố Phan Thiết",
    "Ủy ban nhân dân thị xã La Gi",
    "Ủy ban nhân dân huyện Tuy Phong",
    "Ủy ban nhân dân huyện Bắc Bình",
    "Ủy ban nhân dân huyện Hàm Thuận Bắc",
    "Ủy ban nhân dân huyện Hàm Thuận Nam",
    "Ủy ban nhân dân huyện Tánh Linh",
    "Ủy ban nhân dân huyện Đức Linh",
    "Ủy ban nhân dân huyện Hàm Tân",
    "Ủy ban nhân dân huyện Phú Quý",
]


def run(coroutine: Coroutine[Any, Any, T], timeout: float = 5.0) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


# ---- the world ---------------------------------------------------------------------------


def services_of(world: World) -> Services:
    """The composition root's services over the world's database, clock and calendar."""
    directory, plan = load_bundled()
    return Services(Settings(db_url=world.url), world.sessions.kw["bind"], world.sessions,
                    world.clock, world.calendar, directory, plan, world.commands)


def outbox(world: World, chat_id: str | None = None, *, after: int = 0) -> list[OutboxMessage]:
    """Return the outbox (of one chat), oldest first, from id `after` on."""
    with world.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.id > after)
        if chat_id is not None:
            query = query.where(OutboxMessage.chat_id == chat_id)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def last_id(world: World) -> int:
    with world.sessions() as session:
        return session.scalar(select(func.max(OutboxMessage.id))) or 0


def assignment_id(world: World, task_key: str, agency: str, period: str) -> int:
    with world.sessions() as session:
        return session.scalars(
            select(Assignment.id).join(OccurrenceRow).join(TaskRow)
            .where(TaskRow.key == task_key, OccurrenceRow.period == period,
                   Assignment.agency_code == agency)).one()


def reminder_keys(world: World, task_key: str, agency: str, period: str) -> list[str]:
    with world.sessions() as session:
        return list(session.scalars(
            select(ReminderRow.key).join(Assignment).join(OccurrenceRow).join(TaskRow)
            .where(TaskRow.key == task_key, OccurrenceRow.period == period,
                   Assignment.agency_code == agency).order_by(ReminderRow.id)))


def items(message: OutboxMessage) -> list[str]:
    """Return the items a message lists: the numbered blocks (or lines) of a day's message, or
    a one-item message whole."""
    text = message.text
    if text.startswith("📬"):
        return [block for block in text.split("\n\n")[1:] if "hiệm vụ" in block]
    if text.startswith("🚨 Báo cáo ngày"):
        return text.splitlines()[1:]
    return [text]


_TASK = re.compile(r"[Nn]hiệm vụ (?P<key>[^\s:(]+)(?: \([^)]*\))?: (?P<title>.+?)(?: – hạn .*)?$")


def task_line(item: str) -> str:
    """Return "Nhiệm vụ KEY: title" of the task an item names ("" for none)."""
    # A digest names no single task: it has no such line.
    line = next((line for line in item.splitlines() if "hiệm vụ" in line), "")
    match = _TASK.search(line)
    return f"Nhiệm vụ {match.group('key')}: {match.group('title')}" if match else ""


def about(messages: list[OutboxMessage], prefix: str) -> list[tuple[OutboxMessage, str]]:
    """Return (message, item) for each item of `messages` whose task line starts with `prefix`."""
    return [(m, item) for m in messages for item in items(m)
            if task_line(item).startswith(prefix)]


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-20 09:00"))
    w.register("sct", "SCT", name="Trần Thị Bình")
    w.register("sct-2", "SCT", name="Ngô Văn Hai")
    w.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    w.register("lead", "SCT", "leader", name="Phó Giám đốc")
    w.register("tttt", "STTTT", name="Phạm Truyền Thông")
    w.register("lagi", "LAGI", name="Võ La Gi")
    return w


def tick_at(world: World, services: Services, when: str) -> list[Any] | None:
    world.clock.now = local(when)
    return services.tick(world.clock.now)


# ---- ticks -------------------------------------------------------------------------------


def test_a_tick_queues_t7_to_the_lead_with_buttons_and_a_notice_to_the_coordinating_agency(
        world: World) -> None:
    queued = tick_at(world, services_of(world), "2024-06-21 08:00")
    assert queued is not None
    task1 = assignment_id(world, "1", "SCT", "")
    assert reminder_keys(world, "1", "SCT", "") == ["T-7"]
    for chat in ("sct", "sct-2", "coord"):
        # One message for the day, listing task 1 among the agency's other items.
        [message] = outbox(world, chat)
        assert message.kind == "reminder" and message.status == "queued"
        [(_, item)] = about([message], "Nhiệm vụ 1:")
        number = int(item.split(".", 1)[0])
        assert item.startswith(f"{number}. 🔔 Nhắc việc – nhiệm vụ 1: Quán triệt")
        assert "Hạn 30/06/2024 · đang thực hiện trong hạn (còn 9 ngày)" in item
        assert message.assignment_id is None  # several items: the buttons name each one
        rows = json.loads(message.buttons_json or "")
        assert rows[3 * number - 3:3 * number] == [
            [f"✅ {number} Xong", f"d:{task1}#{number}"],
            [f"⛔ {number} Vướng mắc", f"b:{task1}#{number}"],
            [f"⏰ {number} Nhắc sau", f"s:{task1}#{number}"]]
    [notice] = outbox(world, "tttt")
    assert notice.text.startswith("🤝 Phối hợp thực hiện\nSở Thông tin và Truyền thông là cơ "
                                  "quan phối hợp nhiệm vụ 1: Quán triệt")
    assert "Cơ quan chủ trì: Sở Công Thương" in notice.text
    assert notice.buttons_json is None and notice.assignment_id is None
    assert reminder_keys(world, "1", "STTTT", "") == ["coordinate"]


def test_leaders_get_no_reminders(world: World) -> None:
    services = services_of(world)
    for when in ("2024-06-21 08:00", "2024-06-28 08:00", "2024-07-01 08:00", "2024-07-03 08:00"):
        tick_at(world, services, when)
    assert outbox(world, "coord")  # the coordinator of the same agency does get them
    assert [m.kind for m in outbox(world, "lead")] == ["digest"] * 3  # weeks 25, 26, 27


def test_ticking_twice_at_the_same_instant_queues_nothing_new(world: World) -> None:
    services = services_of(world)
    assert tick_at(world, services, "2024-06-21 08:00")
    before = outbox(world)
    assert tick_at(world, services, "2024-06-21 08:00") is None
    assert tick_at(world, services, "2024-06-21 14:30") is None
    # Forced (`nhacviec tick`): the calendar runs again, the unique keys keep it from repeating.
    assert services.tick(local("2024-06-21 14:30"), forced=True) == []
    assert [m.id for m in outbox(world)] == [m.id for m in before]
    with world.sessions() as session:
        assert list(session.scalars(select(Tick.due_at))) == [local("2024-06-21 08:00")]


def test_two_processes_ticking_at_once_serve_the_instant_once(world: World) -> None:
    results: list[list[Any] | None] = []

    def one_process() -> None:
        engine = make_engine(world.url)
        try:
            sessions = make_sessionmaker(engine)
            directory, plan = load_bundled()
            services = Services(Settings(db_url=world.url), engine, sessions, world.clock,
                                world.calendar, directory, plan, world.commands)
            results.append(services.tick(local("2024-06-21 08:00")))
        finally:
            engine.dispose()

    threads = [threading.Thread(target=one_process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(result is None for result in results) == [False, True]
    keys = [m.dedupe_key for m in outbox(world)]
    assert len(keys) == len(set(keys)) > 0
    assert len(about(outbox(world, "sct"), "Nhiệm vụ 1:")) == 1


def test_claim_tick_refuses_an_instant_another_session_served(world: World) -> None:
    instant = local("2024-06-21 08:00")
    with world.sessions() as session, session.begin():
        assert pending_tick(session, local("2024-06-21 09:00"), EIGHT, world.calendar,
                            TZ) == instant
        assert claim_tick(session, instant, local("2024-06-21 09:00"))
    with world.sessions() as session, session.begin():
        assert pending_tick(session, local("2024-06-21 09:01"), EIGHT, world.calendar,
                            TZ) is None
        assert not claim_tick(session, instant, local("2024-06-21 09:01"))
        # The refused claim rolled back only itself: the transaction goes on.
        assert session.scalar(select(func.count()).select_from(Tick)) == 1


def test_a_bot_down_for_five_days_catches_up_with_one_tick_of_the_latest_reminders(
        world: World) -> None:
    services = services_of(world)
    tick_at(world, services, "2024-06-21 08:00")
    tick_at(world, services, "2024-06-24 08:00")
    # Down from Monday 24/6 to Monday 1/7 09:00, then woken every minute for a while.
    served = [tick_at(world, services, f"2024-07-01 09:{minute:02d}") for minute in range(10)]
    assert [result is not None for result in served] == [True] + [False] * 9
    with world.sessions() as session:
        assert list(session.scalars(select(Tick.due_at).order_by(Tick.id))) == [
            local("2024-06-21 08:00"), local("2024-06-24 08:00"), local("2024-07-01 08:00")]
    # The "due" reminder of Friday 28/6 was missed: superseded by the overdue one, never sent.
    assert reminder_keys(world, "1", "SCT", "") == ["T-7", "overdue@2024-07-01"]
    [overdue] = [item for _, item in about(outbox(world, "sct"), "Nhiệm vụ 1:")
                 if "❗ Quá hạn" in item]
    assert "Hạn 30/06/2024 · quá hạn 1 ngày" in overdue
    assert len(outbox(world, "sct")) == len({m.text for m in outbox(world, "sct")})


def test_escalations_go_to_coordinators_only_in_one_message_a_day_listing_the_occurrences(
        world: World) -> None:
    world.register("coord-2", "SCT", "coordinator", name="Đỗ Điều Phối Hai")
    services = services_of(world)
    for when in ("2024-06-21 08:00", "2024-06-28 08:00", "2024-07-01 08:00"):
        tick_at(world, services, when)
    before = last_id(world)
    tick_at(world, services, "2024-07-03 08:00")
    new = outbox(world, after=before)
    assert {m.chat_id for m in new} == {"coord", "coord-2"}
    assert {m.kind for m in new} == {"escalation"}
    for chat in ("coord", "coord-2"):
        [message] = [m for m in new if m.chat_id == chat]
        assert message.text.startswith("🚨 Báo cáo ngày 03/07/2024: 4 việc quá hạn cần đôn đốc")
        assert message.buttons_json is None
        by_task = {task_line(item): item for item in items(message)}
        assert sorted(by_task) == [
            "Nhiệm vụ 1: Quán triệt, tuyên truyền Nghị định 32/2024/NĐ-CP",
            "Nhiệm vụ 2@2024-Q2: Rà soát văn bản pháp luật về cụm công nghiệp",
            "Nhiệm vụ 5@2024-Q2: Quản lý, chuyển đổi cụm công nghiệp rút khỏi quy hoạch",
            "Nhiệm vụ 9@2024-Q2: Hỗ trợ đầu tư hạ tầng kỹ thuật cụm công nghiệp",
        ]
        task5 = by_task[
            "Nhiệm vụ 5@2024-Q2: Quản lý, chuyển đổi cụm công nghiệp rút khỏi quy hoạch"]
        late = task5.split("chưa hoàn thành: ", 1)[1].split(", ")
        assert late == [name.replace("Ủy ban nhân dân", "UBND").replace("thành phố", "TP")
                        .replace("thị xã", "TX") for name in DISTRICTS]
        assert "hạn 30/06/2024 (quá hạn 3 ngày)" in task5
        task1 = by_task["Nhiệm vụ 1: Quán triệt, tuyên truyền Nghị định 32/2024/NĐ-CP"]
        assert task1.endswith("chưa hoàn thành: Sở Công Thương")


def test_done_agencies_get_nothing_further_and_leave_the_escalation(world: World) -> None:
    services = services_of(world)
    for when in ("2024-06-21 08:00", "2024-06-28 08:00", "2024-07-01 08:00"):
        tick_at(world, services, when)
    world.clock.now = local("2024-07-02 10:00")
    assert "hoàn thành quá hạn" in world.say("sct", "/done 1")
    assert "hoàn thành quá hạn" in world.say("lagi", "/done 5@2024-Q2")
    before = last_id(world)
    tick_at(world, services, "2024-07-03 08:00")
    tick_at(world, services, "2024-07-08 08:00")
    new = outbox(world, after=before)
    assert not about(new, "Nhiệm vụ 1:")
    assert not [m for m, _ in about(new, "Nhiệm vụ 5@") if m.chat_id == "lagi"]
    [task5] = [item for m, item in about(new, "Nhiệm vụ 5@")
               if m.chat_id == "coord" and m.kind == "escalation"]
    assert "La Gi" not in task5
    assert len(task5.split("chưa hoàn thành: ", 1)[1].split(", ")) == 9
    # The task La Gi did not finish stays with the coordinator (Q3 is open since 1/7, so La Gi
    # itself is reminded of Q3, no longer of the Q2 it supersedes).
    [task9] = [item for m, item in about(new, "Nhiệm vụ 9@2024-Q2") if m.chat_id == "coord"]
    assert "UBND TX La Gi" in task9


def test_a_snoozed_assignment_is_reminded_again_on_the_snooze_day(world: World) -> None:
    services = services_of(world)
    tick_at(world, services, "2024-06-21 08:00")
    task1 = assignment_id(world, "1", "SCT", "")
    world.clock.now = local("2024-06-21 10:00")
    assert "24/06/2024" in world.tap("sct", f"s:{task1}")
    before = last_id(world)
    tick_at(world, services, "2024-06-24 08:00")
    [(again, _)] = about(outbox(world, "sct", after=before), "Nhiệm vụ 1:")
    assert again.text.startswith("⏰ Nhắc lại\nNhiệm vụ 1:")
    assert again.assignment_id == task1 and again.buttons_json is not None
    assert reminder_keys(world, "1", "SCT", "") == ["T-7", "snooze@2024-06-24"]
    # Every officer of the agency hears it, not only the one who tapped.
    assert about(outbox(world, "sct-2", after=before), "Nhiệm vụ 1:")


def test_an_agency_without_officers_gets_its_latest_step_once_someone_registers(
        tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    world.register("sct", "SCT")
    services = services_of(world)
    tick_at(world, services, "2024-06-21 08:00")
    assert reminder_keys(world, "1", "STTTT", "") == []
    assert not any("Thông tin và Truyền thông" in m.text for m in outbox(world))
    world.register("tttt", "STTTT")
    tick_at(world, services, "2024-06-24 08:00")
    tick_at(world, services, "2024-06-25 08:00")
    # Once, late, the latest step of that track: never a burst, never lost.
    [notice] = outbox(world, "tttt")
    assert notice.text.startswith("🤝 Phối hợp thực hiện") and "nhiệm vụ 1" in notice.text
    assert reminder_keys(world, "1", "STTTT", "") == ["coordinate"]


def test_revoked_officers_and_unreachable_chats_get_nothing(world: World) -> None:
    with world.sessions() as session, session.begin():
        officer = session.scalars(
            select(Officer).join(OfficerChat).where(OfficerChat.chat_id == "sct-2")).one()
        revoke_officer(session, officer.id)
        assert people.mark_unreachable(session, "console", "tttt", "bot was blocked by the user")
    services = services_of(world)
    for when in ("2024-06-21 08:00", "2024-06-28 08:00", "2024-07-03 08:00"):
        tick_at(world, services, when)
    assert outbox(world, "sct")
    assert outbox(world, "sct-2") == []
    assert outbox(world, "tttt") == []


# ---- the dispatcher ----------------------------------------------------------------------


class FakeTransport:
    """Records what it was asked to send and when; fails a chat's next sends on demand."""

    def __init__(self, channel: str = "telegram") -> None:
        self.channel = channel
        self.sent: list[OutMessage] = []
        self.times: list[float] = []
        self.failures: dict[str, list[BaseException]] = {}
        self.while_sending: Callable[[OutMessage], Coroutine[Any, Any, None]] | None = None

    def fail(self, chat_id: str, *errors: BaseException) -> None:
        self.failures.setdefault(chat_id, []).extend(errors)

    def texts(self, chat_id: str | None = None) -> list[str]:
        return [m.text for m in self.sent if chat_id is None or m.chat_id == chat_id]

    def pieces(self, message: OutMessage) -> list[OutMessage]:
        return [message]

    async def send_piece(self, message: OutMessage) -> None:
        pending = self.failures.get(message.chat_id)
        if pending:
            raise pending.pop(0)
        if self.while_sending is not None:
            await self.while_sending(message)
        self.times.append(asyncio.get_running_loop().time())
        self.sent.append(message)


@pytest.fixture
def empty(tmp_path: Path) -> World:
    """A world with no officers, its clock at 08:00 on a working day."""
    return make_world(tmp_path, local("2024-06-21 08:00"))


def queue(world: World, chat_id: str, text: str, channel: str = "telegram") -> int:
    """Put one message in the outbox, ready now; return its id."""
    with world.sessions() as session, session.begin():
        message = OutboxMessage(channel=channel, chat_id=chat_id, kind="notice", text=text,
                                status="queued", attempts=0, not_before=world.clock(),
                                created_at=world.clock())
        session.add(message)
        session.flush()
        return message.id


def queue_to_officer(world: World, chat_id: str, text: str, kind: str = "reminder",
                     queued_at: datetime | None = None) -> int:
    """Queue a message to a registered officer's chat (at `queued_at`, default now)."""
    with world.sessions() as session, session.begin():
        chat = session.scalars(select(OfficerChat).where(OfficerChat.chat_id == chat_id)).one()
        assert stored_outbox.enqueue(session, chat, kind, text, (), queued_at or world.clock())
        return session.scalar(select(func.max(OutboxMessage.id))) or 0


def row(world: World, message_id: int) -> OutboxMessage:
    with world.sessions() as session:
        return session.get_one(OutboxMessage, message_id)


def dispatcher(world: World, transport: FakeTransport, **options: Any) -> Dispatcher:
    return Dispatcher(world.sessions, {transport.channel: transport}, world.clock, **options)


def retrying_dispatcher(world: World, transport: FakeTransport) -> Dispatcher:
    """A dispatcher for tests that move the clock: rate limits run on the event loop's own
    monotonic time, which a jump of the world's clock does not advance."""
    return dispatcher(world, transport, per_chat_per_second=1000)


async def drain(world: World, sender: Dispatcher, deadline: float = 4.0) -> None:
    """Run passes until nothing ready is queued or in flight, waiting out the rate limits."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline
    while loop.time() < end:
        with world.sessions() as session:
            left = session.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.status.in_(("queued", "sending")),
                or_(OutboxMessage.not_before.is_(None),
                    OutboxMessage.not_before <= world.clock())))
        if not left:
            return
        if await sender.run_once() == 0:
            await asyncio.sleep(0.01)
    raise AssertionError("the outbox did not drain")


def test_a_pass_with_nothing_to_send_waits_for_no_writer(empty: World) -> None:
    # Another process (a tick) holds the write lock; an idle pass, every second, must not
    # queue behind it, nor hold officers' commands behind its own.
    engine = make_engine(empty.url)
    with engine.begin():  # BEGIN IMMEDIATE: storage.db takes the write lock at once
        sent, took = asyncio.run(_timed(dispatcher(empty, FakeTransport()).run_once()))
    engine.dispose()
    assert sent == 0
    assert took < 1.0  # the busy timeout is 5 s


async def _timed(pass_: Coroutine[Any, Any, int]) -> tuple[int, float]:
    loop = asyncio.get_running_loop()
    begun = loop.time()
    return await asyncio.wait_for(pass_, 3.0), loop.time() - begun


def test_it_sends_each_chat_its_messages_in_id_order(empty: World) -> None:
    transport = FakeTransport()
    for text in ("a1", "b1", "a2", "a3", "b2", "c1"):
        queue(empty, text[0], text)
    run(drain(empty, dispatcher(empty, transport, per_chat_per_second=50)))
    assert transport.texts("a") == ["a1", "a2", "a3"]
    assert transport.texts("b") == ["b1", "b2"]
    assert transport.texts("c") == ["c1"]
    assert {row(empty, i).status for i in range(1, 7)} == {"sent"}


def test_a_message_waiting_for_a_retry_holds_the_later_ones_of_its_chat(empty: World) -> None:
    transport = FakeTransport()
    transport.fail("a", TransportError("Internal Server Error"))
    first = queue(empty, "a", "a1")
    queue(empty, "b", "b1")
    queue(empty, "a", "a2")
    sender = dispatcher(empty, transport, per_chat_per_second=50)

    async def scenario() -> None:
        for _ in range(5):  # a2 is ready, and its chat has been free for a while
            await sender.run_once()
            await asyncio.sleep(0.05)
        assert transport.texts() == ["b1"]
        assert row(empty, first).status == "queued"
        empty.clock.now += timedelta(seconds=1)
        await drain(empty, sender)

    run(scenario())
    assert transport.texts("a") == ["a1", "a2"]


def test_a_message_is_marked_sent_only_after_the_transport_returned(empty: World) -> None:
    transport = FakeTransport()
    message_id = queue(empty, "a", "xin chào")
    seen: list[tuple[str, datetime | None]] = []

    async def while_sending(message: OutMessage) -> None:
        await asyncio.sleep(0.05)
        current = row(empty, message_id)
        seen.append((current.status, current.sent_at))

    transport.while_sending = while_sending
    assert run(dispatcher(empty, transport).run_once()) == 1
    assert seen == [("sending", None)]
    done = row(empty, message_id)
    assert (done.status, done.sent_at, done.attempts) == ("sent", local("2024-06-21 08:00"), 0)


def test_a_transient_error_requeues_the_message_after_retry_after(empty: World) -> None:
    transport = FakeTransport()
    transport.fail("a", TransportError("Too Many Requests: retry after 3", retry_after=3))
    message_id = queue(empty, "a", "xin chào")
    sender = retrying_dispatcher(empty, transport)
    run(sender.run_once())
    failed = row(empty, message_id)
    assert failed.status == "queued"
    assert failed.not_before == local("2024-06-21 08:00:03")
    assert failed.attempts == 1
    assert failed.last_error == "Too Many Requests: retry after 3"
    empty.clock.now = local("2024-06-21 08:00:02")
    assert run(sender.run_once()) == 0
    empty.clock.now = local("2024-06-21 08:00:03")
    assert run(sender.run_once()) == 1
    assert transport.texts() == ["xin chào"]
    assert row(empty, message_id).status == "sent"


def test_transient_retries_back_off_exponentially(empty: World) -> None:
    transport = FakeTransport()
    transport.fail("a", *(TransportError("Bad Gateway") for _ in range(4)))
    message_id = queue(empty, "a", "xin chào")
    sender = retrying_dispatcher(empty, transport)
    delays = []
    for _ in range(4):
        start = empty.clock.now
        run(sender.run_once())
        delays.append((row(empty, message_id).not_before - start).total_seconds())
        empty.clock.now = row(empty, message_id).not_before
    assert delays == [1, 2, 4, 8]
    assert run(sender.run_once()) == 1
    assert row(empty, message_id).attempts == 4


def test_a_crashing_transport_does_not_lose_the_message(empty: World) -> None:
    transport = FakeTransport()
    transport.fail("a", RuntimeError("lỗi lập trình"))
    message_id = queue(empty, "a", "xin chào")
    sender = retrying_dispatcher(empty, transport)
    run(sender.run_once())
    crashed = row(empty, message_id)
    assert (crashed.status, crashed.attempts, crashed.last_error) == (
        "queued", 1, "RuntimeError")
    empty.clock.now += timedelta(seconds=1)
    assert run(sender.run_once()) == 1
    assert transport.texts() == ["xin chào"]


def test_a_permanent_error_fails_the_message_and_tells_the_coordinators_once(
        empty: World) -> None:
    empty.register("111", "LAGI", name="Võ La Gi", channel="telegram")
    empty.register("900", "SCT", "coordinator", name="Lê Điều Phối", channel="telegram")
    empty.register("901", "SCT", "leader", name="Phó Giám đốc", channel="telegram")
    transport = FakeTransport()
    blocked = "Forbidden: bot was blocked by the user"
    transport.fail("111", TransportError(blocked, permanent=True),
                   TransportError(blocked, permanent=True))
    first = queue_to_officer(empty, "111", "nhắc việc 1")
    second = queue_to_officer(empty, "111", "nhắc việc 2")
    run(drain(empty, dispatcher(empty, transport, per_chat_per_second=50)))
    for message_id in (first, second):
        assert (row(empty, message_id).status, row(empty, message_id).last_error) == (
            "failed", blocked)
    with empty.sessions() as session:
        chat = session.scalars(select(OfficerChat).where(OfficerChat.chat_id == "111")).one()
        assert (chat.reachable, chat.unreachable_reason) == (False, blocked)
    assert transport.texts("111") == []
    [alert] = transport.texts("900")
    assert alert.startswith("⚠️ Không gửi được tin nhắn cho Võ La Gi (UBND TX La Gi)")
    assert "người nhận đã chặn bot" in alert and "Forbidden" not in alert
    assert transport.texts("901") == []


def test_one_chat_gets_at_most_one_message_per_second(empty: World) -> None:
    transport = FakeTransport()
    queue(empty, "a", "a1")
    queue(empty, "a", "a2")
    queue(empty, "b", "b1")
    sender = dispatcher(empty, transport)

    async def scenario() -> None:
        assert await sender.run_once() == 2
        assert await sender.run_once() == 0
        await drain(empty, sender)

    run(scenario())
    assert transport.texts() == ["a1", "b1", "a2"]
    assert transport.times[2] - transport.times[0] >= 0.9


@pytest.mark.parametrize("batch", [100, 2])
def test_messages_are_spaced_to_the_overall_rate(empty: World, batch: int) -> None:
    transport = FakeTransport()
    for number in range(10):
        queue(empty, f"chat-{number}", f"tin {number}")
    run(drain(empty, dispatcher(empty, transport, per_second=20, batch=batch)))
    assert len(transport.sent) == 10
    # Nine gaps of at least 1/20 s, within passes and across them; a margin for timer jitter.
    assert transport.times[-1] - transport.times[0] >= 0.9 * 9 / 20


def test_two_dispatchers_on_one_database_send_each_message_once(empty: World) -> None:
    for number in range(50):
        queue(empty, f"chat-{number % 20}", f"tin {number}")
    transport = FakeTransport()

    async def slow(message: OutMessage) -> None:
        await asyncio.sleep(0.002)

    transport.while_sending = slow
    errors: list[BaseException] = []
    sent_by: dict[str, list[int]] = {"first": [], "second": []}

    def one_process(name: str) -> None:
        engine = make_engine(empty.url)
        try:
            sessions = make_sessionmaker(engine)
            sender = Dispatcher(sessions, {"telegram": transport}, empty.clock, per_second=500,
                                per_chat_per_second=100, batch=7, on_sent=sent_by[name].append)
            probe = World(empty.url, sessions, empty.clock, empty.calendar, empty.commands)
            asyncio.run(drain(probe, sender))
        except BaseException as error:  # reported below, from the test's own thread
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=one_process, args=(name,)) for name in sent_by]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert sorted(sent_by["first"] + sent_by["second"]) == list(range(1, 51))
    assert sent_by["first"] and sent_by["second"]  # both really took part
    counts = Counter(transport.texts())
    assert len(counts) == 50 and set(counts.values()) == {1}
    for number in range(20):
        chat = [int(text.split()[1]) for text in transport.texts(f"chat-{number}")]
        assert chat == sorted(chat)


def test_a_message_claimed_by_a_dead_dispatcher_is_sent_after_the_lease(empty: World) -> None:
    message_id = queue(empty, "a", "xin chào")
    with empty.sessions() as session, session.begin():
        assert stored_outbox.claim(session, message_id, empty.clock())
    transport = FakeTransport()
    sender = dispatcher(empty, transport, lease=timedelta(minutes=2))
    empty.clock.now = local("2024-06-21 08:01:59")
    assert run(sender.run_once()) == 0
    assert row(empty, message_id).status == "sending"
    empty.clock.now = local("2024-06-21 08:02:01")
    assert run(sender.run_once()) == 1
    assert transport.texts() == ["xin chào"]
    assert row(empty, message_id).status == "sent"


def test_a_message_whose_sent_mark_failed_is_not_sent_again(
        empty: World, monkeypatch: pytest.MonkeyPatch) -> None:
    message_id = queue(empty, "a", "xin chào")
    real_mark_sent = stored_outbox.mark_sent
    calls: list[int] = []

    def mark_sent_failing_once(session: Session, message: int, now: datetime) -> None:
        calls.append(message)
        if len(calls) == 1:
            raise OperationalError("UPDATE outbox", {}, Exception("database is locked"))
        real_mark_sent(session, message, now)

    monkeypatch.setattr(stored_outbox, "mark_sent", mark_sent_failing_once)
    transport = FakeTransport()
    sender = dispatcher(empty, transport)

    async def scenario() -> None:
        await sender.run_once()
        empty.clock.now += timedelta(minutes=5)
        await sender.run_once()
        await sender.run_once()

    run(scenario())
    assert transport.texts() == ["xin chào"]
    sent = row(empty, message_id)
    assert (sent.status, sent.sent_at) == ("sent", local("2024-06-21 08:00"))


async def fail_until_settled(world: World, sender: Dispatcher, message_id: int,
                             until: datetime) -> None:
    """Run passes, moving the clock to each retry time, until the message settles or `until`."""
    while row(world, message_id).status == "queued" and world.clock.now < until:
        await sender.run_once()
        world.clock.now = max(world.clock.now, row(world, message_id).not_before or world.clock.now)


def test_an_outage_of_an_hour_delays_a_message_but_never_fails_it(empty: World) -> None:
    empty.register("111", "LAGI", name="Võ La Gi", channel="telegram")
    transport = FakeTransport()
    transport.fail("111", *(TransportError("Bad Gateway") for _ in range(20)))
    message_id = queue_to_officer(empty, "111", "nhắc việc")
    sender = retrying_dispatcher(empty, transport)
    run(fail_until_settled(empty, sender, message_id, local("2024-06-22 08:00")))
    sent = row(empty, message_id)
    assert (sent.status, sent.attempts) == ("sent", 20)
    assert sent.sent_at is not None and sent.sent_at > local("2024-06-21 08:50")
    assert transport.texts("111") == ["nhắc việc"]


def test_a_message_still_failing_after_ten_attempts_and_a_day_is_given_up(
        empty: World) -> None:
    empty.register("111", "LAGI", name="Võ La Gi", channel="telegram")
    empty.register("900", "SCT", "coordinator", name="Lê Điều Phối", channel="telegram")
    transport = FakeTransport()
    rejected = "Bad Request: message text is empty"
    transport.fail("111", *(TransportError(rejected) for _ in range(10)))
    # Queued yesterday (the bot was down, or Telegram kept refusing it).
    message_id = queue_to_officer(empty, "111", "nhắc việc",
                                  queued_at=local("2024-06-20 08:00"))
    sender = retrying_dispatcher(empty, transport)
    run(fail_until_settled(empty, sender, message_id, local("2024-06-22 08:00")))
    failed = row(empty, message_id)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 10, rejected)
    run(drain(empty, sender))
    [alert] = transport.texts("900")
    assert alert.startswith("⚠️ Không gửi được tin nhắn cho Võ La Gi (UBND TX La Gi)")
    assert rejected in alert
    # The chat is not dead: it stays reachable and its next message goes out.
    with empty.sessions() as session:
        chat = session.scalars(select(OfficerChat).where(OfficerChat.chat_id == "111")).one()
        assert chat.reachable
    queue_to_officer(empty, "111", "nhắc việc khác")
    run(drain(empty, sender))
    assert transport.texts("111") == ["nhắc việc khác"]


def test_an_alert_given_up_raises_no_alert_of_its_own(empty: World) -> None:
    empty.register("900", "SCT", "coordinator", name="Lê Điều Phối", channel="telegram")
    empty.register("901", "SCT", "coordinator", name="Đỗ Điều Phối", channel="telegram")
    transport = FakeTransport()
    transport.fail("900", *(TransportError("Bad Request: message text is empty")
                            for _ in range(10)))
    message_id = queue_to_officer(empty, "900", "cảnh báo", kind="notice",
                                  queued_at=local("2024-06-20 08:00"))
    run(fail_until_settled(empty, retrying_dispatcher(empty, transport), message_id,
                           local("2024-06-22 08:00")))
    assert row(empty, message_id).status == "failed"
    assert last_id(empty) == message_id


def test_leaders_get_one_digest_a_week_with_the_status_categories(world: World) -> None:
    services = services_of(world)
    tick_at(world, services, "2024-06-21 08:00")
    tick_at(world, services, "2024-06-24 08:00")  # Monday: a new week
    tick_at(world, services, "2024-06-25 08:00")
    digests = [m for m in outbox(world) if m.kind == "digest"]
    assert [m.chat_id for m in digests] == ["lead", "lead"]
    assert digests[0].text.startswith("📬 Bản tin tuần 25/2024 cho lãnh đạo\n📊 Tình hình")
    assert digests[1].text.startswith("📬 Bản tin tuần 26/2024")
    assert "Hoàn thành đúng hạn: 0" in digests[1].text and "Theo cơ quan" in digests[1].text
    # Only leaders: focal officers and coordinators get reminders and escalations instead.
    assert not any(m.kind == "digest" and m.chat_id != "lead" for m in outbox(world))


def test_messages_queued_before_an_officer_was_revoked_are_not_sent(empty: World) -> None:
    empty.register("111", "LAGI", name="Võ La Gi", channel="telegram")
    empty.register("112", "LAGI", name="Ngô Còn Làm", channel="telegram")
    first = queue_to_officer(empty, "111", "nhắc việc cho người đã nghỉ")
    kept = queue_to_officer(empty, "112", "nhắc việc cho người còn làm")
    with empty.sessions() as session, session.begin():
        officer_id = session.scalars(select(OfficerChat.officer_id)
                                     .where(OfficerChat.chat_id == "111")).one()
        revoke_officer(session, officer_id)
    transport = FakeTransport()
    run(drain(empty, dispatcher(empty, transport, per_chat_per_second=50)))
    assert transport.texts("111") == []
    assert (row(empty, first).status, row(empty, first).last_error) == (
        "failed", "cán bộ đã bị vô hiệu hóa")
    assert transport.texts("112") == ["nhắc việc cho người còn làm"]
    assert row(empty, kept).status == "sent"
