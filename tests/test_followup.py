"""The follow-up workflow through the command layer on the console channel, over a real SQLite
file: extension requests and due dates, confirmation of completion, /lichsu and /nhac, and the
refusals of every role that may not do them."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.commands import Incoming
from bot.delivery.tick import Queued, run_tick
from bot.reports.xlsx import DETAIL_SHEET, HEADER_ROW, HISTORY_SHEET, SUMMARY_SHEET, write_report
from plan_data.loader import bundled_plan_path, load_bundled, load_directory, load_plan
from storage.models import (
    Assignment,
    ExtensionRequest,
    OccurrenceRow,
    OutboxMessage,
    PendingPrompt,
    PlanRow,
    StatusEvent,
    TaskRow,
)
from storage.report import collect_report
from storage.sync import sync_plan
from tests.world import TZ, World, local, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-20 09:00"))
    w.register("sct", "SCT", name="Trần Thị Bình")
    w.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    w.register("lead", "SCT", "leader", name="Phó Giám đốc")
    w.register("stnmt", "STNMT", name="Phạm Môi Trường")
    w.register("lagi", "LAGI", name="Võ La Gi")
    return w


def confirming(world: World) -> World:
    """Make the bundled plan require the coordinator's confirmation of completions."""
    directory, plan = load_bundled()
    with world.sessions() as session, session.begin():
        sync_plan(session, directory, plan.model_copy(update={"confirm_done": True}),
                  date(2026, 12, 31), world.clock())
    return world


def assignment(world: World, key: str, agency: str, period: str = "") -> Assignment:
    with world.sessions() as session:
        return session.scalars(
            select(Assignment).join(OccurrenceRow).join(TaskRow)
            .where(TaskRow.key == key, Assignment.agency_code == agency,
                   OccurrenceRow.period == period)).one()


def tick(world: World, instant: str) -> list[Queued]:
    world.clock.now = local(instant)
    with world.sessions() as session, session.begin():
        return run_tick(session, world.clock(), world.calendar, TZ, time(8, 0)).queued


def sct_task_1(queued: list[Queued]) -> list[tuple[str, date]]:
    return [(q.reminder.key, q.reminder.due) for q in queued
            if (q.reminder.task_key, q.reminder.agency) == ("1", "SCT")]


def notices_to(world: World, chat: str) -> list[OutboxMessage]:
    with world.sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.chat_id == chat, OutboxMessage.kind == "notice")
            .order_by(OutboxMessage.id)))


def snapshot(world: World) -> tuple[object, ...]:
    """Everything a refusal must leave as it was."""
    with world.sessions() as session:
        rows = session.execute(select(
            Assignment.id, Assignment.status, Assignment.completed_on, Assignment.due_override,
            Assignment.reported_done_on).order_by(Assignment.id)).all()
        requests = session.execute(select(ExtensionRequest.id, ExtensionRequest.status)).all()
    return (world.count(StatusEvent), world.count(OutboxMessage), world.count(PendingPrompt),
            [tuple(r) for r in rows], [tuple(r) for r in requests])


# ---- extension requests --------------------------------------------------------------------


