"""Bad input never escapes as an exception (issue 8, item 13): forged buttons, lone surrogates,
junk of any length, from every role and from strangers; and a bounded, seeded fuzz run."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot import texts
from bot.commands import Incoming, Reply
from bot.delivery.tick import run_tick
from storage.models import (
    Assignment,
    InboundMessage,
    OccurrenceRow,
    OfficerChat,
    OutboxMessage,
    OutboxStatus,
    StatusEvent,
    TaskRow,
)
from tests.world import TZ, World, local, make_world

# Letters only Vietnamese uses among the languages the bot could answer in: a reply with none
# of them is not Vietnamese (or is empty).
VIETNAMESE = set("ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                 "ÀÁẢÃẠÈÉẺẼẸÌÍỈĨỊÒÓỎÕỌÙÚỦŨỤỲÝỶỸỴ")
ROLES = {"sct": ("SCT", "focal"), "lagi": ("LAGI", "focal"), "coord": ("SCT", "coordinator"),
         "lead": ("SCT", "leader")}


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-21 08:00"))
    for chat, (agency, role) in ROLES.items():
        w.register(chat, agency, role, name=f"Cán bộ {chat}")
    return w


def handle(world: World, chat: str, text: str, *, button: bool = False,
           channel: str = "console", message_id: str | None = None) -> list[Reply]:
    return world.commands.handle(Incoming(channel, chat, "Người gửi", text, is_button=button,
                                          message_id=message_id))


def assert_vietnamese(replies: list[Reply]) -> None:
    assert replies
    for reply in replies:
        assert reply.text.strip() and VIETNAMESE & set(reply.text), reply.text


@pytest.mark.parametrize("data", ["d:²", "d:" + "9" * 5000, "d:99999999999999999999", "d:",
                                  "d:-1", "db:1", ":1", "x:1", "d:1:2", "d:٣", "s:\ud800",
                                  "d: 1", ""])
@pytest.mark.parametrize("chat", ["sct", "coord", "lead", "stranger"])
def test_forged_button_data_is_no_reminder_to_answer(world: World, data: str, chat: str) -> None:
    replies = handle(world, chat, data, button=True)
    assert_vietnamese(replies)
    expected = texts.NEED_INVITE if chat == "stranger" else texts.NO_REMINDER_TO_ANSWER
    assert [r.text for r in replies] == [expected]
    assert world.count(StatusEvent) == 0


@pytest.mark.parametrize("chat", ["sct", "lead", "stranger"])
@pytest.mark.parametrize("text", ["\ud800", "/xong 1 Đã xong \udfff", "/start \udc80\ud83d",
                                  "Xin chào \ud83d\ude00 \x00", "/\ud800", "2 \ud800 lý do"])
def test_lone_surrogates_and_nul_are_kept_as_escapes_and_answered(world: World, chat: str,
                                                                  text: str) -> None:
    replies = handle(world, chat, text, channel="telegram" if chat == "stranger" else "console",
                     message_id=f"m-{chat}")
    assert_vietnamese(replies)
    for reply in replies:
        reply.text.encode("utf-8")  # a reply a platform can carry
    with world.sessions() as session:
        kept = session.scalars(select(InboundMessage.text)).one()
    kept.encode("utf-8")
    assert "\\ud800" in kept or "\\udfff" in kept or "\\udc80" in kept or "😀" in kept


def test_a_display_name_with_a_lone_surrogate_registers(world: World) -> None:
    replies = world.commands.handle(Incoming("telegram", "t-1", "Bình \udc80",
                                             f"/start {world.invite('STTTT')}"))
    assert "Xin chào Bình \\udc80!" in replies[0].text


def test_a_surrogate_pair_split_in_two_is_joined_and_a_note_with_one_is_recorded(
        world: World) -> None:
    assert "hoàn thành" in handle(world, "sct", "/xong 1 Đã xong \ud83d\ude00 \udfff")[0].text
    with world.sessions() as session:
        note = session.scalars(select(StatusEvent.note)).one()
    assert note == "Đã xong 😀 \\udfff"


@pytest.mark.parametrize("chat", ["sct", "coord", "stranger"])
@pytest.mark.parametrize("text", ["/" + "x" * 10_000, "/xong 9@" + "Q" * 10_000,
                                  "/xong " + "1" * 10_000, "/tinhhinh " + "Z" * 10_000,
                                  "z" * 10_000, "/huy 9@" + "2" * 10_000])
def test_an_echo_of_unknown_input_is_clipped(world: World, chat: str, text: str) -> None:
    replies = handle(world, chat, text)
    assert_vietnamese(replies)
    assert len(replies) == 1 and len(replies[0].text) < 300


def allowed(sender: str, row: Assignment, today: date) -> bool:
    """Return True if the sender's role lets it change this assignment on `today`."""
    if sender not in ROLES:
        return False
    agency, role = ROLES[sender]
    if role == "leader" or row.role != "lead":
        return False
    if row.occurrence.task.kind in ("recurring", "continuous") and \
            row.occurrence.window_start > today:
        return False
    return role == "coordinator" or row.agency_code == agency


