"""Queries of the command layer and of delivery. Each takes the session first; none commits."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Select,
    and_,
    case,
    delete,
    false,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager

from scheduler.status import Standing, standing
from storage.models import (
    URGENT_KINDS,
    AgencyRow,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    EventStatus,
    InboundMessage,
    OccurrenceRow,
    Officer,
    OfficerChat,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    PendingPrompt,
    PromptKind,
    ReminderRow,
    Role,
    StatusEvent,
    TaskRow,
)

# ---- people -------------------------------------------------------------------------------


def officer_for_chat(session: Session, channel: str, chat_id: str) -> Officer | None:
    """Return the active officer bound to this chat, or None."""
    return session.scalars(
        select(Officer)
        .join(OfficerChat, OfficerChat.officer_id == Officer.id)
        .where(
            OfficerChat.channel == channel, OfficerChat.chat_id == chat_id, Officer.active.is_(True)
        )
    ).one_or_none()


def agency_names(session: Session) -> dict[str, AgencyRow]:
    """Return every agency by code."""
    return {row.code: row for row in session.scalars(select(AgencyRow))}


def chats_of_agency(session: Session, agency_code: str) -> list[OfficerChat]:
    """Return the reachable chats of the agency's active officers, leaders excepted."""
    return list(
        session.scalars(
            select(OfficerChat)
            .join(Officer)
            .where(
                Officer.agency_code == agency_code,
                Officer.active.is_(True),
                Officer.role != Role.LEADER.value,
                OfficerChat.reachable.is_(True),
            )
            .order_by(OfficerChat.id)
        )
    )


def leader_chats(session: Session) -> list[OfficerChat]:
    """Return the reachable chats of every active leader."""
    return list(session.scalars(
        select(OfficerChat).join(Officer)
        .where(Officer.role == Role.LEADER.value, Officer.active.is_(True),
               OfficerChat.reachable.is_(True))
        .order_by(OfficerChat.id)
    ))


def coordinator_chats(session: Session) -> list[OfficerChat]:
    """Return the reachable chats of every active coordinator."""
    return list(
        session.scalars(
            select(OfficerChat)
            .join(Officer)
            .where(
                Officer.role == Role.COORDINATOR.value,
                Officer.active.is_(True),
                OfficerChat.reachable.is_(True),
            )
            .order_by(OfficerChat.id)
        )
    )


# ---- tasks and assignments ------------------------------------------------------------------


def tasks_by_key(session: Session, key: str) -> list[TaskRow]:
    """Return the live tasks whose key is `key`, ignoring case (one per plan)."""
    return list(
        session.scalars(
            select(TaskRow)
            .where(func.upper(TaskRow.key) == key.upper(), TaskRow.archived.is_(False))
            .order_by(TaskRow.plan_id)
        )
    )


def _live_assignments() -> Select[Assignment]:
    return (
        select(Assignment)
        .join(Assignment.occurrence)
        .join(OccurrenceRow.task)
        .options(contains_eager(Assignment.occurrence).contains_eager(OccurrenceRow.task))
        .where(
            Assignment.archived.is_(False),
            OccurrenceRow.archived.is_(False),
            TaskRow.archived.is_(False),
        )
    )


def assignment_for_update(session: Session, assignment_id: int) -> Assignment | None:
    """Return the assignment, locked until the transaction ends (two reports cannot interleave)."""
    return session.get(Assignment, assignment_id, with_for_update=True, populate_existing=True)


def assignments_of_task(
    session: Session,
    task_id: int,
    agency_code: str | None = None,
    role: AssignmentRole | None = None,
    *,
    for_update: bool = False,
) -> list[Assignment]:
    """Return the live assignments of a task, by due date, optionally of one agency or role.

    `for_update` locks them until the transaction ends, and reads their current state.
    """
    query = _live_assignments().where(TaskRow.id == task_id)
    if for_update:
        query = query.with_for_update(of=Assignment).execution_options(populate_existing=True)
    if agency_code is not None:
        query = query.where(Assignment.agency_code == agency_code)
    if role is not None:
        query = query.where(Assignment.role == role.value)
    return list(session.scalars(query.order_by(OccurrenceRow.due, Assignment.id)))


