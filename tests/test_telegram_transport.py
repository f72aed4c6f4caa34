"""The Telegram transport against a fake Bot API server, through the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import json
import socket
import traceback
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
import pytest
from telegram import Bot

from bot import texts
from bot.channels.base import Button, ChannelDown, OutMessage, TransportError, split_message
from bot.channels.telegram.transport import TelegramTransport
from tests.fakes.telegram_api import FakeTelegramServer

T = TypeVar("T")
REMINDER_BUTTONS = (
    Button("✅ Đã hoàn thành", "done:3@2024"),
    Button("⛔ Vướng mắc", "blocked:3@2024"),
    Button("⏰ Nhắc lại sau", "snooze:3@2024"),
)


def run(coro: Coroutine[Any, Any, T], timeout: float = 5.0) -> T:
    return asyncio.run(asyncio.wait_for(coro, timeout))


async def _send(server: FakeTelegramServer, message: OutMessage) -> None:
    async with Bot(server.token, base_url=server.base_url) as bot:
        await TelegramTransport(bot).send(message)


def send(server: FakeTelegramServer, message: OutMessage) -> None:
    run(_send(server, message))


def send_error(server: FakeTelegramServer, message: OutMessage) -> TransportError:
    with pytest.raises(TransportError) as caught:
        send(server, message)
    return caught.value


def test_it_sends_the_text_verbatim_without_a_parse_mode(fake_telegram: FakeTelegramServer) -> None:
    text = "Nhiệm vụ 3: <b>báo cáo</b> *quý* _III_ [link](http://x)"

    send(fake_telegram, OutMessage("1001", text))

    [sent] = fake_telegram.sent
    assert (sent.chat_id, sent.text, sent.parse_mode, sent.reply_markup) == (1001, text, None, None)


def test_it_sends_buttons_as_an_inline_keyboard_one_per_row(
    fake_telegram: FakeTelegramServer,
) -> None:
    send(fake_telegram, OutMessage("1001", "🔔 Nhắc việc", REMINDER_BUTTONS))

    [sent] = fake_telegram.sent
    assert sent.reply_markup == {"inline_keyboard": [
        [{"text": "✅ Đã hoàn thành", "callback_data": "done:3@2024"}],
        [{"text": "⛔ Vướng mắc", "callback_data": "blocked:3@2024"}],
        [{"text": "⏰ Nhắc lại sau", "callback_data": "snooze:3@2024"}],
    ]}


def test_it_splits_a_long_message_on_line_boundaries_with_buttons_on_the_last_part(
    fake_telegram: FakeTelegramServer,
) -> None:
    lines = [f"{n:03d}. Sở Công Thương tổng hợp báo cáo kết quả thực hiện" for n in range(200)]
    text = "\n".join(lines)
    assert len(text) > 2 * 4096

    send(fake_telegram, OutMessage("1001", text, REMINDER_BUTTONS))

    sent = fake_telegram.sent
    assert len(sent) == 3
    assert all(len(part.text) <= 4096 for part in sent)
    assert "\n".join(part.text for part in sent) == text
    assert [part.reply_markup is not None for part in sent] == [False, False, True]


def test_a_429_is_transient_and_carries_retry_after(fake_telegram: FakeTelegramServer) -> None:
    fake_telegram.fail_next("sendMessage", 429, retry_after=7)

    error = send_error(fake_telegram, OutMessage("1001", "Nhắc việc"))

    assert (error.permanent, error.retry_after) == (False, 7.0)
    send(fake_telegram, OutMessage("1001", "Nhắc việc"))
    assert [m.text for m in fake_telegram.sent] == ["Nhắc việc"]


def test_a_500_is_transient_without_a_delay(fake_telegram: FakeTelegramServer) -> None:
    fake_telegram.fail_next("sendMessage", 500)

    error = send_error(fake_telegram, OutMessage("1001", "Nhắc việc"))

    assert (error.permanent, error.retry_after) == (False, None)


@pytest.mark.parametrize(("status", "description"), [
    (403, "Forbidden: bot was blocked by the user"),
    (400, "Bad Request: chat not found"),
    (403, "Forbidden: user is deactivated"),
    (403, "Forbidden: bot can't initiate conversation with a user"),
])
def test_a_chat_that_cannot_be_reached_is_a_permanent_error(
    fake_telegram: FakeTelegramServer, status: int, description: str,
) -> None:
    fake_telegram.block_chat(1001, status=status, description=description)

    error = send_error(fake_telegram, OutMessage("1001", "Nhắc việc"))

    assert error.permanent
    assert description.split(": ", 1)[1].lower() in error.message.lower()


def test_a_blocked_chat_does_not_stop_messages_to_other_chats(
    fake_telegram: FakeTelegramServer,
) -> None:
    fake_telegram.block_chat(1001)

    send_error(fake_telegram, OutMessage("1001", "Nhắc việc"))
    send(fake_telegram, OutMessage("1002", "Nhắc việc"))

    assert [m.chat_id for m in fake_telegram.sent] == [1002]


def test_another_bad_request_is_not_taken_for_an_unreachable_chat(
    fake_telegram: FakeTelegramServer,
) -> None:
    fake_telegram.fail_next("sendMessage", 400, description="Bad Request: message text is empty")

    error = send_error(fake_telegram, OutMessage("1001", "Nhắc việc"))

    assert not error.permanent


def test_an_unreachable_server_is_a_transient_error(fake_telegram: FakeTelegramServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    async def scenario() -> None:
        async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as bot:
            bot._base_url = f"http://127.0.0.1:{closed_port}/bot{fake_telegram.token}"
            await TelegramTransport(bot).send(OutMessage("1001", "Nhắc việc"))

    with pytest.raises(TransportError) as caught:
        run(scenario())

    assert not caught.value.permanent
    assert fake_telegram.token.lower() not in "".join(
        traceback.format_exception(caught.value)).lower()


def test_a_group_that_became_a_supergroup_is_followed_to_its_new_id_and_sent_again(
    fake_telegram: FakeTelegramServer,
) -> None:
    fake_telegram.migrate_chat(-1001, -1009876543210)
    moved: list[tuple[str, str]] = []

    async def on_migrated(old: str, new: str) -> None:
        moved.append((old, new))

    async def scenario() -> None:
        async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as bot:
            await TelegramTransport(bot, on_migrated).send(
                OutMessage("-1001", "Nhắc việc", REMINDER_BUTTONS))

    run(scenario())

    assert moved == [("-1001", "-1009876543210")]
    [sent] = fake_telegram.sent
    assert (sent.chat_id, sent.text, len(sent.buttons)) == (-1009876543210, "Nhắc việc", 3)


def test_a_revoked_token_stops_the_channel_and_marks_no_chat(
    fake_telegram: FakeTelegramServer,
) -> None:
    async def scenario() -> None:
        async with Bot(fake_telegram.token, base_url=fake_telegram.base_url) as bot:
            fake_telegram.token = "999999:revoked"  # the server no longer knows ours
            await TelegramTransport(bot).send(OutMessage("1001", "Nhắc việc"))

    with pytest.raises(ChannelDown) as caught:
        run(scenario())

    assert not caught.value.permanent
    assert caught.value.message == texts.TELEGRAM_TOKEN_REJECTED


def test_the_token_never_appears_in_a_transport_error(fake_telegram: FakeTelegramServer) -> None:
    echo = f"Bad Request: chat not found in /bot{fake_telegram.token}/sendMessage"
    fake_telegram.fail_next("sendMessage", 400, description=echo)

    error = send_error(fake_telegram, OutMessage("1001", "Nhắc việc"))

    # python-telegram-bot lowercases a "Bad Request" description, token included.
    token = fake_telegram.token.lower()
    assert error.permanent
    assert token not in error.message.lower()
    assert token not in "".join(traceback.format_exception(error)).lower()


def test_split_message_keeps_short_text_whole() -> None:
    assert split_message("Nhắc việc\nKỳ: 2024", 2000) == ["Nhắc việc\nKỳ: 2024"]


def test_split_message_cuts_an_overlong_line_at_a_space() -> None:
    assert split_message("một hai ba bốn", 7) == ["một hai", "ba bốn"]


def test_split_message_cuts_a_line_without_spaces_hard() -> None:
    assert split_message("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_the_fake_server_reads_json_form_and_multipart_bodies_alike(
    fake_telegram: FakeTelegramServer,
) -> None:
    url = f"{fake_telegram.base_url}{fake_telegram.token}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "✅", "callback_data": "done:1"}]]}

    with httpx.Client(timeout=3) as client:
        client.post(url, json={"chat_id": 1, "text": "một", "reply_markup": markup})
        client.post(url, data={"chat_id": "2", "text": "2", "reply_markup": json.dumps(markup)})
        client.post(url, data={"chat_id": "3", "text": "ba"}, files={"x": ("x.txt", b"x")})
        refused = client.post(url.replace(fake_telegram.token, "1:wrong"), json={"chat_id": 4})

    assert [(m.chat_id, m.text, m.reply_markup) for m in fake_telegram.sent] == [
        (1, "một", markup), (2, "2", markup), (3, "ba", None)]
    assert refused.status_code == 401 and refused.json()["ok"] is False
