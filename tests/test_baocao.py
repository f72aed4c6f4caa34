"""/baocao in chat: the report file as a Telegram document, a one-time link on Zalo and the
console, served once by the bot's web server; only coordinators and leaders get it."""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import Services, build_services, run_bot
from bot.commands import Commands, Incoming
from bot.downloads import download_endpoint
from bot.settings import Settings
from bot.web import WebApp, serve
from storage.downloads import token_hash
from storage.models import DownloadLink
from tests.fakes.telegram_api import FakeTelegramServer, UploadedFile
from tests.fakes.zalo_api import TOKEN, FakeZaloServer
from tests.test_e2e_zalo import until
from tests.world import TZ, World, local, make_world

NOW = local("2025-03-01 10:00")
WEB = "https://nhacviec.example.vn"
LINK = re.compile(r"(https?://\S+/tai/(\S+))")


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = make_world(tmp_path, local("2024-06-20 08:00"))
    w.commands = Commands(w.sessions, w.clock, w.calendar, TZ, web_url=WEB)
    w.register("coord", "SCT", "coordinator", name="Lê Điều Phối")
    w.register("lead", "SCT", "leader", name="Phạm Lãnh Đạo")
    w.register("lagi", "LAGI", name="Võ La Gi")
    w.clock.now = local("2024-06-21 08:30")
    assert "Đã ghi nhận" in w.say("lagi", "/vuongmac 5 Chưa có kinh phí rà soát")
    w.clock.now = NOW
    return w


def link_in(text: str) -> tuple[str, str]:
    match = LINK.search(text)
    assert match is not None, text
    return match.group(1), match.group(2)


def test_a_focal_officer_is_refused_in_vietnamese_and_no_link_is_made(world: World) -> None:
    assert world.say("lagi", "/baocao") == "Chỉ cán bộ điều phối và lãnh đạo được lấy báo cáo."
    assert world.count(DownloadLink) == 0


def test_the_coordinator_and_a_leader_get_a_one_time_link_valid_24_hours(world: World) -> None:
    for chat in ("coord", "lead"):
        reply = world.say(chat, "/baocao docx")
        url, token = link_in(reply)
        assert url.startswith(f"{WEB}/tai/")
        assert "Dự thảo báo cáo (Word) kế hoạch ND32" in reply
        assert "dùng được một lần, đến 10:00 02/03/2025" in reply
        assert "Lũy kế từ đầu kế hoạch đến ngày 01/03/2025" in reply
    with world.sessions() as session:
        links = session.query(DownloadLink).all()
        # The token is in the link only: the table keeps its hash.
        assert len(links) == 2 and all(token not in link.token_hash for link in links)
        assert [link.filename for link in links] == ["bao-cao-nd32-binh-thuan-01-03-2025.docx"] * 2


def test_a_bad_word_is_refused_with_the_usage_and_changes_nothing(world: World) -> None:
    reply = world.say("coord", "/baocao pdf")
    assert reply.startswith("Không có kế hoạch \"pdf\". Các kế hoạch: ND32.")
    assert "Cách dùng: /baocao [xlsx|docx] [KỲ]" in reply
    assert world.count(DownloadLink) == 0


def test_a_plan_is_named_by_the_code_people_type_or_by_its_id(world: World) -> None:
    for name in ("nd32", "ND32", "nd32-binh-thuan"):
        assert "Báo cáo Excel kế hoạch ND32" in world.say("coord", f"/baocao xlsx {name}")


def test_without_a_web_address_zalo_is_told_why_and_how_else(world: World) -> None:
    world.commands = Commands(world.sessions, world.clock, world.calendar, TZ)
    world.register("z-coord", "SCT", "coordinator", channel="zalo")
    reply = world.say("z-coord", "/baocao", channel="zalo")
    assert "chưa đặt địa chỉ tải về (NHACVIEC_WEB_URL)" in reply
    assert "nhacviec report --format xlsx" in reply
    assert world.count(DownloadLink) == 0


def serve_and_get(world: World, paths: list[str]) -> list[httpx.Response]:
    """Serve the download route as `nhacviec run` does; GET each path in turn."""
    web = WebApp()
    web.serve_downloads(download_endpoint(world.sessions, world.clock))

    async def main() -> list[httpx.Response]:
        async with serve(web) as running, httpx.AsyncClient() as client:
            return [await client.get(running.url.rstrip("/") + path) for path in paths]
    return asyncio.run(main())