def lead_assignments(
    session: Session, today: date, agency_code: str | None = None, task_id: int | None = None
) -> list[Assignment]:
    """Return the live lead assignments whose window has opened by `today`."""
    query = _live_assignments().where(
        Assignment.role == AssignmentRole.LEAD.value, OccurrenceRow.window_start <= today
    )
    if agency_code is not None:
        query = query.where(Assignment.agency_code == agency_code)
    if task_id is not None:
        query = query.where(TaskRow.id == task_id)
    return list(
        session.scalars(query.order_by(OccurrenceRow.due, TaskRow.id, Assignment.agency_code))
    )


def open_items(session: Session, agency_code: str, today: date) -> list[Assignment]:
    """Return the agency's lead work not yet done: every opened window, plus the next one due."""
    query = (
        _live_assignments()
        .where(
            Assignment.agency_code == agency_code,
            Assignment.role == AssignmentRole.LEAD.value,
            Assignment.status != AssignmentStatus.DONE.value,
        )
        .order_by(OccurrenceRow.due, TaskRow.id)
    )
    items: list[Assignment] = []
    upcoming: set[int] = set()
    for assignment in session.scalars(query):
        task_id = assignment.occurrence.task_id
        if assignment.occurrence.window_start <= today:
            items.append(assignment)
        elif task_id not in upcoming and not any(a.occurrence.task_id == task_id for a in items):
            items.append(assignment)
            upcoming.add(task_id)
    return items


def standing_of(assignment: Assignment, today: date) -> Standing:
    return standing(
        assignment.occurrence.due,
        assignment.completed_on,
        assignment.status == AssignmentStatus.BLOCKED.value,
        today,
    )


def record_event(
    session: Session,
    assignment: Assignment,
    status: EventStatus,
    note: str | None,
    officer: Officer | None,
    channel: str,
    now: datetime,
    today: date,
) -> StatusEvent:
    """Append a status event and move the assignment's current status accordingly."""
    event = StatusEvent(
        assignment_id=assignment.id,
        officer_id=officer.id if officer else None,
        agency_code=officer.agency_code if officer else assignment.agency_code,
        channel=channel,
        status=status.value,
        note=note,
        at=now,
    )
    session.add(event)
    if status is EventStatus.DONE:
        assignment.status = AssignmentStatus.DONE.value
        assignment.completed_on = today
        assignment.snoozed_until = None
    elif status is EventStatus.BLOCKED:
        assignment.status = AssignmentStatus.BLOCKED.value
    assignment.updated_at = now
    session.flush()
    return event


def snooze(
    session: Session,
    assignment: Assignment,
    until: date,
    officer: Officer,
    channel: str,
    now: datetime,
) -> None:
    record_event(
        session,
        assignment,
        EventStatus.SNOOZE,
        f"nhắc lại ngày {until.isoformat()}",
        officer,
        channel,
        now,
        until,
    )
    assignment.snoozed_until = until


# What a person reports about where the work stands; a withdrawal (/huy) takes one back.
REPORTS = (EventStatus.DONE, EventStatus.BLOCKED, EventStatus.PROGRESS)


def latest_report(session: Session, assignment_ids: Collection[int]) -> StatusEvent | None:
    """Return the latest report on any of the assignments that was not withdrawn, or None."""
    if not assignment_ids:
        return None
    withdrawn = select(StatusEvent.withdraws_id).where(StatusEvent.withdraws_id.is_not(None))
    return session.scalars(
        select(StatusEvent)
        .where(StatusEvent.assignment_id.in_(list(assignment_ids)),
               StatusEvent.status.in_([status.value for status in REPORTS]),
               StatusEvent.id.not_in(withdrawn))
        .order_by(StatusEvent.id.desc())
        .limit(1)
    ).first()


