"""The composition root: settings, database, plan, clock, command layer, channels and timer.

Everything is built here once and handed down; nothing else reads settings or the real clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import threading
import time as monotonic_time
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from bot import agency_changes, texts
from bot.channels.base import OutMessage, StartupError, Transport, TransportError
from bot.commands import Commands
from bot.deferred import deferred_text
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.tick import Queued, run_tick
from bot.inbox import Inbox
from bot.serving import web_server
from bot.settings import Settings
from bot.web import WebApp
from plan_data.loader import bundled_plan_path, load_directory, load_plan
from plan_data.reorganisation import load_reorganisation
from scheduler.plan import Directory, Plan
from scheduler.workdays import WorkingCalendar
from storage import outbox, people
from storage.db import (
    make_engine,
    make_sessionmaker,
    schema_is_current,
    sqlite_file_missing,
    upgrade,
)
from storage.extend import extend_stored_plans
from storage.journal import Journal, default_journal_path
from storage.models import AgencyRow, OutboxKind
from storage.schedule import claim_tick, complete_tick, pending_ticks, renew_tick
from storage.sync import SyncReport, ensure_synced, sync_plan

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# Occurrences are kept this far ahead of today, so recurring tasks never run out.
SYNC_HORIZON = timedelta(days=400)

NO_CHANNEL = texts.NO_CHANNEL


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
    # What the channels call: the command layer behind the journal of messages kept for later.
    inbox: Inbox = field(init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        journal = Journal(settings.journal_path or default_journal_path(settings.db_url))
        self.inbox = Inbox(self.commands, journal, self.sessions, self.clock, settings.tz)

    def sync(self, now: datetime) -> SyncReport:
        """Bring the database in step with the plan file, occurrences up to the horizon: only
        when the plan or agency file changed since the last sync; else only the occurrences
        the horizon newly reaches are added."""
        with self.sessions() as session, session.begin():
            today = now.astimezone(self.settings.tz).date()
            # Agencies succeeded or dissolved by today: work moved, officers told once.
            agency_changes.apply_due(session, today, now)
            report = ensure_synced(session, self.directory, self.plan, today + SYNC_HORIZON,
                                   now, today=today) or SyncReport()
            # The plans added with `plan add` have no file read here: from their rows.
            report.occurrences_added += extend_stored_plans(
                session, today + SYNC_HORIZON, now, today, skip=self.plan.id)
            return report

    def reorganise(self, now: datetime) -> None:
        """Record the bundled 2025 reorganisation and apply what is in force at `now`."""
        with self.sessions() as session, session.begin():
            today = now.astimezone(self.settings.tz).date()
            agency_changes.apply_reorganisation(session, load_reorganisation())
            agency_changes.apply_due(session, today, now)
            sync_plan(session, self.directory, self.plan, today + SYNC_HORIZON, now,
                      today=today)

    def defer_reply(self, channel: str, message: OutMessage) -> None:
        """Hand an answer not sent now to the outbox, not to lose it (`first_piece`: sent)."""
        now = self.clock()
        with self.sessions() as session, session.begin():
            text = deferred_text(session, message, self.settings.web_url, self.settings.tz, now)
            outbox.enqueue_reply(session, channel, message.chat_id, text,
                                  [(b.label, b.data) for b in message.buttons], now,
                                  pieces_sent=message.first_piece)

    def chat_migrated(self, channel: str, old_chat_id: str, new_chat_id: str) -> None:
        """Record a chat's new id (a Telegram group became a supergroup), queued messages too."""
        with self.sessions() as session, session.begin():
            people.move_chat(session, channel, old_chat_id, new_chat_id)

    def tell_channel_down(self, channel: str, reason: str) -> int:
        """Queue the alert that `channel` stopped to every coordinator on another channel."""
        now = self.clock()
        alert = texts.channel_down_alert(channel, reason)
        with self.sessions() as session, session.begin():
            return sum(
                outbox.enqueue(session, chat, OutboxKind.NOTICE.value, alert, (), now,
                                dedupe_key=f"down:{channel}:{now.isoformat()}:c{chat.id}")
                for chat in people.coordinator_chats(session) if chat.channel != channel)

    def tick(self, now: datetime, *, forced: bool = False) -> list[Queued] | None:
        """Run the tick due at `now` (or, `forced`, a tick at `now` whatever the time)."""
        settings = self.settings
        lease = timedelta(seconds=settings.claim_lease_seconds)
        served: set[str] | None = None  # a forced tick serves every plan
        instants: list[datetime] = []
        if not forced:
            # A forced tick (the CLI, maybe at a future --as-of) serves no send instant, so
            # it never silences the timer until that instant. Each plan has its send time:
            # one claim per instant serves the plans whose send time it is.
            with self.sessions() as session, session.begin():
                served = set()
                for instant, plans in pending_ticks(session, now, settings.send_at,
                                                    self.calendar, settings.tz, lease):
                    if claim_tick(session, instant, now, lease):
                        instants.append(instant)
                        served.update(plan.id for plan in plans)
                if not served:
                    return None
        self.sync(now)

        def renew(session: Session) -> None:
            for instant in instants:
                renew_tick(session, instant, self._since(now))

        result = run_tick(self.sessions, now, self.calendar, settings.tz, settings.send_at,
                          served, on_batch=renew)
        if instants:
            with self.sessions() as session, session.begin():
                for instant in instants:
                    complete_tick(session, instant, self._since(now))
        # Logged once committed, and only when something was queued: a quiet tick is silent.
        if result.messages:
            log.info("tick %s: %d reminders, %d messages queued",
                     now.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M"),
                     len(result.queued), result.messages)
        return result.queued


    def _since(self, now: datetime) -> datetime:
        """Return the clock's time, never before `now` (the instant the tick started at)."""
        return max(self.clock(), now)


