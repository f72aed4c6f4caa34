"""The command layer, end to end over a real SQLite file, the way any channel drives it."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.commands import COMMANDS, Command, Incoming, Reply
from bot.commands.core import Refusal, Request
from bot.delivery.tick import run_tick
from storage import work
from storage.invites import create_link_invite
from storage.models import (
    Assignment,
    EventStatus,
    InboundMessage,
    OccurrenceRow,
    Officer,
    OfficerChat,
    OutboxMessage,
    StatusEvent,
    TaskRow,
)
from tests.world import TZ, World, local, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-20 09:00"))
    w.register("sct", "SCT", name="Trần Thị Bình")
    w.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    w.register("lead", "SCT", "leader", name="Phó Giám đốc")
    w.register("tttt", "STTTT", name="Phạm Truyền Thông")
    w.register("lagi", "LAGI", name="Võ La Gi")
    return w


def status_of(world: World, task_key: str, agency: str, period: str = "") -> Assignment:
    with world.sessions() as session:
        return session.scalars(
            select(Assignment).join(OccurrenceRow).join(TaskRow)
            .where(TaskRow.key == task_key, Assignment.agency_code == agency,
                   OccurrenceRow.period == period)).one()


def test_start_with_an_invite_greets_by_name_with_agency_and_open_items(tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    replies = world.register("c1", "SCT", name="Trần Thị Bình")
    text = "\n".join(r.text for r in replies)
    assert "Xin chào Trần Thị Bình" in text
    assert "Sở Công Thương" in text
    assert "• 1: " in text and "Hạn 30/06/2024" in text and "còn" not in text.split("• 1")[0]


def test_a_used_unknown_or_expired_code_is_refused(tmp_path: Path) -> None:
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    code = world.invite("SCT")
    assert "Xin chào" in world.say("a", f"/start {code}")
    assert world.say("b", f"/start {code}") == "Mã mời này đã được sử dụng. Vui lòng xin mã mới."
    assert "không đúng" in world.say("b", "/start khongcoma")
    stale = world.invite("SCT")
    world.clock.now = local("2024-06-28 09:00")
    assert "hết hạn" in world.say("b", f"/start {stale}")
    assert "chưa đăng ký" in world.say("b", "/viec")


def test_done_by_the_lead_agency_is_on_time_and_stored_with_who_when_why(world: World) -> None:
    reply = world.say("sct", "/done 1 Đã tổ chức hội nghị quán triệt")
    assert "hoàn thành đúng hạn" in reply
    assignment = status_of(world, "1", "SCT")
    assert assignment.status == "done" and assignment.completed_on == date(2024, 6, 20)
    with world.sessions() as session:
        event = session.scalars(select(StatusEvent)).one()
    assert (event.status, event.channel, event.note) == (
        "done", "console", "Đã tổ chức hội nghị quán triệt")
    assert event.at == local("2024-06-20 09:00")
    assert event.officer_id is not None


def test_done_after_the_due_date_is_done_late(world: World) -> None:
    world.clock.now = local("2024-07-02 10:00")
    assert "hoàn thành quá hạn" in world.say("sct", "/xong 1")


def test_commands_work_without_diacritics_and_in_any_case(world: World) -> None:
    assert "vướng mắc" in world.say("sct", "/VuongMac 1 Chưa có kinh phí")
    assert status_of(world, "1", "SCT").status == "blocked"
    assert "Việc của" in world.say("sct", "/việc")
    assert "hoàn thành" in world.say("sct", "XONG 1")


@pytest.mark.parametrize(("chat", "text", "expected"), [
    ("tttt", "/done 1", "không chủ trì nhiệm vụ 1"),
    ("lead", "/done 1", "chỉ xem"),
    ("stranger", "/done 1", "chưa đăng ký"),
    ("sct", "/done 42", "Không có nhiệm vụ mã «42»"),
    ("sct", "/done", "Cách dùng"),
    ("sct", "/blocked 1", "Cách dùng"),
    ("sct", "/progress 1", "Cách dùng"),
    ("sct", "/done 2@1999", "không có kỳ «1999»"),
    ("sct", "/done 1 " + "x" * 1001, "vượt quá 1000"),
    ("lagi", "/done 1", "không chủ trì"),
    ("sct", "/xyz", "Không hiểu lệnh"),
])
def test_refusals_explain_and_change_nothing(world: World, chat: str, text: str,
                                             expected: str) -> None:
    before = (world.count(StatusEvent), world.count(OutboxMessage))
    assert expected in world.say(chat, text)
    assert (world.count(StatusEvent), world.count(OutboxMessage)) == before
    assert status_of(world, "1", "SCT").status == "open"


def test_a_command_refused_after_it_wrote_leaves_no_trace_but_the_message(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # A command may write before it finds a reason to refuse: the refusal undoes the writes,
    # keeps the message in the inbound log, and is what the person (or a replay) is told.
    def writes_then_refuses(request: Request, rest: str) -> list[Reply]:
        assignment = status_of_in(request, "1", "SCT")
        work.record_event(request.session, assignment, EventStatus.DONE, rest, request.officer,
                          request.incoming.channel, request.now, request.today)
        raise Refusal("Không được: " + rest)

    monkeypatch.setitem(COMMANDS, "status", Command(writes_then_refuses))
    delivered: list[list[Reply]] = []
    incoming = Incoming("console", "sct", "Nguyễn Văn An", "/status lần một", message_id="m-1")
    replies = world.commands.handle(
        incoming, deliver=lambda session, message, answers: delivered.append(answers))
    assert [r.text for r in replies] == ["Không được: lần một"]
    assert delivered == [replies]
    assert world.count(StatusEvent) == 0
    assert status_of(world, "1", "SCT").status == "open"
    with world.sessions() as session:
        kept = session.scalars(select(InboundMessage)).one()
    assert (kept.message_id, kept.text) == ("m-1", "/status lần một")
    # Delivered again, it is known: nothing is applied or answered twice.
    assert world.commands.handle(incoming) == []


def status_of_in(request: Request, task_key: str, agency: str) -> Assignment:
    return request.session.scalars(
        select(Assignment).join(OccurrenceRow).join(TaskRow)
        .where(TaskRow.key == task_key, Assignment.agency_code == agency,
               OccurrenceRow.period == "")).one()


def test_blocked_needs_a_reason_and_reaches_every_coordinator_at_once(world: World) -> None:
    reply = world.say("sct", "/vuongmac 3 Chưa nhận được số liệu của các huyện")
    assert "báo ngay Sở Công Thương" in reply
    with world.sessions() as session:
        alerts = session.scalars(select(OutboxMessage)).all()
    assert [a.chat_id for a in alerts] == ["coord"]
    assert "Chưa nhận được số liệu của các huyện" in alerts[0].text
    assert "nhiệm vụ 3" in alerts[0].text


def test_text_is_stored_verbatim_in_nfc(world: World) -> None:
    decomposed = "Chu\u031btA ti\u0301nh"  # "Chưa tính" typed with combining marks
    world.say("sct", f"/tiendo 3 {decomposed}")
    with world.sessions() as session:
        note = session.scalars(select(StatusEvent.note)).one()
    assert note == "ChưtA tính"


def test_a_coordinator_reports_on_behalf_of_a_named_agency(world: World) -> None:
    assert "Ghi rõ cơ quan" in world.say("coord", "/done 5")
    reply = world.say("coord", "/done 5 LAGI Đã có báo cáo")
    assert "UBND" in reply or "Ủy ban" in reply
    assert status_of(world, "5", "LAGI", "2024-Q2").status == "done"
    assert status_of(world, "5", "PHANTHIET", "2024-Q2").status == "open"


def test_a_recurring_task_key_means_its_only_open_period_and_at_names_another(
        world: World) -> None:
    assert "hoàn thành nhiệm vụ 5@2024-Q2" in world.say("lagi", "/done 5")
    assert status_of(world, "5", "LAGI", "2024-Q2").status == "done"
    world.clock.now = local("2025-03-03 09:00")
    events = world.count(StatusEvent)
    # Late periods and the running one are all open: a bare key is ambiguous and changes nothing.
    reply = world.say("lagi", "/done 5")
    assert "nhiều kỳ chưa hoàn thành: 5@2024-Q3, 5@2024-Q4, 5@2025-Q1" in reply
    assert reply.endswith("ví dụ: /done 5@2024-Q3")  # the command typed, to copy
    assert world.say("lagi", "/giahan 5 31/12/2025 Chờ số liệu").endswith(
        "ví dụ: /giahan 5@2024-Q3")
    assert world.count(StatusEvent) == events
    world.say("lagi", "/done 5@2024-Q3 Bổ sung")
    assert status_of(world, "5", "LAGI", "2024-Q3").status == "done"
    assert status_of(world, "5", "LAGI", "2024-Q4").status == "open"
    assert status_of(world, "5", "LAGI", "2025-Q1").status == "open"


def test_a_reminder_for_a_late_period_names_it_so_a_reply_closes_that_period(
        world: World) -> None:
    world.clock.now = local("2024-06-21 08:00")
    with world.sessions() as session, session.begin():
        run_tick(session, world.clock(), world.calendar, TZ, time(8, 0))
    with world.sessions() as session:
        overdue = session.scalars(select(OutboxMessage).where(
            OutboxMessage.chat_id == "sct", OutboxMessage.kind == "reminder")).one()
    assert "❗ Quá hạn – nhiệm vụ III.1@2024-H1:" in overdue.text
    world.say("sct", "/xong III.1@2024-H1")
    assert status_of(world, "III.1", "SCT", "2024-H1").status == "done"
    assert status_of(world, "III.1", "SCT", "2024-H2").status == "open"


def test_a_pending_blocker_question_takes_the_next_plain_message_even_a_command_word(
        world: World) -> None:
    three = status_of(world, "3", "SCT").id
    world.tap("sct", f"b:{three}")
    reply = world.say("sct", "Việc thu thập số liệu của các huyện còn chậm")
    assert "Đã ghi nhận vướng mắc" in reply
    with world.sessions() as session:
        note = session.scalars(select(StatusEvent.note)).one()
    assert note == "Việc thu thập số liệu của các huyện còn chậm"


def test_a_bare_choice_number_or_a_slash_command_drops_the_pending_question(
        world: World) -> None:
    three = status_of(world, "3", "SCT").id
    world.tap("sct", f"b:{three}")
    world.say("sct", "3")  # no reminder reached this chat: nothing to snooze, nothing recorded
    assert status_of(world, "3", "SCT").status == "open"
    world.tap("sct", f"b:{three}")
    assert "Việc của" in world.say("sct", "/viec")
    assert "Không hiểu" in world.say("sct", "Thiếu kinh phí")
    assert world.count(StatusEvent) == 0


def test_an_old_pending_question_is_forgotten(world: World) -> None:
    three = status_of(world, "3", "SCT").id
    world.tap("sct", f"b:{three}")
    world.clock.now = local("2024-06-22 10:00")
    assert "Không hiểu" in world.say("sct", "Thiếu kinh phí")
    assert status_of(world, "3", "SCT").status == "open"


def test_a_note_may_start_on_a_new_line(world: World) -> None:
    world.say("sct", "/tiendo 4\nĐã họp với các huyện")
    world.say("sct", "/xong 3\nĐã trình UBND tỉnh")
    with world.sessions() as session:
        notes = session.scalars(select(StatusEvent.note).order_by(StatusEvent.id)).all()
    assert notes == ["Đã họp với các huyện", "Đã trình UBND tỉnh"]


def test_done_twice_says_so_and_adds_no_event(world: World) -> None:
    world.say("sct", "/done 1")
    assert "đã hoàn thành ngày 20/06/2024" in world.say("sct", "/done 1")
    assert world.count(StatusEvent) == 1


def test_buttons_done_blocked_with_reason_and_snooze(world: World) -> None:
    one = status_of(world, "1", "SCT").id
    three = status_of(world, "3", "SCT").id
    four = status_of(world, "4", "SCT").id
    assert "Vui lòng nhắn lý do" in world.tap("sct", f"b:{three}")
    assert status_of(world, "3", "SCT").status == "open"
    assert "Đã ghi nhận vướng mắc" in world.say("sct", "Thiếu hồ sơ quy hoạch")
    assert status_of(world, "3", "SCT").status == "blocked"
    assert "21/06/2024" in world.tap("sct", f"s:{four}")
    assert status_of(world, "4", "SCT").snoozed_until == date(2024, 6, 21)
    assert "hoàn thành đúng hạn" in world.tap("sct", f"d:{one}")
    assert status_of(world, "1", "SCT").status == "done"


def test_a_stale_button_answers_the_current_status_and_changes_nothing(world: World) -> None:
    one = status_of(world, "1", "SCT").id
    world.say("sct", "/done 1")
    events = world.count(StatusEvent)
    reply = world.tap("sct", f"s:{one}")
    assert "đã cũ" in reply and "hoàn thành đúng hạn" in reply
    assert world.count(StatusEvent) == events
    assert status_of(world, "1", "SCT").snoozed_until is None


def test_a_button_of_another_agency_is_refused(world: World) -> None:
    one = status_of(world, "1", "SCT").id
    assert "không chủ trì" in world.tap("tttt", f"d:{one}")
    assert status_of(world, "1", "SCT").status == "open"


def test_status_counts_the_categories_and_the_overdue_share(world: World) -> None:
    world.say("sct", "/done 1")
    world.clock.now = local("2025-01-10 09:00")
    world.say("sct", "/vuongmac 3 Chờ ý kiến bộ")
    text = world.say("coord", "/status")
    assert "Hoàn thành đúng hạn: 1" in text
    assert "Vướng mắc: 1 (0 trong hạn, 1 quá hạn)" in text
    assert "tỷ lệ quá hạn" in text
    assert "Sở Công Thương: ĐH 1" in text or "SCT" in text
    own = world.say("lagi", "/status")
    assert "Hoàn thành đúng hạn: 0" in own and "Theo cơ quan" not in own
    assert "chỉ xem được" in world.say("lagi", "/status SCT")


def test_overdue_lists_late_items_for_coordinators_only(world: World) -> None:
    world.clock.now = local("2024-07-05 09:00")
    text = world.say("lead", "/quahan")
    # One line per agency with its count, grouped by plan; the details behind it.
    assert text.startswith("❗ Việc quá hạn (23), ngày 05/07/2024, theo cơ quan:\n"
                           "🗂 Kế hoạch ND32:\n- Sở Công Thương: 3 việc quá hạn\n")
    assert "- UBND huyện Tuy Phong: 2 việc quá hạn" in text
    details = world.say("lead", "/quahan sct")
    assert details.startswith("❗ Việc quá hạn của Sở Công Thương (3), ngày 05/07/2024:\n")
    assert ("• 1 (Quý 2 năm 2024): Quán triệt, tuyên truyền Nghị định 32/2024/NĐ-CP – hạn "
            "30/06/2024, quá 5 ngày") in details
    by_task = world.say("lead", "/quahan 5")
    assert by_task.startswith("❗ Nhiệm vụ 5 quá hạn (10), ngày 05/07/2024:\n")
    assert "\n• 5@2024-Q2 (Quý 2/2024) – hạn 30/06/2024, quá 5 ngày: UBND" in by_task
    assert "UBND TP Phan Thiết" in by_task
    assert "Không có cơ quan hay nhiệm vụ" in world.say("lead", "/quahan XYZ")
    assert "dành cho" in world.say("sct", "/overdue")


def test_a_link_invite_adds_a_second_channel_to_the_same_officer(world: World) -> None:
    with world.sessions() as session:
        officer_id = session.scalars(select(OfficerChat.officer_id)
                                     .where(OfficerChat.chat_id == "sct")).one()
    with world.sessions() as session, session.begin():
        code = create_link_invite(session, officer_id, world.clock()).code
    replies = world.commands.handle(Incoming("zalo", "z-sct", "Trần Thị Bình", f"/start {code}"))
    assert "Xin chào Trần Thị Bình" in replies[0].text
    officers_before = world.count(Officer)
    with world.sessions() as session:
        chats = session.scalars(select(OfficerChat).where(OfficerChat.officer_id == officer_id))
        assert sorted((c.channel, c.chat_id) for c in chats) == [("console", "sct"),
                                                                  ("zalo", "z-sct")]
    world.clock.now = local("2024-06-21 08:00")
    with world.sessions() as session, session.begin():
        run_tick(session, world.clock(), world.calendar, TZ, time(8, 0))
    with world.sessions() as session:
        t7 = session.scalars(select(OutboxMessage).where(
            OutboxMessage.text.contains("Nhiệm vụ 1:"),
            OutboxMessage.chat_id.in_(["sct", "z-sct"]))).all()
    assert sorted(m.chat_id for m in t7) == ["sct", "z-sct"]
    assert world.count(Officer) == officers_before
    assert "đã được sử dụng" in world.say("other", f"/start {code}", channel="zalo")


def test_a_message_delivered_twice_is_applied_once(world: World) -> None:
    console = Incoming("console", "sct", "Trần Thị Bình", "/vuongmac 3 Thiếu số liệu",
                       message_id="m1")
    assert "báo ngay" in world.commands.handle(console)[0].text
    assert world.commands.handle(console) == []
    assert world.count(StatusEvent) == 1
    with world.sessions() as session:
        alerts = session.scalars(select(OutboxMessage)).all()
    assert len(alerts) == 1


def test_what_a_person_sent_is_kept_verbatim_even_when_refused(world: World) -> None:
    refused = Incoming("console", "tttt", "Phạm Truyền Thông", "/xong 1 Sở đã xong phần mình",
                       message_id="t-1")
    assert "không chủ trì" in world.commands.handle(refused)[0].text
    with world.sessions() as session:
        kept = session.scalars(select(InboundMessage)).one()
    assert (kept.channel, kept.chat_id, kept.text) == (
        "console", "tttt", "/xong 1 Sở đã xong phần mình")
    assert world.count(StatusEvent) == 0