def snapshot(world: World) -> dict[int, tuple[str, date | None, date | None]]:
    with world.sessions() as session:
        return {id_: (status, completed_on, snoozed_until)
                for id_, status, completed_on, snoozed_until in session.execute(
                    select(Assignment.id, Assignment.status, Assignment.completed_on,
                           Assignment.snoozed_until))}


KEYS = ["1", "2", "3", "5", "7", "9", "III.1", "iii.1", "42", "0", "IV", "1.2.3"]
PERIODS = ["2024-Q2", "2024-Q3", "2025-Q1", "2024", "2025", "2024-H1", "2024-H2", "1999",
           "DX1", "", "q2", "2024-q3"]
COMMAND_WORDS = ["/xong", "xong", "/done", "/VuongMac", "/vướngmắc", "/tiendo", "/progress",
                 "/huy", "/undo", "/rutlai", "/viec", "/tasks", "/tinhhinh", "/status",
                 "/quahan", "/help", "/start", "/xyz", "/done@nhacviec_bot", "/", "huy"]
AGENCIES = ["LAGI", "SCT", "lagi", "PHANTHIET", "STTTT", "XYZ", "HUYEN"]
ODD = ["\ud800", "\udfff", "\x00", "\u0301", "😀", "\u200b", "‮", "\n", "\t", " ", "«", "@",
       "/", ":", "²", "٣", "Ⅷ", "ß", "İ", "ǅ", "\ufeff"]


def junk(rng: random.Random) -> str:
    size = rng.choice([0, 1, 3, 10, 40, 200, 1001, 5000])
    alphabet = rng.choice([ODD, list("abcđươ123 @/:"), [chr(rng.randrange(0x20, 0x3000))]])
    return "".join(rng.choice(alphabet) if rng.random() < 0.7 else chr(rng.randrange(1, 0x10FFFF))
                   for _ in range(size))


def message(rng: random.Random, assignment_ids: list[int]) -> tuple[str, bool]:
    """Return a generated message (text, is_button): mostly commands, some noise."""
    kind = rng.random()
    if kind < 0.15:
        action = rng.choice(["d", "b", "s", "x", "db", ""])
        raw = rng.choice([str(rng.choice(assignment_ids)), str(rng.randrange(10**30)), "²",
                          "9" * rng.choice([19, 20, 5000]), junk(rng)])
        return f"{action}:{raw}", True
    if kind < 0.25:
        return rng.choice(["1", "2", "3", "2 Thiếu kinh phí", "1. xong", "3)", "2",
                           # the items of a day's message
                           "1 1", "3 2", "2 1 Thiếu kinh phí", "3 1", "1 9"]), False
    if kind < 0.35:
        return junk(rng), False
    if kind < 0.6:  # well-formed reports and withdrawals, so the recording paths are reached
        verb = rng.choice(["/xong", "/vuongmac", "/tiendo", "/huy", "/huy"])
        agency = rng.choice(["", "", " LAGI", " SCT"])
        key = rng.choice(["1", "2", "3", "4", "5", "9", "III.1"])
        return f"{verb} {key}{agency} Ghi chú", False
    words = [rng.choice(COMMAND_WORDS)]
    if rng.random() < 0.9:
        period = rng.choice(PERIODS)
        words.append(rng.choice(KEYS) + (f"@{period}" if period and rng.random() < 0.5 else ""))
    if rng.random() < 0.3:
        words.append(rng.choice(AGENCIES))
    if rng.random() < 0.7:
        words.append(rng.choice(["Đã xong", "Thiếu kinh phí", "báo nhầm", junk(rng)]))
    return rng.choice([" ", "\n", "  "]).join(words), False