class NotInitialisedError(RuntimeError):
    """The database does not exist or is not at the newest schema: `nhacviec init` is needed."""


def build_services(settings: Settings, clock: Clock, *, read_only: bool = False) -> Services:
    """Upgrade the database, load the plan and wire the command layer.

    `read_only` (status, report): neither create, upgrade nor sync the database; raise
    NotInitialisedError if it is missing or not current. Raise PlanError or CalendarError for a
    bad plan or calendar file.
    """
    directory = load_directory(settings.agencies_path)
    plan = load_plan(settings.plan_path or bundled_plan_path(), directory)
    calendar = WorkingCalendar.from_overrides(settings.calendar_path)
    if read_only:
        if sqlite_file_missing(settings.db_url):  # connecting would create the file
            raise NotInitialisedError(settings.db_url)
        engine = make_engine(settings.db_url)
        if not schema_is_current(engine):
            engine.dispose()
            raise NotInitialisedError(settings.db_url)
    else:
        upgrade(settings.db_url)
        engine = make_engine(settings.db_url)
    sessions = make_sessionmaker(engine)
    commands = Commands(sessions, clock, calendar, settings.tz, web_url=settings.web_url)
    services = Services(settings, engine, sessions, clock, calendar, directory, plan, commands)
    if not read_only:
        with sessions() as session:
            fresh = session.scalar(select(AgencyRow.code).limit(1)) is None
        services.sync(clock())
        if fresh and settings.agencies_path is None:
            services.reorganise(clock())  # a fresh database gets what `init` gives it
    return services


@contextlib.asynccontextmanager
async def background(services: Services, transports: Mapping[str, Transport],
                     stop: asyncio.Event, *,
                     chats: frozenset[tuple[str, str]] | None = None,
                     on_channel_down: Callable[[str, TransportError], None] | None = None,
                     ) -> AsyncIterator[None]:
    """Run the timer (a tick check every minute) and the dispatcher while inside the block."""
    settings = services.settings

    ticking = threading.Lock()

    def tick_job() -> None:
        with ticking:
            try:
                # Messages kept while the database could not take them go first, in order.
                services.inbox.replay()
                services.tick(services.clock())  # logs what it queued, if anything
            except Exception:
                log.exception("tick failed")

    try:
        await asyncio.to_thread(services.inbox.replay)  # at start-up, before any new message
    except Exception:
        log.exception("replaying the journal failed")
    # A thread pool of our own: APScheduler's asyncio executor cancels a tick still running at
    # shutdown and logs the CancelledError as a failed job (seen at the end of `nhacviec chat`).
    scheduler = AsyncIOScheduler(timezone=settings.tz,
                                 executors={"default": ThreadPoolExecutor(max_workers=1)})
    # APScheduler only wakes the process; the database decides whether a tick is due.
    scheduler.add_job(tick_job, IntervalTrigger(minutes=1), next_run_time=datetime.now(UTC),
                      max_instances=1, coalesce=True)
    scheduler.start()
    dispatcher = Dispatcher(services.sessions, transports, services.clock,
                            per_second=settings.rate_per_second,
                            per_chat_per_second=settings.rate_per_chat_per_second,
                            lease=timedelta(seconds=settings.claim_lease_seconds), chats=chats,
                            on_channel_down=on_channel_down)
    sending = asyncio.create_task(dispatcher.run_forever(stop))
    try:
        yield
    finally:
        stop.set()
        scheduler.shutdown(wait=False)
        # A tick under way finishes its transaction before the block is left.
        await asyncio.to_thread(_wait_for, ticking)
        await sending


def _wait_for(lock: threading.Lock) -> None:
    with lock:
        pass