def withdraw_report(
    session: Session,
    assignment: Assignment,
    report: StatusEvent,
    note: str | None,
    officer: Officer,
    channel: str,
    now: datetime,
    tz: tzinfo,
) -> StatusEvent:
    """Append the withdrawal of `report` and put the assignment in the state the reports left
    standing give it (the report itself is kept). `tz` gives the day of a completion."""
    withdrawal = StatusEvent(
        assignment_id=assignment.id, officer_id=officer.id, agency_code=officer.agency_code,
        channel=channel, status=EventStatus.WITHDRAWN.value, note=note, at=now,
        withdraws_id=report.id)
    session.add(withdrawal)
    session.flush()
    events = list(session.scalars(
        select(StatusEvent).where(StatusEvent.assignment_id == assignment.id)
        .order_by(StatusEvent.id)))
    withdrawn = {e.withdraws_id for e in events if e.withdraws_id is not None}
    status, completed_on = AssignmentStatus.OPEN, None
    for event in events:
        if event.id in withdrawn:
            continue
        if event.status == EventStatus.DONE.value:
            status, completed_on = AssignmentStatus.DONE, event.at.astimezone(tz).date()
        elif event.status == EventStatus.BLOCKED.value:
            status = AssignmentStatus.BLOCKED
        elif event.status == EventStatus.REOPENED.value:
            status, completed_on = AssignmentStatus.OPEN, None
    assignment.status = status.value
    assignment.completed_on = completed_on
    assignment.updated_at = now
    session.flush()
    return withdrawal


def last_event(session: Session, assignment_id: int, status: EventStatus) -> StatusEvent | None:
    return session.scalars(
        select(StatusEvent)
        .where(StatusEvent.assignment_id == assignment_id, StatusEvent.status == status.value)
        .order_by(StatusEvent.id.desc())
        .limit(1)
    ).first()


# ---- prompts ------------------------------------------------------------------------------


def record_inbound(session: Session, channel: str, message_id: str, chat_id: str, text: str,
                   now: datetime) -> bool:
    """Keep what a person sent. Return False if this message id was received before."""
    try:
        with session.begin_nested():
            session.add(InboundMessage(channel=channel, message_id=message_id, chat_id=chat_id,
                                       text=text, received_at=now))
    except IntegrityError:
        return False
    return True


def set_prompt(
    session: Session, channel: str, chat_id: str, assignment_id: int, officer: Officer,
    now: datetime
) -> None:
    """Remember that the officer's next message in this chat answers a question about
    `assignment_id`."""
    pop_prompt(session, channel, chat_id)
    session.add(
        PendingPrompt(
            channel=channel,
            chat_id=chat_id,
            assignment_id=assignment_id,
            officer_id=officer.id,
            kind=PromptKind.BLOCKED_REASON.value,
            created_at=now,
        )
    )
    session.flush()


def pop_prompt(session: Session, channel: str, chat_id: str) -> PendingPrompt | None:
    """Remove and return the chat's pending question, if any."""
    prompt = session.scalars(
        select(PendingPrompt).where(
            PendingPrompt.channel == channel, PendingPrompt.chat_id == chat_id
        )
    ).one_or_none()
    if prompt is not None:
        session.delete(prompt)
        session.flush()
    return prompt


def drop_prompts(session: Session, *, officer_id: int | None = None,
                 chat: tuple[str, str] | None = None) -> None:
    """Forget the questions asked of an officer, or in a chat (at least one is given)."""
    if officer_id is None and chat is None:
        raise ValueError("drop_prompts needs an officer or a chat")
    statement = delete(PendingPrompt)
    if officer_id is not None:
        statement = statement.where(PendingPrompt.officer_id == officer_id)
    if chat is not None:
        statement = statement.where(PendingPrompt.channel == chat[0],
                                    PendingPrompt.chat_id == chat[1])
    _rows_changed(session, statement)


