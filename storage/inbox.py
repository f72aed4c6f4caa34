"""What people sent: inbound messages and the questions awaiting their answer. Each takes the
session first; none commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import (
    InboundMessage,
    Officer,
    PendingPrompt,
    PromptKind,
)
from storage.rows import rows_changed

_NEW_MESSAGE: dict[str, Any] = {name: bindparam(name)
                                for name in ("channel", "message_id", "chat_id", "text",
                                             "received_at")}
_KEEP_SQLITE = (sqlite.insert(InboundMessage).values(_NEW_MESSAGE)
                .on_conflict_do_nothing(index_elements=["channel", "message_id"]))
_KEEP_POSTGRESQL = (postgresql.insert(InboundMessage).values(_NEW_MESSAGE)
                    .on_conflict_do_nothing(index_elements=["channel", "message_id"])
                    .returning(InboundMessage.id))


def record_inbound(session: Session, channel: str, message_id: str, chat_id: str, text: str,
                   now: datetime) -> bool:
    """Keep what a person sent. Return False if this message id was received before."""
    values = {"channel": channel, "message_id": message_id, "chat_id": chat_id, "text": text,
              "received_at": now}
    dialect = session.get_bind().dialect.name
    # One statement, no savepoint, where the database can skip a row it has (SQLite 3.24+,
    # PostgreSQL 9.5+): a message received before inserts nothing. Run on the connection: the
    # ORM has nothing to flush or load for it.
    if dialect == "sqlite":
        return session.connection().execute(_KEEP_SQLITE, values).rowcount == 1
    if dialect == "postgresql":
        # psycopg gives no row count for it: the id it returns says a row was inserted.
        return session.connection().execute(_KEEP_POSTGRESQL, values).first() is not None
    try:
        with session.begin_nested():
            session.add(InboundMessage(**values))
    except IntegrityError:
        return False
    return True


def set_prompt(
    session: Session, channel: str, chat_id: str, assignment_id: int, officer: Officer,
    now: datetime, kind: PromptKind = PromptKind.BLOCKED_REASON,
    status_event_id: int | None = None,
) -> None:
    """Remember that the officer's next message in this chat answers a question about
    `assignment_id` (for PromptKind.EVIDENCE: about its report `status_event_id`)."""
    # On the connection: the ORM has nothing to flush or synchronise for it.
    connection = session.connection()
    connection.execute(_DROP_PROMPT, {"channel": channel, "chat": chat_id})
    connection.execute(_ADD_PROMPT, {
        "channel": channel, "chat_id": chat_id, "assignment_id": assignment_id,
        "officer_id": officer.id, "kind": kind.value, "created_at": now,
        "status_event_id": status_event_id})


# Built once, run with each message's values: see storage.work on what building costs.
_OF_CHAT = (PendingPrompt.channel == bindparam("channel"),
            PendingPrompt.chat_id == bindparam("chat"))
_PROMPT_OF_CHAT = select(PendingPrompt).where(*_OF_CHAT)
_POP_PROMPT = delete(PendingPrompt).where(*_OF_CHAT).returning(
    *PendingPrompt.__table__.columns)
_DROP_PROMPT = delete(PendingPrompt).where(*_OF_CHAT)
_ADD_PROMPT = insert(PendingPrompt)


def pop_prompt(session: Session, channel: str, chat_id: str) -> PendingPrompt | None:
    """Remove and return the chat's pending question, if any (a copy: the row is gone)."""
    where = {"channel": channel, "chat": chat_id}
    if session.get_bind().dialect.delete_returning:
        # One statement: the row deleted is the one returned (SQLite 3.35+, PostgreSQL). On the
        # connection: every message asks for it, and the ORM's DELETE .. RETURNING of an
        # entity costs several times the statement.
        row = session.connection().execute(_POP_PROMPT, where).one_or_none()
        return None if row is None else PendingPrompt(**row._mapping)
    prompt = session.scalars(_PROMPT_OF_CHAT, where).one_or_none()
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
    rows_changed(session, statement)