def test_an_approved_extension_moves_the_due_date_and_the_ladder_follows_it(world: World) -> None:
    # Task 1 (SCT) is due 30/06/2024 (a Sunday: its due step is Friday 28/06); T-7 on 21/06.
    assert sct_task_1(tick(world, "2024-06-21 08:00")) == [("T-7", date(2024, 6, 30))]
    world.clock.now = local("2024-06-21 10:00")
    sent = world.say("sct", "/giahan 1 10/07/2024 Chờ ý kiến góp ý của các sở")
    assert sent.startswith("📨 Đã gửi đề nghị gia hạn số 1: nhiệm vụ 1 (Quý 2 năm 2024) của "
                           "Sở Công Thương, từ 30/06/2024 đến 10/07/2024.")
    [notice] = notices_to(world, "coord")
    assert notice.text.startswith("📅 Đề nghị gia hạn số 1\nSở Công Thương xin gia hạn nhiệm vụ "
                                  "1: Quán triệt")
    for line in ("Hạn hiện tại: 30/06/2024", "Xin gia hạn đến: 10/07/2024",
                 "Lý do: Chờ ý kiến góp ý của các sở", "Người đề nghị: Trần Thị Bình"):
        assert line in notice.text
    assert notice.buttons_json == '[["✅ Duyệt", "xa:1"], ["❌ Từ chối", "xr:1"]]'
    assert len(notice.buttons_json.encode()) < 64 * 2  # each datum is a few bytes

    approved = world.say("coord", "/duyet 1 Đồng ý, lần cuối")
    assert approved == ("✅ Đã duyệt đề nghị gia hạn số 1: nhiệm vụ 1 (Quý 2 năm 2024) của "
                        "Sở Công Thương nay hạn 10/07/2024 (hạn ban đầu 30/06/2024).")
    [told] = notices_to(world, "sct")
    assert told.text == ("✅ Sở Công Thương đã duyệt đề nghị gia hạn số 1: nhiệm vụ 1 (Quý 2 năm "
                         "2024) của Sở Công Thương nay hạn 10/07/2024 (hạn ban đầu 30/06/2024)."
                         "\nGhi chú: Đồng ý, lần cuối")
    with world.sessions() as session:
        moved = session.get_one(Assignment, assignment(world, "1", "SCT").id)
        assert (moved.due_override, moved.original_due) == (date(2024, 7, 10),
                                                            date(2024, 6, 30))

    # No reminder for the old date: on its due day (28/06) the next tick sends the latest step
    # of the new date's ladder instead (T-30, as after a bot was down), once ...
    assert sct_task_1(tick(world, "2024-06-28 08:00")) == [("T-30~2024-07-10", date(2024, 7, 10))]
    assert sct_task_1(tick(world, "2024-07-01 08:00")) == []
    # ... and the ladder of the new date runs: T-7 on 03/07, T-1 on 09/07, due on 10/07.
    assert sct_task_1(tick(world, "2024-07-03 08:00")) == [("T-7~2024-07-10", date(2024, 7, 10))]
    with world.sessions() as session:
        reminder = session.scalars(select(OutboxMessage).where(
            OutboxMessage.chat_id == "sct", OutboxMessage.kind == "reminder",
            OutboxMessage.text.contains("Nhiệm vụ 1:")).order_by(OutboxMessage.id.desc())).first()
    assert reminder is not None and "Hạn: 10/07/2024 (còn 7 ngày)" in reminder.text
    assert sct_task_1(tick(world, "2024-07-09 08:00")) == [("T-1~2024-07-10", date(2024, 7, 10))]

    # Done on 05/07: on time against the approved date; /tasks and /status show both dates.
    world.clock.now = local("2024-07-05 09:00")
    assert world.say("sct", "/xong 1").endswith(", hoàn thành đúng hạn.")
    history = world.say("coord", "/lichsu 1")
    assert "Hạn: 10/07/2024 (hạn ban đầu 30/06/2024) · hoàn thành đúng hạn" in history


def test_a_refused_extension_changes_nothing_and_the_officer_is_told_why(world: World) -> None:
    tick(world, "2024-06-21 08:00")
    world.say("sct", "/giahan 1 10/07/2024 Chờ ý kiến các sở")
    assert world.say("coord", "/tuchoi 1") == (
        "Cách dùng: /tuchoi SỐ lý do, ví dụ: /tuchoi 12 Cần hoàn thành đúng hạn")
    refused = world.say("coord", "/tuchoi 1 Nhiệm vụ cần hoàn thành đúng hạn")
    assert refused == ("❌ Đã từ chối đề nghị gia hạn số 1: nhiệm vụ 1 (Quý 2 năm 2024) của "
                       "Sở Công Thương giữ hạn 30/06/2024.")
    [told] = notices_to(world, "sct")
    assert told.text.endswith("giữ hạn 30/06/2024.\nLý do: Nhiệm vụ cần hoàn thành đúng hạn")
    assert assignment(world, "1", "SCT").due_override is None
    # The old ladder goes on: the due step on Friday 28/06.
    assert sct_task_1(tick(world, "2024-06-28 08:00")) == [("due", date(2024, 6, 30))]
    # Decided once: a second decision is refused, and a new request may be made.
    before = snapshot(world)
    assert world.say("coord", "/duyet 1") == (
        "Đề nghị gia hạn số 1 đã được từ chối lúc 08:00 21/06/2024; không thay đổi.")
    assert snapshot(world) == before
    assert world.say("sct", "/giahan 1 05/07/2024 Xin thêm một tuần").startswith(
        "📨 Đã gửi đề nghị gia hạn số 2")