class _Health:
    """Which channels still work. A channel that stops is told once, in the log and to the
    coordinators on the others; when none is left the bot stops with exit code 1."""

    def __init__(self, services: Services, stop: asyncio.Event) -> None:
        self.services = services
        self.stop = stop
        self.running: set[str] = set()
        self.down: set[str] = set()
        self.exit_code = 0

    def started(self, channels: Collection[str]) -> None:
        """Record the channels that started (one may have stopped already)."""
        self.running = set(channels)
        self._stop_if_none_left()

    def channel_down(self, channel: str, reason: str) -> None:
        if channel in self.down:
            return
        self.down.add(channel)
        log.error(texts.channel_stopped(channel, reason))
        try:
            self.services.tell_channel_down(channel, reason)
        except Exception:
            log.exception("could not queue the alert that %s stopped", channel)
        self._stop_if_none_left()

    def _stop_if_none_left(self) -> None:
        if self.running and self.running <= self.down and self.exit_code == 0:
            log.error(texts.NO_CHANNEL_LEFT)
            self.exit_code = 1
            self.stop.set()

    def transport_down(self, channel: str, error: TransportError) -> None:
        self.channel_down(channel, error.message)


async def run_bot(services: Services, stop: asyncio.Event | None = None, *,
                  startup_attempts: int | None = None,
                  startup_interval: float | None = None) -> int:
    """Run the configured channels, the timer and the dispatcher until `stop` or a signal.

    Return 0 when stopped, 1 when every channel stopped working, 2 when one could not start
    (its token refused, its server unreachable): the reason is logged in one line.
    """
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

    start = _Startup(startup_attempts, startup_interval)
    health = _Health(services, stop)
    running = asyncio.Event()
    serving = asyncio.create_task(_serve(services, stop, start, health, running))
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not serving.done() and not running.is_set():
        # Stopped while a channel still retries its start-up (a server unreachable): a signal
        # must not wait out the retries (a container stop kills after 10 s).
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        return 0
    return await serving


async def _serve(services: Services, stop: asyncio.Event, start: _Startup, health: _Health,
                 running: asyncio.Event) -> int:
    settings = services.settings
    transports: dict[str, Transport] = {}
    try:
        async with contextlib.AsyncExitStack() as stack:
            web = await stack.enter_async_context(web_server(services))
            if settings.telegram_token:
                await stack.enter_async_context(_telegram(services, settings.telegram_token,
                                                          transports, health, start, web))
            if settings.zalo_token:
                await stack.enter_async_context(_zalo(services, settings.zalo_token,
                                                      transports, stop, health, start, web))
            health.started(transports)
            await stack.enter_async_context(background(services, transports, stop,
                                                       on_channel_down=health.transport_down))
            log.info("nhacviec running: %s", ", ".join(sorted(transports)))
            # What start-up built (165,000 objects at 300k) leaves the collector's full passes,
            # which stopped every thread, answers included, for 100 ms (README, Scale).
            gc.collect()
            gc.freeze()
            running.set()
            try:
                await stop.wait()
            finally:
                gc.unfreeze()
    except StartupError as exc:
        log.error("%s", exc)
        return 2
    return health.exit_code


@dataclass(frozen=True)
class _Startup:
    """How often a channel's start-up calls are tried (None: the channel's default)."""

    attempts: int | None
    interval: float | None


@contextlib.asynccontextmanager
async def _telegram(services: Services, token: str, transports: dict[str, Transport],
                    health: _Health, start: _Startup, web: WebApp | None) -> AsyncIterator[None]:
    from bot.channels.telegram.startup import telegram_channel

    settings = services.settings

    async def migrated(old_chat_id: str, new_chat_id: str) -> None:
        await asyncio.to_thread(services.chat_migrated, "telegram", old_chat_id, new_chat_id)

    async with telegram_channel(
        token, settings.telegram_api_url, services.inbox, transports, tz=settings.tz,
        webhook_url=settings.telegram_webhook_url, web=web,
        on_undelivered=services.defer_reply, on_migrated=migrated,
        on_down=lambda reason: health.channel_down("telegram", reason),
        attempts=start.attempts, interval=start.interval, evidence_dir=settings.evidence_dir,
    ):
        yield


@contextlib.asynccontextmanager
async def _zalo(services: Services, token: str, transports: dict[str, Transport],
                stop: asyncio.Event, health: _Health, start: _Startup,
                web: WebApp | None) -> AsyncIterator[None]:
    from bot.channels.zalo.startup import zalo_channel

    settings = services.settings
    async with zalo_channel(
        token, settings.zalo_api_url, services.inbox, transports, stop,
        webhook_url=settings.zalo_webhook_url, webhook_secret=settings.zalo_webhook_secret,
        web=web, on_undelivered=services.defer_reply,
        on_down=lambda reason: health.channel_down("zalo", reason),
        attempts=start.attempts, interval=start.interval, evidence_dir=settings.evidence_dir,
    ):
        yield
