"""The composition root: settings, database, plan, clock, command layer, channels and timer.

Everything is built here once and handed down; nothing else reads settings or the real clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal
import time as monotonic_time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.commands import Commands
from bot.delivery import Dispatcher, Queued, claim_tick, pending_tick, run_tick
from bot.settings import Settings
from bot.transports.base import OutMessage, Transport
from scheduler.plan import Directory, Plan, bundled_plan_path, load_directory, load_plan
from scheduler.workdays import WorkingCalendar
from storage import queries
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.sync import SyncReport, sync_plan

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# Occurrences are kept this far ahead of today, so recurring tasks never run out.
SYNC_HORIZON = timedelta(days=400)

NO_CHANNEL = ("Chưa cấu hình kênh nào (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN). "
              "Để dùng thử không cần token: nhacviec chat --agency SCT --role coordinator")


def system_clock() -> datetime:
    return datetime.now(UTC)


def shifted_clock(start: datetime) -> Clock:
    """Return a clock that reads `start` now and then advances in real time (demos, tests)."""
    origin = monotonic_time.monotonic()

    def clock() -> datetime:
        return start + timedelta(seconds=monotonic_time.monotonic() - origin)

    return clock


@dataclass
class Services:
    """What handlers, the timer and the dispatcher share."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    calendar: WorkingCalendar
    directory: Directory
    plan: Plan
    commands: Commands

    def sync(self, now: datetime) -> SyncReport:
        """Bring the database in step with the plan file, occurrences up to the horizon."""
        with self.sessions() as session, session.begin():
            until = now.astimezone(self.settings.tz).date() + SYNC_HORIZON
            return sync_plan(session, self.directory, self.plan, until, now)

    def defer_reply(self, channel: str, message: OutMessage) -> None:
        """Hand an answer that could not be sent now to the outbox, so it is not lost."""
        with self.sessions() as session, session.begin():
            queries.enqueue_reply(session, channel, message.chat_id, message.text,
                                  [(b.label, b.data) for b in message.buttons], self.clock())

    def tick(self, now: datetime, *, forced: bool = False) -> list[Queued] | None:
        """Run the tick due at `now` (or, `forced`, a tick at `now` whatever the time)."""
        settings = self.settings
        with self.sessions() as session, session.begin():
            if not forced:
                # A forced tick (the CLI, maybe at a future --as-of) serves no send instant, so
                # it never silences the timer until that instant.
                instant = pending_tick(session, now, settings.send_at, self.calendar, settings.tz)
                if instant is None or not claim_tick(session, instant, now):
                    return None
            until = now.astimezone(settings.tz).date() + SYNC_HORIZON
            sync_plan(session, self.directory, self.plan, until, now)
            return run_tick(session, now, self.calendar, settings.tz)


def build_services(settings: Settings, clock: Clock) -> Services:
    """Upgrade the database, load the plan and wire the command layer.

    Raise PlanError or CalendarError for a bad plan or calendar file.
    """
    directory = load_directory(settings.agencies_path)
    plan = load_plan(settings.plan_path or bundled_plan_path(), directory)
    calendar = WorkingCalendar.from_overrides(settings.calendar_path)
    upgrade(settings.db_url)
    engine = make_engine(settings.db_url)
    sessions = make_sessionmaker(engine)
    commands = Commands(sessions, clock, calendar, settings.tz)
    services = Services(settings, engine, sessions, clock, calendar, directory, plan, commands)
    services.sync(clock())
    return services


@contextlib.asynccontextmanager
async def background(services: Services, transports: Mapping[str, Transport],
                     stop: asyncio.Event, *,
                     chats: frozenset[tuple[str, str]] | None = None) -> AsyncIterator[None]:
    """Run the timer (a tick check every minute) and the dispatcher while inside the block."""
    settings = services.settings

    def tick_job() -> None:
        try:
            queued = services.tick(services.clock())
        except Exception:
            log.exception("tick failed")
            return
        if queued is not None:
            log.info("tick: %d reminders queued", len(queued))

    scheduler = AsyncIOScheduler(timezone=settings.tz)
    # APScheduler only wakes the process; the database decides whether a tick is due.
    scheduler.add_job(tick_job, IntervalTrigger(minutes=1), next_run_time=datetime.now(UTC),
                      max_instances=1, coalesce=True)
    scheduler.start()
    dispatcher = Dispatcher(services.sessions, transports, services.clock,
                            per_second=settings.rate_per_second,
                            per_chat_per_second=settings.rate_per_chat_per_second,
                            lease=timedelta(seconds=settings.claim_lease_seconds), chats=chats)
    sending = asyncio.create_task(dispatcher.run_forever(stop))
    try:
        yield
    finally:
        stop.set()
        scheduler.shutdown(wait=False)
        await sending


