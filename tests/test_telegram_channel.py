"""The Telegram bot, polling a fake Bot API server, with the command layer faked at its seam."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Awaitable, Callable

import pytest

from bot import texts
from bot.channels.base import Button, OutMessage
from bot.channels.telegram.inbound import TelegramApplication, build_telegram_application, polling
from bot.channels.telegram.transport import TelegramTransport
from bot.commands import Incoming, Reply
from bot.logs import configure_logging
from tests.fakes.telegram_api import FakeTelegramServer

REMINDER_BUTTONS = (
    Button("✅ Đã hoàn thành", "done:3@2024"),
    Button("⛔ Vướng mắc", "blocked:3@2024"),
)
Scenario = Callable[[TelegramApplication], Awaitable[None]]


class FakeCommandLayer:
    """Records what reached the command layer and answers with `answer(incoming)`."""

    def __init__(self, answer: Callable[[Incoming], list[Reply]]) -> None:
        self.answer = answer
        self.received: list[Incoming] = []
        self.threads: list[int] = []

    def handle(self, incoming: Incoming) -> list[Reply]:
        self.received.append(incoming)
        self.threads.append(threading.get_ident())
        return self.answer(incoming)


def echo(incoming: Incoming) -> list[Reply]:
    return [Reply(f"Đã nhận: {incoming.text}", REMINDER_BUTTONS)]


def run_bot(server: FakeTelegramServer, layer: FakeCommandLayer, scenario: Scenario, *,
            rate_limiter: bool = False, timeout: float = 5.0) -> None:
    """Start the real Application polling `server`, play `scenario`, stop it cleanly."""
    application = build_telegram_application(
        server.token, server.api_url, layer, rate_limiter=rate_limiter)

    async def main() -> None:
        async with polling(application, timeout=1):
            await scenario(application)

    asyncio.run(asyncio.wait_for(main(), timeout))


async def wait(blocking: Callable[[], object]) -> None:
    """Wait on the fake server from a thread, so the bot's event loop keeps running."""
    await asyncio.to_thread(blocking)


def test_a_text_message_reaches_the_command_layer_and_the_reply_comes_back_with_buttons(
    fake_telegram: FakeTelegramServer,
) -> None:
    layer = FakeCommandLayer(echo)

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_says(2001, "/xong 3 Đã trình UBND tỉnh", first_name="Lan",
                                last_name="Nguyễn Thị")
        await wait(lambda: fake_telegram.wait_for_sent(1))

    run_bot(fake_telegram, layer, scenario)

    [received] = layer.received
    assert received == Incoming(
        channel="telegram", chat_id="2001", display_name="Lan Nguyễn Thị",
        text="/xong 3 Đã trình UBND tỉnh", message_id=received.message_id,
    )
    assert received.message_id is not None and received.message_id.startswith("2001:")
    [sent] = fake_telegram.sent
    assert (sent.chat_id, sent.text) == (2001, "Đã nhận: /xong 3 Đã trình UBND tỉnh")
    assert sent.button_rows == [["✅ Đã hoàn thành"], ["⛔ Vướng mắc"]]


def test_it_works_with_the_rate_limiter(fake_telegram: FakeTelegramServer) -> None:
    layer = FakeCommandLayer(echo)

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_says(2001, "/viec")
        await wait(lambda: fake_telegram.wait_for_sent(1))

    run_bot(fake_telegram, layer, scenario, rate_limiter=True)

    assert [m.text for m in fake_telegram.sent] == ["Đã nhận: /viec"]


def test_every_reply_is_sent_in_order(fake_telegram: FakeTelegramServer) -> None:
    layer = FakeCommandLayer(lambda incoming: [Reply("Một"), Reply("Hai"), Reply("Ba")])

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_says(2001, "/tinhhinh")
        await wait(lambda: fake_telegram.wait_for_sent(3))

    run_bot(fake_telegram, layer, scenario)

    assert [m.text for m in fake_telegram.sent] == ["Một", "Hai", "Ba"]


def test_the_command_layer_runs_off_the_event_loop(fake_telegram: FakeTelegramServer) -> None:
    layer = FakeCommandLayer(echo)

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_says(2001, "/help")
        await wait(lambda: fake_telegram.wait_for_sent(1))

    run_bot(fake_telegram, layer, scenario)

    assert layer.threads and threading.get_ident() not in layer.threads


