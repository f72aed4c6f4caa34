"""Records stay true: reports name only opened periods, a mistaken report can be withdrawn, and a
pending question belongs to the officer who was asked (issue 8, items 1 to 3)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot import texts
from bot.delivery.tick import run_tick
from bot.reports.xlsx import build_workbook
from storage.invites import revoke_officer
from storage.models import (
    Assignment,
    OccurrenceRow,
    Officer,
    OfficerChat,
    OutboxMessage,
    OutboxStatus,
    PendingPrompt,
    StatusEvent,
    TaskRow,
)
from storage.report import collect_report
from tests.world import TZ, World, local, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-21 08:00"))
    w.register("sct", "SCT", name="Trần Thị Bình")
    w.register("sct2", "SCT", name="Hồ Văn Hai")
    w.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    w.register("lead", "SCT", "leader", name="Phó Giám đốc")
    w.register("lagi", "LAGI", name="Võ La Gi")
    return w


def assignment(world: World, task_key: str, agency: str, period: str = "") -> Assignment:
    with world.sessions() as session:
        return session.scalars(
            select(Assignment).join(OccurrenceRow).join(TaskRow)
            .where(TaskRow.key == task_key, Assignment.agency_code == agency,
                   OccurrenceRow.period == period)).one()


def states(world: World) -> list[tuple[int, str, date | None, date | None]]:
    with world.sessions() as session:
        return [(a.id, a.status, a.completed_on, a.snoozed_until)
                for a in session.scalars(select(Assignment).order_by(Assignment.id))]


def tick(world: World) -> None:
    with world.sessions() as session, session.begin():
        run_tick(session, world.clock(), world.calendar, TZ, time(8, 0))


def deliver_reminder(world: World, chat_id: str, ref: str) -> None:
    """Mark the reminder naming `ref` as sent to the chat: it is what the officer sees last."""
    with world.sessions() as session, session.begin():
        message = session.scalars(select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.text.contains(f"Nhiệm vụ {ref}:"))).one()
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                        .values(status=OutboxStatus.SENT.value, sent_at=world.clock()))


def reminders_to(world: World, chat_id: str, ref: str, *, after: int) -> list[str]:
    with world.sessions() as session:
        return list(session.scalars(select(OutboxMessage.text).where(
            OutboxMessage.id > after, OutboxMessage.chat_id == chat_id,
            OutboxMessage.text.contains(f"Nhiệm vụ {ref}:"))))


def last_outbox_id(world: World) -> int:
    with world.sessions() as session:
        return session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())
                              .limit(1)) or 0


def officer_id(world: World, chat_id: str) -> int:
    with world.sessions() as session:
        return session.scalars(select(OfficerChat.officer_id)
                               .where(OfficerChat.chat_id == chat_id)).one()


# ---- 1. a report names only a period whose window has opened ---------------------------------


def test_the_issue_scenario_a_bare_key_after_the_open_period_is_done_completes_no_future_one(
        world: World) -> None:
    tick(world)  # 21/06/2024: the T-7 reminders of the quarter
    deliver_reminder(world, "lagi", "9@2024-Q2")
    # The day's message lists 5@2024-Q2 (item 1) and 9@2024-Q2 (item 2).
    assert "hoàn thành nhiệm vụ 9@2024-Q2" in world.say("lagi", "1 2")
    before = (world.count(StatusEvent), states(world))
    for text in ("xong 9", "xong 9", "/tiendo 9 Đang tổng hợp", "/vuongmac 9 Thiếu số liệu",
                 "/xong 9@2024-Q3", "/vuongmac 9@2024-Q4 Chưa có số liệu",
                 "/tiendo 9@2024-Q3 Đã lên kế hoạch"):
        reply = world.say("lagi", text)
        assert "chưa bắt đầu" in reply, text
        assert "Nhiệm vụ 9 hiện không có kỳ nào đang mở" in reply
        assert "Kỳ gần nhất 9@2024-Q2 đã hoàn thành ngày 21/06/2024" in reply
    assert "Kỳ 9@2024-Q3 (Quý 3/2024) chưa bắt đầu (từ 01/07/2024)" in world.say(
        "lagi", "xong 9")
    future = assignment(world, "9", "LAGI", "2024-Q3").id
    assert "chưa bắt đầu" in world.tap("lagi", f"d:{future}")
    assert "chưa bắt đầu" in world.tap("lagi", f"b:{future}")
    assert (world.count(StatusEvent), states(world)) == before
    for period in ("2024-Q3", "2024-Q4", "2025-Q1"):
        assert assignment(world, "9", "LAGI", period).status == "open"


def test_the_coordinators_bare_key_after_the_quarter_is_done_is_refused_and_not_counted(
        world: World) -> None:
    assert "hoàn thành nhiệm vụ 2@2024-Q2" in world.say("coord", "/xong 2")
    reply = world.say("coord", "/xong 2")
    assert "Kỳ 2@2024-Q3 (Quý 3/2024) chưa bắt đầu (từ 01/07/2024)" in reply
    assert assignment(world, "2", "SCT", "2024-Q3").status == "open"
    with world.sessions() as session:
        report = collect_report(session, "nd32-binh-thuan", date(2024, 6, 21))
    assert [(row.period, row.completed_on) for row in report.details if row.task_key == "2"] == [
        ("2024-Q2", date(2024, 6, 21))]


def test_a_future_period_named_while_another_is_open_names_the_open_one(world: World) -> None:
    reply = world.say("lagi", "/xong 9@2024-Q3")
    assert reply == ("Kỳ 9@2024-Q3 (Quý 3/2024) chưa bắt đầu (từ 01/07/2024) nên chưa báo "
                     "cáo được. Kỳ đang mở: 9@2024-Q2.")
    assert world.count(StatusEvent) == 0


def test_progress_on_the_running_period_and_a_bare_key_once_the_window_opens_are_recorded(
        world: World) -> None:
    world.say("lagi", "/xong 9")
    assert "Đã ghi nhận tiến độ nhiệm vụ 5@2024-Q2" in world.say("lagi", "/tiendo 5 Đang làm")
    world.clock.now = local("2024-07-01 08:30")
    assert "hoàn thành nhiệm vụ 9@2024-Q3" in world.say("lagi", "/xong 9")
    assert assignment(world, "9", "LAGI", "2024-Q4").status == "open"


def test_a_one_off_deadline_task_is_unchanged_by_the_window_rule(world: World) -> None:
    assert "hoàn thành nhiệm vụ 1" in world.say("sct", "/xong 1")
    assert "đã hoàn thành ngày 21/06/2024" in world.say("sct", "/xong 1")


# ---- 2. a mistaken report can be withdrawn ----------------------------------------------------


def test_the_author_withdraws_a_done_within_24_hours_and_the_item_is_open_again(
        world: World) -> None:
    world.say("sct", "/xong 1 Đã tổ chức hội nghị")
    world.clock.now = local("2024-06-22 07:59")
    reply = world.say("sct", "/huy 1")
    assert reply == ("↩️ Đã hủy báo cáo «hoàn thành» gửi lúc 08:00 21/06/2024 của Sở Công "
                     "Thương ở nhiệm vụ 1 (Quý 2 năm 2024). Hiện trạng: đang thực hiện trong hạn.")
    item = assignment(world, "1", "SCT")
    assert (item.status, item.completed_on) == ("open", None)
    with world.sessions() as session:
        events = session.scalars(select(StatusEvent).order_by(StatusEvent.id)).all()
    assert [(e.status, e.note) for e in events] == [("done", "Đã tổ chức hội nghị"),
                                                    ("withdrawn", None)]
    assert events[1].withdraws_id == events[0].id
    assert "Hoàn thành đúng hạn: 0" in world.say("coord", "/status")
    assert "Nhiệm vụ 1 (Quý 2 năm 2024) của Sở Công Thương: hoàn thành" not in world.say(
        "sct", "/viec")
    assert "• 1: " in world.say("sct", "/viec")
    with world.sessions() as session:
        report = collect_report(session, "nd32-binh-thuan", date(2024, 6, 22))
    row = next(r for r in report.details if r.task_key == "1")
    assert (row.completed_on, row.latest_note) == (None, None)
    assert [(e.status, e.withdrawn, e.withdraws) for e in report.events] == [
        ("done", True, None), ("withdrawn", False, "done")]
    history = build_workbook(report, TZ)["Nhật ký"]
    labels = [row[5] for row in history.iter_rows(values_only=True)]
    assert labels[-2:] == ["Hoàn thành (đã hủy)", "Hủy báo cáo: Hoàn thành"]
    assert "hoàn thành đúng hạn" in world.say("sct", "/xong 1 Lần này đúng")


def test_a_withdrawn_done_brings_the_reminders_back(world: World) -> None:
    tick(world)
    world.say("lagi", "/xong 9")
    world.say("lagi", "/xong 5")
    world.say("lagi", "/undo 9")
    after = last_outbox_id(world)
    world.clock.now = local("2024-06-28 08:00")  # the due day (30/06 is a Sunday)
    tick(world)
    assert [t.splitlines()[0] for t in reminders_to(world, "lagi", "9@2024-Q2", after=after)] == [
        "🔔 Đến hạn"]
    assert reminders_to(world, "lagi", "5@2024-Q2", after=after) == []


def test_a_withdrawn_blocker_reopens_the_item_and_tells_the_coordinators(world: World) -> None:
    world.say("sct", "/tiendo 3 Đã lấy số liệu")
    world.say("sct", "/vuongmac 3 Chưa có số liệu")
    after = last_outbox_id(world)
    assert "Hiện trạng: đang thực hiện trong hạn." in world.say("sct", "/huy 3 Nhầm nhiệm vụ")
    assert assignment(world, "3", "SCT").status == "open"
    with world.sessions() as session:
        alerts = session.scalars(select(OutboxMessage).where(OutboxMessage.id > after)).all()
    assert [a.chat_id for a in alerts] == ["coord"]
    assert "đã hủy báo vướng mắc ở nhiệm vụ 3" in alerts[0].text
    # The next /huy withdraws the report before it; then nothing is left.
    assert "Đã hủy báo cáo «tiến độ»" in world.say("sct", "/huy 3")
    nothing = world.say("sct", "/huy 3")
    assert nothing == "Không có báo cáo nào của Sở Công Thương ở nhiệm vụ 3 để hủy."


def test_withdrawing_one_of_two_blockers_keeps_the_item_blocked_with_the_first_reason(
        world: World) -> None:
    world.say("sct", "/vuongmac 3 Thiếu kinh phí")
    world.say("sct", "/vuongmac 3 Thiếu người")
    world.say("sct", "/huy 3")
    assert assignment(world, "3", "SCT").status == "blocked"
    with world.sessions() as session:
        report = collect_report(session, "nd32-binh-thuan", date(2024, 6, 21))
    assert next(r for r in report.details if r.task_key == "3").blocked_reason == "Thiếu kinh phí"


def test_a_coordinator_withdraws_anyones_report_at_any_time_with_a_reason(world: World) -> None:
    world.say("lagi", "/xong 9")
    world.clock.now = local("2024-08-01 09:00")
    events = world.count(StatusEvent)
    assert world.say("coord", "/huy 9@2024-Q2 LAGI") == texts.UNDO_NEEDS_REASON.format(
        ref="9@2024-Q2")
    assert world.count(StatusEvent) == events
    reply = world.say("coord", "/huy 9@2024-Q2 LAGI La Gi báo nhầm, chưa có báo cáo")
    assert ("Đã hủy báo cáo «hoàn thành» gửi lúc 08:00 21/06/2024 của Ủy ban nhân dân thị xã "
            "La Gi") in reply
    assert "quá hạn" in reply
    with world.sessions() as session:
        withdrawal = session.scalars(select(StatusEvent).order_by(StatusEvent.id.desc())).first()
    assert withdrawal is not None
    assert (withdrawal.status, withdrawal.note, withdrawal.agency_code) == (
        "withdrawn", "La Gi báo nhầm, chưa có báo cáo", "SCT")
    assert assignment(world, "9", "LAGI", "2024-Q2").status == "open"


def test_a_coordinator_names_the_agency_of_a_task_with_several_leads(world: World) -> None:
    world.say("lagi", "/xong 5")
    assert "ví dụ: /huy 5 " in world.say("coord", "/huy 5 Báo nhầm")
    assert assignment(world, "5", "LAGI", "2024-Q2").status == "done"
    assert "Đã hủy báo cáo «hoàn thành»" in world.say("coord", "/huy 5 LAGI Báo nhầm")
    assert assignment(world, "5", "LAGI", "2024-Q2").status == "open"


@pytest.mark.parametrize(("chat", "text", "when", "expected"), [
    ("sct2", "/huy 1", "2024-06-21 09:00", "do Trần Thị Bình gửi lúc 08:00 21/06/2024"),
    ("sct", "/huy 1", "2024-06-22 08:01", "đã quá 24 giờ nên không tự hủy được"),
    ("lead", "/huy 1", "2024-06-21 09:00", "chỉ xem"),
    ("lagi", "/huy 1", "2024-06-21 09:00", "không chủ trì nhiệm vụ 1"),
    ("sct", "/huy 4", "2024-06-21 09:00", "Không có báo cáo nào"),
    ("sct", "/huy", "2024-06-21 09:00", "Cách dùng: /huy"),
    ("sct", "/huy 1@2099", "2024-06-21 09:00", "không có kỳ «2099»"),
    ("stranger", "/huy 1", "2024-06-21 09:00", "chưa đăng ký"),
])
def test_withdrawal_refusals_explain_and_change_nothing(world: World, chat: str, text: str,
                                                        when: str, expected: str) -> None:
    world.say("sct", "/xong 1")
    world.clock.now = local(when)
    before = (world.count(StatusEvent), world.count(OutboxMessage), states(world))
    assert expected in world.say(chat, text)
    assert (world.count(StatusEvent), world.count(OutboxMessage), states(world)) == before


def test_help_and_the_command_table_name_the_withdrawal(world: World) -> None:
    assert "/huy MÃ [lý do]" in world.say("sct", "/help")
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "`/undo KEY[@PERIOD] [reason]` (`/huy`)" in readme


# ---- 3. the pending blocker question belongs to the officer who was asked ---------------------


def test_the_issue_scenario_a_revoked_officers_question_is_not_answered_by_the_chats_next_holder(
        world: World) -> None:
    one = assignment(world, "1", "SCT").id
    assert "Vui lòng nhắn lý do" in world.tap("sct", f"b:{one}")
    with world.sessions() as session, session.begin():
        revoke_officer(session, officer_id(world, "sct"))
    assert "Xin chào" in world.say("sct", f"/start {world.invite('LAGI')}")
    before = world.count(OutboxMessage)
    assert "Không hiểu" in world.say("sct", "Xin chào")
    assert world.count(StatusEvent) == 0
    assert world.count(OutboxMessage) == before  # no coordinator alerted
    assert assignment(world, "1", "SCT").status == "open"
    assert world.count(PendingPrompt) == 0


def test_revoking_an_officer_drops_the_question_asked_of_them(world: World) -> None:
    world.tap("sct", f"b:{assignment(world, '3', 'SCT').id}")
    with world.sessions() as session, session.begin():
        revoke_officer(session, officer_id(world, "sct"))
    assert world.count(PendingPrompt) == 0


def test_answering_a_question_checks_the_same_permission_as_blocked(world: World) -> None:
    one = assignment(world, "1", "SCT").id
    with world.sessions() as session, session.begin():
        # A question about another agency's item (left by an older version, or a chat that
        # changed hands): the answer is a report like /vuongmac, and is refused like one.
        session.add(PendingPrompt(channel="console", chat_id="lagi", assignment_id=one,
                                  officer_id=officer_id(world, "lagi"), kind="blocked_reason",
                                  created_at=world.clock()))
    assert "không chủ trì nhiệm vụ 1" in world.say("lagi", "Thiếu kinh phí")
    assert world.count(StatusEvent) == 0
    assert world.count(PendingPrompt) == 0  # answered (refused): not asked again and again
    assert "Không hiểu" in world.say("lagi", "Thiếu kinh phí")


def test_a_question_without_an_officer_from_before_the_upgrade_is_void(world: World) -> None:
    three = assignment(world, "3", "SCT").id
    with world.sessions() as session, session.begin():
        session.add(PendingPrompt(channel="console", chat_id="sct", assignment_id=three,
                                  officer_id=None, kind="blocked_reason",
                                  created_at=world.clock()))
    assert "Không hiểu" in world.say("sct", "Thiếu kinh phí")
    assert world.count(StatusEvent) == 0


def test_a_too_long_answer_leaves_the_question_open_for_a_shorter_one(world: World) -> None:
    world.tap("sct", f"b:{assignment(world, '3', 'SCT').id}")
    assert "vượt quá 1000" in world.say("sct", "x" * 1001)
    assert "Đã ghi nhận vướng mắc" in world.say("sct", "Thiếu kinh phí")


def test_the_officer_who_was_asked_answers_it(world: World) -> None:
    world.tap("sct", f"b:{assignment(world, '3', 'SCT').id}")
    assert "Đã ghi nhận vướng mắc" in world.say("sct", "Thiếu kinh phí")
    with world.sessions() as session:
        event = session.scalars(select(StatusEvent)).one()
        asked = session.get_one(Officer, event.officer_id)
    assert (event.status, event.note, asked.name) == ("blocked", "Thiếu kinh phí",
                                                      "Trần Thị Bình")
