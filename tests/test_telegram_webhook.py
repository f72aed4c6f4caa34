"""Telegram by webhook: `nhacviec run` with TELEGRAM_WEBHOOK_URL registers the hook with a
secret and answers updates posted to it; a post without the secret is refused."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import httpx

from bot.app import build_services, run_bot
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegramServer
from tests.world import Clock, local


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _update(update_id: int, chat_id: int, text: str) -> dict[str, object]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Lan"}
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "Lan"}, "from": user,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


def test_a_webhook_is_registered_with_a_secret_and_only_signed_updates_are_answered(
        tmp_path: Path, fake_telegram: FakeTelegramServer) -> None:
    port = _free_port()
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}",
                        telegram_token=fake_telegram.token,
                        telegram_api_url=fake_telegram.api_url,
                        telegram_webhook_url="https://nhacviec.example.vn/hook",
                        webhook_port=port)
    services = build_services(settings, Clock(local("2024-06-20 09:00")))

    async def scenario() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(run_bot(services, stop))
        try:
            deadline = time.monotonic() + 10
            while not fake_telegram.calls("setWebhook"):
                assert time.monotonic() < deadline, "setWebhook never called"
                await asyncio.sleep(0.05)
            [registration] = fake_telegram.calls("setWebhook")
            assert registration["url"] == "https://nhacviec.example.vn/hook/telegram"
            secret = str(registration["secret_token"])
            assert len(secret) >= 32
            hook = f"http://127.0.0.1:{port}/telegram"
            async with httpx.AsyncClient(timeout=5) as client:
                unsigned = await client.post(hook, json=_update(1, 4242, "/help"))
                assert unsigned.status_code == 403
                signed = await client.post(hook, json=_update(2, 4242, "/help"),
                                           headers={"X-Telegram-Bot-Api-Secret-Token": secret})
                assert signed.status_code == 200
            [answer] = await asyncio.to_thread(fake_telegram.wait_for_sent, 1, 5.0)
            assert answer.chat_id == 4242
            assert answer.text.startswith("Nhắc việc: theo dõi kế hoạch")
        finally:
            stop.set()
            assert await asyncio.wait_for(running, 10) == 0

    asyncio.run(asyncio.wait_for(scenario(), 30))
    # The refused update reached nobody: one answer only, to the signed one.
    assert len(fake_telegram.sent) == 1