def test_a_tap_is_answered_its_keyboard_removed_and_the_reply_sent_as_a_new_message(
    fake_telegram: FakeTelegramServer,
) -> None:
    layer = FakeCommandLayer(lambda incoming: [
        Reply("✅ Đã ghi nhận: Sở Công Thương hoàn thành nhiệm vụ 3 (2024).\nCảm ơn."),
    ])

    async def scenario(application: TelegramApplication) -> None:
        await TelegramTransport(application.bot).send(
            OutMessage("2001", "🔔 Nhắc việc\nNhiệm vụ 3", REMINDER_BUTTONS))
        reminder_id = fake_telegram.sent[0].message_id
        fake_telegram.user_taps(2001, reminder_id, "done:3@2024", first_name="Lan")
        await wait(lambda: fake_telegram.wait_for_sent(2))

    run_bot(fake_telegram, layer, scenario)

    [received] = layer.received
    assert received == Incoming(
        channel="telegram", chat_id="2001", display_name="Lan", text="done:3@2024",
        is_button=True, message_id=received.message_id,
    )
    assert received.message_id is not None and received.message_id.startswith("cb:")
    [answer] = fake_telegram.callback_answers
    assert answer.text == texts.TAP_RECEIVED
    reminder, reply = fake_telegram.sent
    [edit] = fake_telegram.edits
    assert (edit.method, edit.message_id, edit.reply_markup) == (
        "editMessageReplyMarkup", reminder.message_id, None)
    assert reply.text.startswith("✅ Đã ghi nhận") and reply.reply_markup is None


def test_a_tap_on_a_message_that_cannot_be_edited_still_gets_its_reply(
    fake_telegram: FakeTelegramServer,
) -> None:
    layer = FakeCommandLayer(lambda incoming: [Reply("Nhiệm vụ 3 (2024) đã hoàn thành.")])
    fake_telegram.fail_next("editMessageReplyMarkup", 400,
                            description="Bad Request: message can't be edited")

    async def scenario(application: TelegramApplication) -> None:
        await TelegramTransport(application.bot).send(
            OutMessage("2001", "🔔 Nhắc việc", REMINDER_BUTTONS))
        fake_telegram.user_taps(2001, fake_telegram.sent[0].message_id, "done:3@2024")
        await wait(lambda: fake_telegram.wait_for_sent(2))

    run_bot(fake_telegram, layer, scenario)

    assert fake_telegram.sent[1].text == "Nhiệm vụ 3 (2024) đã hoàn thành."
    assert fake_telegram.edits == []
    assert len(fake_telegram.callback_answers) == 1


def test_a_tap_is_answered_before_the_command_layer_does_the_work(
    fake_telegram: FakeTelegramServer,
) -> None:
    answered_before_work: list[int] = []

    def record(incoming: Incoming) -> list[Reply]:
        answered_before_work.append(len(fake_telegram.callback_answers))
        return [Reply("✅ Đã ghi nhận.")]

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_taps(2001, 999, "done:3@2024")
        await wait(lambda: fake_telegram.wait_for_sent(1))

    run_bot(fake_telegram, FakeCommandLayer(record), scenario)

    assert answered_before_work == [1]
    assert [m.text for m in fake_telegram.sent] == ["✅ Đã ghi nhận."]


def test_a_late_tap_telegram_no_longer_lets_us_answer_is_still_done_and_its_buttons_go(
    caplog: pytest.LogCaptureFixture,
) -> None:
    layer = FakeCommandLayer(lambda incoming: [Reply("✅ Đã ghi nhận: nhiệm vụ 3 (2024).")])
    # Every answer comes too late: Telegram says "query is too old".
    with FakeTelegramServer(callback_query_lifetime=0.0) as late:
        async def scenario(application: TelegramApplication) -> None:
            await TelegramTransport(application.bot).send(
                OutMessage("2001", "🔔 Nhắc việc", REMINDER_BUTTONS))
            late.user_taps(2001, late.sent[0].message_id, "done:3@2024")
            await wait(lambda: late.wait_for_sent(2))
            await wait(lambda: late.wait_for_edits(1))

        with caplog.at_level(logging.ERROR):
            run_bot(late, layer, scenario)
        sent, edits = late.sent, late.edits

    assert [incoming.text for incoming in layer.received] == ["done:3@2024"]
    assert [m.text for m in sent] == ["🔔 Nhắc việc", "✅ Đã ghi nhận: nhiệm vụ 3 (2024)."]
    assert texts.GENERIC_ERROR not in [m.text for m in sent]
    [edit] = edits
    assert edit.reply_markup is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_failing_command_layer_is_logged_and_the_person_gets_an_apology(
    fake_telegram: FakeTelegramServer, caplog: pytest.LogCaptureFixture,
) -> None:
    def explode(incoming: Incoming) -> list[Reply]:
        raise RuntimeError("cơ sở dữ liệu bị khóa")

    layer = FakeCommandLayer(explode)

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_says(2001, "/xong 3")
        await wait(lambda: fake_telegram.wait_for_sent(1))

    with caplog.at_level(logging.ERROR, logger="bot.channels.telegram"):
        run_bot(fake_telegram, layer, scenario)

    assert [m.text for m in fake_telegram.sent] == [texts.GENERIC_ERROR]
    assert texts.GENERIC_ERROR.startswith("Xin lỗi, đã có lỗi")
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and "cơ sở dữ liệu bị khóa" in errors[0].getMessage()


