"""Evidence on reports through the command layer (any channel): files, photos and links kept with
the report, the "gửi kèm văn bản?" question, refusals, /tailieu and who may use it, the Excel
detail sheet, and a file kept in the journal while the database was away."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot import texts
from bot.channels.base import Attachment, FileRef
from bot.commands import Incoming, Reply
from bot.evidence import MAX_SIZE, links_in
from bot.inbox import Inbox
from bot.reports.xlsx import DETAIL_SHEET, HEADER_ROW, write_report
from storage.evidence import evidence_for_events
from storage.evidence_row import EvidenceRow
from storage.journal import Journal, JournalEntry
from storage.models import Assignment, PendingPrompt, StatusEvent
from storage.report import collect_report
from tests.world import TZ, World, local, make_world

PDF = Attachment("document", file_id="BQACAgUAAxkBAAIBZ2Zx", file_unique_id="AgADZg4AAu",
                 file_name="QD-15-2024.pdf", mime_type="application/pdf", size=245_311)
PHOTO = Attachment("photo", file_id="AgACAgUAAxkBAAIBaGZx", file_unique_id="AQADcLox",
                   mime_type="image/jpeg", size=88_004)


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-20 09:00"))
    w.register("101", "SCT", name="Trần Thị Bình", channel="telegram")
    w.register("102", "SCT", "coordinator", name="Lê Điều Phối", channel="telegram")
    w.register("103", "STTTT", name="Phạm Truyền Thông", channel="telegram")
    w.register("104", "SCT", "leader", name="Phó Giám đốc", channel="telegram")
    w.register("zalo-sct", "SCT", name="Trần Thị Bình", channel="zalo")
    w.register("console-coord", "SCT", "coordinator", name="Lê Điều Phối")
    return w


def send(world: World, chat: str, text: str, attachment: Attachment | None = None,
         channel: str = "telegram") -> list[Reply]:
    return world.commands.handle(Incoming(channel, chat, "Cán bộ", text, attachment=attachment))


def said(replies: list[Reply]) -> str:
    return "\n".join(reply.text for reply in replies)


def evidence_rows(world: World) -> list[tuple[EvidenceRow, StatusEvent]]:
    with world.sessions() as session:
        return [(row, event) for row, event in session.execute(
            select(EvidenceRow, StatusEvent)
            .join(StatusEvent, StatusEvent.id == EvidenceRow.status_event_id)
            .order_by(EvidenceRow.id))]


def test_a_document_with_the_command_as_caption_is_kept_with_the_done_event(
        world: World) -> None:
    reply = said(send(world, "101", "/xong 1 Đã ban hành quyết định", PDF))
    [(row, event)] = evidence_rows(world)
    assert (event.status, event.note, event.channel) == ("done", "Đã ban hành quyết định",
                                                         "telegram")
    assert (row.kind, row.channel, row.file_id, row.file_unique_id, row.file_name,
            row.mime_type, row.size, row.link, row.stored_path) == (
        "document", "telegram", PDF.file_id, PDF.file_unique_id, "QD-15-2024.pdf",
        "application/pdf", 245_311, None, None)
    assert f"Đã lưu tài liệu #{row.id} (QD-15-2024.pdf)" in reply
    assert f"/tailieu {row.id}" in reply
    assert "Gửi kèm văn bản?" not in reply  # something came: nothing to ask for


def test_a_report_without_evidence_asks_for_it_and_the_next_photo_goes_with_that_report(
        world: World) -> None:
    reply = said(send(world, "101", "/tiendo 1 Đang trình ký"))
    assert "📎 Gửi kèm văn bản?" in reply and "60 phút" in reply
    world.clock.now += timedelta(minutes=5)
    answer = said(send(world, "101", "", PHOTO))
    [(row, event)] = evidence_rows(world)
    assert (event.status, event.note) == ("progress", "Đang trình ký")
    assert (row.kind, row.file_id, row.mime_type) == ("photo", PHOTO.file_id, "image/jpeg")
    assert answer == texts.EVIDENCE_SAVED.format(id=row.id, what="ảnh")
    # An album: the next file still goes with the same report.
    second = Attachment("photo", file_id="AgAC-second", file_unique_id="AQAD-second")
    send(world, "101", "", second)
    assert [r.status_event_id for r, _ in evidence_rows(world)] == [event.id, event.id]


def test_the_question_expires_and_a_normal_command_cancels_it(world: World) -> None:
    send(world, "101", "/tiendo 1 Đang trình ký")
    world.clock.now += timedelta(minutes=61)
    assert said(send(world, "101", "", PHOTO)) == texts.EVIDENCE_NO_REPORT
    assert "Gửi kèm văn bản?" in said(send(world, "101", "/tiendo 1 Đã trình ký"))
    assert "Gửi kèm văn bản?" not in said(send(world, "101", "/viec"))  # asks nothing: cancels
    assert said(send(world, "101", "", PHOTO)) == texts.EVIDENCE_NO_REPORT
    assert evidence_rows(world) == []
    with world.sessions() as session:
        assert session.scalars(select(PendingPrompt)).all() == []


def test_a_link_in_the_note_is_kept_as_link_evidence_on_any_channel(world: World) -> None:
    note = ("Đã đăng tải https://binhthuan.gov.vn/vb/qd-15.pdf, bản scan: "
            "https://drive.google.com/file/d/1AbC/view).")
    reply = said(send(world, "console-coord", f"/xong 1 {note}", channel="console"))
    rows = evidence_rows(world)
    assert [(r.kind, r.link, r.channel) for r, _ in rows] == [
        ("link", "https://binhthuan.gov.vn/vb/qd-15.pdf", "console"),
        ("link", "https://drive.google.com/file/d/1AbC/view", "console")]
    assert rows[0][1].note == note  # the note itself is kept verbatim
    assert "Gửi kèm văn bản?" not in reply  # the console cannot send files after a report


def test_the_history_lists_the_evidence_under_its_report(world: World) -> None:
    send(world, "console-coord", "/xong 1 Đã đăng tải https://binhthuan.gov.vn/vb/qd-15.pdf",
         channel="console")
    [(row, _)] = evidence_rows(world)
    history = said(send(world, "console-coord", "/lichsu 1", channel="console"))
    assert f"📎 Minh chứng số {row.id}: " in history and f"(/tailieu {row.id})" in history
    assert "binhthuan.gov.vn/vb/qd-15.pdf" in history.split("📎", 1)[1]


def test_a_link_alone_answers_the_question(world: World) -> None:
    send(world, "zalo-sct", "xong 1", channel="zalo")
    reply = said(send(world, "zalo-sct", "https://binhthuan.gov.vn/vb/qd-15.pdf",
                      channel="zalo"))
    [(row, event)] = evidence_rows(world)
    assert (row.kind, row.link, event.status) == (
        "link", "https://binhthuan.gov.vn/vb/qd-15.pdf", "done")
    assert f"#{row.id}" in reply


@pytest.mark.parametrize(("attachment", "reason"), [
    (Attachment("document", file_id="f1", file_unique_id="u1", file_name="bao-cao.pdf",
                mime_type="application/pdf", size=MAX_SIZE + 1), "vượt quá mức 20,0 MB"),
    (Attachment("document", file_id="f2", file_unique_id="u2", file_name="setup.exe",
                mime_type="application/x-msdownload", size=4_000), "PDF, Word, Excel hoặc ảnh"),
    (Attachment("document", file_id="f3", file_unique_id="u3", file_name="nen.zip",
                mime_type=None, size=4_000), "PDF, Word, Excel hoặc ảnh"),
])
def test_a_refused_attachment_is_told_with_its_reason_and_the_report_is_still_recorded(
        world: World, attachment: Attachment, reason: str) -> None:
    reply = said(send(world, "101", "/xong 1 Đã ban hành", attachment))
    assert "⚠️ Không lưu" in reply and reason in reply
    assert texts.EVIDENCE_REPORT_KEPT in reply
    assert "Đã ghi nhận" in reply
    assert evidence_rows(world) == []
    with world.sessions() as session:
        [event] = session.scalars(select(StatusEvent)).all()
    assert event.status == "done"
    # The officer may send the right file next: it goes with that report.
    send(world, "101", "", PDF)
    assert [r.status_event_id for r, _ in evidence_rows(world)] == [event.id]


def test_a_refused_file_after_the_question_changes_nothing_and_the_question_stays(
        world: World) -> None:
    send(world, "101", "/tiendo 1 Đang trình ký")
    huge = Attachment("document", file_id="f9", file_unique_id="u9", file_name="scan.pdf",
                      mime_type="application/pdf", size=35 * 1024 * 1024)
    reply = said(send(world, "101", "", huge))
    assert reply.startswith("⚠️ Không lưu scan.pdf: tệp nặng 35,0 MB")
    assert evidence_rows(world) == []
    send(world, "101", "", PDF)
    assert [r.file_name for r, _ in evidence_rows(world)] == ["QD-15-2024.pdf"]


def test_a_file_with_a_command_that_is_no_report_is_not_kept_and_says_so(world: World) -> None:
    reply = send(world, "101", "/viec", PDF)
    assert reply[-1].text == texts.EVIDENCE_NOT_KEPT
    refused = send(world, "101", "/xong 99 xong", PDF)
    assert "99" in refused[0].text and refused[-1].text == texts.EVIDENCE_NOT_KEPT
    assert evidence_rows(world) == []


def test_tailieu_by_the_coordinator_sends_the_file_by_its_platform_reference(
        world: World) -> None:
    send(world, "101", "/xong 1 Đã ban hành quyết định", PDF)
    [(row, _)] = evidence_rows(world)
    [reply] = send(world, "102", f"/tailieu {row.id}")
    assert reply.file_ref == FileRef("document", PDF.file_id)
    assert reply.text.startswith(f"📎 Tài liệu #{row.id}: QD-15-2024.pdf, 240 KB")
    assert "Nhiệm vụ 1 (Quý 2 năm 2024), Sở Công Thương: Hoàn thành ngày 20/06/2024." in reply.text
    # The focal officer of the item's agency may fetch it too.
    [own] = send(world, "101", f"/tailieu #{row.id}")
    assert own.file_ref == FileRef("document", PDF.file_id)


def test_tailieu_by_another_agency_or_a_leader_is_refused_in_vietnamese(world: World) -> None:
    send(world, "101", "/xong 1", PDF)
    [(row, _)] = evidence_rows(world)
    for chat in ("103", "104"):
        [reply] = send(world, chat, f"/tailieu {row.id}")
        assert reply.file_ref is None
        assert reply.text == texts.EVIDENCE_FORBIDDEN.format(agency="Sở Công Thương", id=row.id)
    assert said(send(world, "102", "/tailieu 999")) == "Không có tài liệu số 999."
    assert said(send(world, "102", "/tailieu abc")) == texts.USAGE_EVIDENCE


def test_tailieu_elsewhere_than_telegram_names_the_file_and_where_to_get_it(
        world: World) -> None:
    send(world, "101", "/xong 1 https://binhthuan.gov.vn/vb/qd-15.pdf", PDF)
    document, link = evidence_rows(world)
    [on_console] = send(world, "console-coord", f"/tailieu {document[0].id}", channel="console")
    assert on_console.file_ref is None
    assert "QD-15-2024.pdf" in on_console.text
    assert f"gửi /tailieu {document[0].id} trong Telegram" in on_console.text
    [the_link] = send(world, "console-coord", f"/tailieu {link[0].id}", channel="console")
    assert "Đường link: https://binhthuan.gov.vn/vb/qd-15.pdf" in the_link.text


def test_a_zalo_image_is_sent_back_by_its_url(world: World) -> None:
    image = Attachment("photo", url="https://f1.photo.talk.zdn.vn/1234/anh-hoi-nghi.jpg")
    send(world, "zalo-sct", "xong 1 Đã tổ chức hội nghị", image, channel="zalo")
    [(row, _)] = evidence_rows(world)
    assert (row.kind, row.channel, row.link, row.file_id) == (
        "photo", "zalo", image.url, None)
    [on_telegram] = send(world, "102", f"/tailieu {row.id}")
    assert on_telegram.file_ref == FileRef("photo", str(image.url))
    [on_console] = send(world, "console-coord", f"/tailieu {row.id}", channel="console")
    assert on_console.file_ref is None and str(image.url) in on_console.text


def test_evidence_for_events_lists_each_events_evidence(world: World) -> None:
    send(world, "101", "/tiendo 1 Đang làm https://a.vn/1", PDF)
    send(world, "101", "/xong 1 Xong")
    with world.sessions() as session:
        events = session.scalars(select(StatusEvent).order_by(StatusEvent.id)).all()
        found = evidence_for_events(session, [e.id for e in events])
        assert {event_id: [(r.kind, r.file_name, r.link) for r in rows]
                for event_id, rows in found.items()} == {
            events[0].id: [("document", "QD-15-2024.pdf", None), ("link", None, "https://a.vn/1")]}
        assert evidence_for_events(session, []) == {}


def test_the_excel_detail_sheet_lists_the_evidence_of_each_item(
        world: World, tmp_path: Path) -> None:
    send(world, "101", "/xong 1 Đã ban hành https://binhthuan.gov.vn/vb/qd-15.pdf", PDF)
    first, second = evidence_rows(world)
    with world.sessions() as session:
        data = collect_report(session, "nd32-binh-thuan", local("2024-06-20 10:00").date())
    path = tmp_path / "bao-cao.xlsx"
    write_report(data, path, TZ)
    ws = load_workbook(path)[DETAIL_SHEET]
    header = [cell.value for cell in ws[HEADER_ROW]]
    column = header.index(texts.REPORT_EVIDENCE_COLUMN) + 1
    cells = {ws.cell(row, 1).value: ws.cell(row, column).value
             for row in range(HEADER_ROW + 1, ws.max_row + 1)}
    assert cells["1"] == (f"#{first[0].id} QD-15-2024.pdf\n"
                          f"#{second[0].id} https://binhthuan.gov.vn/vb/qd-15.pdf")
    assert cells["2"] is None


def test_a_file_kept_in_the_journal_is_kept_with_its_report_when_replayed(
        world: World, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.jsonl")
    entry = Incoming("telegram", "101", "Cán bộ", "/xong 1 Đã ban hành", message_id="101:7",
                     received_at=local("2024-06-20 08:30"), attachment=PDF)
    inbox = Inbox(world.commands, journal, world.sessions, world.clock, TZ)
    inbox._keep(entry)  # what the inbox does when the database cannot take the message
    assert JournalEntry.from_line(journal.path.read_bytes().splitlines()[0]).attachment
    assert inbox.replay()
    [(row, event)] = evidence_rows(world)
    assert (row.file_id, row.file_name, event.at) == (
        PDF.file_id, "QD-15-2024.pdf", local("2024-06-20 08:30"))
    with world.sessions() as session:
        assert session.get(Assignment, event.assignment_id).status == "done"  # type: ignore[union-attr]


def test_a_tailieu_kept_in_the_journal_says_the_file_comes_again_on_asking_once_replayed(
        world: World, tmp_path: Path) -> None:
    from storage.models import OutboxMessage

    send(world, "101", "/xong 1 Đã ban hành quyết định", PDF)
    [(row, _)] = evidence_rows(world)
    inbox = Inbox(world.commands, Journal(tmp_path / "journal.jsonl"), world.sessions,
                  world.clock, TZ)
    inbox._keep(Incoming("telegram", "102", "Lê", f"/tailieu {row.id}", message_id="102:9",
                         received_at=local("2024-06-20 08:45")))
    assert inbox.replay()
    with world.sessions() as session:
        (queued,) = session.scalars(select(OutboxMessage.text).where(
            OutboxMessage.chat_id == "102", OutboxMessage.kind == "reply")).all()
    # The outbox sends texts: the file held by the platform is not dropped without a word.
    assert f"📎 Tài liệu #{row.id}: QD-15-2024.pdf" in queued
    assert queued.endswith(texts.DEFERRED_ATTACHMENT_AGAIN)


def test_links_are_read_without_their_trailing_punctuation() -> None:
    assert links_in("xem https://a.vn/x.pdf, và (http://b.vn/y). https://a.vn/x.pdf") == [
        "https://a.vn/x.pdf", "http://b.vn/y"]
    assert links_in("không có link: https:// hay www.a.vn") == []


def test_the_evidence_folder_setting_must_name_an_existing_folder(tmp_path: Path) -> None:
    from bot.settings import SettingsError, load_settings

    assert load_settings({}, dotenv=None).evidence_dir is None
    folder = tmp_path / "tai-lieu"
    folder.mkdir()
    assert load_settings({"NHACVIEC_EVIDENCE_DIR": str(folder)},
                         dotenv=None).evidence_dir == folder
    with pytest.raises(SettingsError, match="NHACVIEC_EVIDENCE_DIR"):
        load_settings({"NHACVIEC_EVIDENCE_DIR": str(tmp_path / "khong-co")}, dotenv=None)
