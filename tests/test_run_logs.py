"""`nhacviec run` as an operator starts it: a real process against the fake servers, its whole
output read. Tokens never appear in it, a refused token or an unreachable server is one
Vietnamese line and a non-zero exit, and the default log is what a person wants to read."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import texts
from bot.app import build_services, run_bot
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from tests.fakes.telegram_api import FakeTelegramServer
from tests.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_api import FakeZaloServer
from tests.world import Clock, local

NOW = local("2024-06-21 08:05")
OTHER_TELEGRAM_TOKEN = "987654321:REJECTED-token_ZyXwVuTsRqPoNmLkJiHgFeDcBa"
OTHER_ZALO_TOKEN = "55555555:rejected-zalo-token"


@dataclass
class Run:
    code: int
    output: str


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"không đạt trong {timeout} giây: {what}")
        time.sleep(0.05)


def nhacviec_run(tmp_path: Path, env: dict[str, str],
                 while_running: Callable[[], None] | None = None) -> Run:
    """Run `nhacviec run` in `tmp_path` with only `env` (and PATH); stop it with SIGTERM once
    `while_running` returned (at once if it is None: then the process must end by itself)."""
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONIOENCODING": "utf-8",
                   "NHACVIEC_DB_URL": f"sqlite:///{tmp_path / 'nhacviec.db'}", **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--clock", NOW.isoformat()],
        cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        if while_running is not None:
            while_running()
            process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return Run(process.returncode, out.decode("utf-8", errors="replace"))


@pytest.fixture
def zalo() -> Iterator[FakeZaloServer]:
    with FakeZaloServer() as server:
        yield server


def both(telegram: FakeTelegramServer, zalo: FakeZaloServer,
         **extra: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_URL": telegram.api_url,
            "ZALO_BOT_TOKEN": zalo.token, "ZALO_API_URL": zalo.url, **extra}


def assert_no_token(output: str, *tokens: str) -> None:
    folded = output.lower()
    for token in tokens:
        assert token.lower() not in folded
        # Not even the secret half after the bot id.
        assert token.split(":", 1)[1].lower() not in folded


def test_a_telegram_and_zalo_run_never_logs_either_token_even_at_debug(
        tmp_path: Path, fake_telegram: FakeTelegramServer, zalo: FakeZaloServer) -> None:
    def talk() -> None:
        wait_until(lambda: bool(fake_telegram.calls("getUpdates"))
                   and any(name == "getUpdates" for name, _ in zalo.calls), "polling")
        # Strangers on both: each request and each answer goes through the log.
        fake_telegram.user_says(3001, "/viec")
        zalo.user_says("z-la", "xong 1")
        fake_telegram.wait_for_sent(1, timeout=20)
        zalo.wait_for_sent(1, timeout=20)

    run = nhacviec_run(tmp_path, both(fake_telegram, zalo, NHACVIEC_LOG_LEVEL="DEBUG"), talk)

    assert run.code == 0, run.output
    # DEBUG lets httpx print every request URL, which holds the token: the proof is real.
    assert "sendMessage" in run.output and "getUpdates" in run.output, run.output
    assert "<token>" in run.output
    assert_no_token(run.output, fake_telegram.token, zalo.token)


def test_a_rejected_telegram_token_is_one_vietnamese_line_and_exit_2_without_the_token(
        tmp_path: Path, fake_telegram: FakeTelegramServer, zalo: FakeZaloServer) -> None:
    env = both(fake_telegram, zalo, TELEGRAM_BOT_TOKEN=OTHER_TELEGRAM_TOKEN)

    run = nhacviec_run(tmp_path, env)

    assert run.code == 2, run.output
    assert texts.TELEGRAM_TOKEN_REJECTED in run.output
    assert "Traceback" not in run.output
    assert len(run.output.strip().splitlines()) <= 3, run.output
    assert_no_token(run.output, OTHER_TELEGRAM_TOKEN, zalo.token)


def test_a_rejected_zalo_token_is_one_vietnamese_line_and_exit_2_without_the_token(
        tmp_path: Path, zalo: FakeZaloServer) -> None:
    run = nhacviec_run(tmp_path, {"ZALO_BOT_TOKEN": OTHER_ZALO_TOKEN, "ZALO_API_URL": zalo.url})

    assert run.code == 2, run.output
    assert texts.ZALO_TOKEN_REJECTED in run.output
    assert "Traceback" not in run.output
    assert_no_token(run.output, OTHER_ZALO_TOKEN, ZALO_TOKEN)


def test_the_default_log_has_no_migration_or_scheduler_chatter_but_says_it_runs(
        tmp_path: Path, fake_telegram: FakeTelegramServer, zalo: FakeZaloServer) -> None:
    def started() -> None:
        wait_until(lambda: bool(fake_telegram.calls("getUpdates"))
                   and any(name == "getUpdates" for name, _ in zalo.calls), "polling")
        time.sleep(1.5)  # the timer's first job run happens at start

    run = nhacviec_run(tmp_path, both(fake_telegram, zalo), started)

    assert run.code == 0, run.output
    assert "nhacviec running: telegram, zalo" in run.output
    for noise in ("alembic", "apscheduler", "Running upgrade", "Running job", "HTTP Request"):
        assert noise not in run.output, run.output


# --- in one process: the start-up outcomes and the setting -------------------------------------

def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def start(tmp_path: Path, caplog: pytest.LogCaptureFixture, **settings: object) -> int:
    """Run run_bot with quick start-up retries until it ends by itself; return its exit code."""
    db_url = f"sqlite:///{tmp_path / 'nhacviec.db'}"
    config = Settings(db_url=db_url, **settings)  # type: ignore[arg-type]
    services = build_services(config, Clock(NOW))

    async def main() -> int:
        return await run_bot(services, asyncio.Event(), startup_attempts=3,
                             startup_interval=0.05)
    with caplog.at_level(logging.INFO):
        return asyncio.run(asyncio.wait_for(main(), 30))


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
def test_an_unreachable_server_is_retried_then_one_line_and_exit_2(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, channel: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    settings: dict[str, object] = (
        {"telegram_token": OTHER_TELEGRAM_TOKEN, "telegram_api_url": url}
        if channel == "telegram" else {"zalo_token": OTHER_ZALO_TOKEN, "zalo_api_url": url})

    assert start(tmp_path, caplog, **settings) == 2

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    [error] = errors
    assert error.getMessage().startswith(
        f"Không kết nối được máy chủ {texts.CHANNEL_NAMES[channel]} sau 3 lần thử")
    assert error.exc_info is None
    retries = [r for r in caplog.records if r.levelno == logging.WARNING and "thử lại" in
               r.getMessage()]
    assert len(retries) == 2


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
def test_a_stop_while_an_unreachable_server_is_retried_ends_the_bot_at_once(
        tmp_path: Path, channel: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    settings: dict[str, object] = (
        {"telegram_token": OTHER_TELEGRAM_TOKEN, "telegram_api_url": url}
        if channel == "telegram" else {"zalo_token": OTHER_ZALO_TOKEN, "zalo_api_url": url})
    config = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}", **settings)  # type: ignore[arg-type]
    services = build_services(config, Clock(NOW))

    async def main() -> tuple[int, float]:
        stop = asyncio.Event()
        # Retries 1, 2, 4, 8 s apart: waiting them out would take 15 s.
        running = asyncio.create_task(run_bot(services, stop, startup_attempts=5,
                                              startup_interval=1.0))
        await asyncio.sleep(0.5)
        assert not running.done()
        stop.set()  # what SIGTERM does
        began = time.monotonic()
        code = await running
        return code, time.monotonic() - began

    code, took = asyncio.run(asyncio.wait_for(main(), 30))
    assert code == 0 and took < 1.0


def test_a_failed_start_up_call_is_retried_and_the_bot_starts(
        tmp_path: Path, fake_telegram: FakeTelegramServer,
        caplog: pytest.LogCaptureFixture) -> None:
    fake_telegram.fail_next("getMe", 502, count=1)
    fake_telegram.fail_next("deleteWebhook", 500, count=1)
    config = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}",
                      telegram_token=fake_telegram.token, telegram_api_url=fake_telegram.api_url)
    services = build_services(config, Clock(NOW))

    async def main() -> int:
        stop = asyncio.Event()
        running = asyncio.create_task(run_bot(services, stop, startup_attempts=3,
                                              startup_interval=0.05))
        deadline = time.monotonic() + 15
        while not fake_telegram.calls("getUpdates"):
            assert not running.done(), "the bot gave up"
            assert time.monotonic() < deadline, "the bot never polled"
            await asyncio.sleep(0.05)
        stop.set()
        return await running

    assert asyncio.run(asyncio.wait_for(main(), 30)) == 0
    assert len(fake_telegram.calls("getMe")) >= 2
    assert len(fake_telegram.calls("deleteWebhook")) == 2


@pytest.mark.parametrize(("value", "level"), [(None, logging.INFO), ("debug", logging.DEBUG),
                                              ("WARNING", logging.WARNING)])
def test_nhacviec_log_level_is_read_with_info_by_default(value: str | None, level: int) -> None:
    env = {} if value is None else {"NHACVIEC_LOG_LEVEL": value}
    assert load_settings(env, dotenv=None).log_level == level


def test_a_wrong_log_level_names_the_setting() -> None:
    with pytest.raises(SettingsError, match="NHACVIEC_LOG_LEVEL"):
        load_settings({"NHACVIEC_LOG_LEVEL": "verbose"}, dotenv=None)


@pytest.mark.parametrize(("level", "own", "library"), [
    (logging.INFO, True, False), (logging.DEBUG, True, True), (logging.WARNING, False, False)])
def test_nhacviecs_lines_follow_the_level_libraries_speak_only_at_debug(
        restore_logging: None, level: int, own: bool, library: bool) -> None:
    stream = io.StringIO()
    configure_logging(level, stream=stream)
    logging.getLogger("bot.app").info("dòng của nhacviec")
    logging.getLogger("alembic.runtime.migration").info("Running upgrade 0001 -> 0002")
    logging.getLogger("apscheduler.executors.default").info('Running job "tick_job"')
    logging.getLogger("httpx").info("HTTP Request: POST https://example/bot1:x/getMe")
    logging.getLogger("httpx").warning("cảnh báo của thư viện")
    text = stream.getvalue()
    assert ("dòng của nhacviec" in text) is own
    assert ("Running upgrade" in text) is library
    assert ('Running job "tick_job"' in text) is library
    assert ("HTTP Request" in text) is library
    assert "cảnh báo của thư viện" in text


def test_a_crash_is_logged_through_the_redacting_handler(restore_logging: None) -> None:
    stream = io.StringIO()
    secret = "424242:crash-secret"
    configure_logging(logging.INFO, [secret], stream=stream)
    try:
        raise RuntimeError(f"GET https://api.telegram.org/bot{secret}/getMe failed")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    text = stream.getvalue()
    assert "Traceback" in text and "RuntimeError" in text
    assert secret not in text and "<token>" in text


def test_when_the_only_channel_loses_its_token_the_bot_stops_with_exit_1(
        tmp_path: Path, zalo: FakeZaloServer, caplog: pytest.LogCaptureFixture) -> None:
    config = Settings(db_url=f"sqlite:///{tmp_path / 'nhacviec.db'}", zalo_token=zalo.token,
                      zalo_api_url=zalo.url)
    services = build_services(config, Clock(NOW))

    async def main() -> int:
        running = asyncio.create_task(run_bot(services, asyncio.Event()))
        while not any(name == "getUpdates" for name, _ in zalo.calls):
            await asyncio.sleep(0.05)
        zalo.revoke_token()
        return await running

    with caplog.at_level(logging.INFO):
        assert asyncio.run(asyncio.wait_for(main(), 30)) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [texts.channel_stopped("zalo", texts.ZALO_TOKEN_REJECTED),
                      texts.NO_CHANNEL_LEFT]