async def run_bot(services: Services, stop: asyncio.Event | None = None) -> int:
    """Run the configured channels, the timer and the dispatcher until `stop` or a signal."""
    settings = services.settings
    if not settings.telegram_token and not settings.zalo_token:
        print(NO_CHANNEL)
        return 2
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)

    transports: dict[str, Transport] = {}
    async with contextlib.AsyncExitStack() as stack:
        if settings.telegram_token:
            await stack.enter_async_context(_telegram(services, settings.telegram_token,
                                                      transports))
        if settings.zalo_token:
            await stack.enter_async_context(_zalo(services, settings.zalo_token, transports,
                                                  stop))
        await stack.enter_async_context(background(services, transports, stop))
        log.info("nhacviec running: %s", ", ".join(sorted(transports)))
        await stop.wait()
    return 0


@contextlib.asynccontextmanager
async def _telegram(services: Services, token: str,
                    transports: dict[str, Transport]) -> AsyncIterator[None]:
    from bot.channels.telegram import build_telegram_application, polling, set_command_menu
    from bot.transports.telegram import TelegramTransport

    settings = services.settings
    application = build_telegram_application(token, settings.telegram_api_url,
                                              services.commands,
                                              on_undelivered=services.defer_reply)
    transports["telegram"] = TelegramTransport(application.bot)
    if settings.telegram_webhook_url is None:
        async with polling(application):
            yield
        return
    async with application:
        await set_command_menu(application.bot)
        updater = application.updater
        assert updater is not None
        # A fresh secret each start: Telegram echoes it in a header, PTB rejects calls without it.
        await updater.start_webhook(listen="0.0.0.0", port=settings.telegram_webhook_port,
                                    url_path="telegram",
                                    webhook_url=f"{settings.telegram_webhook_url}/telegram",
                                    secret_token=secrets.token_urlsafe(32))
        await application.start()
        try:
            yield
        finally:
            await updater.stop()
            await application.stop()


@contextlib.asynccontextmanager
async def _zalo(services: Services, token: str, transports: dict[str, Transport],
                stop: asyncio.Event) -> AsyncIterator[None]:
    from bot.channels.zalo import (
        ZaloChannel,
        ZaloWebhookServer,
        start_polling_mode,
        start_webhook_mode,
    )
    from bot.transports.zalo import ZaloClient, ZaloTransport

    settings = services.settings
    async with ZaloClient(token, settings.zalo_api_url) as client:
        channel = ZaloChannel(client, services.commands, on_undelivered=services.defer_reply)
        transports["zalo"] = ZaloTransport(client)
        if settings.zalo_webhook_url and settings.zalo_webhook_secret:
            server = ZaloWebhookServer(channel, settings.zalo_webhook_secret, "0.0.0.0",
                                       settings.zalo_webhook_port, asyncio.get_running_loop())
            server.start()
            await start_webhook_mode(client, settings.zalo_webhook_url,
                                     settings.zalo_webhook_secret)
            try:
                yield
            finally:
                server.stop()
            return
        await start_polling_mode(client)
        polling_task = asyncio.create_task(channel.poll_forever(stop))

        def stop_if_failed(task: asyncio.Task[None]) -> None:
            # A permanent error (a revoked token) ends polling: stop the whole bot visibly
            # rather than keep running deaf to Zalo.
            if not task.cancelled() and task.exception() is not None:
                log.error("Zalo: ngừng nhận tin nhắn: %s", task.exception())
                stop.set()

        polling_task.add_done_callback(stop_if_failed)
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(Exception):
                await polling_task