def test_a_failing_tap_is_still_answered_and_apologised_for(
    fake_telegram: FakeTelegramServer,
) -> None:
    def explode(incoming: Incoming) -> list[Reply]:
        raise RuntimeError("lỗi bất ngờ")

    layer = FakeCommandLayer(explode)

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_taps(2001, 999, "done:3@2024")
        await wait(lambda: fake_telegram.wait_for_sent(1))
        await wait(lambda: fake_telegram.wait_for_callback_answers(1))

    run_bot(fake_telegram, layer, scenario)

    assert [m.text for m in fake_telegram.sent] == [texts.GENERIC_ERROR]
    assert len(fake_telegram.callback_answers) == 1


def test_a_command_addressed_to_this_bot_in_a_group_loses_the_mention_and_others_are_ignored(
    fake_telegram: FakeTelegramServer,
) -> None:
    layer = FakeCommandLayer(echo)

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_says(-3001, "/tasks@other_bot", user_id=2001)
        fake_telegram.user_says(-3001, f"/tasks@{fake_telegram.bot_username} 3", user_id=2001)
        await wait(lambda: fake_telegram.wait_for_sent(1))

    run_bot(fake_telegram, layer, scenario)

    assert [(i.chat_id, i.text) for i in layer.received] == [("-3001", "/tasks 3")]


def test_something_that_is_not_text_gets_a_hint_and_never_reaches_the_layer(
    fake_telegram: FakeTelegramServer,
) -> None:
    layer = FakeCommandLayer(echo)

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_sends_sticker(2001)
        await wait(lambda: fake_telegram.wait_for_sent(1))

    run_bot(fake_telegram, layer, scenario)

    assert [m.text for m in fake_telegram.sent] == [texts.NOT_TEXT_HINT]
    assert layer.received == []


def test_the_vietnamese_command_menu_is_published_at_start(
    fake_telegram: FakeTelegramServer,
) -> None:
    layer = FakeCommandLayer(echo)
    published: list[tuple[str, str]] = []

    async def scenario(application: TelegramApplication) -> None:
        menu = await application.bot.get_my_commands()
        published.extend((c.command, c.description) for c in menu)

    run_bot(fake_telegram, layer, scenario)

    assert [name for name, _ in published] == [
        "start", "help", "tasks", "done", "blocked", "progress", "status", "overdue", "undo",
        "evidence", "report",
        "extend", "approve", "refuse", "setdue", "confirm", "giveback", "history", "nudge",
        "web"]
    assert dict(published)["done"].startswith("Báo hoàn thành")


def test_the_token_never_reaches_the_log_even_at_debug(
    fake_telegram: FakeTelegramServer, restore_logging: None,
) -> None:
    def explode(incoming: Incoming) -> list[Reply]:
        raise RuntimeError(f"lỗi có chuỗi {fake_telegram.token}")

    layer = FakeCommandLayer(explode)

    async def scenario(application: TelegramApplication) -> None:
        fake_telegram.user_says(2001, "/viec")
        await wait(lambda: fake_telegram.wait_for_sent(1))

    log = io.StringIO()
    # DEBUG lets httpx and python-telegram-bot print request URLs, which hold the token.
    configure_logging(logging.DEBUG, [fake_telegram.token], stream=log)
    run_bot(fake_telegram, layer, scenario)

    text = log.getvalue()
    assert "getMe" in text and "lỗi có chuỗi" in text, "the log would prove nothing"
    assert fake_telegram.token.lower() not in text.lower()
    assert "<token>" in text