def test_the_link_downloads_the_report_once_then_is_refused(world: World) -> None:
    _, token = link_in(world.say("coord", "/baocao xlsx 2025-H1"))
    first, second = serve_and_get(world, [f"/tai/{token}", f"/tai/{token}"])
    assert first.status_code == 200
    assert first.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "bao-cao-nd32-binh-thuan-01-03-2025.xlsx" in first.headers["content-disposition"]
    workbook = load_workbook(BytesIO(first.content))
    assert workbook["Tổng hợp"]["A3"].value == (
        "Kỳ báo cáo 6 tháng đầu năm 2025 (15/12/2024 - 14/6/2025): các việc có hạn trong kỳ")
    assert second.status_code == 410
    assert second.text.startswith("Liên kết tải báo cáo này đã được dùng.")
    with world.sessions() as session:
        (link,) = session.query(DownloadLink).all()
        assert link.used_at is not None and link.content == b""  # not kept once taken


def test_an_expired_or_made_up_link_is_refused_in_vietnamese(world: World) -> None:
    _, token = link_in(world.say("coord", "/baocao"))
    world.clock.now = NOW + timedelta(hours=24)
    expired, unknown = serve_and_get(world, [f"/tai/{token}", "/tai/khong-co-ma-nay"])
    assert (expired.status_code, expired.text.split(".")[0]) == (
        410, "Liên kết tải báo cáo này đã hết hạn")
    assert unknown.status_code == 404 and unknown.text.startswith("Liên kết tải báo cáo không")


# ---- through the real channels -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def zalo() -> Iterator[FakeZaloServer]:
    with FakeZaloServer() as server:
        yield server


def coordinator_on_telegram(tmp_path: Path, fake: FakeTelegramServer, chat: int,
                            then: Callable[[], None], done: Callable[[], object],
                            web_url: str | None = None) -> Services:
    """Run the bot on the fake Bot API: a coordinator signs in from `chat`, then `then()` runs
    and the bot runs until `done()` holds."""
    from storage.invites import create_invite
    from storage.models import Role
    from tests.world import Clock

    clock = Clock(NOW)
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}",
                        telegram_token=fake.token, telegram_api_url=fake.api_url,
                        web_url=web_url)
    services = build_services(settings, clock)
    with services.sessions() as session, session.begin():
        code = create_invite(session, "SCT", Role.COORDINATOR, clock()).code

    async def main() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(run_bot(services, stop))
        try:
            await until(lambda: fake.calls("getUpdates") or running.done(), "poll")
            fake.user_says(chat, f"/start {code}", first_name="Lê")
            await until(lambda: len(fake.sent) >= 1, "lời chào")
            then()
            await until(done, "the answer")
        finally:
            stop.set()
            assert await asyncio.wait_for(running, 5) == 0
    asyncio.run(asyncio.wait_for(main(), 30))
    return services


def test_on_telegram_the_file_arrives_as_a_document(
        tmp_path: Path, fake_telegram: FakeTelegramServer) -> None:
    coordinator_on_telegram(tmp_path, fake_telegram, 501,
                            lambda: fake_telegram.user_says(501, "/baocao docx"),
                            lambda: fake_telegram.documents)

    (document,) = fake_telegram.documents
    assert (document.chat_id, document.filename) == (
        501, "bao-cao-nd32-binh-thuan-01-03-2025.docx")
    assert document.mime_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert document.caption is not None and document.caption.startswith("📎 Dự thảo báo cáo")
    text = "\n".join(p.text for p in Document(BytesIO(document.content)).paragraphs)
    assert "BÁO CÁO" in text and "IV. ĐỀ XUẤT, KIẾN NGHỊ" in text
    (call,) = fake_telegram.calls("sendDocument")
    assert isinstance(call["document"], UploadedFile)  # a file part of a multipart body


def test_on_zalo_a_link_arrives_and_the_web_server_of_run_hands_the_file_over_once(
        tmp_path: Path, zalo: FakeZaloServer) -> None:
    from storage.invites import create_invite
    from storage.models import Role
    from tests.world import Clock

    clock = Clock(NOW)
    port = free_port()
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}", zalo_token=TOKEN,
                        zalo_api_url=zalo.url, webhook_port=port,
                        web_url=f"http://127.0.0.1:{port}")
    services = build_services(settings, clock)
    with services.sessions() as session, session.begin():
        code = create_invite(session, "SCT", Role.COORDINATOR, clock()).code

    def to_chat() -> list[str]:
        return [m["text"] for m in list(zalo.sent) if m["chat_id"] == "z-coord"]

    responses: list[httpx.Response] = []

    async def main() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(run_bot(services, stop))
        try:
            await until(lambda: any(n == "getUpdates" for n, _ in zalo.calls) or running.done(),
                        "getUpdates")
            zalo.user_says("z-coord", f"/start {code}", "Lê Điều Phối")
            await until(lambda: len(to_chat()) >= 2, "lời chào")
            zalo.user_says("z-coord", "baocao xlsx", "Lê Điều Phối")
            reply = await until(lambda: to_chat()[2:], "liên kết")
            url, _ = link_in(reply[0])
            async with httpx.AsyncClient() as client:
                responses.append(await client.get(url))
                responses.append(await client.get(url))
        finally:
            stop.set()
            assert await asyncio.wait_for(running, 5) == 0
    asyncio.run(asyncio.wait_for(main(), 30))

    first, second = responses
    assert first.status_code == 200
    assert load_workbook(BytesIO(first.content)).sheetnames == ["Tổng hợp", "Chi tiết", "Nhật ký"]
    assert second.status_code == 410 and "đã được dùng" in second.text