def test_one_open_request_per_item_and_the_date_rules(world: World) -> None:
    before = snapshot(world)
    refusals = {
        "/giahan 1 10/07/2024": "Cách dùng: /giahan MÃ DD/MM/YYYY lý do",
        "/giahan 1 10-07-2024 lý do": "Ngày «10-07-2024» không hợp lệ",
        "/giahan 1 31/02/2024 lý do": "Ngày «31/02/2024» không hợp lệ",
        "/giahan 1 19/06/2024 lý do": "Ngày 19/06/2024 đã qua; hạn mới phải từ hôm nay "
                                      "(20/06/2024) trở đi.",
        "/giahan 1 30/06/2024 lý do": "Hạn xin gia hạn 30/06/2024 phải sau hạn hiện tại "
                                      "30/06/2024 của nhiệm vụ 1.",
        "/giahan 1 25/06/2024 lý do": "phải sau hạn hiện tại 30/06/2024",
        "/giahan 99 10/07/2024 lý do": "Không có nhiệm vụ mã «99»",
        "/giahan 1 10/07/2024 " + "x" * 1001: "vượt quá 1000",
    }
    for text, expected in refusals.items():
        assert expected in world.say("sct", text), text
    assert snapshot(world) == before
    assert world.say("sct", "/extend 1 01/07/2024 Chờ số liệu").startswith("📨 Đã gửi đề nghị")
    after_first = snapshot(world)
    assert world.say("sct", "giahan 1 20/07/2024 Xin thêm") == (
        "Nhiệm vụ 1 của Sở Công Thương đã có đề nghị gia hạn số 1 (đến 01/07/2024) đang chờ "
        "duyệt; mỗi nhiệm vụ chỉ có một đề nghị đang chờ.")
    assert snapshot(world) == after_first


