"""Evidence end to end on the channels: the real python-telegram-bot against the fake Bot API
server (Document and PhotoSize objects, sendDocument by file_id, getFile and the file download),
the Zalo channel against the fake Zalo server (message.image.received, sendPhoto), both over the
real command layer on a real SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot import texts
from bot.channels.telegram.inbound import build_telegram_application, polling
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.inbound import ZaloChannel
from bot.evidence import MAX_SIZE as EVIDENCE_MAX_SIZE
from storage.evidence_row import EvidenceRow
from storage.models import StatusEvent
from tests.fakes.telegram_api import FakeTelegramServer
from tests.fakes.zalo_api import TOKEN, FakeZaloServer
from tests.world import World, local, make_world

FOCAL = 2001  # Sở Công Thương's focal officer
COORDINATOR = 2002
OTHER_AGENCY = 2003  # Sở Thông tin và Truyền thông
STRANGER = 2999
PDF_BYTES = b"%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\n%%EOF\n"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-20 09:00"))
    w.register(str(FOCAL), "SCT", name="Trần Thị Bình", channel="telegram")
    w.register(str(COORDINATOR), "SCT", "coordinator", name="Lê Điều Phối", channel="telegram")
    w.register(str(OTHER_AGENCY), "STTTT", name="Phạm Truyền Thông", channel="telegram")
    w.register("zalo-sct", "SCT", name="Trần Thị Bình", channel="zalo")
    w.register("zalo-coord", "SCT", "coordinator", name="Lê Điều Phối", channel="zalo")
    return w


@pytest.fixture
def zalo() -> Iterator[FakeZaloServer]:
    with FakeZaloServer() as fake:
        yield fake


def run_telegram(server: FakeTelegramServer, world: World,
                 scenario: Callable[[], Awaitable[None]], evidence_dir: Path | None = None) -> None:
    application = build_telegram_application(server.token, server.api_url, world.commands,
                                             rate_limiter=False, evidence_dir=evidence_dir)

    async def main() -> None:
        async with polling(application, timeout=1):
            await scenario()

    asyncio.run(asyncio.wait_for(main(), 15))


def texts_to(server: FakeTelegramServer, chat: int) -> list[str]:
    return [m.text for m in server.sent if m.chat_id == chat]


async def replies(server: FakeTelegramServer, chat: int, count: int) -> list[str]:
    def enough() -> list[str]:
        server._wait_for(lambda: [m for m in server._state.sent if m.chat_id == chat], count,
                         5.0, f"{count} messages to {chat}")
        return texts_to(server, chat)
    return await asyncio.to_thread(enough)


def evidence(world: World) -> list[tuple[EvidenceRow, StatusEvent]]:
    with world.sessions() as session:
        return [(row, event) for row, event in session.execute(
            select(EvidenceRow, StatusEvent)
            .join(StatusEvent, StatusEvent.id == EvidenceRow.status_event_id)
            .order_by(EvidenceRow.id))]


def test_a_telegram_document_with_the_command_as_caption_is_kept_with_the_done_event(
        fake_telegram: FakeTelegramServer, world: World) -> None:
    sent_id: list[int] = []

    async def scenario() -> None:
        sent_id.append(fake_telegram.user_sends_document(
            FOCAL, "Quyết định 15-QĐ-UBND.pdf", mime_type="application/pdf",
            caption="/xong 1 Đã ban hành quyết định", content=PDF_BYTES))
        await replies(fake_telegram, FOCAL, 1)

    run_telegram(fake_telegram, world, scenario)
    [(row, event)] = evidence(world)
    assert (event.status, event.note, event.channel) == (
        "done", "Đã ban hành quyết định", "telegram")
    assert (row.kind, row.file_id, row.file_unique_id, row.file_name, row.mime_type,
            row.size) == ("document", f"doc-{sent_id[0]}", f"d{sent_id[0]}",
                          "Quyết định 15-QĐ-UBND.pdf", "application/pdf", len(PDF_BYTES))
    [reply] = texts_to(fake_telegram, FOCAL)
    assert "Đã ghi nhận" in reply and f"Đã lưu tài liệu #{row.id}" in reply
    # No setting, no download: the file stays on Telegram.
    assert row.stored_path is None
    assert fake_telegram.calls("getFile") == [] and fake_telegram.downloads == []


def test_a_telegram_photo_sent_after_the_question_goes_with_the_report(
        fake_telegram: FakeTelegramServer, world: World) -> None:
    photo_id: list[int] = []

    async def scenario() -> None:
        fake_telegram.user_says(FOCAL, "/tiendo 1 Đang trình UBND tỉnh ký")
        [asked] = await replies(fake_telegram, FOCAL, 1)
        assert "📎 Gửi kèm văn bản?" in asked
        photo_id.append(fake_telegram.user_sends_photo(FOCAL))
        await replies(fake_telegram, FOCAL, 2)

    run_telegram(fake_telegram, world, scenario)
    [(row, event)] = evidence(world)
    assert (event.status, event.note) == ("progress", "Đang trình UBND tỉnh ký")
    # The largest of the PhotoSize objects is the one kept.
    assert (row.kind, row.file_id, row.file_unique_id, row.size) == (
        "photo", f"photo-{photo_id[0]}", f"u{photo_id[0]}", 48_213)
    assert texts_to(fake_telegram, FOCAL)[1] == texts.EVIDENCE_SAVED.format(id=row.id,
                                                                             what="ảnh")


def test_tailieu_by_the_coordinator_sends_the_document_by_its_file_id(
        fake_telegram: FakeTelegramServer, world: World) -> None:
    doc: list[int] = []

    async def scenario() -> None:
        doc.append(fake_telegram.user_sends_document(
            FOCAL, "bao-cao.docx", mime_type=WORD, caption="/xong 1 Đã gửi báo cáo"))
        await replies(fake_telegram, FOCAL, 1)
        fake_telegram.user_says(COORDINATOR, "/tailieu 1")
        await asyncio.to_thread(fake_telegram.wait_for_sent_files, 1)

    run_telegram(fake_telegram, world, scenario)
    [sent] = fake_telegram.sent_files
    assert (sent.method, sent.chat_id, sent.file) == ("sendDocument", COORDINATOR,
                                                     f"doc-{doc[0]}")
    assert sent.caption is not None and sent.caption.startswith("📎 Tài liệu #1: bao-cao.docx")
    assert texts_to(fake_telegram, COORDINATOR) == []  # the text went as the caption


def test_tailieu_by_another_agency_is_refused_and_sends_no_file(
        fake_telegram: FakeTelegramServer, world: World) -> None:
    async def scenario() -> None:
        fake_telegram.user_sends_document(FOCAL, "bao-cao.pdf", mime_type="application/pdf",
                                          caption="/xong 1")
        await replies(fake_telegram, FOCAL, 1)
        fake_telegram.user_says(OTHER_AGENCY, "/tailieu 1")
        await replies(fake_telegram, OTHER_AGENCY, 1)

    run_telegram(fake_telegram, world, scenario)
    assert texts_to(fake_telegram, OTHER_AGENCY) == [
        texts.EVIDENCE_FORBIDDEN.format(agency="Sở Công Thương", id=1)]
    assert fake_telegram.sent_files == []


def test_with_the_setting_the_file_is_downloaded_into_the_folder_and_its_path_kept(
        fake_telegram: FakeTelegramServer, world: World, tmp_path: Path) -> None:
    folder = tmp_path / "tai-lieu"
    folder.mkdir()

    async def scenario() -> None:
        fake_telegram.user_sends_document(FOCAL, "qd-15.pdf", mime_type="application/pdf",
                                          caption="/xong 1 Đã ban hành", content=PDF_BYTES)
        await replies(fake_telegram, FOCAL, 1)

    run_telegram(fake_telegram, world, scenario, evidence_dir=folder)
    [(row, _)] = evidence(world)
    assert row.stored_path is not None
    stored = Path(row.stored_path)
    assert stored.parent == folder and stored.suffix == ".pdf"
    assert stored.read_bytes() == PDF_BYTES
    assert [c["file_id"] for c in fake_telegram.calls("getFile")] == [row.file_id]


def test_an_oversize_or_wrong_type_file_is_refused_never_downloaded_and_the_report_stands(
        fake_telegram: FakeTelegramServer, world: World, tmp_path: Path) -> None:
    folder = tmp_path / "tai-lieu"
    folder.mkdir()

    async def scenario() -> None:
        fake_telegram.user_sends_document(FOCAL, "scan.pdf", mime_type="application/pdf",
                                          caption="/tiendo 1 Đang trình ký",
                                          file_size=25 * 1024 * 1024)
        await replies(fake_telegram, FOCAL, 1)
        fake_telegram.user_sends_document(FOCAL, "virus.exe",
                                          mime_type="application/x-msdownload",
                                          caption="/xong 1 Đã ban hành")
        await replies(fake_telegram, FOCAL, 2)

    run_telegram(fake_telegram, world, scenario, evidence_dir=folder)
    too_big, wrong_type = texts_to(fake_telegram, FOCAL)
    assert "Đã ghi nhận" in too_big and "tệp nặng 25,0 MB, vượt quá mức 20,0 MB" in too_big
    assert "Đã ghi nhận" in wrong_type and texts.EVIDENCE_WRONG_TYPE in wrong_type
    with world.sessions() as session:
        statuses = [e.status for e in session.scalars(select(StatusEvent).order_by(StatusEvent.id))]
    assert statuses == ["progress", "done"]
    assert evidence(world) == []
    assert fake_telegram.calls("getFile") == [] and list(folder.iterdir()) == []


def test_a_downloaded_file_no_report_keeps_is_deleted(
        fake_telegram: FakeTelegramServer, world: World, tmp_path: Path) -> None:
    folder = tmp_path / "tai-lieu"
    folder.mkdir()

    async def scenario() -> None:
        fake_telegram.user_sends_document(STRANGER, "qd.pdf", mime_type="application/pdf",
                                          caption="/xong 1")
        await replies(fake_telegram, STRANGER, 1)
        fake_telegram.user_sends_document(FOCAL, "qd.pdf", mime_type="application/pdf",
                                          caption="/xong 99 không có việc này")
        await replies(fake_telegram, FOCAL, 1)

    run_telegram(fake_telegram, world, scenario, evidence_dir=folder)
    assert texts_to(fake_telegram, STRANGER) == [texts.NEED_INVITE]
    assert len(fake_telegram.downloads) == 2  # fetched before the report was read ...
    assert list(folder.iterdir()) == []  # ... and deleted once nothing kept it
    assert evidence(world) == []


# --- Zalo ------------------------------------------------------------------------------------

async def zalo_polling(server: FakeZaloServer, world: World,
                       scenario: Callable[[], Awaitable[None]]) -> None:
    async with ZaloClient(TOKEN, server.url, quota_backoff=0.1) as client:
        channel = ZaloChannel(client, world.commands, poll_timeout=1, backoff_base=0.05,
                              backoff_cap=0.2)
        stop = asyncio.Event()
        loop = asyncio.create_task(channel.poll_forever(stop))
        try:
            await scenario()
        finally:
            stop.set()
            await asyncio.wait_for(loop, timeout=2)


async def zalo_sent(server: FakeZaloServer, count: int) -> list[dict[str, Any]]:
    return await asyncio.to_thread(server.wait_for_sent, count)


def test_a_zalo_image_with_the_command_as_caption_is_kept_and_sent_back_by_its_url(
        zalo: FakeZaloServer, world: World) -> None:
    url = "https://f20-zpc.zdn.vn/jpg/123456/anh-hoi-nghi.jpg"

    async def scenario() -> None:
        zalo.user_sends_image("zalo-sct", caption="xong 1 Đã tổ chức hội nghị", photo=url)
        await zalo_sent(zalo, 1)
        zalo.user_says("zalo-coord", "tailieu 1")
        await zalo_sent(zalo, 2)

    asyncio.run(asyncio.wait_for(zalo_polling(zalo, world, scenario), 10))
    [(row, event)] = evidence(world)
    assert (event.status, event.note, event.channel) == ("done", "Đã tổ chức hội nghị", "zalo")
    assert (row.kind, row.channel, row.link, row.file_id) == ("photo", "zalo", url, None)
    recorded, fetched = zalo.sent
    assert recorded["method"] == "sendMessage" and f"Đã lưu tài liệu #{row.id}" in recorded["text"]
    assert (fetched["method"], fetched["chat_id"], fetched["photo"]) == (
        "sendPhoto", "zalo-coord", url)
    assert fetched["caption"].startswith(f"📎 Tài liệu #{row.id}: ảnh")


def test_a_zalo_image_after_the_question_goes_with_the_report(
        zalo: FakeZaloServer, world: World) -> None:
    async def scenario() -> None:
        zalo.user_says("zalo-sct", "tiendo 1 Đang hoàn thiện hồ sơ")
        [asked] = await zalo_sent(zalo, 1)
        assert "Gửi kèm văn bản? Gửi ảnh hoặc đường link" in asked["text"]
        zalo.user_sends_image("zalo-sct", caption=None)
        await zalo_sent(zalo, 2)

    asyncio.run(asyncio.wait_for(zalo_polling(zalo, world, scenario), 10))
    [(row, event)] = evidence(world)
    assert (event.status, row.kind, row.link) == (
        "progress", "photo", "https://photo.example/anh.jpg")
    assert zalo.sent[1]["text"] == texts.EVIDENCE_SAVED.format(id=row.id, what="ảnh")


async def zalo_polling_into(server: FakeZaloServer, world: World, folder: Path,
                            scenario: Callable[[], Awaitable[None]]) -> None:
    async with ZaloClient(TOKEN, server.url, quota_backoff=0.1) as client:
        channel = ZaloChannel(client, world.commands, poll_timeout=1, evidence_dir=folder)
        stop = asyncio.Event()
        loop = asyncio.create_task(channel.poll_forever(stop))
        try:
            await scenario()
        finally:
            stop.set()
            await asyncio.wait_for(loop, timeout=2)


def test_with_the_setting_a_zalo_image_is_downloaded_and_one_too_big_refused(
        zalo: FakeZaloServer, world: World, tmp_path: Path) -> None:
    folder = tmp_path / "tai-lieu"
    folder.mkdir()
    jpeg = b"\xff\xd8\xff\xe0" + bytes(2048)
    small = zalo.add_media("hoi-nghi.jpg", jpeg)
    huge = zalo.add_media("qua-lon.jpg", bytes(EVIDENCE_MAX_SIZE + 1))

    async def scenario() -> None:
        zalo.user_sends_image("zalo-sct", caption="tiendo 1 Đã họp", photo=small)
        await zalo_sent(zalo, 1)
        zalo.user_sends_image("zalo-sct", caption="xong 1 Đã xong", photo=huge)
        await zalo_sent(zalo, 2)

    asyncio.run(asyncio.wait_for(zalo_polling_into(zalo, world, folder, scenario), 20))
    [(row, event)] = evidence(world)
    assert (event.status, row.link, row.size, row.mime_type) == (
        "progress", small, len(jpeg), "image/jpeg")
    assert row.stored_path is not None and Path(row.stored_path).read_bytes() == jpeg
    assert "vượt quá mức 20,0 MB" in zalo.sent[1]["text"]
    assert "Đã ghi nhận" in zalo.sent[1]["text"]  # the report stands
    assert sorted(p.name for p in folder.iterdir()) == [Path(row.stored_path).name]


def test_without_the_setting_a_zalo_image_is_never_fetched(
        zalo: FakeZaloServer, world: World) -> None:
    url = zalo.add_media("hoi-nghi.jpg", b"\xff\xd8\xff\xe0")

    async def scenario() -> None:
        zalo.user_sends_image("zalo-sct", caption="xong 1", photo=url)
        await zalo_sent(zalo, 1)

    asyncio.run(asyncio.wait_for(zalo_polling(zalo, world, scenario), 10))
    [(row, _)] = evidence(world)
    assert row.stored_path is None and zalo.media_requests == []


def test_the_fake_bot_api_refuses_a_file_id_it_never_gave(
        fake_telegram: FakeTelegramServer) -> None:
    async def scenario() -> None:
        from telegram import Bot
        from telegram.error import BadRequest

        async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as bot:
            with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
                await bot.send_document(chat_id=FOCAL, document="made-up-id")

    asyncio.run(asyncio.wait_for(scenario(), 10))
    assert fake_telegram.sent_files == []
    assert fake_telegram.calls("sendDocument") == [{"chat_id": FOCAL, "document": "made-up-id"}]


def test_a_file_with_a_text_too_long_for_a_caption_goes_after_the_text_pieces() -> None:
    from bot.channels.base import FileRef, OutMessage
    from bot.channels.telegram.transport import MAX_CAPTION_LENGTH, TelegramTransport
    from bot.channels.zalo.transport import ZaloTransport

    telegram = TelegramTransport(None)  # type: ignore[arg-type]  (pieces never sends)
    short = OutMessage("1", "📎 Tài liệu #1", file_ref=FileRef("document", "doc-1"))
    assert telegram.pieces(short) == [short]
    long = OutMessage("1", "dòng\n" * (MAX_CAPTION_LENGTH // 4), file_ref=FileRef("photo", "p"))
    *texts_first, last = telegram.pieces(long)
    assert texts_first and all(piece.file_ref is None for piece in texts_first)
    assert (last.text, last.file_ref) == ("", FileRef("photo", "p"))
    zalo = ZaloTransport(None)  # type: ignore[arg-type]
    image = OutMessage("z", "📎 Tài liệu #2: ảnh", file_ref=FileRef("photo", "https://a.vn/b.jpg"))
    assert zalo.pieces(image) == [image]
