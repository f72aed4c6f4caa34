"""One web server for both webhooks: a bot with a Telegram and a Zalo token, both by webhook,
serves `POST /telegram` and `POST /zalo` on the one port NHACVIEC_WEBHOOK_PORT."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from bot.app import build_services, run_bot
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegramServer
from tests.fakes.zalo_api import FakeZaloServer, text_update, wrap
from tests.world import Clock, local

ZALO_SECRET = "bi-mat-webhook-mot-cong"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _telegram_update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Lan"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "Lan"}, "from": user,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


async def _until_called(calls: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + 10
    while not calls():
        assert time.monotonic() < deadline, f"{what} never called"
        await asyncio.sleep(0.05)


def test_one_running_bot_serves_both_webhooks_on_one_port(
        tmp_path: Path, fake_telegram: FakeTelegramServer) -> None:
    port = _free_port()
    with FakeZaloServer() as zalo:
        settings = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}",
                            telegram_token=fake_telegram.token,
                            telegram_api_url=fake_telegram.api_url,
                            telegram_webhook_url="https://nhacviec.example.vn/hook",
                            zalo_token=zalo.token, zalo_api_url=zalo.url,
                            zalo_webhook_url="https://nhacviec.example.vn/hook/zalo",
                            zalo_webhook_secret=ZALO_SECRET, webhook_port=port)
        services = build_services(settings, Clock(local("2024-06-20 09:00")))

        async def scenario() -> None:
            stop = asyncio.Event()
            running = asyncio.create_task(run_bot(services, stop))
            try:
                await _until_called(lambda: fake_telegram.calls("setWebhook"),
                                    "Telegram setWebhook")
                await _until_called(lambda: [c for c in zalo.calls if c[0] == "setWebhook"],
                                    "Zalo setWebhook")
                [registration] = fake_telegram.calls("setWebhook")
                telegram_secret = str(registration["secret_token"])
                assert zalo.webhook is not None
                assert zalo.webhook["url"] == "https://nhacviec.example.vn/hook/zalo"
                base = f"http://127.0.0.1:{port}"
                zalo_body = json.dumps(wrap(text_update("z-lan", "/help", "Trần Thị Lan")))
                async with httpx.AsyncClient(timeout=5) as client:
                    # Each path checks its own secret: the other platform's is refused.
                    crossed = await client.post(f"{base}/zalo", content=zalo_body, headers={
                        "X-Bot-Api-Secret-Token": telegram_secret})
                    assert crossed.status_code == 403
                    crossed = await client.post(f"{base}/telegram",
                                                json=_telegram_update(1, 4242, "/help"),
                                                headers={"X-Telegram-Bot-Api-Secret-Token":
                                                         ZALO_SECRET})
                    assert crossed.status_code == 403
                    telegram = await client.post(
                        f"{base}/telegram", json=_telegram_update(2, 4242, "/help"),
                        headers={"X-Telegram-Bot-Api-Secret-Token": telegram_secret})
                    assert telegram.status_code == 200
                    zalo_answer = await client.post(f"{base}/zalo", content=zalo_body,
                                                    headers={"X-Bot-Api-Secret-Token":
                                                             ZALO_SECRET})
                    assert zalo_answer.status_code == 200
                    assert zalo_answer.json() == {"ok": True}
                [answer] = await asyncio.to_thread(fake_telegram.wait_for_sent, 1, 5.0)
                assert answer.chat_id == 4242
                assert answer.text.startswith("Nhắc việc: theo dõi kế hoạch")
                # The Zalo endpoint answers 200 once the update is handled: the reply is out.
                [zalo_reply] = [m for m in zalo.sent if m["chat_id"] == "z-lan"]
                assert zalo_reply["text"].startswith("Nhắc việc: theo dõi kế hoạch")
            finally:
                stop.set()
                assert await asyncio.wait_for(running, 10) == 0

        asyncio.run(asyncio.wait_for(scenario(), 30))
    # The refused updates reached nobody: one answer on each platform.
    assert len(fake_telegram.sent) == 1
    assert len(zalo.sent) == 1
    # Stopped, the bot let go of the port.
    with socket.socket() as again:
        # (Connections just closed linger in TIME_WAIT; only a listener would refuse this.)
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
        again.listen()


def test_a_webhook_port_in_use_stops_start_up_with_one_line_naming_it(
        tmp_path: Path, fake_telegram: FakeTelegramServer,
        caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        settings = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}",
                            telegram_token=fake_telegram.token,
                            telegram_api_url=fake_telegram.api_url,
                            telegram_webhook_url="https://nhacviec.example.vn/hook",
                            webhook_port=port)
        services = build_services(settings, Clock(local("2024-06-20 09:00")))
        code = asyncio.run(asyncio.wait_for(run_bot(services, asyncio.Event()), 30))
    assert code == 2
    [line] = [r.getMessage() for r in caplog.records if "NHACVIEC_WEBHOOK_PORT" in r.getMessage()]
    assert line.startswith(f"Không mở được cổng webhook {port}")
    assert fake_telegram.calls("setWebhook") == []