def test_every_role_that_may_not_do_it_gets_one_line_and_nothing_changes(world: World) -> None:
    world.say("sct", "/giahan 1 10/07/2024 Chờ số liệu")
    confirming(world)
    world.say("sct", "/xong 2@2024-Q2 Đã rà soát")
    before = snapshot(world)
    coordinator_only = "Chỉ cán bộ điều phối của Sở Công Thương mới "
    refusals = [
        ("lead", "/giahan 3 10/01/2025 lý do", "Tài khoản lãnh đạo chỉ xem, không cập nhật "
                                               "trạng thái."),
        ("stnmt", "/giahan 1 10/07/2024 lý do", "Sở Tài nguyên và Môi trường không chủ trì "
                                                "nhiệm vụ 1 nên không cập nhật được."),
        ("coord", "/giahan 3 10/01/2025 lý do", "Cán bộ điều phối đổi hạn trực tiếp"),
        ("sct", "/duyet 1", coordinator_only + "duyệt hoặc từ chối đề nghị gia hạn."),
        ("lead", "/duyet 1", coordinator_only + "duyệt hoặc từ chối đề nghị gia hạn."),
        ("stnmt", "/tuchoi 1 không", coordinator_only + "duyệt hoặc từ chối đề nghị gia hạn."),
        ("coord", "/duyet 7", "Không có đề nghị gia hạn số «7»."),
        ("sct", "/doihan 1 SCT 10/07/2024 lý do", coordinator_only + "đổi hạn nhiệm vụ."),
        ("lead", "/doihan 1 SCT 10/07/2024 lý do", "Tài khoản lãnh đạo chỉ xem"),
        ("sct", "/xacnhan 2@2024-Q2", coordinator_only + "xác nhận hoặc trả lại báo hoàn thành."),
        ("lagi", "/tralai 2@2024-Q2 SCT thiếu", coordinator_only + "xác nhận hoặc trả lại"),
        ("lead", "/xacnhan 2@2024-Q2", "Tài khoản lãnh đạo chỉ xem"),
        ("sct", "/nhac 7 STNMT", coordinator_only + "nhắc cơ quan ngoài lịch nhắc."),
        ("lead", "/nhac 7 STNMT", "Tài khoản lãnh đạo chỉ xem"),
        ("lagi", "/lichsu 1", "không chủ trì nhiệm vụ 1"),
        ("lagi", "/lichsu 5 TUYPHONG", "Bạn chỉ xem được tình hình của Ủy ban nhân dân thị xã "
                                       "La Gi."),
        ("sct", "/tap", "Không hiểu lệnh"),
    ]
    for chat, text, expected in refusals:
        reply = world.say(chat, text)
        assert expected in reply, (chat, text, reply)
        assert "\n" not in reply, reply
    # A tap on the coordinator's buttons by someone else is refused the same way.
    assert world.tap("sct", "xa:1").startswith(coordinator_only)
    assert world.tap("sct", "ca:1").startswith(coordinator_only)
    assert snapshot(world) == before


def test_the_coordinator_sets_a_due_date_directly_and_it_supersedes_an_open_request(
        world: World) -> None:
    world.register("tuyphong", "TUYPHONG", name="Lê Tuy Phong")
    world.say("lagi", "/giahan 5@2024-Q2 15/07/2024 Chưa có số liệu")
    assert world.say("coord", "/doihan 5@2024-Q2 LAGI 30/06/2024 Theo chỉ đạo") == (
        "Nhiệm vụ 5@2024-Q2 của Ủy ban nhân dân thị xã La Gi đã có hạn 30/06/2024; "
        "không thay đổi.")
    assert world.say("coord", "/doihan 5@2024-Q2 LAGI 01/06/2024 Theo chỉ đạo").startswith(
        "Ngày 01/06/2024 đã qua")
    reply = world.say("coord", "/doihan 5@2024-Q2 LAGI 31/07/2024 Theo chỉ đạo của UBND tỉnh")
    assert reply == ("📅 Đã đổi hạn nhiệm vụ 5@2024-Q2 (Quý 2/2024) của Ủy ban nhân dân thị xã "
                     "La Gi từ 30/06/2024 thành 31/07/2024 (hạn ban đầu 30/06/2024). Đề nghị "
                     "gia hạn số 1 đang chờ được thay bằng hạn này.")
    assert assignment(world, "5", "LAGI", "2024-Q2").due_override == date(2024, 7, 31)
    assert assignment(world, "5", "TUYPHONG", "2024-Q2").due_override is None
    [told] = notices_to(world, "lagi")
    assert told.text.endswith("từ 30/06/2024 thành 31/07/2024.\nLý do: Theo chỉ đạo của UBND "
                              "tỉnh")
    assert world.say("coord", "/duyet 1").startswith("Đề nghị gia hạn số 1 đã được thay bằng")
    # The other districts keep the old ladder; La Gi's runs on the new date.
    queued = tick(world, "2024-06-28 08:00")
    districts = {q.reminder.agency for q in queued if q.reminder.task_key == "5"}
    assert "TUYPHONG" in districts and "LAGI" not in districts


# ---- confirmation of completion ------------------------------------------------------------