# ---- outbox -------------------------------------------------------------------------------


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
    """Return the reminder with buttons this chat received last (sent, not merely queued)."""
    # A queued reminder is not on the person's screen yet: a bare "1" answers what they saw.
    return session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.assignment_id.is_not(None),
            OutboxMessage.buttons_json.is_not(None),
            OutboxMessage.status == OutboxStatus.SENT.value,
        )
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    ).first()


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


def _rows_changed(session: Session, statement: Any) -> int:
    """Run an UPDATE and return how many rows it changed."""
    # Session.execute is annotated as returning Result; an UPDATE gives a CursorResult.
    result = cast("CursorResult[Any]",
                  session.execute(statement.execution_options(synchronize_session=False)))
    return result.rowcount


def drop_messages_of_revoked(session: Session) -> int:
    """Fail the queued messages of officers revoked since they were queued; return how many."""
    revoked = select(Officer.id).where(Officer.active.is_(False))
    return _rows_changed(session, update(OutboxMessage)
                         .where(OutboxMessage.status == OutboxStatus.QUEUED.value,
                                OutboxMessage.officer_id.in_(revoked))
                         .values(status=OutboxStatus.FAILED.value,
                                 last_error="cán bộ đã bị vô hiệu hóa"))


def requeue_stale(session: Session, now: datetime, lease: timedelta) -> int:
    """Put back messages claimed longer than `lease` ago (their sender died)."""
    return _rows_changed(session, update(OutboxMessage)
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
    return _rows_changed(session, update(OutboxMessage)
                         .where(OutboxMessage.id.in_(list(message_ids)),
                                OutboxMessage.status == OutboxStatus.SENDING.value)
                         .values(claimed_at=now))


def record_pieces(session: Session, message_id: int, pieces_sent: int) -> None:
    """Record that the first `pieces_sent` pieces of a message were delivered."""
    _rows_changed(session, update(OutboxMessage)
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
    return _rows_changed(session, update(OutboxMessage)
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


def set_chat_open(session: Session, channel: str, chat_id: str, open_: bool) -> None:
    """Mark a chat that opens and closes (a terminal session) reachable or not."""
    session.execute(update(OfficerChat)
                    .where(OfficerChat.channel == channel, OfficerChat.chat_id == chat_id)
                    .values(reachable=open_,
                            unreachable_reason=None if open_ else "phiên đã đóng")
                    .execution_options(synchronize_session=False))


def mark_unreachable(
    session: Session, channel: str, chat_id: str, reason: str
) -> OfficerChat | None:
    """Mark the chat unreachable; return it if it was reachable until now, else None."""
    chat = session.scalars(
        select(OfficerChat).where(OfficerChat.channel == channel, OfficerChat.chat_id == chat_id)
    ).one_or_none()
    if chat is None or not chat.reachable:
        return None
    chat.reachable = False
    chat.unreachable_reason = reason
    session.flush()
    return chat


def buttons_of(message: OutboxMessage) -> tuple[tuple[str, str], ...]:
    if not message.buttons_json:
        return ()
    return tuple((str(label), str(data)) for label, data in json.loads(message.buttons_json))


def move_chat(session: Session, channel: str, old_chat_id: str, new_chat_id: str) -> bool:
    """Move a chat to its new id (a Telegram group became a supergroup), with its queued
    messages. Return False if no officer had the old id."""
    moved = _rows_changed(session, update(OfficerChat)
                          .where(OfficerChat.channel == channel,
                                 OfficerChat.chat_id == old_chat_id)
                          .values(chat_id=new_chat_id))
    _rows_changed(session, update(OutboxMessage)
                  .where(OutboxMessage.channel == channel,
                         OutboxMessage.chat_id == old_chat_id,
                         OutboxMessage.status.in_((OutboxStatus.QUEUED.value,
                                                   OutboxStatus.SENDING.value)))
                  .values(chat_id=new_chat_id))
    return moved > 0
