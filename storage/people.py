"""Officers, their agencies and their chats. Each takes the session first; none commits."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from storage.models import (
    AgencyRow,
    Officer,
    OfficerChat,
    OutboxMessage,
    OutboxStatus,
    PlanRow,
    Role,
)
from storage.rows import rows_changed

# Built once, run with each message's values: see storage.work on what building costs.
_OFFICER_FOR_CHAT = (
    select(Officer)
    .join(OfficerChat, OfficerChat.officer_id == Officer.id)
    .where(OfficerChat.channel == bindparam("channel"), OfficerChat.chat_id == bindparam("chat"),
           Officer.active.is_(True))
)


def officer_for_chat(session: Session, channel: str, chat_id: str) -> Officer | None:
    """Return the active officer bound to this chat, or None."""
    return session.scalars(_OFFICER_FOR_CHAT, {"channel": channel, "chat": chat_id}).one_or_none()


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


def coordinator_chats(session: Session, plan_id: str | None = None) -> list[OfficerChat]:
    """Return the reachable chats of every active coordinator; with `plan_id`, only those of
    the plan's coordinating agency."""
    query = (
        select(OfficerChat)
        .join(Officer)
        .where(
            Officer.role == Role.COORDINATOR.value,
            Officer.active.is_(True),
            OfficerChat.reachable.is_(True),
        )
    )
    if plan_id is not None:
        coordinating = select(PlanRow.coordinator_code).where(PlanRow.id == plan_id)
        query = query.where(Officer.agency_code == coordinating.scalar_subquery())
    return list(session.scalars(query.order_by(OfficerChat.id)))



def chat(session: Session, channel: str, chat_id: str) -> OfficerChat | None:
    """Return the chat with this id on this channel, or None."""
    return session.scalars(select(OfficerChat).where(
        OfficerChat.channel == channel, OfficerChat.chat_id == chat_id)).one_or_none()


def set_chat_open(session: Session, channel: str, chat_id: str, open_: bool,
                  reason: str | None = None) -> None:
    """Mark a chat that opens and closes (a terminal session) reachable or not (for `reason`)."""
    session.execute(update(OfficerChat)
                    .where(OfficerChat.channel == channel, OfficerChat.chat_id == chat_id)
                    .values(reachable=open_,
                            unreachable_reason=None if open_ else reason)
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



def move_chat(session: Session, channel: str, old_chat_id: str, new_chat_id: str) -> bool:
    """Move a chat to its new id (a Telegram group became a supergroup), with its queued
    messages. Return False if no officer had the old id."""
    moved = rows_changed(session, update(OfficerChat)
                          .where(OfficerChat.channel == channel,
                                 OfficerChat.chat_id == old_chat_id)
                          .values(chat_id=new_chat_id))
    rows_changed(session, update(OutboxMessage)
                  .where(OutboxMessage.channel == channel,
                         OutboxMessage.chat_id == old_chat_id,
                         OutboxMessage.status.in_((OutboxStatus.QUEUED.value,
                                                   OutboxStatus.SENDING.value)))
                  .values(chat_id=new_chat_id))
    return moved > 0