def test_a_completion_waits_for_confirmation_is_returned_reminded_again_then_confirmed(
        world: World) -> None:
    confirming(world)
    with world.sessions() as session:
        assert session.get_one(PlanRow, "nd32-binh-thuan").confirm_done is True
    tick(world, "2024-06-21 08:00")
    world.clock.now = local("2024-06-21 10:00")
    assert world.say("sct", "/xong 1 Đã tổ chức hội nghị") == (
        "🕓 Đã ghi nhận: Sở Công Thương báo hoàn thành nhiệm vụ 1 (Quý 2 năm 2024) ngày "
        "21/06/2024; đang chờ Sở Công Thương xác nhận.")
    item = assignment(world, "1", "SCT")
    assert (item.status, item.completed_on, item.reported_done_on) == (
        "awaiting", None, date(2024, 6, 21))
    [notice] = notices_to(world, "coord")
    assert notice.text.startswith("🕓 Đề nghị xác nhận hoàn thành\nSở Công Thương báo hoàn thành "
                                  "nhiệm vụ 1: ")
    assert "Ghi chú: Đã tổ chức hội nghị" in notice.text
    assert notice.buttons_json == (f'[["✅ Xác nhận", "ca:{item.id}"], '
                                   f'["↩️ Trả lại", "cr:{item.id}"]]')
    assert "- Chờ xác nhận hoàn thành: 1\n- Vướng mắc" in world.say("coord", "/status")
    assert "Đã rà soát" not in world.say("sct", "/xong 1")  # a second report: refused
    assert world.say("sct", "/vuongmac 1 Thiếu kinh phí").startswith(
        "Nhiệm vụ 1 (Quý 2 năm 2024) của Sở Công Thương đã báo hoàn thành ngày 21/06/2024 và "
        "đang chờ xác nhận")
    # Awaiting confirmation: no reminder on its due day.
    assert sct_task_1(tick(world, "2024-06-28 08:00")) == []

    # Returned with a tap and the reason in the next message.
    world.clock.now = local("2024-06-28 09:00")
    assert world.tap("coord", f"cr:{item.id}") == (
        "Vui lòng nhắn lý do trả lại báo hoàn thành nhiệm vụ 1 (Quý 2 năm 2024) trong tin nhắn "
        "tiếp theo.")
    assert world.say("coord", "Chưa có báo cáo kết quả hội nghị") == (
        "↩️ Đã trả lại báo hoàn thành nhiệm vụ 1 (Quý 2 năm 2024) của Sở Công Thương; nhiệm vụ "
        "tiếp tục thực hiện và được nhắc lại.")
    [told] = notices_to(world, "sct")
    assert told.text.endswith("nhiệm vụ tiếp tục thực hiện.\nLý do: Chưa có báo cáo kết quả "
                              "hội nghị")
    item = assignment(world, "1", "SCT")
    assert (item.status, item.reported_done_on) == ("open", None)
    # Reminders resume: overdue after the due date.
    assert sct_task_1(tick(world, "2024-07-01 08:00")) == [
        ("overdue@2024-07-01", date(2024, 6, 30))]

    # Reported again on 03/07, confirmed on 05/07: done as of the report's day, late.
    world.clock.now = local("2024-07-03 09:00")
    world.say("sct", "/xong 1 Đã gửi báo cáo kết quả")
    world.clock.now = local("2024-07-05 09:00")
    assert world.say("coord", "/xacnhan 1") == (
        "✅ Đã xác nhận: Sở Công Thương hoàn thành nhiệm vụ 1 (Quý 2 năm 2024) ngày 03/07/2024, "
        "hoàn thành quá hạn.")
    item = assignment(world, "1", "SCT")
    assert (item.status, item.completed_on) == ("done", date(2024, 7, 3))
    assert world.tap("coord", f"ca:{item.id}").startswith(
        "Nhiệm vụ 1 (Quý 2 năm 2024) của Sở Công Thương không có báo hoàn thành nào đang chờ")
    history = world.say("sct", "/lichsu 1")
    order = [line.split(" · ")[0] for line in history.split("• ")[1:]]
    assert order == ["09:00 05/07/2024", "09:00 03/07/2024", "09:00 28/06/2024",
                     "10:00 21/06/2024"]
    assert "Xác nhận hoàn thành" in history and "Trả lại báo hoàn thành: Chưa có báo cáo" in history


