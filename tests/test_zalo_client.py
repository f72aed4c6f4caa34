"""The Zalo Bot API client and transport, over real HTTP against the fake Zalo server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest

from bot import texts
from bot.answers import render_choices
from bot.channels.base import Button, ChannelDown, OutMessage
from bot.channels.zalo.client import (
    DEFAULT_RETRY_AFTER,
    TEXT_LIMIT,
    ZaloApiError,
    ZaloClient,
    ZaloTokenRejected,
    parse_update,
)
from bot.channels.zalo.transport import ZaloTransport
from tests.fakes.zalo_api import TOKEN, FakeZaloServer, sticker_update, text_update, wrap

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, timeout=5))


@pytest.fixture(params=[False, True], ids=["errors-in-http-200", "errors-as-http-status"])
def server(request: pytest.FixtureRequest) -> Iterator[FakeZaloServer]:
    # Zalo does not document the HTTP status of an error: every test runs under both readings.
    with FakeZaloServer(http_errors=request.param) as fake:
        yield fake


def call(server: FakeZaloServer, method: str, *args: Any, token: str = TOKEN) -> Any:
    async def go() -> Any:
        async with ZaloClient(token, server.url) as client:
            return await getattr(client, method)(*args)
    return run(go())


def failure(server: FakeZaloServer, method: str, *args: Any, token: str = TOKEN) -> ZaloApiError:
    with pytest.raises(ZaloApiError) as raised:
        call(server, method, *args, token=token)
    return raised.value


# --- the client ------------------------------------------------------------------------------

def test_get_me_returns_the_bot_account(server: FakeZaloServer) -> None:
    me = call(server, "get_me")
    assert me["account_name"] == "bot.NhacViec"
    assert server.calls[0][0] == "getMe"


def test_a_bad_token_stops_the_channel_not_a_chat_and_the_error_does_not_show_the_token(
        server: FakeZaloServer) -> None:
    wrong = "98765:khong-dung-token-nay"
    error = failure(server, "get_me", token=wrong)
    # 401 is "token expired or invalid": the channel is down, no chat is unreachable.
    assert isinstance(error, ChannelDown) and not error.permanent
    assert error.error_code == 401
    assert error.message == texts.ZALO_TOKEN_REJECTED
    assert wrong not in str(error)
    assert "98765" not in error.message
    assert wrong not in repr(ZaloClient(wrong, server.url))


@pytest.mark.parametrize("shape", ["wrapped", "flat"])
def test_get_updates_returns_the_one_update_a_user_sent(server: FakeZaloServer,
                                                       shape: str) -> None:
    server.shape = shape  # type: ignore[assignment]
    server.user_says("chat-an", "/tasks", "Trần Thị Bình", message_id="m-1")
    update = call(server, "get_updates", 1)
    assert update is not None
    assert (update.chat_id, update.text, update.display_name, update.message_id) == (
        "chat-an", "/tasks", "Trần Thị Bình", "m-1")


def test_after_a_401_every_call_fails_at_once_without_asking_zalo_again(
        server: FakeZaloServer) -> None:
    async def go() -> list[BaseException]:
        async with ZaloClient(TOKEN, server.url) as client:
            server.revoke_token()
            errors: list[BaseException] = []
            for _ in range(3):
                try:
                    await client.send_message("chat-an", "Xin chào")
                except ZaloApiError as exc:
                    errors.append(exc)
            return errors
    errors = run(go())
    assert len(errors) == 3 and all(isinstance(e, ZaloTokenRejected) for e in errors)
    assert len(server.calls) == 1


def test_an_empty_long_poll_answered_408_gives_none(server: FakeZaloServer) -> None:
    assert call(server, "get_updates", 1) is None
    assert server.calls == [("getUpdates", {"timeout": 1})]


@pytest.mark.parametrize("body", [b"", b"Request Timeout", b'{"ok": false}'])
def test_an_empty_long_poll_is_recognised_from_the_http_status_alone(body: bytes) -> None:
    async def go() -> Any:
        def answer(request: httpx.Request) -> httpx.Response:
            return httpx.Response(408, content=body)
        http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        async with http, ZaloClient(TOKEN, "https://zalo.example", http) as client:
            return await client.get_updates(1)
    assert run(go()) is None


def test_get_updates_waits_for_an_update_that_arrives_during_the_poll(
        server: FakeZaloServer) -> None:
    async def go() -> Any:
        async with ZaloClient(TOKEN, server.url) as client:
            poll = asyncio.create_task(client.get_updates(3))
            await asyncio.sleep(0.2)
            server.user_says("chat-an", "xong 3")
            return await poll
    update = run(go())
    assert update is not None and update.text == "xong 3"


@pytest.mark.parametrize(("code", "description"), [
    (400, "Wrong method name"), (403, "Internal server error"), (404, "Invalid request")])
def test_the_documented_400_403_and_404_are_not_a_lost_chat(
        server: FakeZaloServer, code: int, description: str) -> None:
    server.fail_next("sendMessage", code, description)
    error = failure(server, "send_message", "chat-x", "Xin chào")
    assert (error.error_code, error.permanent) == (code, False)
    assert not isinstance(error, ChannelDown)
    assert description in error.message
    assert server.sent == []


def test_an_unknown_method_is_answered_400_as_documented(server: FakeZaloServer) -> None:
    async def go() -> Any:
        async with ZaloClient(TOKEN, server.url) as client:
            return await client._call("sendSomething")
    with pytest.raises(ZaloApiError) as raised:
        run(go())
    assert raised.value.error_code == 400


def test_429_is_transient_with_a_default_backoff(server: FakeZaloServer) -> None:
    server.fail_next("sendMessage", 429, "Quota exceeded")
    error = failure(server, "send_message", "chat-an", "Xin chào")
    assert not error.permanent
    assert error.retry_after == DEFAULT_RETRY_AFTER


def test_a_chat_zalo_will_not_deliver_to_is_retried_not_given_up(
        server: FakeZaloServer) -> None:
    server.blocked_chats.add("chat-an")
    error = failure(server, "send_message", "chat-an", "Xin chào")
    assert (error.error_code, error.permanent) == (403, False)


def test_a_server_error_is_transient(server: FakeZaloServer) -> None:
    server.fail_next("getUpdates", 500, "Internal error")
    error = failure(server, "get_updates", 1)
    assert not error.permanent
    assert error.retry_after is None


def test_an_unreachable_server_is_transient_and_does_not_show_the_token() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def go() -> None:
        async with ZaloClient(TOKEN, f"http://127.0.0.1:{port}") as client:
            await client.send_message("chat-an", "Xin chào")
    with pytest.raises(ZaloApiError) as raised:
        run(go())
    assert not raised.value.permanent
    assert TOKEN not in str(raised.value)


def test_the_fake_refuses_text_over_2000_characters_like_zalo(server: FakeZaloServer) -> None:
    error = failure(server, "send_message", "chat-an", "a" * (TEXT_LIMIT + 1))
    # About the request, not the chat: the chat is not given up on.
    assert (error.error_code, error.permanent) == (400, False)
    assert call(server, "send_message", "chat-an", "a" * TEXT_LIMIT)["message_id"]


def test_webhook_can_be_set_read_and_deleted(server: FakeZaloServer) -> None:
    async def go() -> tuple[Any, Any, Any]:
        async with ZaloClient(TOKEN, server.url) as client:
            await client.set_webhook("https://nhacviec.example/zalo", "bi-mat-123456")
            info = await client.get_webhook_info()
            await client.delete_webhook()
            return info, await client.get_webhook_info(), server.calls[0]
    info, after, first = run(go())
    assert info["url"] == "https://nhacviec.example/zalo"
    assert first == ("setWebhook", {"url": "https://nhacviec.example/zalo",
                                    "secret_token": "bi-mat-123456"})
    assert after["url"] == ""


def test_send_photo_and_chat_action(server: FakeZaloServer) -> None:
    call(server, "send_photo", "chat-an", "https://anh.example/bieu-do.png", "Biểu đồ")
    call(server, "send_chat_action", "chat-an")
    assert server.sent == [{"method": "sendPhoto", "chat_id": "chat-an",
                            "photo": "https://anh.example/bieu-do.png", "caption": "Biểu đồ",
                            "message_id": server.sent[0]["message_id"]}]
    assert server.calls[-1] == ("sendChatAction", {"chat_id": "chat-an", "action": "typing"})


# --- parsing updates -------------------------------------------------------------------------

def test_parse_update_reads_the_documented_flat_and_wrapped_shapes() -> None:
    flat = text_update("chat-an", "/status", "Lê Văn Cường", "16f6366b3f02645a3d15",
                       date_ms=1766619597466)
    for payload in (flat, wrap(flat), wrap(wrap(flat))):
        update = parse_update(payload)
        assert update is not None
        assert update.event_name == "message.text.received"
        assert update.message_id == "16f6366b3f02645a3d15"
        assert update.user_id == "chat-an"
        assert update.date == datetime(2025, 12, 24, 23, 39, 57, 466000, tzinfo=UTC)


def test_parse_update_reads_the_getupdates_sample_without_event_name() -> None:
    payload = {"ok": True, "result": {"message": {
        "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
        "text": "Xin chào", "message_id": "16f6366b3f02645a3d15", "date": 1766619597466,
        "from": {"id": "e4ea2cd5189df1c3a88c", "first_name": "Nguyen Van A"}}}}
    update = parse_update(payload)
    assert update is not None
    assert (update.text, update.display_name) == ("Xin chào", "Nguyen Van A")


def test_a_sticker_parses_without_text() -> None:
    update = parse_update(sticker_update("chat-an"))
    assert update is not None
    assert update.event_name == "message.sticker.received"
    assert update.text is None


@pytest.mark.parametrize("junk", [
    None, [], "message", {}, {"ok": False, "error_code": 408, "description": "timeout"},
    {"ok": True, "result": None},
    {"event_name": "message.text.received", "message": {"text": "thiếu chat và from"}},
    {"message": {"chat": {"id": "c"}, "from": {"id": "c"}, "message_id": "m", "date": True}},
    {"message": {"chat": {"id": "c"}, "from": {"id": "c"}, "message_id": None, "date": 1}},
])
def test_parse_update_gives_none_for_junk(junk: object) -> None:
    assert parse_update(junk) is None


# --- numbered choices ----------------------------------------------------------

def test_buttons_are_rendered_as_numbered_choices_in_order() -> None:
    buttons = (Button("✅ Đã hoàn thành", "done:1"), Button("⛔ Vướng mắc", "blocked:1"),
               Button("⏰ Nhắc lại sau", "snooze:1"))
    assert render_choices("Nhiệm vụ 3 đến hạn hôm nay.", buttons) == (
        "Nhiệm vụ 3 đến hạn hôm nay.\n\nTrả lời:\n"
        "1 = ✅ Đã hoàn thành\n2 = ⛔ Vướng mắc\n3 = ⏰ Nhắc lại sau")
    assert render_choices("Không có nút.", ()) == "Không có nút."


# --- the transport ---------------------------------------------------------------------------

def test_the_transport_sends_a_long_message_in_pieces_cut_between_lines(
        server: FakeZaloServer) -> None:
    lines = [f"Dòng {n}: " + "việc " * 30 for n in range(30)]  # about 4800 characters
    message = OutMessage("chat-an", "\n".join(lines), (Button("✅ Đã hoàn thành", "done:3"),))

    async def go() -> None:
        async with ZaloClient(TOKEN, server.url) as client:
            await ZaloTransport(client).send(message)
    run(go())
    texts = [sent["text"] for sent in server.sent]
    assert len(texts) == 3
    assert all(len(text) <= TEXT_LIMIT for text in texts)
    assert {sent["chat_id"] for sent in server.sent} == {"chat-an"}
    rendered = render_choices(message.text, message.buttons)
    assert [line for text in texts for line in text.split("\n") if line] == [
        line for line in rendered.split("\n") if line]
    assert texts[-1].endswith("Trả lời:\n1 = ✅ Đã hoàn thành")


def test_the_transport_raises_the_platform_error(server: FakeZaloServer) -> None:
    server.fail_next("sendMessage", 429, "Quota exceeded")

    async def go() -> None:
        async with ZaloClient(TOKEN, server.url, quota_backoff=2.5) as client:
            assert ZaloTransport(client).channel == "zalo"
            await ZaloTransport(client).send(OutMessage("chat-an", "Xin chào"))
    with pytest.raises(ZaloApiError) as raised:
        run(go())
    assert raised.value.retry_after == 2.5


def test_the_transport_refuses_an_empty_message(server: FakeZaloServer) -> None:
    async def go() -> None:
        async with ZaloClient(TOKEN, server.url) as client:
            await ZaloTransport(client).send(OutMessage("chat-an", "  \n "))
    with pytest.raises(ValueError):
        run(go())
    assert server.calls == []