def test_a_telegram_baocao_kept_in_the_journal_is_answered_ask_again_not_a_bare_caption(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from storage.models import OutboxMessage
    from tests.test_journal import locked, open_office

    office = open_office(tmp_path, monkeypatch)
    office.world.register("900", "SCT", "coordinator", channel="telegram")
    with locked(office):
        [kept] = [r.text for r in office.inbox.handle(
            Incoming("telegram", "900", "Lê", "/baocao", message_id="900:1"))]
    assert "sẽ được áp dụng" in kept
    assert office.inbox.replay()
    with office.world.sessions() as session:
        (queued,) = session.scalars(select(OutboxMessage.text)
                                    .where(OutboxMessage.chat_id == "900",
                                           OutboxMessage.kind == "reply")).all()
    # The outbox carries texts only: the caption, and the person asked to send /baocao again.
    assert queued.startswith("📥 Tin nhắn bạn gửi lúc ")
    assert "📎 Báo cáo Excel kế hoạch ND32." in queued
    assert queued.endswith("Chưa gửi được tệp báo cáo. Vui lòng gõ lại /baocao sau ít phút.")


def test_a_baocao_kept_in_the_journal_comes_as_a_download_link_when_the_bot_has_a_web_address(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storage.models import OutboxMessage
    from tests.test_journal import locked, open_office

    office = open_office(tmp_path, monkeypatch)
    office.world.commands.web_url = WEB
    office.world.register("900", "SCT", "coordinator", channel="telegram")
    with locked(office):
        office.inbox.handle(Incoming("telegram", "900", "Lê", "/baocao", message_id="900:1"))
    assert office.inbox.replay()
    with office.world.sessions() as session:
        (queued,) = session.scalars(select(OutboxMessage.text)
                                    .where(OutboxMessage.chat_id == "900",
                                           OutboxMessage.kind == "reply")).all()
        kept = session.scalars(select(DownloadLink)).one()
    # As for an answer sent later on any channel: the file waits behind a one-time link.
    assert "📎 Báo cáo Excel kế hoạch ND32." in queued and "không gửi kèm được" in queued
    token = queued.rsplit("/tai/", 1)[1].strip()
    assert kept.token_hash == token_hash(token) and kept.content.startswith(b"PK")


@pytest.mark.parametrize("web_url", [None, "https://nhacviec.example.gov.vn"])
def test_on_telegram_a_report_that_failed_to_upload_comes_later_as_a_link_or_a_word_to_ask_again(
        tmp_path: Path, fake_telegram: FakeTelegramServer, web_url: str | None) -> None:
    def ask() -> None:
        fake_telegram.fail_next("sendDocument", 502, description="Bad Gateway")
        fake_telegram.user_says(502, "/baocao xlsx")

    services = coordinator_on_telegram(
        tmp_path, fake_telegram, 502, ask,
        lambda: any("📎" in m.text for m in fake_telegram.sent), web_url)
    assert not fake_telegram.documents
    [later] = [m.text for m in fake_telegram.sent if "📎" in m.text]
    assert later.startswith("📎 Báo cáo Excel kế hoạch ND32.")
    if web_url is None:
        assert later.endswith("Chưa gửi được tệp báo cáo. Vui lòng gõ lại /baocao sau ít phút.")
        return
    assert "Tệp «bao-cao-nd32-binh-thuan-01-03-2025.xlsx» không gửi kèm được" in later
    token = later.rsplit("/tai/", 1)[1].strip()
    with services.sessions() as session:
        kept = session.scalars(select(DownloadLink)).one()
    assert kept.filename.endswith(".xlsx") and kept.content.startswith(b"PK")  # the workbook
    assert kept.token_hash == token_hash(token)


def test_an_evidence_file_that_could_not_go_with_its_answer_is_said_not_dropped(
        world: World) -> None:
    from bot.channels.base import FileRef, OutMessage
    from bot.deferred import deferred_text

    message = OutMessage("900", "📎 Tài liệu của nhiệm vụ 1", file_ref=FileRef("document", "F1"))
    with world.sessions() as session:
        text = deferred_text(session, message, None, TZ, NOW)
    assert text == ("📎 Tài liệu của nhiệm vụ 1\n"
                    "Tệp đính kèm không gửi lại được lúc này. Gõ lại lệnh để xem tệp.")