def test_a_coordinators_own_completion_needs_no_confirmation(world: World) -> None:
    confirming(world)
    assert world.say("coord", "/xong 3 Đã trình UBND tỉnh").endswith(", hoàn thành đúng hạn.")
    assert assignment(world, "3", "SCT").status == "done"


def test_a_numbered_answer_confirms_or_returns_the_last_notice_with_choices(
        world: World) -> None:
    confirming(world)
    world.say("lagi", "/xong 5@2024-Q2 Đã báo cáo")
    with world.sessions() as session, session.begin():
        for message in session.scalars(select(OutboxMessage)):
            message.status, message.sent_at = "sent", world.clock()
    assert world.say("coord", "3") == "Không có lựa chọn 3. Trả lời 1 = xác nhận, 2 <lý do> = " \
                                      "trả lại"
    assert world.say("coord", "2 Thiếu biên bản").startswith("↩️ Đã trả lại báo hoàn thành "
                                                             "nhiệm vụ 5@2024-Q2")
    assert assignment(world, "5", "LAGI", "2024-Q2").status == "open"


# ---- /lichsu and /nhac ---------------------------------------------------------------------


def test_history_is_newest_first_and_split_between_entries_under_the_limit(
        world: World) -> None:
    for number in range(30):
        world.clock.now = local(f"2024-06-20 10:{number:02d}")
        world.say("sct", f"/tiendo 3 Bước {number:02d}: " + "đã làm thêm một phần việc " * 4)
    replies = world.commands.handle(Incoming("console", "coord", "Lê Điều Phối", "/lichsu 3"))
    assert len(replies) > 1
    assert all(len(reply.text) <= 2000 for reply in replies)
    assert replies[0].text.startswith("📜 Lịch sử nhiệm vụ 3 (Trong năm 2024) của Sở Công "
                                      "Thương\nHạn: 31/12/2024 · đang thực hiện trong hạn")
    assert replies[1].text.startswith("📜 Lịch sử nhiệm vụ 3 của Sở Công Thương (tiếp, phần 2)")
    entries = [entry for reply in replies for entry in reply.text.split("\n• ")[1:]]
    assert len(entries) == 30
    steps = [int(entry.split("Bước ")[1][:2]) for entry in entries]
    assert steps == list(range(29, -1, -1))
    assert all(entry.startswith("10:") and "Trần Thị Bình (Sở Công Thương) · Dòng lệnh"
               in entry for entry in entries)


def test_the_coordinator_reminds_an_agency_now_outside_the_ladder(world: World) -> None:
    reply = world.say("coord", "/nhac 7 STNMT Đề nghị gửi báo cáo trước thứ Sáu")
    assert reply == ("📣 Đã nhắc 1 tài khoản của Sở Tài nguyên và Môi trường về nhiệm vụ 7@2024 "
                     "(Năm 2024).")
    [message] = notices_to(world, "stnmt")
    assert message.text.startswith("📣 Sở Công Thương nhắc việc\nNhiệm vụ 7@2024: ")
    assert message.text.endswith("Lời nhắn: Đề nghị gửi báo cáo trước thứ Sáu")
    assert message.buttons_json is not None and message.assignment_id is not None
    assert "Nhắc việc ngoài lịch: Đề nghị gửi báo cáo" in world.say("coord", "/lichsu 7")
    before = snapshot(world)
    assert world.say("coord", "/nhac 8 SKHDT") == (
        "Sở Kế hoạch và Đầu tư chưa có cán bộ nào nhận tin được; chưa nhắc. Cấp mã mời: "
        "nhacviec invite SKHDT")
    assert world.say("stnmt", "/nhac 7 STNMT").startswith("Chỉ cán bộ điều phối")
    assert snapshot(world) == before


# ---- the plan file and the report ----------------------------------------------------------