def test_a_seeded_fuzz_run_of_every_role_and_strangers_raises_nothing_and_breaks_no_rule(
        world: World) -> None:
    rng = random.Random(20240621)
    tick = world.clock()
    with world.sessions() as session, session.begin():
        # reminders, so "1", "2", "3" answer one
        run_tick(session, tick, world.calendar, TZ, clock_time(8, 0))
        session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT.value,
                                                     sent_at=tick))
        assignment_ids = list(session.scalars(select(Assignment.id)))
        officers = {c.chat_id: c.officer_id for c in session.scalars(select(OfficerChat))}
    assert sorted(officers) == sorted(ROLES)
    senders = [*ROLES, "stranger-1", "stranger-2"]
    seen_ids: list[str] = []
    delivered: set[tuple[str, str]] = set()
    started = time.monotonic()
    count = 2000
    for number in range(count):
        if rng.random() < 0.02:
            world.clock.now += timedelta(hours=rng.choice([1, 7, 25, 24 * 40]))
        today = world.clock.now.astimezone(TZ).date()
        sender = rng.choice(senders)
        text, button = message(rng, assignment_ids)
        channel = rng.choice(["console", "telegram", "zalo"]) if sender not in ROLES \
            else "console"
        repeat = bool(seen_ids) and rng.random() < 0.03
        message_id = rng.choice(seen_ids) if repeat else f"m{number}"
        seen_ids.append(message_id)
        duplicate = (channel, message_id) in delivered
        delivered.add((channel, message_id))
        before, events_before = snapshot(world), world.count(StatusEvent)
        replies = world.commands.handle(Incoming(channel, sender, "Người lạ", text,
                                                 is_button=button, message_id=message_id))
        if duplicate:
            assert replies == []  # delivered twice: answered once
        else:
            assert_vietnamese(replies)
        reply_text = "\n".join(r.text for r in replies)
        reply_text.encode("utf-8")
        for start in range(0, max(0, len(text) - 60), 60):
            assert text[start:start + 60] not in reply_text, "an echo not clipped"
        after = snapshot(world)
        changed = [i for i in after if after[i] != before[i]]
        with world.sessions() as session:
            rows = session.scalars(
                select(Assignment).join(OccurrenceRow).join(TaskRow)
                .where(Assignment.id.in_(changed))).all()
            for row in rows:
                assert allowed(sender, row, today), (sender, text, row)
            new_events = session.scalars(select(StatusEvent).order_by(StatusEvent.id)
                                         .offset(events_before)).all()
            if sender not in ROLES or ROLES[sender][1] == "leader":
                assert not new_events, (sender, text)
            for event in new_events:
                assert event.officer_id == officers[sender], (sender, text)
                if event.withdraws_id is None:
                    continue
                # A withdrawal: the author within 24 hours; a coordinator, else with a reason.
                report = session.get_one(StatusEvent, event.withdraws_id)
                own = report.officer_id == event.officer_id and \
                    event.at - report.at <= timedelta(hours=24)
                assert own or (ROLES[sender][1] == "coordinator" and event.note), (sender, text)
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"{count} messages took {elapsed:.0f} s"
    with world.sessions() as session:
        reached = set(session.scalars(select(StatusEvent.status)))
    assert reached == {"done", "blocked", "progress", "snooze", "withdrawn"}  # every road taken
