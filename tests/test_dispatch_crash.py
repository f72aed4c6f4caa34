"""A `nhacviec run` process killed in the middle of a dispatch, then restarted, delivers every
queued reminder; only the messages that were in flight at the kill may arrive twice."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.app import build_services
from bot.settings import load_settings
from storage.db import make_engine, make_sessionmaker
from storage.invites import create_invite, redeem_invite
from storage.models import OutboxMessage, Role
from tests.fakes.telegram_api import FakeTelegramServer
from tests.world import Clock, local

CHATS = 300
FIRST_CHAT = 500_001
# 21/06/2024 08:00: the tick gives each officer of Sở Thông tin và Truyền thông exactly one
# message (task 1, "phối hợp"), so 300 officers in 300 chats make 300 messages, one per chat.
TICK_INSTANT = local("2024-06-21 08:00")
RUN_FROM = local("2024-06-21 08:01")
LEASE_SECONDS = 2


def wait_until(condition: Callable[[], bool], what: str, timeout: float,
               process: subprocess.Popen[bytes] | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            output = log.read_text() if log else ""
            raise AssertionError(f"nhacviec run exited ({process.returncode}) before {what}:\n"
                                 f"{output[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(0.02)


def start_run(tmp_path: Path, env: dict[str, str], clock: datetime,
              name: str) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp_path / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "--clock", clock.isoformat()],
            cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT)
    return process, log


def statuses(url: str) -> Counter[str]:
    """Count the outbox by status, through a connection of its own."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    finally:
        engine.dispose()
    return Counter({status: count for status, count in rows})


def in_flight_chats(url: str) -> set[int]:
    """Return the chats of the messages claimed and not yet confirmed."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            return {int(chat) for chat in session.scalars(
                select(OutboxMessage.chat_id).where(OutboxMessage.status == "sending"))}
    finally:
        engine.dispose()


def test_a_run_killed_mid_dispatch_and_restarted_delivers_all_300_reminders(
        tmp_path: Path, fake_telegram: FakeTelegramServer) -> None:
    began = time.monotonic()
    url = f"sqlite:///{tmp_path / 'nhacviec.db'}"
    settings_env = {
        "NHACVIEC_DB_URL": url,
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "TELEGRAM_API_URL": fake_telegram.api_url,
        "NHACVIEC_RATE_PER_SECOND": "100",
        "NHACVIEC_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    chats = set(range(FIRST_CHAT, FIRST_CHAT + CHATS))

    clock = Clock(local("2024-06-20 09:00"))
    services = build_services(load_settings(settings_env, dotenv=None), clock)
    with services.sessions() as session, session.begin():
        for chat in sorted(chats):
            code = create_invite(session, "STTTT", Role.FOCAL, clock()).code
            redeem_invite(session, code, "telegram", str(chat), f"Cán bộ {chat}", clock())
    clock.now = TICK_INSTANT
    queued = services.tick(clock())
    services.engine.dispose()
    assert queued is not None
    assert statuses(url) == Counter({"queued": CHATS})

    # The child reads only what is given here (and no .env: it runs in tmp_path).
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("NHACVIEC_", "TELEGRAM_", "ZALO_"))}
    env |= settings_env
    first_started = time.monotonic()
    first, first_log = start_run(tmp_path, env, RUN_FROM, "first")
    second: subprocess.Popen[bytes] | None = None
    try:
        wait_until(lambda: len(fake_telegram.sent) >= 50, "50 messages sent", 30, first,
                   first_log)
        first.kill()
        first.wait(10)
        delivered_before = {m.chat_id for m in fake_telegram.sent}
        at_kill = statuses(url)
        in_flight = in_flight_chats(url)
        assert len(delivered_before) < CHATS, "the kill came too late to prove anything"
        assert at_kill["queued"] + at_kill["sending"] > 0, at_kill

        # Restarted at once, with the clock going on from where the killed process was.
        resume_at = RUN_FROM + timedelta(seconds=time.monotonic() - first_started)
        second, second_log = start_run(tmp_path, env, resume_at, "second")
        wait_until(lambda: {m.chat_id for m in fake_telegram.sent} >= chats,
                   "every chat received its message", 45, second, second_log)
        wait_until(lambda: statuses(url) == Counter({"sent": CHATS}),
                   "every message marked sent", 10, second, second_log)
        second.terminate()
        assert second.wait(15) == 0
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)

    received = Counter(m.chat_id for m in fake_telegram.sent)
    assert set(received) == chats
    assert max(received.values()) <= 2
    repeated = {chat for chat, count in received.items() if count > 1}
    # Only a message claimed and not yet confirmed when the process died can arrive twice.
    assert repeated <= in_flight
    texts = {m.text for m in fake_telegram.sent}
    assert len(texts) == 1 and "phối hợp nhiệm vụ 1" in texts.pop()
    print(f"\n{len(delivered_before)} chats reached before the kill, {at_kill['sending']} in "
          f"flight, {at_kill['queued']} still queued; {len(repeated)} duplicates after the "
          f"restart; {time.monotonic() - began:.1f} s in all")