def test_confirm_done_in_the_plan_file_is_stored_on_the_plan(tmp_path: Path) -> None:
    text = bundled_plan_path().read_text(encoding="utf-8")
    assert "\nconfirm_done:" not in text
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("\ntasks:\n", "\nconfirm_done: true\ntasks:\n", 1),
                    encoding="utf-8")
    directory = load_directory()
    plan = load_plan(path, directory)
    assert plan.confirm_done is True
    assert load_bundled()[1].confirm_done is False
    world = make_world(tmp_path, local("2024-06-20 09:00"))
    with world.sessions() as session, session.begin():
        assert session.get_one(PlanRow, plan.id).confirm_done is False
        sync_plan(session, directory, plan, date(2026, 12, 31), world.clock())
    with world.sessions() as session:
        assert session.get_one(PlanRow, plan.id).confirm_done is True


def test_the_excel_report_shows_both_due_dates_the_changes_and_the_confirmations(
        world: World, tmp_path: Path) -> None:
    confirming(world)
    world.say("sct", "/giahan 1 10/07/2024 Chờ ý kiến các sở")
    world.say("coord", "/duyet 1")
    world.say("coord", "/doihan 1 SCT 15/07/2024 Theo chỉ đạo")
    world.say("lagi", "/xong 5@2024-Q2 Đã báo cáo")
    world.say("sct", "/xong 2@2024-Q2")
    world.say("coord", "/xacnhan 2@2024-Q2")
    world.clock.now = local("2024-07-12 09:00")
    world.say("sct", "/xong 1")  # after the plan's 30/06, before the approved 15/07
    world.say("coord", "/xacnhan 1")
    with world.sessions() as session:
        data = collect_report(session, "nd32-binh-thuan", date(2024, 7, 12))
    workbook = load_workbook(write_report(data, tmp_path / "r.xlsx", TZ))
    ws = workbook[DETAIL_SHEET]
    header = [cell.value for cell in ws[HEADER_ROW]]
    assert header[-4:] == ["Hạn ban đầu", "Gia hạn, đổi hạn", "Xác nhận hoàn thành",
                           "Tài liệu minh chứng"]
    rows = [dict(zip(header, values, strict=True))
            for values in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]

    def row_of(key: str, agency: str) -> dict[str, object]:
        [row] = [r for r in rows if r["Mã nhiệm vụ"] == key and r["Cơ quan chủ trì"] == agency
                 and r["Kỳ"] in ("Quý 2 năm 2024", "Quý 2/2024")]
        return row

    extended = row_of("1", "Sở Công Thương")
    assert extended["Hạn"].date() == date(2024, 7, 15)  # type: ignore[attr-defined]
    assert extended["Hạn ban đầu"].date() == date(2024, 6, 30)  # type: ignore[attr-defined]
    assert extended["Tình trạng"] == "Hoàn thành đúng hạn"
    assert extended["Gia hạn, đổi hạn"] == ("30/06/2024 → 10/07/2024 (đề nghị số 1)\n"
                                           "10/07/2024 → 15/07/2024 (điều phối đổi hạn)")
    assert extended["Xác nhận hoàn thành"] == "Đã xác nhận"
    waiting = row_of("5", "UBND TX La Gi")
    assert waiting["Tình trạng"] == "Chờ xác nhận"
    assert waiting["Xác nhận hoàn thành"] == "Chờ xác nhận (báo ngày 20/06/2024)"
    assert waiting["Hạn ban đầu"] is None and waiting["Gia hạn, đổi hạn"] is None
    summary = {row[0].value: row[1].value for row in workbook[SUMMARY_SHEET].iter_rows(
        min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 12)}
    assert summary["Chờ xác nhận"] == 1
    history = [row[5] for row in workbook[HISTORY_SHEET].iter_rows(min_row=HEADER_ROW + 1,
                                                                  values_only=True)]
    assert {"Xin gia hạn", "Duyệt gia hạn", "Đổi hạn", "Xác nhận hoàn thành"} <= set(history)
