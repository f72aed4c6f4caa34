"""The dispatcher: sends the outbox in order within rate limits, retrying what failed.

Messages are claimed with a conditional UPDATE before sending and marked sent only after the
platform confirmed them: a crash repeats at most the messages in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot import texts
from bot.channels.base import (
    Button,
    ChannelDown,
    OutMessage,
    Transport,
    TransportError,
    deliver,
)
from bot.delivery.rate import SlidingWindow
from storage import outbox, people, plans
from storage.db import reading
from storage.models import OutboxKind

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# A message that keeps failing transiently is given up after this many attempts, once it has
# waited this long: Telegram refuses some messages for good with an error that is not about the
# chat (a "Bad Request" other than the permanent ones), and such a message would otherwise be
# retried forever while holding its chat's later messages. The age keeps an outage of the
# platform or of our network (every message failing for a while) from failing the outbox.
MAX_ATTEMPTS = 10
GIVE_UP_AFTER = timedelta(days=1)


class Dispatcher:
    """Sends the outbox in order within rate limits, retrying what failed transiently."""

    def __init__(self, sessions: sessionmaker[Session], transports: Mapping[str, Transport],
                 clock: Clock, *, per_second: float = 25.0, per_chat_per_second: float = 1.0,
                 lease: timedelta = timedelta(minutes=2), batch: int = 100,
                 chats: frozenset[tuple[str, str]] | None = None,
                 on_sent: Callable[[int], None] | None = None,
                 on_channel_down: Callable[[str, TransportError], None] | None = None) -> None:
        self.sessions = sessions
        self._reading = reading(sessions)
        self.transports = dict(transports)
        self.clock = clock
        self.spacing = 1.0 / per_second
        # The hard cap: slots spaced by `spacing` bunch up after the loop was busy.
        self._limiter = SlidingWindow.per_second(per_second)
        self.chat_spacing = 1.0 / per_chat_per_second
        self.lease = lease
        self.batch = batch
        self._chat_free_at: dict[tuple[str, str], float] = {}
        # The loop time of the next free slot of the overall rate, carried across passes.
        self._next_slot = 0.0
        # Messages the platform confirmed but whose "sent" mark failed: marked on the next pass.
        self._unrecorded: dict[int, datetime] = {}
        self._on_sent = on_sent
        self._on_channel_down = on_channel_down
        self._only_chats = chats

    async def run_forever(self, stop: asyncio.Event, idle: float = 1.0) -> None:
        """Send until `stop` is set, looking at the outbox again every `idle` seconds."""
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("dispatcher pass failed")
                sent = 0
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle)

    async def run_once(self) -> int:
        """Claim and send what is ready now; return how many messages were attempted."""
        loop = asyncio.get_running_loop()
        now = self.clock()
        claimed: list[outbox.Claimed] = []
        unrecorded = dict(self._unrecorded)
        if not unrecorded:
            # Most passes find nothing: one indexed read, without the write lock that the
            # pass below takes (every second, it would hold officers' commands back).
            with self._reading() as session, session.begin():
                if not outbox.has_unsent(session):
                    return 0
        with self.sessions() as session, session.begin():
            for message_id, sent_at in unrecorded.items():
                outbox.mark_sent(session, message_id, sent_at)
            outbox.requeue_stale(session, now, self.lease)
            outbox.drop_messages_of_revoked(session, texts.OFFICER_REVOKED)
            held = outbox.held_back(session, now)
            taken: set[tuple[str, str]] = set()
            for message in outbox.ready_messages(session, now, self.batch,
                                                  channels=self.transports.keys(),
                                                  chats=self._only_chats):
                chat = (message.channel, message.chat_id)
                # One message per chat and pass (its rate), urgent ones first. Within a lane a
                # chat's messages go in order: one waiting for its retry or in flight elsewhere
                # holds the later ones of its lane, never those of the other lane.
                if chat in taken:
                    continue
                lane = outbox.lane_of(message.kind)
                if held.get((*chat, lane), message.id) < message.id:
                    continue
                if message.channel not in self.transports:
                    continue
                if self._only_chats is not None and chat not in self._only_chats:
                    continue
                if self._chat_free_at.get(chat, 0.0) > loop.time():
                    continue
                if outbox.claim(session, message.id, now):
                    taken.add(chat)
                    claimed.append(outbox.Claimed(message.id, message.channel, message.chat_id,
                                                   message.text, outbox.buttons_of(message),
                                                   message.attempts, message.pieces_sent))
        for message_id in unrecorded:
            del self._unrecorded[message_id]
            if self._on_sent is not None:
                self._on_sent(message_id)
        tasks = []
        started = loop.time()
        first_slot = max(started, self._next_slot)
        in_flight = {message.id for message in claimed}
        for index, claimed_message in enumerate(claimed):
            slot = first_slot + index * self.spacing
            chat_key = (claimed_message.channel, claimed_message.chat_id)
            self._chat_free_at[chat_key] = slot + self.chat_spacing
            tasks.append(asyncio.create_task(
                self._send(claimed_message, slot - started, in_flight)))
        self._next_slot = first_slot + len(claimed) * self.spacing
        # The claims last as long as this pass works on them, however long the lease.
        keeper = asyncio.create_task(self._keep_claimed(in_flight)) if claimed else None
        try:
            # Every send runs to its end before the next pass, even if one of them raised.
            for outcome in await asyncio.gather(*tasks, return_exceptions=True):
                if isinstance(outcome, BaseException):
                    log.error("send failed unexpectedly", exc_info=outcome)
        finally:
            if keeper is not None:
                keeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeper
        return len(claimed)

    async def _keep_claimed(self, in_flight: set[int]) -> None:
        """Renew the claims of the messages still in flight, three times per lease."""
        interval = max(self.lease.total_seconds() / 3, 0.01)
        while in_flight:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self._renew, set(in_flight))
            except SQLAlchemyError:
                log.warning("could not renew the claim of %d messages", len(in_flight),
                            exc_info=True)

    def _renew(self, message_ids: set[int]) -> None:
        with self.sessions() as session, session.begin():
            outbox.renew_claims(session, message_ids, self.clock())

    async def _send(self, message: outbox.Claimed, delay: float, in_flight: set[int]) -> None:
        try:
            await self._deliver(message, delay)
        finally:
            in_flight.discard(message.id)

    async def _deliver(self, message: outbox.Claimed, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        transport = self.transports.get(message.channel)
        if transport is None:
            # Its channel stopped (ChannelDown) since the claim: the message waits for it.
            with self.sessions() as session, session.begin():
                outbox.mark_retry(session, message.id, self.clock(), "channel stopped",
                                   message.pieces_sent)
            return
        out = OutMessage(message.chat_id, message.text,
                         tuple(Button(label, data) for label, data in message.buttons),
                         first_piece=message.pieces_sent)
        pieces_sent = message.pieces_sent

        def piece_sent(count: int) -> None:
            nonlocal pieces_sent
            pieces_sent = count
            self._record_pieces(message.id, count)

        try:
            await deliver(transport, out, on_piece=piece_sent, pace=self._paced)
        except ChannelDown as error:
            self._channel_down(message, error, pieces_sent)
            return
        except TransportError as error:
            self._failed(message, error, pieces_sent)
            return
        except Exception as error:  # a bug in a transport must not lose the message
            log.exception("transport %s crashed", message.channel)
            self._failed(message, TransportError(type(error).__name__), pieces_sent)
            return
        sent_at = self.clock()
        try:
            with self.sessions() as session, session.begin():
                outbox.mark_sent(session, message.id, sent_at)
        except SQLAlchemyError:
            # Left "sending", it would be sent again once its lease ran out.
            log.exception("message %s was sent but could not be marked sent", message.id)
            self._unrecorded[message.id] = sent_at
            return
        if self._on_sent is not None:
            self._on_sent(message.id)

    @contextlib.asynccontextmanager
    async def _paced(self) -> AsyncIterator[None]:
        """Wait until one more call to a platform keeps every window within the rate, and
        count the call from then until a window after its answer."""
        loop = asyncio.get_running_loop()
        while (delay := self._limiter.wait(loop.time())) > 0:
            await asyncio.sleep(delay)
        call = self._limiter.begin(loop.time())
        try:
            yield
        finally:
            self._limiter.end(call, loop.time())

    def _record_pieces(self, message_id: int, count: int) -> None:
        """Record a delivered piece at once: a crash before the next one must not repeat it."""
        try:
            with self.sessions() as session, session.begin():
                outbox.record_pieces(session, message_id, count)
        except SQLAlchemyError:
            # Still recorded with the outcome of the message (sent, or waiting for a retry).
            log.warning("message %s: could not record %d pieces sent", message_id, count,
                        exc_info=True)

    def _failed(self, message: outbox.Claimed, error: TransportError,
                pieces_sent: int) -> None:
        now = self.clock()
        with self.sessions() as session, session.begin():
            if error.permanent:
                self._unreachable(session, message, error, now)
                return
            queued_at = outbox.queued_at(session, message.id)
            if message.attempts + 1 >= MAX_ATTEMPTS and queued_at <= now - GIVE_UP_AFTER:
                self._give_up(session, message, error, now)
                return
            backoff = min(300.0, 2.0 ** min(message.attempts, 8))
            delay = max(error.retry_after or 0.0, backoff)
            log.warning("send %s failed, retry in %.0fs: %s", message.id, delay, error.message)
            outbox.mark_retry(session, message.id, now + timedelta(seconds=delay),
                               error.message, pieces_sent)

    def _channel_down(self, message: outbox.Claimed, error: ChannelDown,
                      pieces_sent: int) -> None:
        """Put the message back and send nothing more on its channel: no chat is at fault."""
        with self.sessions() as session, session.begin():
            outbox.mark_retry(session, message.id, self.clock(), error.message, pieces_sent)
        if self.transports.pop(message.channel, None) is not None:
            log.error("channel %s stopped: %s", message.channel, error.message)
            if self._on_channel_down is not None:
                self._on_channel_down(message.channel, error)

    def _unreachable(self, session: Session, message: outbox.Claimed, error: TransportError,
                     now: datetime) -> None:
        """Fail the message, mark its chat unreachable and, the first time, tell coordinators."""
        log.warning("send %s failed for good: %s", message.id, error.message)
        failed = outbox.mark_failed(session, message.id, error.message)
        chat = people.mark_unreachable(session, message.channel, message.chat_id,
                                        error.message)
        if chat is None:
            return
        officer = chat.officer
        alert = texts.unreachable_alert(officer.name, officer.agency.short_name,
                                        message.channel, error.message)
        # A plan's item: its coordinators; anything else: every coordinator.
        plan_id = plans.plan_of_assignment(session, failed.assignment_id)
        for coordinator_chat in people.coordinator_chats(session, plan_id):
            outbox.enqueue(session, coordinator_chat, OutboxKind.NOTICE.value, alert, (),
                            now, dedupe_key=f"u{chat.id}:{message.id}:c{coordinator_chat.id}")

    def _give_up(self, session: Session, message: outbox.Claimed, error: TransportError,
                 now: datetime) -> None:
        """Fail a message that keeps failing and tell the coordinators; the chat stays usable."""
        log.warning("send %s given up after %d attempts: %s", message.id, message.attempts + 1,
                    error.message)
        failed = outbox.mark_failed(session, message.id, error.message)
        chat = people.chat(session, message.channel, message.chat_id)
        # An alert about an alert could bounce between two coordinators' failing chats.
        if chat is None or failed.kind == OutboxKind.NOTICE.value:
            return
        officer = chat.officer
        alert = texts.unreachable_alert(officer.name, officer.agency.short_name,
                                        message.channel, error.message)
        plan_id = plans.plan_of_assignment(session, failed.assignment_id)
        for coordinator_chat in people.coordinator_chats(session, plan_id):
            if coordinator_chat.id != chat.id:
                outbox.enqueue(session, coordinator_chat, OutboxKind.NOTICE.value, alert, (),
                                now, dedupe_key=f"g{message.id}:c{coordinator_chat.id}")
