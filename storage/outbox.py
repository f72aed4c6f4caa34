"""The outbox: messages queued, claimed, sent, retried or failed, and the reminders recorded.
Each takes the session first; none commits."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    false,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import (
    URGENT_KINDS,
    Officer,
    OfficerChat,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    ReminderRow,
)
from storage.rows import rows_changed


def enqueue(
    session: Session,
    chat: OfficerChat,
    kind: str,
    text: str,
    buttons: Sequence[tuple[str, str]],
    now: datetime,
    *,
    assignment_id: int | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Queue a message for `chat`. Return False if `dedupe_key` was queued before."""
    message = OutboxMessage(
        dedupe_key=dedupe_key,
        channel=chat.channel,
        chat_id=chat.chat_id,
        officer_id=chat.officer_id,
        assignment_id=assignment_id,
        kind=kind,
        text=text,
        buttons_json=json.dumps(list(buttons), ensure_ascii=False) if buttons else None,
        status=OutboxStatus.QUEUED.value,
        attempts=0,
        # Ready as soon as it is queued: `now` may be a clock set ahead (`tick --as-of`).
        not_before=None,
        created_at=now,
    )
    if dedupe_key is None:
        session.add(message)
        session.flush()
        return True
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return False
    return True


def enqueue_reply(session: Session, channel: str, chat_id: str, text: str,
                  buttons: Sequence[tuple[str, str]], now: datetime,
                  pieces_sent: int = 0) -> None:
    """Queue an answer that could not be sent directly, so it is retried, not lost.

    `pieces_sent`: the pieces of a long answer already delivered, not to be sent again.
    """
    session.add(OutboxMessage(
        channel=channel, chat_id=chat_id, kind=OutboxKind.REPLY.value, text=text,
        buttons_json=json.dumps(list(buttons), ensure_ascii=False) if buttons else None,
        status=OutboxStatus.QUEUED.value, attempts=0, not_before=None,
        pieces_sent=pieces_sent, created_at=now))
    session.flush()


def last_reminder_to_chat(session: Session, channel: str, chat_id: str) -> OutboxMessage | None:
    """Return the reminder with buttons this chat received last (sent, not merely queued): a
    one-item reminder (its assignment set) or a day's message listing several items."""
    # A queued reminder is not on the person's screen yet: a bare "1" answers what they saw.
    return session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.chat_id == chat_id,
            or_(OutboxMessage.assignment_id.is_not(None),
                OutboxMessage.kind == OutboxKind.REMINDER.value),
            OutboxMessage.buttons_json.is_not(None),
            OutboxMessage.status == OutboxStatus.SENT.value,
        )
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    ).first()


def queued_keys(session: Session, dedupe_keys: Collection[str]) -> set[str]:
    """Return which of `dedupe_keys` were queued before (in any state)."""
    if not dedupe_keys:
        return set()
    return set(session.scalars(select(OutboxMessage.dedupe_key)
                               .where(OutboxMessage.dedupe_key.in_(list(dedupe_keys)))))


def record_reminder(
    session: Session, assignment_id: int, step: str, key: str, day: date, now: datetime
) -> ReminderRow | None:
    """Record that a reminder was queued; return None if it had been already (unique key)."""
    row = ReminderRow(assignment_id=assignment_id, step=step, key=key, day=day, created_at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row



@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    chat_id: str
    text: str
    buttons: tuple[tuple[str, str], ...]
    attempts: int
    pieces_sent: int = 0


URGENT, SCHEDULED = 0, 1


def lane_of(kind: str) -> int:
    """Return the lane of an outbox kind: URGENT (a person waits for it) or SCHEDULED."""
    return URGENT if kind in URGENT_KINDS else SCHEDULED


def _lane() -> ColumnElement[int]:
    return case((OutboxMessage.kind.in_(sorted(URGENT_KINDS)), URGENT), else_=SCHEDULED)


def _ready(now: datetime) -> ColumnElement[bool]:
    """A queued message is ready unless a retry set a later time."""
    return and_(OutboxMessage.status == OutboxStatus.QUEUED.value,
                or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now))




def has_unsent(session: Session) -> bool:
    """Return True if a message waits to be sent or is being sent (through the status index)."""
    return session.execute(_ANY_UNSENT).first() is not None


_ANY_UNSENT = select(OutboxMessage.id).where(OutboxMessage.status.in_(
    [OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value])).limit(1)


def drop_messages_of_revoked(session: Session, reason: str) -> int:
    """Fail the queued messages of officers revoked since they were queued, for `reason`;
    return how many."""
    revoked = select(Officer.id).where(Officer.active.is_(False))
    return rows_changed(session, update(OutboxMessage)
                         .where(OutboxMessage.status == OutboxStatus.QUEUED.value,
                                OutboxMessage.officer_id.in_(revoked))
                         .values(status=OutboxStatus.FAILED.value,
                                 last_error=reason))


