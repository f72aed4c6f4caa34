"""The Zalo channel: long polling and the webhook, against the fake Zalo server, commands faked."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from bot import texts
from bot.channels.base import Button, ChannelDown
from bot.channels.zalo.client import ZaloApiError, ZaloClient, parse_update
from bot.channels.zalo.inbound import (
    ZaloChannel,
    ZaloWebhook,
    start_polling_mode,
    start_webhook_mode,
)
from bot.commands import Incoming, Reply
from bot.web import Running, WebApp, serve
from tests.fakes.zalo_api import TOKEN, FakeZaloServer, text_update, wrap

T = TypeVar("T")
SECRET = "bi-mat-webhook-2024"
REMINDER_BUTTONS = (Button("✅ Đã hoàn thành", "d:3"), Button("⛔ Vướng mắc", "b:3"),
                    Button("⏰ Nhắc lại sau", "s:3"))


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, timeout=5))


class FakeCommands:
    """Stands in for the command layer: records what it was given, echoes it back."""

    def __init__(self, buttons: tuple[Button, ...] = (), reply_length: int = 0) -> None:
        self.received: list[Incoming] = []
        self.threads: set[int] = set()
        self.buttons = buttons
        self.reply_length = reply_length

    def handle(self, incoming: Incoming) -> list[Reply]:
        self.received.append(incoming)
        self.threads.add(threading.get_ident())
        text = f"Đã nhận: {incoming.text}"
        if self.reply_length:
            line = "Nội dung báo cáo dài. " * 4
            text = "\n".join([line] * (self.reply_length // len(line)))
        return [Reply(text, self.buttons)]


@pytest.fixture
def server() -> Iterator[FakeZaloServer]:
    with FakeZaloServer() as fake:
        yield fake


async def polling(server: FakeZaloServer, commands: FakeCommands,
                  scenario: Callable[[ZaloChannel], Awaitable[None]], **options: Any) -> None:
    """Run `scenario` while the channel long-polls the fake; stop it cleanly afterwards."""
    async with ZaloClient(TOKEN, server.url, quota_backoff=0.1) as client:
        channel = ZaloChannel(client, commands, poll_timeout=1, backoff_base=0.05,
                              backoff_cap=0.2, **options)
        stop = asyncio.Event()
        loop = asyncio.create_task(channel.poll_forever(stop))
        try:
            await scenario(channel)
        finally:
            stop.set()
            await asyncio.wait_for(loop, timeout=2)


async def sent(server: FakeZaloServer, count: int) -> list[dict[str, Any]]:
    return await asyncio.to_thread(server.wait_for_sent, count)


# --- long polling ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", ["wrapped", "flat"])
def test_a_text_message_reaches_the_command_layer_and_its_reply_comes_back(
        server: FakeZaloServer, shape: str) -> None:
    server.shape = shape  # type: ignore[assignment]
    commands = FakeCommands()

    async def scenario(channel: ZaloChannel) -> None:
        server.user_says("chat-an", "/start ABC123", "Phạm Thị Dung")
        messages = await sent(server, 1)
        assert messages[0]["chat_id"] == "chat-an"
        assert messages[0]["text"] == "Đã nhận: /start ABC123"
        assert threading.get_ident() not in commands.threads  # run off the event loop

    run(polling(server, commands, scenario))
    [received] = commands.received
    assert received == Incoming(channel="zalo", chat_id="chat-an", display_name="Phạm Thị Dung",
                                text="/start ABC123", message_id=received.message_id)
    assert received.message_id  # Zalo's own id, which the command layer de-duplicates on


def test_a_duplicated_update_is_handled_once(server: FakeZaloServer) -> None:
    commands = FakeCommands()

    async def scenario(channel: ZaloChannel) -> None:
        server.deliver_twice(text_update("chat-an", "xong 3", message_id="m-dup"))
        server.user_says("chat-an", "/status", message_id="m-next")
        await sent(server, 2)

    run(polling(server, commands, scenario))
    assert [incoming.text for incoming in commands.received] == ["xong 3", "/status"]
    assert [message["text"] for message in server.sent] == ["Đã nhận: xong 3", "Đã nhận: /status"]


def test_a_sticker_gets_the_hint_and_never_reaches_the_command_layer(
        server: FakeZaloServer) -> None:
    commands = FakeCommands()

    async def scenario(channel: ZaloChannel) -> None:
        server.user_sends_sticker("chat-an")
        await sent(server, 1)

    run(polling(server, commands, scenario))
    assert commands.received == []
    assert [(m["chat_id"], m["text"]) for m in server.sent] == [("chat-an", texts.NOT_TEXT_HINT)]


def test_reply_buttons_become_numbered_choices_and_a_numbered_answer_passes_unchanged(
        server: FakeZaloServer) -> None:
    commands = FakeCommands(buttons=REMINDER_BUTTONS)

    async def scenario(channel: ZaloChannel) -> None:
        server.user_says("chat-an", "2 chưa bố trí được kinh phí")
        await sent(server, 1)

    run(polling(server, commands, scenario))
    assert commands.received[0].text == "2 chưa bố trí được kinh phí"
    assert server.sent[0]["text"].endswith(
        "\n\nTrả lời 1 = đã hoàn thành, 2 <lý do> = vướng mắc, 3 = nhắc lại sau")


def test_a_reply_over_2000_characters_arrives_in_pieces(server: FakeZaloServer) -> None:
    commands = FakeCommands(reply_length=4500)

    async def scenario(channel: ZaloChannel) -> None:
        server.user_says("chat-an", "/status")
        await sent(server, 3)

    run(polling(server, commands, scenario))
    assert len(server.sent) == 3
    assert all(len(message["text"]) <= 2000 for message in server.sent)


@pytest.mark.parametrize(("code", "description"), [(429, "Quota exceeded"),
                                                   (500, "Internal server error")])
def test_polling_backs_off_from_a_transient_error_and_carries_on(
        server: FakeZaloServer, code: int, description: str) -> None:
    server.fail_next("getUpdates", code, description, count=2)
    commands = FakeCommands()

    async def scenario(channel: ZaloChannel) -> None:
        server.user_says("chat-an", "/tasks")
        await sent(server, 1)

    run(polling(server, commands, scenario))
    assert [incoming.text for incoming in commands.received] == ["/tasks"]
    assert [name for name, _ in server.calls[:3]] == ["getUpdates"] * 3


def test_polling_gives_up_on_a_bad_token(server: FakeZaloServer) -> None:
    async def go() -> None:
        async with ZaloClient("1:sai-token", server.url) as client:
            await ZaloChannel(client, FakeCommands()).poll_forever(asyncio.Event())
    with pytest.raises(ChannelDown) as raised:
        run(go())
    assert isinstance(raised.value, ZaloApiError) and raised.value.error_code == 401
    assert len(server.calls) == 1


def test_a_server_that_hands_an_update_back_is_polled_at_a_measured_pace_and_heard_once(
) -> None:
    commands = FakeCommands()
    with FakeZaloServer(replay=True) as replaying:
        async def scenario(channel: ZaloChannel) -> None:
            replaying.user_says("chat-an", "xong 3", message_id="m-once")
            await sent(replaying, 1)
            await asyncio.sleep(2.0)

        run(polling(replaying, commands, scenario, min_poll_interval=0.5))
        polls = sum(1 for name, _ in replaying.calls if name == "getUpdates")
    # 735 polls in 2 seconds without a floor; one every 0.5 s with it.
    assert 3 <= polls <= 7
    assert [incoming.text for incoming in commands.received] == ["xong 3"]
    assert len(replaying.sent) == 1


def test_polling_stops_promptly_in_the_middle_of_a_long_poll(server: FakeZaloServer) -> None:
    async def go() -> float:
        async with ZaloClient(TOKEN, server.url) as client:
            channel = ZaloChannel(client, FakeCommands(), poll_timeout=30)
            stop = asyncio.Event()
            loop = asyncio.create_task(channel.poll_forever(stop))
            await asyncio.to_thread(server.wait_for_calls, "getUpdates", 1)
            started = time.monotonic()
            stop.set()
            await loop
            return time.monotonic() - started
    assert run(go()) < 1.0


def test_a_failed_reply_does_not_stop_the_loop(server: FakeZaloServer) -> None:
    server.blocked_chats.add("chat-chan")
    commands = FakeCommands()

    async def scenario(channel: ZaloChannel) -> None:
        server.user_says("chat-chan", "/help")
        server.user_says("chat-binh", "/help")
        await sent(server, 1)

    run(polling(server, commands, scenario))
    assert [incoming.chat_id for incoming in commands.received] == ["chat-chan", "chat-binh"]
    assert [message["chat_id"] for message in server.sent] == ["chat-binh"]


def test_the_seen_cache_forgets_the_oldest_message_beyond_its_size(
        server: FakeZaloServer) -> None:
    commands = FakeCommands()
    updates = [parse_update(text_update("chat-an", f"/status {n}", message_id=f"m{n}"))
               for n in range(3)]

    async def go() -> None:
        async with ZaloClient(TOKEN, server.url) as client:
            channel = ZaloChannel(client, commands, seen_cache_size=2)
            for update in [*updates, updates[2], updates[0]]:
                assert update is not None
                await channel.handle_update(update)
    run(go())
    assert [incoming.text for incoming in commands.received] == [
        "/status 0", "/status 1", "/status 2", "/status 0"]


# --- the webhook -----------------------------------------------------------------------------

async def webhook(server: FakeZaloServer, commands: FakeCommands,
                  scenario: Callable[[str, ZaloClient], Awaitable[None]]) -> None:
    """Run `scenario` with the bot's web app in front of a channel on this loop; it is given the
    URL of `POST /zalo`."""
    async with ZaloClient(TOKEN, server.url) as client:
        web = WebApp()
        web.mount("zalo", ZaloWebhook(ZaloChannel(client, commands), SECRET))
        async with serve(web) as running:
            await scenario(zalo_url(running), client)


def zalo_url(running: Running) -> str:
    return f"{running.url}zalo"


async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with httpx.AsyncClient() as http:
        response = await http.post(url, content=body, headers=headers, timeout=3)
        return response.status_code


@pytest.mark.parametrize("wrapped", [True, False])
def test_a_webhook_update_with_the_right_secret_is_handled_before_the_200(
        server: FakeZaloServer, wrapped: bool) -> None:
    commands = FakeCommands()
    update = text_update("chat-an", "/tasks", "Võ Minh Em")
    body = json.dumps(wrap(update) if wrapped else update).encode()

    async def scenario(endpoint: str, client: ZaloClient) -> None:
        status = await post(endpoint, body, {"X-Bot-Api-Secret-Token": SECRET})
        assert status == 200
        assert [message["text"] for message in server.sent] == ["Đã nhận: /tasks"]

    run(webhook(server, commands, scenario))
    assert [(i.chat_id, i.display_name) for i in commands.received] == [("chat-an", "Võ Minh Em")]


@pytest.mark.parametrize("headers", [{"X-Bot-Api-Secret-Token": "bi-mat-webhook-2025"},
                                     {"X-Bot-Api-Secret-Token": ""}, {}])
def test_a_webhook_call_without_the_secret_is_refused_and_changes_nothing(
        server: FakeZaloServer, headers: dict[str, str]) -> None:
    commands = FakeCommands()
    body = json.dumps(wrap(text_update("chat-an", "xong 3"))).encode()

    async def scenario(endpoint: str, client: ZaloClient) -> None:
        assert await post(endpoint, body, headers) == 403

    run(webhook(server, commands, scenario))
    assert commands.received == []
    assert server.calls == []


@pytest.mark.parametrize("body", [b"{not json", b"", b'{"ok": true, "result": {"x": 1}}',
                                  b"[1, 2, 3]"])
def test_a_webhook_call_the_bot_cannot_read_gets_200_and_nothing_happens(
        server: FakeZaloServer, body: bytes) -> None:
    commands = FakeCommands()

    async def scenario(endpoint: str, client: ZaloClient) -> None:
        assert await post(endpoint, body, {"X-Bot-Api-Secret-Token": SECRET}) == 200

    run(webhook(server, commands, scenario))
    assert commands.received == []
    assert server.calls == []


def test_zalo_pushes_to_the_registered_webhook_and_the_duplicate_is_ignored(
        server: FakeZaloServer) -> None:
    commands = FakeCommands()

    async def scenario(endpoint: str, client: ZaloClient) -> None:
        await client.set_webhook(endpoint, SECRET)
        server.deliver_twice(text_update("chat-an", "/done 3 đã ban hành", message_id="m-7"))
        statuses = await asyncio.to_thread(server.wait_for_webhook_statuses, 2)
        assert statuses == [200, 200]

    run(webhook(server, commands, scenario))
    assert [incoming.text for incoming in commands.received] == ["/done 3 đã ban hành"]
    assert [message["text"] for message in server.sent] == ["Đã nhận: /done 3 đã ban hành"]


def test_start_webhook_mode_registers_the_url_and_polling_mode_removes_it(
        server: FakeZaloServer) -> None:
    async def go() -> tuple[Any, Any]:
        async with ZaloClient(TOKEN, server.url) as client:
            await start_webhook_mode(client, "https://nhacviec.example/zalo", SECRET)
            registered = await client.get_webhook_info()
            await start_polling_mode(client)
            return registered, await client.get_webhook_info()
    registered, after = run(go())
    assert registered["url"] == "https://nhacviec.example/zalo"
    assert ("setWebhook", {"url": "https://nhacviec.example/zalo", "secret_token": SECRET}) in \
        server.calls
    assert after["url"] == ""


@pytest.mark.parametrize(("url", "secret"), [("https://nhacviec.example/zalo", "ngan"),
                                             ("http://nhacviec.example/zalo", SECRET)])
def test_start_webhook_mode_refuses_a_short_secret_or_plain_http(
        server: FakeZaloServer, url: str, secret: str) -> None:
    async def go() -> None:
        async with ZaloClient(TOKEN, server.url) as client:
            await start_webhook_mode(client, url, secret)
    with pytest.raises(ValueError):
        run(go())
    assert server.calls == []


class BrokenCommands(FakeCommands):
    def handle(self, incoming: Incoming) -> list[Reply]:
        raise RuntimeError("a bug in the command layer")


def test_a_failing_command_layer_answers_with_an_apology_and_polling_goes_on(
        server: FakeZaloServer) -> None:
    commands = BrokenCommands()

    async def scenario(channel: ZaloChannel) -> None:
        server.user_says("chat-an", "/viec", "Phạm Thị Dung")
        server.user_says("chat-binh", "/viec", "Lê Bình")
        await sent(server, 2)

    run(polling(server, commands, scenario))  # type: ignore[arg-type]
    assert [(m["chat_id"], m["text"]) for m in server.sent] == [
        ("chat-an", texts.GENERIC_ERROR), ("chat-binh", texts.GENERIC_ERROR)]