def requeue_stale(session: Session, now: datetime, lease: timedelta) -> int:
    """Put back messages claimed longer than `lease` ago (their sender died)."""
    return rows_changed(session, update(OutboxMessage)
                         .where(OutboxMessage.status == OutboxStatus.SENDING.value,
                                OutboxMessage.claimed_at < now - lease)
                         # The attempt counts: a message that kills its sender is not
                         # retried forever.
                         .values(status=OutboxStatus.QUEUED.value, claimed_at=None,
                                 not_before=None, attempts=OutboxMessage.attempts + 1))


def renew_claims(session: Session, message_ids: Collection[int], now: datetime) -> int:
    """Extend the lease of messages still being sent: their sender is alive and working."""
    if not message_ids:
        return 0
    return rows_changed(session, update(OutboxMessage)
                         .where(OutboxMessage.id.in_(list(message_ids)),
                                OutboxMessage.status == OutboxStatus.SENDING.value)
                         .values(claimed_at=now))


def record_pieces(session: Session, message_id: int, pieces_sent: int) -> None:
    """Record that the first `pieces_sent` pieces of a message were delivered."""
    rows_changed(session, update(OutboxMessage)
                  .where(OutboxMessage.id == message_id)
                  .values(pieces_sent=pieces_sent))


def ready_messages(session: Session, now: datetime, limit: int, *,
                   channels: Collection[str] | None = None,
                   chats: Collection[tuple[str, str]] | None = None) -> list[OutboxMessage]:
    """Return the oldest ready queued message of each chat and lane, urgent first, then oldest.

    One per chat and lane, so a long backlog for one chat (or for a channel this process does
    not serve, filtered out by `channels` and `chats`) never hides the others, and a reminder
    never hides an urgent message to its chat.
    """
    oldest = (
        select(func.min(OutboxMessage.id))
        .where(_ready(now))
        .group_by(OutboxMessage.channel, OutboxMessage.chat_id, _lane())
    )
    if channels is not None:
        oldest = oldest.where(OutboxMessage.channel.in_(list(channels)))
    if chats is not None:
        oldest = oldest.where(or_(false(), *(
            and_(OutboxMessage.channel == channel, OutboxMessage.chat_id == chat_id)
            for channel, chat_id in chats)))
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(oldest))
        .order_by(_lane(), OutboxMessage.id).limit(limit)))


def held_back(session: Session, now: datetime) -> dict[tuple[str, str, int], int]:
    """Return, per chat and lane, the id of its oldest message waiting for a retry or in flight.

    The later messages of that chat and lane wait for it, so each lane keeps its order.
    """
    waiting = or_(OutboxMessage.status == OutboxStatus.SENDING.value,
                  and_(OutboxMessage.status == OutboxStatus.QUEUED.value,
                       OutboxMessage.not_before > now))
    lane = _lane()
    rows = session.execute(
        select(OutboxMessage.channel, OutboxMessage.chat_id, lane, func.min(OutboxMessage.id))
        .where(waiting).group_by(OutboxMessage.channel, OutboxMessage.chat_id, lane))
    return {(channel, chat_id, lane_value): first
            for channel, chat_id, lane_value, first in rows}


def claim(session: Session, message_id: int, now: datetime) -> bool:
    """Claim a queued message for sending. False: another worker got there first."""
    return rows_changed(session, update(OutboxMessage)
                         .where(OutboxMessage.id == message_id,
                                OutboxMessage.status == OutboxStatus.QUEUED.value)
                         .values(status=OutboxStatus.SENDING.value, claimed_at=now)) == 1


def mark_sent(session: Session, message_id: int, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=OutboxStatus.SENT.value, sent_at=now, last_error=None)
        .execution_options(synchronize_session=False)
    )


def mark_retry(session: Session, message_id: int, not_before: datetime, error: str,
               pieces_sent: int) -> None:
    """Put a message back to wait for `not_before`; its first `pieces_sent` pieces went out."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status=OutboxStatus.QUEUED.value,
            claimed_at=None,
            not_before=not_before,
            last_error=error,
            attempts=OutboxMessage.attempts + 1,
            pieces_sent=pieces_sent,
        )
        .execution_options(synchronize_session=False)
    )


def mark_failed(session: Session, message_id: int, error: str) -> OutboxMessage:
    message = session.get_one(OutboxMessage, message_id)
    message.status = OutboxStatus.FAILED.value
    message.last_error = error
    message.attempts += 1
    session.flush()
    return message



def buttons_of(message: OutboxMessage) -> tuple[tuple[str, str], ...]:
    if not message.buttons_json:
        return ()
    return tuple((str(label), str(data)) for label, data in json.loads(message.buttons_json))


def queued_at(session: Session, message_id: int) -> datetime:
    """Return when the message was queued."""
    return session.get_one(OutboxMessage, message_id).created_at
